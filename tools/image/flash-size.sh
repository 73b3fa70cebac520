#!/usr/bin/env bash
# What a runtime image occupies on a router's flash (issue 16: "image <= 60 MB on disk; routers have little flash").
#   tools/image/flash-size.sh STAGE_DIR [LABEL]      STAGE_DIR: the image's root (tools/target/image/root)
# Prints one line of KiB figures for STAGE_DIR/usr/lib/chisme (the runtime, jars, AOT cache if any):
#   unpacked   du -sk on this machine's ext4 (4 KiB blocks): what an x86/ext4 or eMMC install takes
#   apparent   the bytes of the files (du --apparent-size)
#   squashfs   mksquashfs -comp xz -b 256K -nopad -noappend -root-owned: how OpenWrt packs firmware (include/image.mk;
#              its own mksquashfs4 adds -Xpreset 9 -Xe -Xlc 0 -Xlp 2 -Xpb 2, which Debian's squashfs-tools 4.5
#              does not have; no BCJ filter for arm64, OpenWrt applies -Xbcj only for arm/x86/powerpc/sparc)
#   jffs2      mkfs.jffs2 --little-endian --squash-uids -e 128KiB -x rtime -m size (zlib): the overlay (rootfs_data)
#              where opkg installs packages on NOR flash; OpenWrt's kernels also have LZMA for JFFS2, which
#              Debian's mkfs.jffs2 lacks, so this is an upper bound
#   ubifs-lzo, ubifs-zlib  mkfs.ubifs -m 2048 -e 124KiB (2 KiB pages, 128 KiB blocks: common SPI-NAND) with that
#              compressor: the overlay on NAND routers
#   tar.xz     the package download (tar -cJ)
# Each filesystem figure is the image file minus that of an empty directory made the same way (the filesystem's
# own overhead), so they add up across packages. Needs squashfs-tools and mtd-utils (Debian packages).
set -euo pipefail
stage="$(cd "$1" && pwd)"
label="${2:-$(basename "$(dirname "$stage")")}"
src="$stage/usr/lib/chisme"
[ -d "$src" ] || { echo "flash-size: no $src" >&2; exit 2; }
for t in mksquashfs mkfs.jffs2 mkfs.ubifs; do
  command -v "$t" >/dev/null || { echo "flash-size: needs $t (apt-get install squashfs-tools mtd-utils)" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty"

kib() { echo $(( ($(stat -c %s "$1") + 1023) / 1024 )); }
squashfs() { mksquashfs "$1" "$work/sq" -comp xz -b 256K -nopad -noappend -root-owned -quiet >/dev/null; kib "$work/sq"; rm -f "$work/sq"; }
jffs2() { mkfs.jffs2 --little-endian --squash-uids -e 128KiB -x rtime -m size -d "$1" -o "$work/jf"; kib "$work/jf"; rm -f "$work/jf"; }
ubifs() { mkfs.ubifs -m 2048 -e 124KiB -c 4096 -x "$2" --squash-uids -r "$1" -o "$work/ub"; kib "$work/ub"; rm -f "$work/ub"; }
delta() { echo $(( $("$@" "$src") - $("$@" "$work/empty") )); }
ubi_delta() { echo $(( $(ubifs "$src" "$1") - $(ubifs "$work/empty" "$1") )); }

tar -C "$src" -cJf "$work/t.tar.xz" .
printf '%s unpacked=%s apparent=%s squashfs_xz=%s jffs2_zlib=%s ubifs_lzo=%s ubifs_zlib=%s tar_xz=%s (KiB)\n' "$label" \
  "$(du -sk "$src" | cut -f1)" "$(du -sk --apparent-size "$src" | cut -f1)" "$(delta squashfs)" "$(delta jffs2)" \
  "$(ubi_delta lzo)" "$(ubi_delta zlib)" "$(kib "$work/t.tar.xz")"

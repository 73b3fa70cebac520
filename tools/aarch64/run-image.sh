#!/usr/bin/env bash
# Proves the aarch64 runtime image (issue 16) under qemu-user: unpacks chisme-image-linux-aarch64.tar.xz, runs its own
# launcher (/usr/bin/chisme: jvm.options, jvm-profile.sh router, the fixed class path, the jlinked aarch64 runtime):
#   1. `chisme demo --nodes 3` (3 nodes on loopback, Kademlia + shared-state, in one JVM);
#   2. a node with the persistent Chronicle store: publish through the admin socket, SIGTERM, restart, get the value
#      back from the map files.
#   tools/aarch64/run-image.sh [TARBALL]    (default tools/target/image/chisme-image-linux-aarch64.tar.xz)
# Exit 0 = passed, 77 = skipped (no qemu or no aarch64 libc; reason printed), else failed.
# The only change to the unpacked tree: jre/bin/java becomes a shell wrapper that runs the real binary (renamed
# java.aarch64, same directory, so the JVM finds its home as usual) under qemu with the Debian arm64 sysroot of
# tools/aarch64/sysroot.sh for glibc (the image carries no libc: it needs glibc aarch64 Linux, docs/router.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tarball="${1:-$root/tools/target/image/chisme-image-linux-aarch64.tar.xz}"
cache="${CHISME_AARCH64_CACHE:-${HOME:-/tmp}/.cache/chisme-aarch64}"
step_s="${CHISME_AARCH64_TIMEOUT_S:-600}"
skip() { echo "aarch64 image: SKIPPED: $*" >&2; exit 77; }
[ -f "$tarball" ] || { echo "aarch64 image: no $tarball (CHISME_IMAGE_ARCH=aarch64 ./mvnw -B -ntp -Pimage -pl tools -am package -DskipTests)" >&2; exit 2; }
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
[ -n "$qemu" ] || skip "no qemu-aarch64(-static)"
sysroot="$cache/sysroot"
rc=0; "$root/tools/aarch64/sysroot.sh" arm64 "$sysroot" openjdk-25-jre-headless || rc=$?
[ "$rc" = 0 ] || skip "no Debian arm64 sysroot (sysroot.sh exit $rc)"

d="$(mktemp -d)"
node=""
cleanup() { [ -n "$node" ] && kill -TERM "$node" 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT
tar -C "$d" -xJf "$tarball"
jre="$d/usr/lib/chisme/jre"
file -L "$jre/bin/java" 2>/dev/null | grep -q 'aarch64' || { echo "aarch64 image: $jre/bin/java is not an aarch64 binary" >&2; exit 1; }
mv "$jre/bin/java" "$jre/bin/java.aarch64"
printf '#!/bin/sh\nexec "%s" -L "%s" "%s" "$@"\n' "$qemu" "$sysroot" "$jre/bin/java.aarch64" > "$jre/bin/java"
chmod +x "$jre/bin/java"
export CHISME_PREFIX="$d" CHISME_PROFILE=router CHISME_ARCH=aarch64 # the launcher's profile for an aarch64 router
chisme() { timeout "$step_s" "$d/usr/bin/chisme" "$@"; }

echo "aarch64 image: $(du -sk "$d/usr/lib/chisme" | cut -f1) KiB unpacked, $(du -k "$tarball" | cut -f1) KiB .tar.xz; $(chisme --version 2>&1 | head -1)"
start=$(date +%s)
chisme demo --nodes 3 --timeout-s $((step_s - 30)) | tail -2
echo "aarch64 image: 3-node demo passed in $(( $(date +%s) - start )) s under emulation"

start=$(date +%s)
data="$d/var/lib/chisme"
start_node() {
  "$d/usr/bin/chisme" node --data "$data" --bind 127.0.0.1 --port 0 > "$d/node.log" 2>&1 &
  node=$!
  for _ in $(seq 1 "$step_s"); do
    grep -q ' on udp ' "$d/node.log" && return 0
    kill -0 "$node" 2>/dev/null || break
    sleep 1
  done
  echo "aarch64 image: the node did not start:" >&2; tail -20 "$d/node.log" >&2; exit 1
}
stop_node() { kill -TERM "$node"; wait "$node" || true; node=""; }
start_node
value="hola desde aarch64 $(date +%s)"
# Alone, publish stores the value locally and exits 4 ("stored locally only"): the key is still printed.
key="$(chisme publish --data "$data" "$value" 2>/dev/null || true)"
[ "${#key}" = 40 ] || { echo "aarch64 image: publish printed no key: '$key'" >&2; tail -20 "$d/node.log" >&2; exit 1; }
stop_node
start_node
got="$(chisme get --data "$data" "$key")"
stop_node
[ "$got" = "$value" ] || { echo "aarch64 image: after a restart, get $key gave '$got', want '$value'" >&2; exit 1; }
echo "aarch64 image: Chronicle node: publish, restart, get -> the same value ($(( $(date +%s) - start )) s under emulation)"
echo "aarch64 image: passed"

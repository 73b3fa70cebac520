#!/usr/bin/env bash
# Fetches Debian 13 "trixie" packages of one architecture into a private sysroot, with a private apt state (the
# machine's own apt sources, lists and dpkg database are not touched; nothing is installed on the host).
#   tools/aarch64/sysroot.sh ARCH SYSROOT PACKAGE...     e.g. arm64 ~/.cache/chisme-aarch64/sysroot openjdk-25-jre-headless
# Exit 0 = unpacked (or already there), 77 = cannot (reason printed: no apt-get, Debian unreachable, no package).
# Used by run-tests.sh (the aarch64 JRE), build-image.sh with CHISME_IMAGE_ARCH=aarch64 (the arm64 jmods) and
# the Java 21 check (amd64 openjdk-21). Why Debian 13: Debian 12's arm64 has no JDK newer than 17.
set -euo pipefail
arch="$1" sysroot="$2"; shift 2
skip() { echo "sysroot: SKIPPED: $*" >&2; exit 77; }
command -v apt-get >/dev/null || skip "no apt-get to fetch Debian trixie $arch packages"
command -v dpkg-deb >/dev/null || skip "no dpkg-deb to unpack Debian packages"
stamp="$sysroot/.chisme-packages"
want="$arch $*"
if [ -f "$stamp" ] && grep -qxF "$want" "$stamp"; then exit 0; fi
a="$sysroot.apt"
mkdir -p "$a/etc/apt/preferences.d" "$a/etc/apt/sources.list.d" "$a/lists/partial" "$a/archives/partial" "$a/dpkg" "$sysroot"
touch "$a/dpkg/status"
echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
  > "$a/etc/apt/sources.list"
opts=(-o "Dir::Etc=$a/etc/apt" -o "Dir::State=$a" -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a" -o "Dir::Cache::archives=$a/archives"
      -o "Dir::State::status=$a/dpkg/status" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o Debug::NoLocking=1)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || skip "no /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring)"
if ! ls "$a"/lists/*Packages* >/dev/null 2>&1; then
  apt-get "${opts[@]}" -q update >/dev/null 2>&1 || skip "apt-get update of Debian trixie $arch failed (offline?)"
fi
apt-get "${opts[@]}" -q -y --no-install-recommends install --download-only "$@" >/dev/null 2>&1 \
  || skip "cannot download $* ($arch) from Debian trixie"
for d in "$a"/archives/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
[ -e "$sysroot/lib" ] || ln -s usr/lib "$sysroot/lib" # merged /usr: base-files (not fetched) makes this link
# Debian's JDKs link conf/* to /etc/java-N-openjdk/*: absolute links resolve against the host's /, so point them
# into the sysroot (without this the JVM fails with "Error loading java.security file").
find "$sysroot/usr/lib/jvm" -type l -lname '/*' 2>/dev/null | while read -r l; do
  t="$(readlink "$l")"
  if [ -e "$sysroot$t" ]; then ln -sfn "$sysroot$t" "$l"; fi
done
echo "$want" >> "$stamp"

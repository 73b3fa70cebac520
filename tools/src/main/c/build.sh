#!/bin/sh
# Builds the native admin client (chisme-client.c) into $1 (default: tools/target/native). Needs a C
# compiler: $CC, else cc, else gcc. Static when the C library allows it (no shared libc needed on the
# router), else dynamic. Fails with one clear line when no compiler is found.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../../target/native}"
mkdir -p "$out"
cc="${CC:-}"
if [ -z "$cc" ]; then
  for c in cc gcc clang; do
    if command -v "$c" >/dev/null 2>&1; then cc="$c"; break; fi
  done
fi
if [ -z "$cc" ]; then
  echo "chisme: no C compiler found (install gcc, or set CC) to build the native client; skip with -Dchisme.native.skip=true" >&2
  exit 1
fi
src="$here/chisme-client.c"
flags="-std=c99 -O2 -s -Wall -Wextra -Werror"
if ! "$cc" $flags -static -o "$out/chisme-client" "$src" 2>/dev/null; then
  "$cc" $flags -o "$out/chisme-client" "$src"
fi
echo "chisme: built $out/chisme-client with $cc"

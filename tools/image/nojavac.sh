#!/usr/bin/env bash
# Builds nojavac.jar, the stand-in for javac's JavacTool (tools/image/nojavac, see its javadoc), for a runtime
# without the jdk.compiler module: the runtime image (build-image.sh) and ./chisme on a full JDK, which runs with
# --limit-modules "$(cat tools/image/modules)" (issue 16, session 7).
#   tools/image/nojavac.sh JDK OUT_JAR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jdk="$1" out="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$jdk/bin/javac" --release 25 --limit-modules java.base,java.compiler -d "$tmp/classes" "$here/nojavac/com/sun/tools/javac/api/JavacTool.java"
mkdir -p "$(dirname "$out")"
"$jdk/bin/jar" --create --file "$tmp/nojavac.jar" -C "$tmp/classes" .
mv "$tmp/nojavac.jar" "$out"

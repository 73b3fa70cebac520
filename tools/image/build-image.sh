#!/usr/bin/env bash
# Builds chisme's runtime image for the host (issue 16): a jlink runtime of exactly the modules chisme needs,
# the jars, an AOT cache made by a training run, and the tarball a router package installs:
#   /usr/lib/chisme/jre/           jlink runtime (bin/java, lib/modules); "jre" is where issue 14's OpenWrt
#                                  package (packaging/openwrt/chisme) looks for a Java runtime
#   /usr/lib/chisme/lib/*.jar      chisme and its libraries (+ nojavac.jar, see below)
#   /usr/lib/chisme/classpath      the class path, in the order the AOT cache was made with
#   /usr/lib/chisme/jvm.options    library flags (parent pom chisme.jvm.flags) + -XX:AOTCache
#   /usr/lib/chisme/jvm-profile.sh the router/server JVM profile (tools/launcher/jvm-profile.sh)
#   /usr/lib/chisme/chisme.aot     AOT cache (JEP 483/514), trained by running a node with Chronicle stores; left out
#                                  with CHISME_IMAGE_AOT=0 (28 MB unpacked, 5.5 MB on squashfs-xz; docs/router.md)
#   /usr/bin/chisme                launcher
#   /etc/chisme/chisme.conf        default config (packaging/ of issue 14 owns the real default, if present)
#   /etc/init.d/chisme             procd init script: packaging/openwrt/chisme/files/chisme.init (issue 14) when
#                                  it exists, else a placeholder
#   /lib/systemd/system/chisme.service  packaging/systemd/chisme.service (issue 14), when it exists
# Usage: tools/image/build-image.sh TOOLS_TARGET_DIR OUT_DIR      (run by: ./mvnw -Pimage -pl tools -am package)
#        CHISME_IMAGE_ARCH=aarch64 tools/image/build-image.sh ...   (or CHISME_IMAGE_ARCH=aarch64 ./mvnw -Pimage ...)
# builds chisme-image-linux-aarch64.tar.xz on an x86-64 host: the host's jlink links Debian 13's arm64 jmods
# (openjdk-25-jdk-headless:arm64, fetched by tools/aarch64/sysroot.sh into CHISME_AARCH64_CACHE), and the
# training runs (class list, AOT cache) run the new aarch64 runtime under qemu-user (qemu-aarch64-static).
# Env: CHISME_JAVA_HOME (JDK 25 with jmods or a jlink-able runtime), CHISME_IMAGE_COMPILER=1 keeps jdk.compiler
# instead of the nojavac stand-in, CHISME_IMAGE_AOT=0 leaves the AOT cache out (the default since session 7: start
# CPU 1.5 -> 0.7 s, +28 MB unpacked but +5.3 MB on squashfs, +9.4 MB on JFFS2, +1 MiB idle RSS), CHISME_IMAGE_TRAIN_S (seconds a training node runs after its start line, default 5),
# CHISME_IMAGE_AOT_OPTS (extra JVM options of the AOT training run, e.g. -XX:-AOTClassLinking),
# CHISME_IMAGE_MODULES=hot|zip|plain (how lib/modules is compressed, see pass 2 below).
set -euo pipefail
aot="${CHISME_IMAGE_AOT:-1}"
[ "$aot" = 0 ] && aot=""
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$(cd "$1" && pwd)"
out="$2"
jdk="${CHISME_JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}"
[ -x "$jdk/bin/jlink" ] || { echo "build-image: no JDK 25 with jlink (set CHISME_JAVA_HOME)" >&2; exit 2; }
arch="$(uname -m)"
# Cross-linking (issue 16): jlink links whatever platform its --module-path's java.base is for; the jmods must be
# of the same feature release as the running jlink (checked by jlink; 25.0.3 linked Debian's 25.0.5 jmods, and
# the result ran). Programs of the new runtime run through $run (qemu-user when the platform is not the host's).
jmods=() run=() strip_tool=strip strip_opt=--strip-debug
if [ -n "${CHISME_IMAGE_ARCH:-}" ] && [ "${CHISME_IMAGE_ARCH}" != "$arch" ]; then
  case "$CHISME_IMAGE_ARCH" in aarch64|arm64) ;; *) echo "build-image: CHISME_IMAGE_ARCH must be aarch64 (or the host's $arch)" >&2; exit 2 ;; esac
  arch=aarch64
  sysroot="${CHISME_AARCH64_CACHE:-${HOME:-/tmp}/.cache/chisme-aarch64}/sysroot"
  "$root/tools/aarch64/sysroot.sh" arm64 "$sysroot" openjdk-25-jdk-headless \
    || { echo "build-image: cannot fetch Debian's openjdk-25-jdk-headless:arm64 (its arm64 jmods)" >&2; exit 2; }
  qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
  [ -n "$qemu" ] || { echo "build-image: an aarch64 image needs qemu-aarch64-static (Debian qemu-user-static) for its training run" >&2; exit 2; }
  jmods=(--module-path "$sysroot/usr/lib/jvm/java-25-openjdk-arm64/jmods" --exclude-files='**.debuginfo')
  run=("$qemu" -L "$sysroot")
  # Debian's jmods carry unstripped libraries (libjvm.so 28 MB; its debug info is in the excluded .debuginfo
  # files); the host's strip knows x86 only.
  strip_tool="$(command -v aarch64-linux-gnu-strip || true)"
  # --strip-debug includes jlink's native stripping, which runs the host's objcopy (x86 only: an error per library).
  strip_opt=--strip-java-debug-attributes
  [ -n "$strip_tool" ] || echo "build-image: no aarch64-linux-gnu-strip (Debian binutils-aarch64-linux-gnu): libraries left unstripped (+~4 MB)" >&2
  export CHISME_ARCH=aarch64 # jvm-profile.sh: the aarch64 options (CRC32C intrinsic off) for the training runs
fi
jar="$(ls "$target"/chisme-tools-*.jar | grep -v -- '-sources\|-tests' | head -1)"
[ -f "$jar" ] && [ -d "$target/lib" ] || { echo "build-image: build the tools module first (no $target/lib)" >&2; exit 2; }

stage="$out/root"
lib="$stage/usr/lib/chisme"
rm -rf "$out" && mkdir -p "$lib/lib" "$stage/usr/bin" "$stage/etc/chisme" "$stage/etc/init.d"

# Modules: java.base; java.compiler (javax.tools: the OpenHFT compiler utility's types); jdk.unsupported
# (sun.misc.Unsafe: Chronicle, Agrona); java.management (Chronicle reads JVM facts through it); jdk.net
# (socket options); java.naming (Chronicle's host-name helpers). jdeps also lists java.desktop and java.sql
# (optional Chronicle and jline paths): not needed, measured by running a node without them.
# The list is tools/image/modules (./chisme runs a full JDK limited to the same modules).
modules="$(cat "$here/modules")"
if [ -n "${CHISME_IMAGE_COMPILER:-}" ]; then
  modules="$modules,jdk.compiler"
fi
# No --generate-cds-archive: a node runs with -Xshare:off (jvm-profile.sh: the relocated archive costs more RSS
# than the classes it holds) or with the AOT cache made below, which holds the JDK's classes too.
jlink_image() { # jlink_image OUT [extra jlink options...]
  local o="$1"; shift
  "$jdk/bin/jlink" "${jmods[@]}" --add-modules "$modules" "$strip_opt" --no-header-files --no-man-pages "$@" --output "$o"
  # jlink leaves the JDK's symbol tables in libjvm.so (29 -> 24.8 MB stripped).
  if [ -n "$strip_tool" ] && command -v "$strip_tool" >/dev/null; then
    find "$o" -name '*.so' -exec "$strip_tool" --strip-unneeded {} +
  fi
}
# The modules file, in two passes. A compressed (zip-6) modules file kept ~9.6 MiB of itself resident and
# private in every node (the JVM reads compressed resources through its mapping of the whole file); an
# uncompressed one costs only the pages of the classes read (~0.6 MiB) but is 27.7 MB instead of 12.8 on disk.
# So: the ~2,000 classes a node loads go first (--order-resources) and uncompressed, every other resource is
# compressed (the compress plugin's filter). Pass 1 (uncompressed, temporary) runs a node to list the classes
# it loads; pass 2 is the image. Measured: 44 MB runtime, 0.6 MiB of it resident (docs/benchmarks.md, issue 16).
jlink_image "$out/jre-plain"

cp "$jar" "$lib/lib/chisme-tools.jar"
# Left out: jnr-ffi, jffi, jnr-*asm, jnr-constants and asm: Chronicle's POSIX binding, which chisme replaces
# with the no-op one (store ChronicleRuntime); never loaded by a node (class-load log, issue 16).
for f in "$target"/lib/*.jar; do
  case "$(basename "$f")" in
    jnr-*|jffi-*|asm-*) ;;
    *) cp "$f" "$lib/lib/" ;;
  esac
done
if [ -z "${CHISME_IMAGE_COMPILER:-}" ]; then
  # Stand-in for javac's JavacTool so Chronicle initialises without jdk.compiler (see its javadoc).
  "$here/nojavac.sh" "$jdk" "$lib/lib/nojavac.jar"
fi
# The native admin client is built for the host by the tools module: not copied into an image for another platform.
if [ -x "$target/native/chisme-client" ] && [ ${#run[@]} = 0 ]; then
  mkdir -p "$lib/native" && cp "$target/native/chisme-client" "$lib/native/"
fi
# A fixed class path (not lib/*: a wildcard's order is the directory's, and the AOT cache checks the path).
cp_line=""
for f in "$lib"/lib/*.jar; do cp_line="$cp_line${cp_line:+:}/usr/lib/chisme/lib/$(basename "$f")"; done
echo "$cp_line" > "$lib/classpath"
flags="$(sed -n 's:.*<chisme.jvm.flags>\(.*\)</chisme.jvm.flags>.*:\1:p' "$root/pom.xml")"
if [ -z "${CHISME_IMAGE_COMPILER:-}" ]; then
  # The flags name jdk.compiler packages; without the module the JVM warns about them on every start.
  flags="$(echo "$flags" | sed 's: --add-[a-z]* jdk\.compiler/[^ ]*::g')"
fi
echo "$flags" > "$lib/jvm.options"
cp "$root/tools/launcher/jvm-profile.sh" "$lib/jvm-profile.sh"

# A node run on a runtime until its start line + CHISME_IMAGE_TRAIN_S seconds, then SIGTERM; extra JVM options
# in "$@". Used for the class list (pass 1) and the AOT cache.
train_node() { # train_node JAVA LOG [jvm options...]
  local java="$1" log="$2"; shift 2
  local dir opts cpath pid
  dir="$(mktemp -d)"
  opts="$(sed "s:/usr/lib/chisme:$lib:g" "$lib/jvm.options")"
  cpath="$(sed "s:/usr/lib/chisme:$lib:g" "$lib/classpath")"
  # shellcheck disable=SC2086
  "${run[@]}" "$java" $opts $(CHISME_AOT_CACHE="$aot" sh "$lib/jvm-profile.sh" router) "$@" -cp "$cpath" \
    chisme.tools.Chisme node --data "$dir/data" --bind 127.0.0.1 --port 0 > "$log" 2>&1 &
  pid=$!
  # Wait for the node's start line (a loaded build machine can take many seconds), then let it run: a SIGTERM
  # during JVM initialisation aborts it ("Bad level") and no AOT cache is written.
  for _ in $(seq 1 "${CHISME_IMAGE_START_S:-300}"); do
    grep -q ' on udp ' "$log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  sleep "${CHISME_IMAGE_TRAIN_S:-5}"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  rm -rf "$dir"
}

# Pass 1: which JDK classes a node loads, as jimage paths (/module/pkg/Name.class).
train_node "$out/jre-plain/bin/java" "$out/classlist.log" -Xlog:class+load=info:file="$out/classload.log"
grep -o '[^ ]* source: jrt:/[a-z.]*' "$out/classload.log" \
  | awk '{m=$3; sub("jrt:","",m); c=$1; gsub("[.]","/",c); print m"/"c".class"}' > "$out/hot-classes"
[ "$(wc -l < "$out/hot-classes")" -gt 500 ] || { echo "build-image: the class-list run loaded too few JDK classes; see $out/classlist.log" >&2; exit 1; }
"$jdk/bin/jimage" list "$out/jre-plain/lib/modules" | awk '/^Module: /{m=$2; next} NF==1 {print "/"m"/"$1}' | sort > "$out/all-resources"
sort "$out/hot-classes" | comm -23 "$out/all-resources" - > "$out/cold-resources"
# Pass 2: the image's runtime. CHISME_IMAGE_MODULES (issue 16, session 7; figures in docs/router.md) chooses how:
#   hot (default)  hot classes first and uncompressed, the rest zip-6 (the RSS reason above)
#   zip            everything zip-6: smallest unpacked; with an AOT cache the hot classes come from the cache, not
#                  from lib/modules, so their compression costs no start time there
#   plain          nothing compressed: largest unpacked, but smallest on a compressing filesystem (squashfs, JFFS2,
#                  UBIFS), where zip-6 inside the file keeps xz/zlib from compressing it better
case "${CHISME_IMAGE_MODULES:-hot}" in
  hot) jlink_image "$lib/jre" --order-resources=@"$out/hot-classes" --compress=zip-6:filter=@"$out/cold-resources" ;;
  zip) jlink_image "$lib/jre" --order-resources=@"$out/hot-classes" --compress=zip-6 ;;
  plain) jlink_image "$lib/jre" --order-resources=@"$out/hot-classes" ;;
  *) echo "build-image: CHISME_IMAGE_MODULES must be hot, zip or plain" >&2; exit 2 ;;
esac
rm -rf "$out/jre-plain"

cat > "$stage/usr/bin/chisme" <<'LAUNCHER'
#!/bin/sh
# chisme launcher of the runtime image (tools/image/build-image.sh). CHISME_PROFILE: auto|router|server;
# CHISME_JAVA_OPTS: extra JVM options (last, so they win). CHISME_PREFIX: where the image is unpacked if not /.
prefix="${CHISME_PREFIX:-}"
lib="$prefix/usr/lib/chisme"
opts="$(sed "s:/usr/lib/chisme:$lib:g" "$lib/jvm.options")"
cp="$(sed "s:/usr/lib/chisme:$lib:g" "$lib/classpath")"
# An image built with its AOT cache (the default; not with CHISME_IMAGE_AOT=0) uses it; the profile then keeps
# class data sharing on.
if [ -f "$lib/chisme.aot" ]; then
  opts="$opts -XX:AOTCache=$lib/chisme.aot"; export CHISME_AOT_CACHE="$lib/chisme.aot"
fi
profile="$("$lib/jvm-profile.sh")" || exit 5
# shellcheck disable=SC2086
exec "$lib/jre/bin/java" $opts $profile ${CHISME_JAVA_OPTS:-} -cp "$cp" chisme.tools.Chisme "$@"
LAUNCHER
chmod +x "$stage/usr/bin/chisme" "$lib/jvm-profile.sh"

pkg="$root/packaging"
if [ -f "$pkg/openwrt/chisme/files/chisme.conf" ]; then
  cp "$pkg/openwrt/chisme/files/chisme.conf" "$stage/etc/chisme/chisme.conf"
else
  cat > "$stage/etc/chisme/chisme.conf" <<'CONF'
# chisme node configuration (key = value; docs/configuration.md). Every key is also a flag of `chisme node`.
data = /var/lib/chisme
CONF
fi
if [ -f "$pkg/openwrt/chisme/files/chisme.init" ]; then
  cp "$pkg/openwrt/chisme/files/chisme.init" "$stage/etc/init.d/chisme"
else
  printf '#!/bin/sh\n# placeholder: the procd/systemd files live in packaging/ (issue 14)\nexec /usr/bin/chisme node -c /etc/chisme/chisme.conf\n' \
    > "$stage/etc/init.d/chisme"
fi
if [ -f "$pkg/systemd/chisme.service" ]; then
  mkdir -p "$stage/lib/systemd/system" && cp "$pkg/systemd/chisme.service" "$stage/lib/systemd/system/"
fi
chmod +x "$stage/etc/init.d/chisme"

# AOT cache (JEP 514 one-step), unless CHISME_IMAGE_AOT=0: train with the router profile on a node with the
# persistent Chronicle stores, up and answering for a few seconds, then SIGTERM (the cache is written as the JVM
# exits). It holds every class the node loaded (~3,500, JDK's and chisme's): 28 MB, start CPU 1.3 -> 0.6 s.
if [ -n "$aot" ] && [ ${#run[@]} = 0 ]; then
  # shellcheck disable=SC2086
  train_node "$lib/jre/bin/java" "$out/training.log" -XX:AOTCacheOutput="$lib/chisme.aot" ${CHISME_IMAGE_AOT_OPTS:-}
elif [ -n "$aot" ]; then
  # Under qemu the one-step form fails: the training JVM execs bin/java to assemble the cache, and an aarch64 binary
  # cannot be exec'd without binfmt_misc. So the two-step form (JEP 483): record a configuration, then create the
  # cache in a second JVM started through qemu, with the same options and class path.
  train_node "$lib/jre/bin/java" "$out/training.log" -XX:AOTMode=record -XX:AOTConfiguration="$out/chisme.aotconf"
  [ -s "$out/chisme.aotconf" ] || { echo "build-image: no AOT configuration recorded; see $out/training.log" >&2; exit 1; }
  # shellcheck disable=SC2046
  "${run[@]}" "$lib/jre/bin/java" $(sed "s:/usr/lib/chisme:$lib:g" "$lib/jvm.options") \
    $(CHISME_AOT_CACHE=1 sh "$lib/jvm-profile.sh" router) -XX:AOTMode=create -XX:AOTConfiguration="$out/chisme.aotconf" \
    -XX:AOTCache="$lib/chisme.aot" -cp "$(sed "s:/usr/lib/chisme:$lib:g" "$lib/classpath")" > "$out/aot-create.log" 2>&1 \
    || { echo "build-image: creating the AOT cache failed; see $out/aot-create.log" >&2; tail -5 "$out/aot-create.log" >&2; exit 1; }
fi
# Either way: the cache is the image's default, so a training run that wrote none fails the build (the launcher
# would silently run without it).
if [ -n "$aot" ]; then
  [ -s "$lib/chisme.aot" ] || { echo "build-image: no AOT cache written; see $out/training.log" >&2; tail -5 "$out/training.log" >&2; exit 1; }
fi

tarball="$out/chisme-image-linux-$arch.tar.xz"
tar -C "$stage" -cJf "$tarball" $(cd "$stage" && ls -d usr etc lib 2>/dev/null)
echo "image: $(du -sk "$stage/usr/lib/chisme" | cut -f1) KiB on disk (runtime $(du -sk "$lib/jre" | cut -f1) KiB," \
  "jars $(du -sk "$lib/lib" | cut -f1) KiB, AOT cache $(du -sk "$lib/chisme.aot" 2>/dev/null | cut -f1) KiB); $tarball $(du -k "$tarball" | cut -f1) KiB"

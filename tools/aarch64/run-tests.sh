#!/usr/bin/env bash
# aarch64 proof (issue 16): runs the wire and store tests (real Chronicle stores, kill -9 recovery) and a
# 3-node loopback network on an aarch64 JDK 25 under qemu-user, on an x86-64 Debian machine.
#   tools/aarch64/run-tests.sh            # exit 0 = passed; 77 = skipped (reason printed); else failed
# Needs: qemu-aarch64-static (Debian package qemu-user-static; installed with apt-get when missing and we
# are root), apt-get (downloads Debian 13 "trixie" arm64 openjdk-25-jre-headless and its libraries into a
# private sysroot with a private apt state: the machine's own apt configuration is not touched).
# Env: CHISME_AARCH64_CACHE (sysroot, default ~/.cache/chisme-aarch64), CHISME_AARCH64_TIMEOUT_S (default
# 1500, per step), CHISME_AARCH64_JIT (extra JVM flags, e.g. -XX:TieredStopAtLevel=1), CHISME_AARCH64_TESTS
# (surefire -Dtest filter instead of the default one below).
# Emulation makes everything 10-40x slower than native: timings from this script say nothing about a router.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${CHISME_AARCH64_CACHE:-$HOME/.cache/chisme-aarch64}"
budget="${CHISME_AARCH64_TIMEOUT_S:-1500}"
skip() { echo "aarch64: SKIPPED: $*" >&2; exit 77; }

qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
if [ -z "$qemu" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null 2>&1 || skip "cannot install qemu-user-static"
    qemu="$(command -v qemu-aarch64-static)" || skip "qemu-user-static installed but no qemu-aarch64-static"
  else
    skip "no qemu-aarch64(-static) and cannot install it (needs root and apt-get)"
  fi
fi

sysroot="$cache/sysroot"
jdk="$sysroot/usr/lib/jvm/java-25-openjdk-arm64"
if [ ! -x "$jdk/bin/java" ]; then
  command -v apt-get >/dev/null || skip "no apt-get to fetch the Debian arm64 JDK"
  a="$cache/apt"
  mkdir -p "$a/etc/apt/preferences.d" "$a/etc/apt/sources.list.d" "$a/lists/partial" "$a/archives/partial" "$a/dpkg" "$sysroot"
  touch "$a/dpkg/status"
  # Debian 12 has no arm64 JDK newer than 17; Debian 13 has openjdk-25 (and 21).
  echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    > "$a/etc/apt/sources.list"
  opts=(-o "Dir::Etc=$a/etc/apt" -o "Dir::State=$a" -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a" -o "Dir::Cache::archives=$a/archives"
        -o "Dir::State::status=$a/dpkg/status" -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1)
  apt-get "${opts[@]}" -q update >/dev/null || skip "apt-get update of Debian trixie arm64 failed (offline?)"
  apt-get "${opts[@]}" -q -y --no-install-recommends install --download-only openjdk-25-jre-headless >/dev/null \
    || skip "cannot download openjdk-25-jre-headless:arm64 from Debian trixie"
  for d in "$a"/archives/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
  [ -e "$sysroot/lib" ] || ln -s usr/lib "$sysroot/lib" # merged /usr: base-files (not fetched) makes this link
fi
# Debian's JDK links conf/* to /etc/java-25-openjdk/*: absolute links resolve against the host's /, so point
# them into the sysroot (without this the JVM fails with "Error loading java.security file").
find "$jdk" -type l -lname '/*' | while read -r l; do
  t="$(readlink "$l")"
  if [ -e "$sysroot$t" ]; then ln -sfn "$sysroot$t" "$l"; fi
done

# A JAVA_HOME whose bin/java runs the aarch64 java under qemu (surefire's -Djvm and the harness use it).
home="$cache/jhome"
mkdir -p "$home/bin"
cp "$jdk/release" "$home/release"
cat > "$home/bin/java" <<WRAP
#!/bin/sh
exec "$qemu" -L "$sysroot" "$jdk/bin/java" ${CHISME_AARCH64_JIT:-} "\$@"
WRAP
chmod +x "$home/bin/java"
echo "aarch64: $("$home/bin/java" -version 2>&1 | sed -n 2p) via $qemu; os.arch $("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os\.arch = //p')"

cd "$root"
start=$(date +%s)
# Compiled on the host (javac output is platform-neutral); tests forked on the aarch64 JVM. Left out of the
# surefire run: WirePropertiesTest (jqwik, ~1,200 generated cases: 20-150 s natively, over an hour emulated;
# it checks logic, not the platform: the byte-level vector and round-trip tests run), AllocationTest (300,000
# warm-up and measured calls: 5-15 s natively, ~100x that emulated) and the store tests that start child JVMs (KillRecoveryTest, RuntimeFaultMessageTest) - they
# exec the aarch64 java binary directly, which needs binfmt_misc (not available in a container); the kill -9
# case runs below through the qemu wrapper instead. Separate output folders: a host build is not disturbed.
t=target-aarch64
timeout "$budget" ./mvnw -B -ntp -Dchisme.target=$t -pl wire,store -am test -Djvm="$home/bin/java" \
  -Dtest="${CHISME_AARCH64_TESTS:-!WirePropertiesTest,!AllocationTest,!KillRecoveryTest,!RuntimeFaultMessageTest}" \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.timeout=$((budget - 60)) | grep -E 'Tests run:|FAIL' || true
grep -h 'Tests run' wire/$t/surefire-reports/*.txt store/$t/surefire-reports/*.txt | awk -F'[:,]' \
  '{r+=$2; f+=$4; e+=$6; s+=$8} END {printf "aarch64: wire+store: %d tests, %d failures, %d errors, %d skipped\n", r, f, e, s; exit (f+e>0)}'
echo "aarch64: tests took $(( $(date +%s) - start )) s under emulation"

# kill -9 of a writer on the real Chronicle stores, then a reopen that must recover every acknowledged
# write (store test class CrashWriter, the child of KillRecoveryTest).
cp_store="store/$t/test-classes:store/$t/classes:wire/$t/classes:$(./mvnw -q -B -ntp -Dchisme.target=$t -pl store -am \
  dependency:build-classpath -Dmdep.outputFile=/dev/stdout 2>/dev/null | tr '\n' ':')"
flags="$(sed -n 's:.*<chisme.jvm.flags>\(.*\)</chisme.jvm.flags>.*:\1:p' pom.xml)"
crash="$(mktemp -d)"
# shellcheck disable=SC2086
"$home/bin/java" $flags -cp "$cp_store" chisme.store.CrashWriter "$crash/data" 0 > "$crash/run1" 2>/dev/null &
writer=$!
for _ in $(seq 1 600); do
  n=$(grep -c '^ACK' "$crash/run1" 2>/dev/null || true)
  [ "${n:-0}" -ge 2000 ] && break
  sleep 1
done
kill -9 "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
acked=$(grep -c '^ACK' "$crash/run1" || true)
[ "$acked" -gt 0 ] || { echo "aarch64: kill -9: the writer acknowledged nothing in 600 s" >&2; exit 1; }
# shellcheck disable=SC2086
"$home/bin/java" $flags -cp "$cp_store" chisme.store.CrashWriter "$crash/data" "$acked" > "$crash/run2" 2>/dev/null &
reader=$!
for _ in $(seq 1 600); do
  grep -q '^VERIFIED' "$crash/run2" 2>/dev/null && break
  sleep 1
done
kill -9 "$reader" 2>/dev/null || true
wait "$reader" 2>/dev/null || true
verified="$(grep -m1 '^VERIFIED' "$crash/run2" || echo 'no VERIFIED line in 600 s')"
rm -rf "$crash"
echo "aarch64: kill -9 after $acked acknowledged writes, reopen: $verified"
case "$verified" in *"recovered=true missing=0 bad=0"*) ;; *) exit 1 ;; esac

# A 3-node loopback network (Kademlia + shared-state) on the aarch64 JVM: chisme demo --nodes 3.
./mvnw -B -ntp -q -Dchisme.target=$t -pl tools -am package -DskipTests -Dchisme.native.skip=true >/dev/null
jar="$(ls tools/$t/chisme-tools-*.jar | grep -v -- '-sources\|-tests' | head -1)"
start=$(date +%s)
# shellcheck disable=SC2086
timeout "$budget" "$home/bin/java" $flags $(CHISME_ARCH=aarch64 sh tools/launcher/jvm-profile.sh router) -cp "$jar:tools/$t/lib/*" \
  chisme.tools.Chisme demo --nodes 3 --timeout-s $((budget / 2))
echo "aarch64: 3-node demo took $(( $(date +%s) - start )) s under emulation"

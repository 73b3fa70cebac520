#!/usr/bin/env bash
# aarch64 proof (issue 16): chisme's tests and a 3-node loopback network on an aarch64 JDK 25 under qemu-user, on
# an x86-64 Debian machine.
#   tools/aarch64/run-tests.sh           full: wire + store tests, kill -9 recovery, 3-node demo (~20 min at load 30)
#   tools/aarch64/run-tests.sh --quick   CI's stage (.ci/run): wire round-trip, vector, decoder and signature tests,
#                                        the Chronicle store contract tests and the 3-node demo, under one wall-clock
#                                        bound (2.5-6.5 min at load 3-9; docs/benchmarks.md)
# Exit 0 = passed; 77 = skipped, reason printed (no qemu, no apt/Debian, or --quick not finished within its bound
# under emulation); anything else = a test failed.
# Needs: qemu-aarch64-static (Debian package qemu-user-static; installed with apt-get when missing and we are root),
# apt-get (tools/aarch64/sysroot.sh fetches Debian 13 "trixie" arm64 openjdk-25-jre-headless into a private sysroot).
# Env: CHISME_AARCH64_CACHE (default ~/.cache/chisme-aarch64), CHISME_AARCH64_TIMEOUT_S (full mode: per step, default
# 1500), CHISME_AARCH64_QUICK_S (--quick: the whole run, setup included, default 420), CHISME_AARCH64_JIT (extra JVM
# flags for the tests, e.g. -XX:TieredStopAtLevel=1), CHISME_AARCH64_TESTS (surefire -Dtest filter instead of the
# mode's own), CHISME_AARCH64_TARGET (Maven output folder: full mode target-aarch64 so a host build is not
# disturbed; --quick reuses the host's `target`, which in CI is what `verify` just built).
# Emulation makes everything 10-100x slower than native: timings from this script say nothing about a router.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tools/aarch64"
mode=full
case "${1:-}" in
  --quick) mode=quick ;;
  '') ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
cache="${CHISME_AARCH64_CACHE:-${HOME:-/tmp}/.cache/chisme-aarch64}"
began=$(date +%s)
quick_s="${CHISME_AARCH64_QUICK_S:-420}"
exec 3>&2 # skip() writes here: a step's own stderr may be going to a log file
skip() { echo "aarch64: SKIPPED: $*" >&3; exit 77; }

# Seconds a step may take: full mode, CHISME_AARCH64_TIMEOUT_S each; --quick, what is left of its one bound.
# Prints nothing and fails when --quick's time is up (callers skip: `budget=$(step_budget) || out_of_time`).
step_budget() {
  if [ "$mode" = full ]; then echo "${CHISME_AARCH64_TIMEOUT_S:-1500}"; return; fi
  local left=$((began + quick_s - $(date +%s)))
  [ "$left" -gt 0 ] && echo "$left"
}
# setup_s DEFAULT: a setup step's timeout: DEFAULT, in --quick at most what is left of the bound (none left: skip).
setup_s() {
  local left
  if [ "$mode" = full ]; then echo "$1"; return; fi
  left="$(step_budget)" || out_of_time "setup"
  echo $(( left < $1 ? left : $1 ))
}
out_of_time() { skip "${1:+$1: }not finished within $quick_s s under emulation (CHISME_AARCH64_QUICK_S)"; }
# run_step NAME COMMAND...: the command under the step's budget. `timeout` signals its whole process group, so
# Maven's forked test JVM (a qemu process) goes too. In --quick, running out of time is a skip, not a failure:
# emulation speed depends on the machine's load, not on chisme.
run_step() {
  local name="$1" budget rc=0; shift
  budget="$(step_budget)" || out_of_time "$name"
  timeout --kill-after=15 "$budget" "$@" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    [ "$mode" = quick ] && out_of_time "$name"
    echo "aarch64: $name: not finished within $budget s" >&2; exit 1
  fi
  return "$rc"
}

qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
if [ -z "$qemu" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # A fresh machine's package lists may be missing or stale: update once when the first install fails.
    { timeout "$(setup_s 300)" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null 2>&1 \
      || { timeout "$(setup_s 300)" apt-get update -qq >/dev/null 2>&1 \
           && timeout "$(setup_s 300)" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null 2>&1; }; } \
      || skip "cannot install qemu-user-static with apt-get"
    qemu="$(command -v qemu-aarch64-static)" || skip "qemu-user-static installed but no qemu-aarch64-static"
  else
    skip "no qemu-aarch64(-static) and cannot install it (needs root and apt-get)"
  fi
fi

mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || skip "cannot write the cache folder $cache (CHISME_AARCH64_CACHE)"
sysroot="$cache/sysroot"
jdk="$sysroot/usr/lib/jvm/java-25-openjdk-arm64"
# Any failure here is the machine's (network, apt), not chisme's: a skip with the reason, never a failure.
rc=0; timeout "$(setup_s 600)" "$here/sysroot.sh" arm64 "$sysroot" openjdk-25-jre-headless || rc=$?
[ "$rc" = 0 ] || skip "no aarch64 JDK 25 from Debian trixie (sysroot.sh exit $rc; see the line above)"

# A JAVA_HOME whose bin/java runs the aarch64 java under qemu (surefire's -Djvm and the steps below use it).
home="$cache/jhome"
mkdir -p "$home/bin"
cp "$jdk/release" "$home/release"
cat > "$home/bin/java" <<WRAP
#!/bin/sh
exec "$qemu" -L "$sysroot" "$jdk/bin/java" \${CHISME_AARCH64_JIT:-} "\$@"
WRAP
chmod +x "$home/bin/java"
run_step "java -version" "$home/bin/java" -XshowSettings:properties -version > "$cache/version.txt" 2>&1 \
  || { cat "$cache/version.txt" >&2; exit 1; }
version="$(cat "$cache/version.txt")"
echo "aarch64: $(echo "$version" | grep -m1 'Runtime Environment.*(build') via $qemu; os.arch $(echo "$version" | sed -n 's/^ *os\.arch = //p')"

cd "$root"
if [ "$mode" = quick ]; then
  t="${CHISME_AARCH64_TARGET:-target}"
  # Chosen to cover what can differ by platform: the frames byte for byte (RoundTripTest, VectorTest, the decoder's
  # rejections, the signed-book frames: SignedBooksVectorTest) and the real Chronicle Map files
  # (the two contract tests: memory-mapped off-heap data, CRC32C per record). ~2 min emulated at load 3-5.
  tests="${CHISME_AARCH64_TESTS:-RoundTripTest,VectorTest,MessageDecoderTest,SignedBooksVectorTest,ChronicleTupleStoreTest,ChronicleBookStoreTest}"
else
  t="${CHISME_AARCH64_TARGET:-target-aarch64}"
  # Compiled on the host (javac output is platform-neutral); tests forked on the aarch64 JVM. Left out:
  # WirePropertiesTest (jqwik, ~1,200 generated cases: 20-150 s natively, over an hour emulated; it checks logic,
  # not the platform: the byte-level vector and round-trip tests run), AllocationTest (300,000 warm-up and measured
  # calls: 5-15 s natively, ~100x that emulated) and the store tests that start child JVMs (KillRecoveryTest,
  # RuntimeFaultMessageTest) - they exec the aarch64 java binary directly, which needs binfmt_misc (not available
  # in a container); the kill -9 case runs below through the qemu wrapper instead.
  tests="${CHISME_AARCH64_TESTS:-!WirePropertiesTest,!AllocationTest,!KillRecoveryTest,!RuntimeFaultMessageTest}"
fi
start=$(date +%s)
rm -f wire/$t/surefire-reports/*.txt store/$t/surefire-reports/*.txt
# Full mode: surefire's own fork timeout as well (a hung fork fails the run). --quick: only run_step's bound, so that
# running out of time is a skip; surefire's timeout would end the fork first and read as a test failure.
fork_timeout=()
[ "$mode" = full ] && fork_timeout=(-Dsurefire.timeout=$(( $(step_budget) - 60 )))
rc=0
run_step "wire+store tests" ./mvnw -B -ntp -Dchisme.target=$t -pl wire,store -am test -Djvm="$home/bin/java" \
  -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false "${fork_timeout[@]}" \
  > "$cache/surefire.log" 2>&1 || rc=$?
grep -E 'Tests run:|FAIL|ERROR\]' "$cache/surefire.log" | grep -v '^\[INFO\] *$' | head -40 || true
shopt -s nullglob # Maven stops after the first module with a failure: store may have no reports
reports=(wire/$t/surefire-reports/*.txt store/$t/surefire-reports/*.txt)
shopt -u nullglob
[ ${#reports[@]} -gt 0 ] || { echo "aarch64: no test ran (Maven exit $rc; see $cache/surefire.log)" >&2; tail -20 "$cache/surefire.log" >&2; exit 1; }
cat "${reports[@]}" | grep 'Tests run' | awk -F'[:,]' \
  '{r+=$2; f+=$4; e+=$6; s+=$8} END {printf "aarch64: wire+store: %d tests, %d failures, %d errors, %d skipped\n", r, f, e, s; exit (f+e>0)}'
[ "$rc" = 0 ] || { echo "aarch64: Maven exit $rc (see $cache/surefire.log)" >&2; exit 1; }
echo "aarch64: tests took $(( $(date +%s) - start )) s under emulation (with Maven on the host)"

flags="$(sed -n 's:.*<chisme.jvm.flags>\(.*\)</chisme.jvm.flags>.*:\1:p' pom.xml)"
if [ "$mode" = full ]; then
  # kill -9 of a writer on the real Chronicle stores, then a reopen that must recover every acknowledged write
  # (store test class CrashWriter, the child of KillRecoveryTest).
  cp_store="store/$t/test-classes:store/$t/classes:wire/$t/classes:$(./mvnw -q -B -ntp -Dchisme.target=$t -pl store -am \
    dependency:build-classpath -Dmdep.outputFile=/dev/stdout 2>/dev/null | tr '\n' ':')"
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
fi

# A 3-node loopback network (Kademlia + shared-state) on the aarch64 JVM: chisme demo --nodes 3, router profile
# for aarch64. The tools jar: --quick reuses the host build's when it is there (CI: verify made it).
jar="$(ls tools/$t/chisme-tools-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -1 || true)"
if [ -z "$jar" ] || [ "$mode" = full ]; then
  run_step "tools build" ./mvnw -B -ntp -q -Dchisme.target=$t -pl tools -am package -DskipTests -Dchisme.native.skip=true >/dev/null
  jar="$(ls tools/$t/chisme-tools-*.jar | grep -v -- '-sources\|-tests' | head -1)"
fi
start=$(date +%s)
demo() {
  local budget
  budget="$(step_budget)" || out_of_time "3-node demo"
  # shellcheck disable=SC2086
  run_step "3-node demo" "$home/bin/java" $flags $(CHISME_ARCH=aarch64 sh tools/launcher/jvm-profile.sh router) \
    -cp "$jar:tools/$t/lib/*" chisme.tools.Chisme demo --nodes 3 --timeout-s $((budget > 20 ? budget - 10 : budget))
}
rc=0
demo || rc=$?
if [ "$rc" != 0 ]; then
  # The demo's RPCs time out after 500 ms, which an emulated JVM on a loaded machine can miss; like surefire's one
  # rerun of a failed test, it gets one more go. A second failure fails the run.
  left="$(step_budget)" || out_of_time "3-node demo"
  # Too little time for a fair second go (the demo's own time limit is what is left): a skip, as above.
  [ "$left" -ge 60 ] || out_of_time "3-node demo (exit $rc with ${left} s left for its rerun)"
  echo "aarch64: 3-node demo failed (exit $rc); running it once more" >&2
  demo
fi
echo "aarch64: 3-node demo took $(( $(date +%s) - start )) s under emulation"
echo "aarch64: $mode run passed in $(( $(date +%s) - began )) s"

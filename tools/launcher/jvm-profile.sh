#!/bin/sh
# Prints the JVM options of a chisme JVM profile on one line, sized from this machine's memory (issue 16).
# Sourced by no one: the launchers (./chisme, the runtime image's bin/chisme) and bench/scale footprint run it.
#   jvm-profile.sh [auto|router|server]     (default auto, or $CHISME_PROFILE)
#   CHISME_MEM_KIB=131072 jvm-profile.sh    # size as if the machine had 128 MiB (CHISME_ARCH: as if on that uname -m)
# auto = router when the machine (or the cgroup the process runs in) has at most 1 GiB of memory.
#
# router: why each option (figures: docs/benchmarks.md, "Issue 16")
#   -XX:+UseSerialGC       what the JVM itself picks below 1,792 MB / 2 CPUs; no GC worker threads
#   -Xms8m -Xmx<mem/16>    heap 24-64 MiB from the memory; a small -Xms so the heap is committed as it
#                          grows (on a large machine the initial heap would be 1/64 of RAM, all of -Xmx)
#   -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1
#                          C1 only: no C2 arenas, less code cache, less start CPU; a daemon that mostly
#                          waits for datagrams does not need C2's peak speed
#   -XX:ReservedCodeCacheSize=16m  C1 code for the whole daemon fits in ~5 MiB
#   -Xss256k               platform-thread stacks (virtual threads do not use it)
#   -XX:MaxDirectMemorySize=16m    the transport holds two 64 KiB direct buffers; Chronicle maps files
#   -XX:-UsePerfData       no 32 KiB hsperfdata file in /tmp (flash, tmpfs) per process
#   -Xshare:off            no class data sharing: the JDK's default CDS archive is relocated at start (ASLR),
#                          so all of its 13.9 MB become resident and private, more than the ~2,000 JDK classes
#                          a node loads take in metaspace: -2.7 MiB idle RSS, +0-0.3 s start CPU. Left out when
#                          CHISME_AOT_CACHE is set (a runtime image built with its AOT cache, which needs sharing).
#                          Session 7, real `chisme node` on the JDK: -Xshare:auto +1.35 MiB idle at 20 s, start CPU
#                          -0.07..+0.05 s in alternated runs (no stable gain): still off.
#   -XX:CompileThresholdScaling=8  C1 compiles a method after 8x the usual calls: start-up code that runs a few
#                          hundred times stays interpreted (4: -1.4 MiB code and compiler memory, -0.1-0.2 s start
#                          CPU; 8: -0.7 MiB more idle, session 6); a hot request path still passes it in seconds
#   -XX:TrimNativeHeapInterval=5000  every 5 s glibc's free memory goes back to the kernel (malloc_trim): the
#                          compiler's and class parser's arena chunks (~5.5 MiB at start, freed to malloc by
#                          HotSpot's chunk pool every 5 s) otherwise stay resident for the process's life: -5 MiB
#                          idle and loaded; MALLOC_ARENA_MAX=2 instead gave nothing (docs/benchmarks.md, session 6)
#   -XX:StringTableSize=4096  the interned-string table starts at 4,096 buckets, not 65,536 (512 KiB of bucket
#                          array touched at start); a node interns few strings and the table grows itself: -0.5 MiB
# both profiles, aarch64 only:
#   -XX:+UnlockDiagnosticVMOptions -XX:-UseCRC32CIntrinsics (a diagnostic flag there) HotSpot's C1 on aarch64 adds a
#                          constant offset to the CRC32C buffer address with 32 undefined upper bits
#                          (c1_LIRGenerator_aarch64.cpp do_update_CRC32C; tools/aarch64/crc32c/README.md): a
#                          SIGSEGV in StubRoutines::updateBytesCRC32C. The store checksums every record with
#                          CRC32C, and the server profile's tiered JIT runs the same C1 code at tiers 2-3.
# server: the JVM's own ergonomics (nothing added but the aarch64 line above).
set -eu
profile="${1:-${CHISME_PROFILE:-auto}}"

mem_kib() {
  if [ -n "${CHISME_MEM_KIB:-}" ]; then echo "$CHISME_MEM_KIB"; return; fi
  total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo 2>/dev/null || true)
  total=${total:-4194304}
  # cgroup v2 limit (containers, procd jails), when set and smaller than the machine
  limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || echo max)
  case "$limit" in
    ''|max|*[!0-9]*) ;;
    *) [ $((limit / 1024)) -lt "$total" ] && total=$((limit / 1024)) ;;
  esac
  echo "$total"
}

mem=$(mem_kib)
if [ "$profile" = auto ]; then
  if [ "$mem" -le 1048576 ]; then profile=router; else profile=server; fi
fi
arch_opts=""
case "${CHISME_ARCH:-$(uname -m)}" in aarch64|arm64) arch_opts=" -XX:+UnlockDiagnosticVMOptions -XX:-UseCRC32CIntrinsics" ;; esac
case "$profile" in
  router)
    heap=$((mem / 16 / 1024))
    [ "$heap" -lt 24 ] && heap=24
    [ "$heap" -gt 64 ] && heap=64
    opts="-XX:+UseSerialGC -Xms8m -Xmx${heap}m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
    opts="$opts -XX:ReservedCodeCacheSize=16m -Xss256k -XX:MaxDirectMemorySize=16m -XX:-UsePerfData"
    opts="$opts -XX:TrimNativeHeapInterval=5000 -XX:StringTableSize=4096 -XX:CompileThresholdScaling=8"
    [ -z "${CHISME_AOT_CACHE:-}" ] && opts="$opts -Xshare:off"
    echo "$opts$arch_opts"
    ;;
  server) echo "${arch_opts# }" ;;
  *) echo "jvm-profile.sh: profile must be auto, router or server, got: $profile" >&2; exit 2 ;;
esac

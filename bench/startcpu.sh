#!/bin/bash
# Start CPU of a real `chisme node` (issue 16; the lead's probe of session 7, with a per-thread split added).
# Run from a repo root (worktree):
#   bench/startcpu.sh N            # N starts of ./chisme node, fresh data dir each time
#   KEEP=1 bench/startcpu.sh N     # same data dir for all N (restart case: existing map files, node id)
#   KEEP=/some/dir bench/startcpu.sh N  # that data dir, kept (restart figures alternated between variants)
#   LAUNCH=/path/to/launcher PROF=router  # another launcher (e.g. a runtime image's usr/bin/chisme with CHISME_PREFIX)
#   CHISME_JAVA_OPTS=...           # extra JVM options, passed through to the launcher
# Prints wall ms from exec to the node's start line (" on udp ": transport bound, stores open, admin socket up),
# the JVM process's own CPU ms (utime+stime of the exec'd java, launcher subprocesses not counted) at that moment,
# of it the main thread's and the C1 compiler's, VmRSS then, and the 1-minute load average.
tck=$(getconf CLK_TCK)
keep=""; [ -n "${KEEP:-}" ] && keep=$(mktemp -d /tmp/startcpu.XXXX)
case "${KEEP:-}" in /*) rmdir "$keep"; keep=$KEEP; mkdir -p "$keep" ;; esac
for i in $(seq 1 ${1:-3}); do
  d=${keep:-$(mktemp -d /tmp/startcpu.XXXX)}
  t0=$(date +%s%N)
  CHISME_PROFILE=${PROF:-router} ${LAUNCH:-./chisme} node --data $d/data --bind 127.0.0.1 --port 0 > $d/log 2>&1 &
  pid=$!
  for k in $(seq 1 4000); do grep -q ' on udp ' $d/log && break; sleep 0.005; done
  t1=$(date +%s%N)
  read -a st < /proc/$pid/stat
  cpu=$(( (st[13]+st[14]) * 1000 / tck ))
  main=0; c1=0
  for t in /proc/$pid/task/*; do
    s=$(cat $t/stat 2>/dev/null) || continue
    rest=${s##*) }; read -a f <<<"$rest"; ms=$(( (f[11]+f[12]) * 1000 / tck ))
    case "$(cat $t/comm 2>/dev/null)" in java) main=$((main + ms)) ;; C1\ Compiler*) c1=$((c1 + ms)) ;; esac
  done
  rss=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
  echo "start_ms=$(( (t1-t0)/1000000 )) cpu_ms=$cpu main_ms=$main c1_ms=$c1 rss_kib=$rss load=$(cut -d' ' -f1 /proc/loadavg)"
  kill $pid; wait $pid 2>/dev/null
  [ -z "$keep" ] && rm -rf $d
done
case "${KEEP:-}" in /*) ;; *) [ -n "$keep" ] && rm -rf $keep ;; esac
exit 0

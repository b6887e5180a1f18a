#!/usr/bin/env bash
# Runs the end-to-end benchmark scenarios against three servers in one sitting, alternating
# (ours, Node, ceiling; ours, Node, ceiling; ...), one fresh server process per run, and writes the
# medians and ratios to BENCHMARKS.md.
#
#   benchmarks/run.sh [--quick] [--runs N] [--cases "connect idle-10k ..."] [--out FILE]
#
#   --quick      small counts and short durations, one run each: a ~2-minute sanity check
#                (writes benchmarks/target/BENCHMARKS-quick.md unless --out is given)
#   --smoke      tiny: 50 connections, 2-3 s per run, one run each (checks the tooling, measures nothing;
#                writes benchmarks/target/BENCHMARKS-smoke.md unless --out is given)
#   --runs N     runs per case and server (default 3; the median is reported)
#   --cases "…"  a subset of: connect idle-10k idle-19k ws-echo-32 ws-echo-4k poll-echo-32 broadcast
#   --out FILE   where to write the report (default BENCHMARKS.md at the repository root)
#   --jmh        also run the JMH benchmarks (longer than their built-in defaults: -f 1 -wi 5 -i 5
#                -w 1s -r 1s, about 9 minutes) and add their table to the report
#   --jmh-args "…"  JMH flags instead of those (implies --jmh), e.g. "-f 2 -wi 10 -i 10 CodecBenchmark"
#   --cases none    only JMH
#   BENCH_NOTE="…"  (environment) a sentence put first in the report's notes, e.g. what else ran
#
# Servers (all on 127.0.0.1, a free port each time):
#   ours  java $SERVER_JVM -cp benchmarks/target/benchmarks.jar dev.eio4j.bench.server.BenchServer
#   node  node --expose-gc benchmarks/node/bench-ref-server.js   (engine.io 6.6.11 from the lock file)
#   raw   java $SERVER_JVM -cp benchmarks/target/benchmarks.jar dev.eio4j.bench.raw.RawEchoServer
# The load generator is dev.eio4j.bench.load.LoadGen (--json); its own processes and every server
# are bounded in time and stopped here, also on Ctrl-C.
set -euo pipefail
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
COMMAND="benchmarks/run.sh${*:+ $*}"

QUICK=0
RUNS=""
CASES=""
# both JVM servers get one I/O thread per core (the Netty runtime's default); Node has one thread
IO_THREADS=$(nproc)
OUT=""
JMH=0
JMH_ARGS="-f 1 -wi 5 -i 5 -w 1s -r 1s"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --smoke) QUICK=2 ;;
    --runs) RUNS=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --out) OUT=$2; shift ;;
    --jmh) JMH=1 ;;
    --jmh-args) JMH=1; JMH_ARGS=$2; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SELF"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

JAR=benchmarks/target/benchmarks.jar
SERVER_JVM="-Xms1g -Xmx1g -XX:+UseG1GC"
LOADGEN_JVM="-Xms256m -Xmx2g -XX:+UseParallelGC"
NODE_FLAGS="--expose-gc"
PING_INTERVAL=5000   # every server pings each connection every 5 s (v4), so idle runs answer heartbeats
PING_TIMEOUT=10000
LIFETIME=900         # no server process outlives 15 minutes, whatever happens to this script

if [ $QUICK = 2 ]; then
  RUNS=${RUNS:-1}
  SETTLE_START=0.3
  SETTLE_STOP=0.3
  OUT=${OUT:-benchmarks/target/BENCHMARKS-smoke.md}
  declare -A ARGS=(
    [connect]="--scenario connect --connections 50 --concurrency 25"
    [idle-10k]="--scenario idle --connections 50 --prewarm 50 --duration 3 --settle 0.5 --probe-conns 10 --probe-interval-ms 500"
    [idle-19k]="--scenario idle --connections 50 --prewarm 50 --procs 2 --duration 3 --settle 0.5 --probe-conns 10 --probe-interval-ms 500"
    [ws-echo-32]="--scenario ws-echo --connections 10 --in-flight 2 --size 32 --warmup 1 --duration 2"
    [ws-echo-4k]="--scenario ws-echo --connections 10 --in-flight 2 --size 4096 --warmup 1 --duration 2"
    [poll-echo-32]="--scenario poll-echo --connections 10 --in-flight 2 --size 32 --warmup 1 --duration 2"
    [broadcast]="--scenario broadcast --connections 50 --count 5 --size 32 --duration 2"
  )
elif [ $QUICK = 1 ]; then
  RUNS=${RUNS:-1}
  SETTLE_START=0.5
  SETTLE_STOP=0.3
  OUT=${OUT:-benchmarks/target/BENCHMARKS-quick.md}
  declare -A ARGS=(
    [connect]="--scenario connect --connections 1000 --concurrency 100"
    [idle-10k]="--scenario idle --connections 1000 --prewarm 1000 --duration 3 --settle 1 --probe-conns 50 --probe-interval-ms 500"
    [idle-19k]="--scenario idle --connections 1900 --prewarm 1900 --procs 2 --duration 3 --settle 1 --probe-conns 50 --probe-interval-ms 500"
    [ws-echo-32]="--scenario ws-echo --connections 20 --in-flight 4 --size 32 --warmup 1 --duration 2"
    [ws-echo-4k]="--scenario ws-echo --connections 20 --in-flight 4 --size 4096 --warmup 1 --duration 2"
    [poll-echo-32]="--scenario poll-echo --connections 20 --in-flight 4 --size 32 --warmup 1 --duration 2"
    [broadcast]="--scenario broadcast --connections 500 --count 5 --size 32 --duration 2"
  )
else
  RUNS=${RUNS:-3}
  SETTLE_START=1
  SETTLE_STOP=1.5
  OUT=${OUT:-BENCHMARKS.md}
  declare -A ARGS=(
    [connect]="--scenario connect --connections 10000 --concurrency 200"
    [idle-10k]="--scenario idle --connections 10000 --prewarm 10000 --duration 10 --settle 2 --probe-conns 200 --probe-interval-ms 1000"
    [idle-19k]="--scenario idle --connections 19000 --prewarm 19000 --procs 2 --duration 10 --settle 2 --probe-conns 200 --probe-interval-ms 1000"
    [ws-echo-32]="--scenario ws-echo --connections 100 --in-flight 10 --size 32 --warmup 3 --duration 10"
    [ws-echo-4k]="--scenario ws-echo --connections 100 --in-flight 10 --size 4096 --warmup 3 --duration 10"
    [poll-echo-32]="--scenario poll-echo --connections 100 --in-flight 10 --size 32 --warmup 3 --duration 10"
    [broadcast]="--scenario broadcast --connections 10000 --count 10 --size 32 --duration 10"
  )
fi
ALL_CASES="connect idle-10k idle-19k ws-echo-32 ws-echo-4k poll-echo-32 broadcast"
CASES=${CASES:-$ALL_CASES}
[ "$CASES" = none ] && CASES=""
for c in $CASES; do
  [ -n "${ARGS[$c]:-}" ] || { echo "run.sh: unknown case $c (one of: $ALL_CASES)" >&2; exit 2; }
done
case "$RUNS" in ''|*[!0-9]*) echo "run.sh: --runs needs a number" >&2; exit 2 ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 9 ] || { echo "run.sh: --runs must be 1..9" >&2; exit 2; }

# ------------------------------------------------------------------ prerequisites

command -v java >/dev/null || { echo "run.sh: java is required" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node (20) is required" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  echo "run.sh: building $JAR" >&2
  mvn -q -B -DskipTests -pl benchmarks -am package
fi
if [ ! -d benchmarks/node/node_modules/engine.io ]; then
  echo "run.sh: installing engine.io 6.6.11 (npm ci in benchmarks/node)" >&2
  (cd benchmarks/node && npm ci --no-audit --no-fund --loglevel=error)
fi
case "$(node -v)" in v20.*) ;; *) echo "run.sh: warning: node $(node -v), the reference numbers are for node 20" >&2 ;; esac

WORK=benchmarks/target/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
RESULTS=$WORK/results.jsonl
META=$WORK/meta.txt
LOG=$WORK/servers.log
: > "$RESULTS"

SERVER_PID=""
SERVER_PORT=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

start_server() { # kind -> SERVER_PID, SERVER_PORT
  local kind=$1 out=$WORK/server.out
  : > "$out"
  echo "=== $kind $(date +%T)" >> "$LOG"
  case $kind in
    ours) java $SERVER_JVM -cp "$JAR" dev.eio4j.bench.server.BenchServer --host 127.0.0.1 --port 0 \
            --ping-interval $PING_INTERVAL --ping-timeout $PING_TIMEOUT --io-threads $IO_THREADS --max-lifetime $LIFETIME >"$out" 2>>"$LOG" </dev/null & ;;
    node) node $NODE_FLAGS benchmarks/node/bench-ref-server.js \
            "{\"port\":0,\"pingInterval\":$PING_INTERVAL,\"pingTimeout\":$PING_TIMEOUT,\"allowEIO3\":true,\"maxLifetime\":$LIFETIME}" \
            >"$out" 2>>"$LOG" </dev/null & ;;
    raw)  java $SERVER_JVM -cp "$JAR" dev.eio4j.bench.raw.RawEchoServer --host 127.0.0.1 --port 0 \
            --io-threads $IO_THREADS --max-lifetime $LIFETIME >"$out" 2>>"$LOG" </dev/null & ;;
  esac
  SERVER_PID=$!
  SERVER_PORT=""
  for _ in $(seq 1 200); do
    SERVER_PORT=$(awk '/^LISTENING /{print $2; exit}' "$out")
    [ -n "$SERVER_PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$SERVER_PORT" ]; then
    echo "run.sh: the $kind server did not start (see $LOG)" >&2
    cleanup
    return 1
  fi
  sleep "$SETTLE_START"
}

json_escape() { tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'; }

run_case() { # case server run
  local c=$1 s=$2 r=$3 raw="" out err rc=0 line
  [ "$s" = raw ] && raw="--raw"
  if ! start_server "$s"; then
    printf '{"case":"%s","server":"%s","run":%d,"error":"server did not start"}\n' "$c" "$s" "$r" >> "$RESULTS"
    return
  fi
  out=$WORK/$c.$s.$r.out
  err=$WORK/$c.$s.$r.err
  # shellcheck disable=SC2086
  java $LOADGEN_JVM -cp "$JAR" dev.eio4j.bench.load.LoadGen ${ARGS[$c]} $raw \
    --url "http://127.0.0.1:$SERVER_PORT" --server-pid "$SERVER_PID" --label "$c/$s/$r" --json >"$out" 2>"$err" || rc=$?
  cleanup
  line=$(grep '^{' "$out" | tail -1 || true)
  if [ -n "$line" ]; then
    printf '{"case":"%s","server":"%s","run":%d,"rc":%d,"result":%s}\n' "$c" "$s" "$r" "$rc" "$line" >> "$RESULTS"
    summary=$(printf '%s' "$line" | grep -oE '"(msgs_per_s|connect_per_s|rss_per_conn_bytes|heap_per_conn_bytes|errors)":-?[0-9.]+' | tr '\n' ' ')
    echo "  $c $s run $r: rc=$rc $summary" >&2
  else
    msg=$( (tail -3 "$err"; echo "rc=$rc") | json_escape | tr '\n' ' ')
    printf '{"case":"%s","server":"%s","run":%d,"rc":%d,"error":"%s"}\n' "$c" "$s" "$r" "$rc" "$msg" >> "$RESULTS"
    echo "  $c $s run $r: FAILED rc=$rc (see $err)" >&2
  fi
  sleep "$SETTLE_STOP"
}

# ------------------------------------------------------------------ the machine

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode=$(case $QUICK in 1) echo quick ;; 2) echo smoke ;; *) echo full ;; esac)"
  echo "runs=$RUNS"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
  echo "memory=$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "java=$(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  echo "node=$(node -v)"
  echo "engine.io=$(awk '/"node_modules\/engine.io"/{f=1} f && /"version"/{gsub(/[",]/,"",$2); print $2; exit}' benchmarks/node/package-lock.json)"
  echo "git=$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "command=$COMMAND"
  echo "cmd.ours=java $SERVER_JVM -cp $JAR dev.eio4j.bench.server.BenchServer --host 127.0.0.1 --port 0 --ping-interval $PING_INTERVAL --ping-timeout $PING_TIMEOUT --io-threads $IO_THREADS"
  echo "cmd.node=node $NODE_FLAGS benchmarks/node/bench-ref-server.js '{\"pingInterval\":$PING_INTERVAL,\"pingTimeout\":$PING_TIMEOUT,\"allowEIO3\":true}'"
  echo "cmd.raw=java $SERVER_JVM -cp $JAR dev.eio4j.bench.raw.RawEchoServer --host 127.0.0.1 --port 0 --io-threads $IO_THREADS"
  echo "cmd.loadgen=java $LOADGEN_JVM -cp $JAR dev.eio4j.bench.load.LoadGen <case flags> [--raw for the ceiling] --url http://127.0.0.1:PORT --server-pid PID --json"
  for c in $CASES; do echo "case.$c=${ARGS[$c]}"; done
  [ $JMH = 1 ] && echo "jmh=java -jar $JAR $JMH_ARGS -rf json"
  echo "notes=${BENCH_NOTE:+$BENCH_NOTE }The load generator runs on the same machine as the server (loopback), so both share the $(nproc) cores: absolute numbers are lower than on separate machines, the ratios are the point. Memory per connection is (server RSS, or heap after a full GC via GET /bench/stats?gc=1, with all connections held minus before connecting) / connections. poll-echo: our and Node's rate counts every GET and POST; the ceiling's is HTTP POST echo requests carrying the same batches."
} > "$META"

START=$(date +%s)
echo "run.sh: $(echo $CASES | wc -w) cases x 3 servers x $RUNS runs; results in $WORK" >&2
for c in $CASES; do
  echo "case $c: ${ARGS[$c]}" >&2
  for r in $(seq 1 "$RUNS"); do
    for s in ours node raw; do
      run_case "$c" "$s" "$r"
    done
  done
done
REPORT_JMH=()
if [ $JMH = 1 ]; then
  echo "JMH: $JMH_ARGS" >&2
  # shellcheck disable=SC2086
  if java -jar "$JAR" $JMH_ARGS -rf json -rff "$WORK/jmh.json" > "$WORK/jmh.txt" 2>&1; then
    REPORT_JMH=(--jmh "$WORK/jmh.json")
  else
    echo "run.sh: JMH failed (see $WORK/jmh.txt)" >&2
  fi
fi
echo "elapsed=$(( $(date +%s) - START )) s" >> "$META"

java -cp "$JAR" dev.eio4j.bench.report.Report --results "$RESULTS" --meta "$META" --out "$OUT" "${REPORT_JMH[@]}"
echo "run.sh: done in $(( $(date +%s) - START )) s; report in $OUT, raw results in $RESULTS" >&2

#!/usr/bin/env bash
# The Socket.IO sitting: our runnable server (engineio-server.jar --socketio), Node socket.io 4.8.3
# (node/bench-sio-server.js) and netty-socketio 2.0.13 (dev.eio4j.bench.nsio.NettySocketIoBenchServer on
# its own Netty 4.1 class path), driven by the same load generator (node/sio-load.js, socket.io-client
# 4.8.3). For each case and each run it starts each server fresh, in turn, runs the case, stops it.
#
# usage: benchmarks/sio-run.sh [--runs 3] [--cases "ws-emit-1 ws-emit-10 ws-ack-10 poll-emit-1 broadcast-1k idle-3k"]
#                              [--smoke]
# Raw results: benchmarks/target/sio-<time>/results.jsonl (+ logs); the tables: report.md there
# (node/sio-report.js), which the "Socket.IO" section of BENCHMARKS.md is copied from.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3
CASES="ws-emit-1 ws-emit-10 ws-ack-10 poll-emit-1 broadcast-1k idle-3k"
WARMUP=12
DURATION=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --smoke) RUNS=1; WARMUP=1; DURATION=2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

OURS_JAR=engineio-server/target/engineio-server.jar
[ -f "$OURS_JAR" ] || mvn -q -B -DskipTests -pl engineio-server -am package
[ -f benchmarks/target/classes/dev/eio4j/bench/nsio/NettySocketIoBenchServer.class ] || mvn -q -B -DskipTests -pl benchmarks -am package
[ -d benchmarks/target/netty-socketio-lib ] || mvn -q -B -f benchmarks/netty-socketio/pom.xml dependency:copy-dependencies -DoutputDirectory=../target/netty-socketio-lib
[ -d benchmarks/node/node_modules/socket.io ] || (cd benchmarks/node && npm ci)

OUT=benchmarks/target/sio-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
JVM="-Xms1g -Xmx1g -XX:+UseG1GC"
SERVER_PID=""
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_server() { # impl port log
  case "$1" in
    ours) timeout 900 java $JVM -jar "$OURS_JAR" --socketio --host 127.0.0.1 --port "$2" \
            --ping-interval 25000 --ping-timeout 20000 >"$3" 2>&1 & ;;
    node) timeout 900 node --expose-gc benchmarks/node/bench-sio-server.js \
            "{\"port\":$2,\"pingInterval\":25000,\"pingTimeout\":20000}" >"$3" 2>&1 & ;;
    nsio) timeout 900 java $JVM -cp "benchmarks/target/classes:benchmarks/target/netty-socketio-lib/*" \
            dev.eio4j.bench.nsio.NettySocketIoBenchServer --host 127.0.0.1 --port "$2" \
            --ping-interval 25000 --ping-timeout 20000 --max-lifetime 900 >"$3" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$2/socket.io/?EIO=4&transport=polling"; then return 0; fi
    sleep 0.1
  done
  echo "server $1 did not start, see $3" >&2; return 1
}

case_args() { # case -> JSON fragment
  case "$1" in
    ws-emit-1)    echo '"scenario":"emit","transport":"websocket","clients":100,"inFlight":1,"procs":2' ;;
    ws-emit-10)   echo '"scenario":"emit","transport":"websocket","clients":100,"inFlight":10,"procs":2' ;;
    ws-ack-10)    echo '"scenario":"ack","transport":"websocket","clients":100,"inFlight":10,"procs":2' ;;
    poll-emit-1)  echo '"scenario":"emit","transport":"polling","clients":100,"inFlight":1,"procs":2' ;;
    broadcast-1k) echo '"scenario":"broadcast","transport":"websocket","clients":1000,"inFlight":4,"procs":2' ;;
    idle-3k)      echo '"scenario":"idle","transport":"websocket","clients":3000,"procs":2,"settle":5,"prewarm":true' ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc: $(nproc)"; echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"; echo "node: $(node --version)"
  echo "git: $(git rev-parse --short HEAD)"
  echo "runs: $RUNS warmup: $WARMUP duration: $DURATION"
} >"$OUT/meta.txt"

for c in $CASES; do
  for r in $(seq 1 "$RUNS"); do
    for impl in ours node nsio; do
      port=$(free_port)
      if ! start_server "$impl" "$port" "$OUT/$c-$r-$impl.server.log"; then
        echo "{\"case\":\"$c\",\"run\":$r,\"impl\":\"$impl\",\"result\":{\"error\":\"server did not start\"}}" >>"$OUT/results.jsonl"
        cleanup
        continue
      fi
      heap=jvm; [ "$impl" = node ] && heap=node
      json="{\"url\":\"http://127.0.0.1:$port\",$(case_args "$c"),\"size\":32,\"warmup\":$WARMUP,\"duration\":$DURATION,\"pid\":$(pgrep -P "$SERVER_PID" | head -1),\"heap\":\"$heap\"}"
      echo "$c run $r $impl: $json" >&2
      res=$(node benchmarks/node/sio-load.js "$json" 2>"$OUT/$c-$r-$impl.load.err" || true)
      echo "{\"case\":\"$c\",\"run\":$r,\"impl\":\"$impl\",\"load\":$json,\"result\":${res:-null}}" >>"$OUT/results.jsonl"
      echo "  -> $res" >&2
      cleanup
      sleep 1
    done
  done
done
node benchmarks/node/sio-report.js "$OUT/results.jsonl" "$OUT/meta.txt" >"$OUT/report.md"
echo "wrote $OUT/report.md" >&2

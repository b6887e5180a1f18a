#!/usr/bin/env bash
# Runs every client.js scenario, for both official clients (v3 = engine.io-client 3.5.x, v6 =
# engine.io-client 6.6.x) and for each transport mode, against the Node reference server
# (engine.io 6.6.11, ref-server.js), and prints a table of results.
#
# usage: bash run-against-ref.sh [--verbose]
#   --verbose   also print each scenario's JSON line
# Environment: SCENARIOS, CLIENTS, MODES (space-separated) narrow the matrix.
# Exit status: 0 when every cell passed (or is n/a), 1 otherwise.
set -u -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

verbose=0
[[ "${1:-}" == "--verbose" ]] && verbose=1

if [[ ! -d node_modules/eio-client-v3 || ! -d node_modules/eio-client-v6 || ! -d node_modules/engine.io ]]; then
  echo "installing node modules (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2 || exit 1
fi

server_opts='{"allowEIO3":true,"pingInterval":300,"pingTimeout":200}'
scenarios=(${SCENARIOS:-echo-text echo-binary order idle server-close client-close upgrade-burst many})
clients=(${CLIENTS:-v3 v6})
# polling      : polling only
# websocket    : websocket only
# upgrade      : polling first, upgrade allowed, traffic starts right after open (during the upgrade)
# upgraded     : polling first, traffic starts once the upgrade to websocket is done
modes=(${MODES:-polling websocket upgrade upgraded})

mode_args() {
  case "$1" in
    polling) echo "--transports polling --upgrade false" ;;
    websocket) echo "--transports websocket" ;;
    upgrade) echo "--transports polling,websocket --upgrade true" ;;
    upgraded) echo "--transports polling,websocket --upgrade true --wait-upgrade true --expect-transport websocket" ;;
  esac
}

# upgrade-burst only makes sense with polling first and the upgrade allowed.
applicable() {
  local scenario="$1" mode="$2"
  if [[ "$scenario" == "upgrade-burst" && "$mode" != "upgrade" ]]; then return 1; fi
  return 0
}

# Each server's stdin is a FIFO held open by this script, so the servers exit as soon as this
# script dies, even on SIGKILL. Their stdout goes to a file where "LISTENING <port>" appears.
workdir="$(mktemp -d)"
server_pids=()
cleanup() {
  local f
  for f in "$workdir"/*.err; do
    if [[ -s "$f" ]]; then
      echo "--- stderr of reference server $(basename "$f" .err):" >&2
      cat "$f" >&2
    fi
  done
  for pid in "${server_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  rm -rf "$workdir"
}
trap cleanup EXIT

# start_server NAME JSON_OPTIONS -> sets server_port
start_server() {
  local name="$1" options="$2" fd i line
  mkfifo "$workdir/$name.in"
  node ref-server.js "$options" <"$workdir/$name.in" >"$workdir/$name.out" 2>"$workdir/$name.err" &
  server_pids+=($!)
  exec {fd}>"$workdir/$name.in"
  server_port=""
  for ((i = 0; i < 100; i++)); do
    line="$(head -n 1 "$workdir/$name.out" 2>/dev/null)"
    if [[ "$line" =~ ^LISTENING\ ([0-9]+)$ ]]; then
      server_port="${BASH_REMATCH[1]}"
      return 0
    fi
    sleep 0.1
  done
  echo "reference server '$name' did not start: $(cat "$workdir/$name.err")" >&2
  exit 1
}

start_server main "$server_opts"
url="http://127.0.0.1:$server_port"
# "many" gets a server with a relaxed heartbeat: with 300/200 ms, the 200 sockets of one Node
# process on this 2-core machine cannot answer the v4 pings within 200 ms (the client's event loop
# is saturated by the ~600 HTTP requests one polling heartbeat round costs), so the reference
# server itself closes them with "ping timeout".
many_server_opts='{"allowEIO3":true,"pingInterval":2000,"pingTimeout":2000}'
start_server many "$many_server_opts"
many_url="http://127.0.0.1:$server_port"
pkg_version() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }
echo "reference server engine.io $(pkg_version engine.io) on $url, options $server_opts"
echo "  (scenario many: $many_url, options $many_server_opts)"
echo "clients: v3 = engine.io-client $(pkg_version eio-client-v3), v6 = engine.io-client $(pkg_version eio-client-v6)"
echo

declare -A result
failures=0
passes=0
failed_lines=()
for scenario in "${scenarios[@]}"; do
  for client in "${clients[@]}"; do
    for mode in "${modes[@]}"; do
      key="$scenario/$client/$mode"
      if ! applicable "$scenario" "$mode"; then
        result[$key]="n/a"
        continue
      fi
      # shellcheck disable=SC2046
      target="$url"
      [[ "$scenario" == "many" ]] && target="$many_url"
      out="$(node client.js --url "$target" --client "$client" --scenario "$scenario" $(mode_args "$mode") 2>/dev/null)"
      rc=$?
      summary="$(printf '%s' "$out" | node -e '
        let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
          try {
            const r = JSON.parse(s.trim().split("\n").pop());
            const d = r.details || {};
            let extra = "";
            if (d.reason) extra = " (" + d.reason + ")";
            else if (r.scenario === "many") extra = " (" + d.totalMs + "ms)";
            else if (r.scenario === "idle") extra = " (hb " + d.heartbeats + ")";
            else if (d.upgraded) extra = " (upg)";
            console.log((r.ok ? "PASS" : "FAIL") + extra + " " + d.elapsedMs + "ms");
          } catch (e) { console.log("FAIL bad-json"); }
        });')"
      if [[ $rc -ne 0 || "$summary" != PASS* ]]; then
        failures=$((failures + 1))
        failed_lines+=("$key: $out")
        [[ "$summary" == PASS* ]] && summary="FAIL rc=$rc"
      else
        passes=$((passes + 1))
      fi
      result[$key]="$summary"
      if [[ $verbose -eq 1 ]]; then echo "$key $out"; fi
    done
  done
done

printf '%-15s %-7s' "scenario" "client"
for mode in "${modes[@]}"; do printf ' | %-32s' "$mode"; done
printf '\n'
printf '%s\n' "$(printf -- '-%.0s' $(seq 1 $((23 + 35 * ${#modes[@]}))))"
for scenario in "${scenarios[@]}"; do
  for client in "${clients[@]}"; do
    printf '%-15s %-7s' "$scenario" "$client"
    for mode in "${modes[@]}"; do printf ' | %-32s' "${result[$scenario/$client/$mode]}"; done
    printf '\n'
  done
done
echo
if [[ $failures -gt 0 ]]; then
  echo "failures:"
  for l in "${failed_lines[@]}"; do echo "  $l"; done
  echo
fi
echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]

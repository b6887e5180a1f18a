#!/usr/bin/env bash
# Fetches the official engine.io-client and socket.io-client browser bundles from npm (exact versions from the committed
# package-lock.json) and copies them, with their licences, into the demo page's vendor folder.
# Run by the Maven build at generate-resources: bash web/build-vendor.sh <output dir>
set -euo pipefail
out="${1:?usage: build-vendor.sh OUTPUT_DIR}"
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  {
    echo "ERROR: node and npm are not on the PATH."
    echo "engineio-server's demo page uses the engine.io-client browser bundles, which the build fetches"
    echo "from npm (engineio-server/web/package-lock.json). Install Node.js 20 with npm (a documented"
    echo "prerequisite, see README.md) and build again."
  } >&2
  exit 1
fi

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  : # up to date
else
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
fi

v6=node_modules/eio-client-v6
v3=node_modules/eio-client-v3
sio=node_modules/sio-client-v4
for f in "$v6/dist/engine.io.min.js" "$v6/LICENSE" "$v3/engine.io.js" "$v3/LICENSE" \
         "$sio/dist/socket.io.min.js" "$sio/LICENSE"; do
  [ -f "$f" ] || { echo "ERROR: $f is missing after npm ci (engineio-server/web)" >&2; exit 1; }
done

mkdir -p "$out"
cp "$v6/dist/engine.io.min.js" "$out/engine.io-v6.min.js"
cp "$v6/LICENSE" "$out/engine.io-client-v6-LICENSE.txt"
cp "$v3/engine.io.js" "$out/engine.io-v3.js"
cp "$v3/LICENSE" "$out/engine.io-client-v3-LICENSE.txt"
cp "$sio/dist/socket.io.min.js" "$out/socket.io.min.js"
cp "$sio/LICENSE" "$out/socket.io-client-LICENSE.txt"
node -e '
  const v = (p) => require("./" + p + "/package.json").version;
  process.stdout.write(JSON.stringify({ v6: v(process.argv[1]), v3: v(process.argv[2]), sio: v(process.argv[3]) }) + "\n");
' "$v6" "$v3" "$sio" > "$out/versions.json"

#!/usr/bin/env node
// The Node reference server for eio4j's benchmarks: engine.io 6.6.11 on a Node http server.
//
// usage: node --expose-gc bench-ref-server.js ['{"port":0,"host":"127.0.0.1","pingInterval":25000,"pingTimeout":20000,
//                                             "allowEIO3":true,"maxLifetime":3600,"stdinExit":false}']
//
// The JSON holds engine.io server options plus:
//   port         TCP port (default 0 = any free port)
//   host         address to listen on (default 127.0.0.1)
//   maxLifetime  seconds after which the process exits by itself (default 3600)
//   stdinExit    exit when stdin closes (default false)
//
// Behaviour, the same as dev.eio4j.bench.server.BenchServer and dev.eio4j.bench.raw.RawEchoServer:
//   * every message (text or binary) goes back to its sender;
//   * the text message "broadcast:<count>:<size>" instead sends <count> messages of <size> bytes ("yyy…")
//     to every open socket;
//   * GET /bench/stats[?gc=1] answers {"impl","pid","sessions","heap_used","heap_committed","rss_kb","gc"}
//     (gc=1 runs global.gc() first when node was started with --expose-gc).
// Prints "LISTENING <port>" on stdout once listening. Exits on SIGTERM and SIGINT.
"use strict";

const http = require("http");
const { Server } = require("engine.io");

function parseOptions(argv) {
  if (argv.length === 0 || argv[0] === "") return {};
  try {
    const parsed = JSON.parse(argv[0]);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error("options must be a JSON object");
    }
    return parsed;
  } catch (e) {
    process.stderr.write(`bench-ref-server: bad options argument: ${e.message}\n`);
    process.exit(2);
  }
}

const {
  port = 0,
  host = "127.0.0.1",
  maxLifetime = 3600,
  stdinExit = false,
  ...engineOptions
} = parseOptions(process.argv.slice(2));

const MAX_COUNT = 100000;
const MAX_SIZE = 1000000;
const payloads = new Map();

function stats(gc) {
  if (gc && typeof global.gc === "function") {
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  return {
    impl: "engine.io 6.6.11 / node " + process.version,
    pid: process.pid,
    sessions: engine.clientsCount,
    heap_used: m.heapUsed,
    heap_committed: m.heapTotal,
    rss_kb: Math.round(m.rss / 1024),
    gc: Boolean(gc && typeof global.gc === "function"),
  };
}

const httpServer = http.createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/bench/stats")) {
    const gc = new URL(req.url, "http://x").searchParams.get("gc") === "1";
    const body = JSON.stringify(stats(gc));
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found");
});
const engine = new Server(engineOptions);
engine.attach(httpServer, engineOptions);

function trigger(data) {
  if (typeof data !== "string" || !data.startsWith("broadcast:")) return null;
  const f = data.slice("broadcast:".length).split(":");
  if (f.length !== 2 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1])) return null;
  const count = Number(f[0]);
  const size = Number(f[1]);
  if (count < 1 || count > MAX_COUNT || size < 1 || size > MAX_SIZE) return null;
  return { count, size };
}

engine.on("connection", (socket) => {
  socket.on("message", (data) => {
    const t = trigger(data);
    if (t) {
      let payload = payloads.get(t.size);
      if (payload === undefined) {
        payload = "y".repeat(t.size);
        payloads.set(t.size, payload);
      }
      const clients = Object.values(engine.clients);
      for (let i = 0; i < t.count; i++) {
        for (const c of clients) c.send(payload);
      }
      return;
    }
    socket.send(data);
  });
  socket.on("error", () => {});
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    engine.close();
  } catch (_) {
    // exiting anyway
  }
  httpServer.close();
  setTimeout(() => process.exit(code), 50).unref();
}

process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
if (stdinExit) {
  process.stdin.on("end", () => stop(0));
  process.stdin.on("close", () => stop(0));
  process.stdin.on("error", () => stop(0));
  process.stdin.resume();
}
setTimeout(() => {
  process.stderr.write(`bench-ref-server: max lifetime of ${maxLifetime} s reached, exiting\n`);
  stop(0);
}, maxLifetime * 1000).unref();
// keep the process alive for its lifetime even with stdin ignored
const keepAlive = setInterval(() => {}, 1 << 30);

httpServer.on("error", (err) => {
  process.stderr.write(`bench-ref-server: ${err.message}\n`);
  process.exit(1);
});
httpServer.listen(port, host, () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
  process.stderr.write(`engine.io 6.6.11 bench server on ${host}:${httpServer.address().port} (node ${process.version})\n`);
});
void keepAlive;

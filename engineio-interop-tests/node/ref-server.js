#!/usr/bin/env node
// Reference Engine.IO echo server: engine.io 6.6.11 on a Node http server, loopback only.
//
// usage: node ref-server.js ['{"port":0,"pingInterval":300,"pingTimeout":200,"allowEIO3":true,...}']
//
// The optional JSON argument holds engine.io server/attach options (pingInterval, pingTimeout,
// allowEIO3, cors, maxHttpBufferSize, transports, path, ...) plus:
//   port  TCP port to listen on (default 0 = any free port)
//   host  address to listen on (default 127.0.0.1)
//
// Behaviour: every message (text or binary) is sent back to its sender, except the text message
// "server-close", on which the server calls socket.close().
//
// With REF_SERVER_LOG=1 in the environment, connections, closes (with their reasons) and
// connection errors are logged to stderr.
//
// Prints "LISTENING <port>" on stdout once listening. Exits when stdin closes (so a parent that dies
// never leaves it running), on SIGTERM and on SIGINT.
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
    process.stderr.write(`ref-server: bad options argument: ${e.message}\n`);
    process.exit(2);
  }
}

const { port = 0, host = "127.0.0.1", ...engineOptions } = parseOptions(process.argv.slice(2));

const httpServer = http.createServer((req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found");
});
const engine = new Server(engineOptions);
engine.attach(httpServer, engineOptions);

const log = process.env.REF_SERVER_LOG === "1"
  ? (...a) => process.stderr.write(`[ref-server +${Date.now() - t0}ms] ${a.join(" ")}\n`)
  : null;
const t0 = Date.now();
if (log) {
  engine.on("connection_error", (e) => log("connection_error", e.code, e.message, JSON.stringify(e.context)));
}

engine.on("connection", (socket) => {
  if (log) {
    log("connection", socket.id, "protocol", socket.protocol, "transport", socket.transport.name);
    socket.on("upgrade", (t) => log("upgrade", socket.id, t.name));
    socket.on("close", (reason, desc) => log("close", socket.id, reason, desc ? String((desc && desc.message) || desc) : ""));
  }
  socket.on("message", (data) => {
    if (data === "server-close") {
      socket.close();
      return;
    }
    socket.send(data);
  });
  // engine.io 6 sockets do not emit "error", but a listener keeps an unexpected one from crashing us.
  socket.on("error", () => {});
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    engine.close();
  } catch (_) {
    // ignore: we are exiting anyway
  }
  httpServer.close();
  // Do not wait for keep-alive connections or held polls to drain.
  setTimeout(() => process.exit(code), 50).unref();
}

process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
process.stdin.on("end", () => stop(0));
process.stdin.on("close", () => stop(0));
process.stdin.on("error", () => stop(0));
process.stdin.resume();

httpServer.on("error", (err) => {
  process.stderr.write(`ref-server: ${err.message}\n`);
  process.exit(1);
});
httpServer.listen(port, host, () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
});

#!/usr/bin/env node
// The Node Socket.IO reference server for eio4j's Socket.IO benchmarks: socket.io 4.8.3 on a Node http
// server, with the events of the runnable demo (`engineio-server.jar --socketio`, docs/socketio.md) that the
// benchmarks use:
//   message(...args)                  -> emits message-back(...args) to the sender
//   message-with-ack(...args)         -> acks with the same arguments
//   broadcast(target, event, ...args) -> emits event(...args) to every socket of the namespace (the sender
//                                        only with target.self), then acks
//   GET /bench/stats[?gc=1]           -> {"impl","pid","sockets","heap_used","heap_committed","rss_kb","gc"}
//
// usage: node --expose-gc bench-sio-server.js ['{"port":0,"host":"127.0.0.1","pingInterval":25000,
//                                              "pingTimeout":20000,"maxLifetime":3600}']
// Prints "LISTENING <port>" on stdout once listening. Exits on SIGTERM and SIGINT, and after maxLifetime s.
"use strict";

const http = require("http");
const { Server } = require("socket.io");

let options = {};
if (process.argv[2]) {
  try {
    options = JSON.parse(process.argv[2]);
  } catch (e) {
    process.stderr.write(`bench-sio-server: bad options argument: ${e.message}\n`);
    process.exit(2);
  }
}
const { port = 0, host = "127.0.0.1", maxLifetime = 3600, ...ioOptions } = options;

const httpServer = http.createServer();
httpServer.on("request", (req, res) => {
  if (req.url.startsWith("/socket.io/")) return; // socket.io's own listener answers
  if (req.method === "GET" && req.url.startsWith("/bench/stats")) {
    const gc = new URL(req.url, "http://x").searchParams.get("gc") === "1";
    if (gc && typeof global.gc === "function") {
      global.gc();
      global.gc();
    }
    const m = process.memoryUsage();
    const body = JSON.stringify({
      impl: "socket.io 4.8.3 / node " + process.version,
      pid: process.pid,
      sockets: io.engine.clientsCount,
      heap_used: m.heapUsed,
      heap_committed: m.heapTotal,
      rss_kb: Math.round(m.rss / 1024),
      gc: Boolean(gc && typeof global.gc === "function"),
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(httpServer, ioOptions);
io.on("connection", (socket) => {
  socket.on("message", (...args) => socket.emit("message-back", ...args));
  socket.on("message-with-ack", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("broadcast", (target, event, ...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (typeof event !== "string") return;
    const self = target && target.self === true;
    (self ? io : socket.broadcast).emit(event, ...args);
    if (ack) ack();
  });
});

httpServer.listen(port, host, () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
});
const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, maxLifetime * 1000).unref();

#!/usr/bin/env node
// The Socket.IO load generator of eio4j's benchmarks: the official socket.io-client 4.8.3 in one or more
// Node processes, the same for every server it is pointed at (ours, Node socket.io, netty-socketio).
//
// usage: node sio-load.js '{"url":"http://127.0.0.1:3000","scenario":"emit","transport":"websocket",
//                          "clients":100,"inFlight":1,"size":32,"warmup":3,"duration":10,"procs":2}'
//
// scenario
//   emit       each client keeps inFlight `message(text)` events out and sends the next when the server's
//              `message-back(text)` arrives (closed loop); text starts with its send time
//   ack        the same with `message-with-ack(text)` and the ack carrying text back
//   broadcast  `clients` receivers plus one control client that emits `broadcast({}, "bcast", text)`;
//              a round is done when every receiver got it; `inFlight` rounds at a time
//   idle       opens `clients` sockets and reports the server's memory growth per socket: RSS from
//              /proc/<pid>/status and, with "heap":"jvm" (jcmd GC.run + GC.heap_info) or "heap":"node"
//              (GET <url>/bench/stats?gc=1), the heap after a full GC
// other keys: transport websocket|polling (no upgrade), pid (server pid, idle), settle (s, idle), prewarm
// (idle: open and close `clients` sockets before the first reading),
// connectConcurrency (default 50), deadline (s, hard stop; default derived).
// Prints one JSON line: msgs_per_s (deliveries/s for broadcast), latency_us {p50,p90,p99,p999,max}
// (round completion for broadcast), errors (connect failures, disconnects while measuring), with a pid
// server_cpu_pct and server_cpu_us_per_msg (the server's user + system CPU time in the measured window,
// from /proc/<pid>/stat, per second and per message or delivery), and for idle
// rss_per_socket_bytes / heap_per_socket_bytes. Exit 1 when errors > 0.
"use strict";

const { fork, execFileSync } = require("child_process");
const fs = require("fs");
const http = require("http");
const { io } = require("socket.io-client");

const cfg = Object.assign(
  {
    url: "http://127.0.0.1:3000",
    scenario: "emit",
    transport: "websocket",
    clients: 100,
    inFlight: 1,
    size: 32,
    warmup: 3,
    duration: 10,
    procs: 1,
    settle: 3,
    connectConcurrency: 50,
    heap: "none",
  },
  JSON.parse(process.argv[2] || "{}")
);
const u = new URL(cfg.url);
if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) && !u.hostname.startsWith("127.")) {
  throw new Error("loopback targets only");
}
if (cfg.size < 24 || cfg.clients < 1 || cfg.clients > 20000 || cfg.procs < 1 || cfg.procs > 16) {
  throw new Error("bad size/clients/procs");
}

// ---- log-linear histogram in microseconds (buckets 1% wide) ----
const STEP = Math.log(1.01);
const NB = 2400;
function newHist() {
  return new Array(NB).fill(0);
}
function record(h, us) {
  const i = us <= 1 ? 0 : Math.min(NB - 1, Math.floor(Math.log(us) / STEP));
  h[i]++;
}
function pct(h, q) {
  let total = 0;
  for (const c of h) total += c;
  if (total === 0) return null;
  const want = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < NB; i++) {
    seen += h[i];
    if (seen >= want) return Math.round(Math.exp((i + 0.5) * STEP));
  }
  return null;
}
function summary(h) {
  let max = 0;
  for (let i = 0; i < NB; i++) if (h[i]) max = Math.round(Math.exp((i + 1) * STEP));
  return { p50: pct(h, 0.5), p90: pct(h, 0.9), p99: pct(h, 0.99), p999: pct(h, 0.999), max };
}

const nowNs = () => process.hrtime.bigint();
const T0 = nowNs();
const elapsedNs = () => Number(nowNs() - T0); // exact below 2^53 ns
function stamped(size) {
  // Only relative times are compared, and all of one process: the text goes back to its sender.
  return elapsedNs().toString(16).padStart(16, "0") + "x".repeat(size - 16);
}
const stampOf = (text) => parseInt(String(text).slice(0, 16), 16);

function connectAll(n, onSocket) {
  return new Promise((resolve) => {
    const sockets = [];
    let started = 0;
    let done = 0;
    let errors = 0;
    const next = () => {
      if (started >= n) return;
      started++;
      const s = io(cfg.url, {
        transports: [cfg.transport],
        forceNew: true,
        reconnection: false,
        timeout: 30000,
      });
      let settled = false;
      const finish = (ok) => {
        if (settled) return;
        settled = true;
        if (ok) sockets.push(s);
        else {
          errors++;
          s.close();
        }
        done++;
        if (done === n) resolve({ sockets, errors });
        else next();
      };
      s.once("connect", () => {
        onSocket(s);
        finish(true);
      });
      s.once("connect_error", () => finish(false));
    };
    for (let i = 0; i < Math.min(n, cfg.connectConcurrency); i++) next();
  });
}

// ---- worker: holds a share of the clients ----
async function worker(count) {
  const hist = newHist();
  let measured = 0;
  let disconnects = 0;
  let measuring = false;
  let sending = true;
  const rounds = new Map();
  const { sockets, errors } = await connectAll(count, (s) => {
    s.on("disconnect", () => {
      if (sending) disconnects++;
    });
    if (cfg.scenario === "broadcast") {
      s.on("bcast", (text) => {
        const r = parseInt(String(text).slice(0, 16), 16);
        const c = (rounds.get(r) || 0) + 1;
        if (c === count) {
          rounds.delete(r);
          process.send({ type: "round", r });
        } else rounds.set(r, c);
      });
    }
  });
  process.on("disconnect", () => process.exit(0)); // the parent is gone
  process.send({ type: "ready", errors });
  process.on("message", (m) => {
    if (m.type === "stop") {
      sending = false;
      for (const s of sockets) s.close();
      process.exit(0);
    }
    if (m.type !== "go") return;
    const tStart = Date.now() + cfg.warmup * 1000;
    const tEnd = tStart + cfg.duration * 1000;
    const onReply = (s, send) => (text) => {
      const now = Date.now();
      if (now >= tStart && now < tEnd) {
        measured++;
        record(hist, (elapsedNs() - stampOf(text)) / 1000);
      }
      if (now < tEnd) send(s);
    };
    let send;
    if (cfg.scenario === "emit") {
      send = (s) => s.emit("message", stamped(cfg.size));
      for (const s of sockets) s.on("message-back", onReply(s, (x) => send(x)));
    } else if (cfg.scenario === "ack") {
      const handlers = new Map();
      send = (s) => s.emit("message-with-ack", stamped(cfg.size), handlers.get(s));
      for (const s of sockets) handlers.set(s, onReply(s, (x) => send(x)));
    }
    if (send) {
      for (const s of sockets) for (let k = 0; k < cfg.inFlight; k++) send(s);
    }
    setTimeout(() => {
      sending = false;
      process.send({ type: "result", measured, hist, disconnects });
    }, tEnd - Date.now() + 500);
  });
}

// ---- memory of the server ----
function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]) * 1024;
}
function heapBytes() {
  if (cfg.heap === "jvm") {
    execFileSync("jcmd", [String(cfg.pid), "GC.run"], { stdio: "ignore" });
    const out = execFileSync("jcmd", [String(cfg.pid), "GC.heap_info"], { encoding: "utf8" });
    const m = /total \d+K, used (\d+)K/.exec(out);
    return m ? Number(m[1]) * 1024 : null;
  }
  if (cfg.heap === "node") {
    return new Promise((resolve) => {
      http
        .get(new URL("/bench/stats?gc=1", cfg.url), (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve(JSON.parse(body).heap_used));
        })
        .on("error", () => resolve(null));
    });
  }
  return null;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch (e) {
    return 100;
  }
})();
// user + system CPU seconds the server process used so far (null without a pid)
function cpuSeconds(pid) {
  if (!pid) return null;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}
// reads the server's CPU time at the start and the end of the measured window
function cpuWindow() {
  const w = { start: null, end: null };
  setTimeout(() => (w.start = cpuSeconds(cfg.pid)), cfg.warmup * 1000);
  setTimeout(() => (w.end = cpuSeconds(cfg.pid)), (cfg.warmup + cfg.duration) * 1000);
  return w;
}
function cpuResult(result, w, count) {
  if (w.start == null || w.end == null) return;
  const used = w.end - w.start;
  result.server_cpu_pct = Math.round((used / cfg.duration) * 100);
  if (count > 0) result.server_cpu_us_per_msg = Math.round((used * 1e6 * 100) / count) / 100;
}

// ---- parent: forks the workers, coordinates, reports ----
async function parent() {
  const deadline = cfg.deadline || cfg.warmup + cfg.duration + cfg.settle + 120;
  setTimeout(() => {
    process.stdout.write(JSON.stringify({ error: "deadline passed" }) + "\n");
    process.exit(3);
  }, deadline * 1000).unref();
  const result = { scenario: cfg.scenario, transport: cfg.transport, clients: cfg.clients, inFlight: cfg.inFlight, size: cfg.size, procs: cfg.procs };
  let before;
  if (cfg.scenario === "idle") {
    if (cfg.prewarm) {
      // opens and closes the same number of sockets first, so that the heap and buffers a JVM touches for
      // the first time while connecting are not counted as memory per socket
      const pre = fork(__filename, [JSON.stringify({ ...cfg, connectConcurrency: 50 })], {
        env: { ...process.env, SIO_LOAD_WORKER: String(cfg.clients) },
      });
      await new Promise((resolve) => pre.on("message", (m) => m.type === "ready" && resolve()));
      pre.send({ type: "stop" });
      await new Promise((resolve) => pre.on("exit", resolve));
    }
    await sleep(cfg.settle * 1000);
    before = { rss: rssBytes(cfg.pid), heap: await heapBytes() };
  }
  const workers = [];
  let errors = 0;
  const ready = [];
  for (let i = 0; i < cfg.procs; i++) {
    const n = Math.floor(cfg.clients / cfg.procs) + (i < cfg.clients % cfg.procs ? 1 : 0);
    const w = fork(__filename, [JSON.stringify(cfg)], { env: { ...process.env, SIO_LOAD_WORKER: String(n) } });
    workers.push(w);
    ready.push(
      new Promise((resolve) =>
        w.on("message", (m) => {
          if (m.type === "ready") {
            errors += m.errors;
            resolve();
          }
        })
      )
    );
  }
  const stopAll = () => workers.forEach((w) => w.connected && w.send({ type: "stop" }));
  await Promise.all(ready);

  if (cfg.scenario === "idle") {
    await sleep(cfg.settle * 1000);
    const after = { rss: rssBytes(cfg.pid), heap: await heapBytes() };
    const held = cfg.clients - errors;
    result.held = held;
    result.rss_per_socket_bytes = Math.round((after.rss - before.rss) / held);
    if (before.heap != null && after.heap != null) {
      result.heap_per_socket_bytes = Math.round((after.heap - before.heap) / held);
    }
  } else if (cfg.scenario === "broadcast") {
    const { sockets } = await connectAll(1, () => {});
    const control = sockets[0];
    const hist = newHist();
    const pending = new Map(); // round -> [sentNs, workers done]
    let round = 0;
    let delivered = 0;
    const tStart = Date.now() + cfg.warmup * 1000;
    const tEnd = tStart + cfg.duration * 1000;
    const sendRound = () => {
      const r = round++;
      pending.set(r, [elapsedNs(), 0]);
      control.emit("broadcast", {}, "bcast", r.toString(16).padStart(16, "0") + "y".repeat(cfg.size - 16), () => {});
    };
    for (const w of workers) {
      w.on("message", (m) => {
        if (m.type !== "round") return;
        const p = pending.get(m.r);
        if (!p) return;
        if (++p[1] < workers.length) return;
        pending.delete(m.r);
        const now = Date.now();
        if (now >= tStart && now < tEnd) {
          delivered += cfg.clients;
          record(hist, (elapsedNs() - p[0]) / 1000);
        }
        if (now < tEnd) sendRound();
      });
    }
    workers.forEach((w) => w.send({ type: "go" }));
    const cpu = cpuWindow();
    for (let k = 0; k < cfg.inFlight; k++) sendRound();
    await sleep(tEnd - Date.now() + 500);
    result.msgs_per_s = Math.round(delivered / cfg.duration);
    result.latency_us = summary(hist);
    result.unfinished_rounds = pending.size;
    cpuResult(result, cpu, delivered);
    control.close();
  } else {
    const results = [];
    for (const w of workers) {
      results.push(new Promise((resolve) => w.on("message", (m) => m.type === "result" && resolve(m))));
      w.send({ type: "go" });
    }
    const cpu = cpuWindow();
    const all = await Promise.all(results);
    const hist = newHist();
    let measured = 0;
    for (const r of all) {
      measured += r.measured;
      errors += r.disconnects;
      r.hist.forEach((c, i) => (hist[i] += c));
    }
    result.msgs_per_s = Math.round(measured / cfg.duration);
    result.latency_us = summary(hist);
    cpuResult(result, cpu, measured);
  }
  result.errors = errors;
  stopAll();
  process.stdout.write(JSON.stringify(result) + "\n");
  setTimeout(() => process.exit(errors > 0 ? 1 : 0), 300);
}

if (process.env.SIO_LOAD_WORKER) {
  worker(Number(process.env.SIO_LOAD_WORKER)).catch((e) => {
    process.stderr.write(`worker: ${e.stack}\n`);
    process.exit(2);
  });
} else {
  parent().catch((e) => {
    process.stderr.write(`sio-load: ${e.stack}\n`);
    process.exit(2);
  });
}

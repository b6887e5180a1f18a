#!/usr/bin/env node
// Turns benchmarks/sio-run.sh's results.jsonl into the Markdown tables of the Socket.IO section of
// BENCHMARKS.md: the median over the runs per case and server, the ratios ours/Node and
// ours/netty-socketio, each run's values, and the targets of issue 13 (reported, not asserted).
// usage: node sio-report.js results.jsonl [meta.txt]
"use strict";
const fs = require("fs");

const rows = fs
  .readFileSync(process.argv[2], "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const meta = process.argv[3] ? fs.readFileSync(process.argv[3], "utf8").trim() : "";
const IMPLS = ["ours", "node", "nsio"];

const METRICS = [
  // case, label, getter, higher is better, target(ours, node, nsio) -> [text, met]
  ["ws-emit-1", "emits/s", (r) => r.msgs_per_s, true, (o, n) => ["≥ 3× Node", o >= 3 * n]],
  ["ws-emit-1", "latency p50 (µs)", (r) => r.latency_us && r.latency_us.p50, false],
  ["ws-emit-1", "latency p99 (µs)", (r) => r.latency_us && r.latency_us.p99, false, (o, n) => ["< Node", o < n]],
  ["ws-emit-1", "server CPU (% of one core)", (r) => r.server_cpu_pct, false],
  ["ws-emit-1", "server CPU µs per emit", (r) => r.server_cpu_us_per_msg, false],
  ["ws-emit-10", "emits/s", (r) => r.msgs_per_s, true, (o, n) => ["≥ 3× Node", o >= 3 * n]],
  ["ws-emit-10", "latency p50 (µs)", (r) => r.latency_us && r.latency_us.p50, false],
  ["ws-emit-10", "latency p99 (µs)", (r) => r.latency_us && r.latency_us.p99, false, (o, n) => ["< Node", o < n]],
  ["ws-emit-10", "server CPU (% of one core)", (r) => r.server_cpu_pct, false],
  ["ws-emit-10", "server CPU µs per emit", (r) => r.server_cpu_us_per_msg, false],
  ["ws-ack-10", "acked emits/s", (r) => r.msgs_per_s, true, (o, n) => ["≥ 3× Node", o >= 3 * n]],
  ["ws-ack-10", "latency p50 (µs)", (r) => r.latency_us && r.latency_us.p50, false],
  ["ws-ack-10", "latency p99 (µs)", (r) => r.latency_us && r.latency_us.p99, false, (o, n) => ["< Node", o < n]],
  ["ws-ack-10", "server CPU (% of one core)", (r) => r.server_cpu_pct, false],
  ["ws-ack-10", "server CPU µs per emit", (r) => r.server_cpu_us_per_msg, false],
  ["poll-emit-1", "emits/s", (r) => r.msgs_per_s, true, (o, n) => ["≥ Node", o >= n]],
  ["poll-emit-1", "latency p50 (µs)", (r) => r.latency_us && r.latency_us.p50, false],
  ["poll-emit-1", "latency p99 (µs)", (r) => r.latency_us && r.latency_us.p99, false],
  ["poll-emit-1", "server CPU (% of one core)", (r) => r.server_cpu_pct, false],
  ["poll-emit-1", "server CPU µs per emit", (r) => r.server_cpu_us_per_msg, false],
  ["broadcast-1k", "deliveries/s", (r) => r.msgs_per_s, true],
  ["broadcast-1k", "round p50 (µs)", (r) => r.latency_us && r.latency_us.p50, false],
  ["broadcast-1k", "round p99 (µs)", (r) => r.latency_us && r.latency_us.p99, false],
  ["broadcast-1k", "server CPU (% of one core)", (r) => r.server_cpu_pct, false],
  ["broadcast-1k", "server CPU µs per delivery", (r) => r.server_cpu_us_per_msg, false],
  ["idle-3k", "sockets held", (r) => r.held, true],
  ["idle-3k", "RSS per socket (B)", (r) => r.rss_per_socket_bytes, false, (o, n, s) => ["≤ 0.5× netty-socketio", o <= 0.5 * s]],
  ["idle-3k", "heap per socket (B, after GC)", (r) => r.heap_per_socket_bytes, false, (o, n, s) => ["≤ 0.5× netty-socketio", o <= 0.5 * s]],
];

function values(c, impl, get) {
  return rows
    .filter((x) => x.case === c && x.impl === impl)
    .sort((a, b) => a.run - b.run)
    .map((x) => (x.result && !x.result.error ? get(x.result) : null));
}
function median(vs) {
  const v = vs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}
const fmt = (v) =>
  v == null ? "–" : Math.abs(v) < 100 && !Number.isInteger(v) ? v.toFixed(1) : Math.round(v).toLocaleString("en-US");
const ratio = (a, b) => (a == null || b == null || b === 0 ? "–" : (a / b).toFixed(2));

const out = [];
out.push("| case | metric | ours | Node | netty-socketio | ours/Node | ours/netty-socketio | target | met |");
out.push("|---|---|---:|---:|---:|---:|---:|---|:-:|");
const perRun = [];
for (const [c, label, get, , target] of METRICS) {
  const vs = IMPLS.map((i) => values(c, i, get));
  if (vs.every((v) => v.length === 0)) continue;
  const [o, n, s] = vs.map(median);
  let t = "";
  let met = "";
  if (target && o != null && n != null && s != null) {
    const [text, ok] = target(o, n, s);
    t = text;
    met = ok ? "yes" : "**no**";
  }
  out.push(`| ${c} | ${label} | ${fmt(o)} | ${fmt(n)} | ${fmt(s)} | ${ratio(o, n)} | ${ratio(o, s)} | ${t} | ${met} |`);
  perRun.push(`| ${c} | ${label} | ${vs.map((v) => v.map(fmt).join(" / ")).join(" | ")} |`);
}
const errs = rows.filter((x) => !x.result || x.result.error || x.result.errors > 0);
console.log(meta ? "```\n" + meta + "\n```\n" : "");
console.log(out.join("\n"));
console.log("\nEach run (in order):\n");
console.log("| case | metric | ours | Node | netty-socketio |\n|---|---|---|---|---|");
console.log(perRun.join("\n"));
console.log(
  "\nRuns with errors: " +
    (errs.length === 0
      ? "none"
      : errs.map((x) => `${x.case} run ${x.run} ${x.impl}: ${x.result ? JSON.stringify(x.result.error || x.result.errors) : "no result"}`).join("; "))
);

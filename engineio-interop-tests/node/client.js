#!/usr/bin/env node
// Interop scenario runner: drives the official engine.io-client 3.x (protocol v3) or 6.x
// (protocol v4) against an Engine.IO echo server (every message comes back to its sender; the text
// "server-close" makes the server close the socket).
//
// usage: node client.js --url http://127.0.0.1:PORT --client v3|v6 --scenario NAME [options]
// Run with --help for the options and scenarios.
//
// Prints exactly one line of JSON on stdout at the end:
//   {"ok":true|false,"scenario":...,"client":...,"details":{...},"error":null|"..."}
// and exits 0 when ok, 1 otherwise (2 for bad usage, still with the JSON line).
// Library debug output (DEBUG=engine.io-client:*) goes to stderr and never pollutes stdout.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const USAGE = `usage: node client.js --url URL --client v3|v6 --scenario NAME [options]

scenarios:
  echo-text            ASCII, multi-byte UTF-8, emoji, "\\n"/quotes and "" come back equal, in order
  echo-binary          binary payloads of 1,2,125,126,65535,65536,500000 bytes come back byte-equal,
                       then a burst of mixed text/binary messages comes back in order
  order                --count (1000) messages sent at once come back in order, none lost/duplicated
  idle                 stays idle --idle-ms (3.5 x pingInterval), must stay open, then echo works
  server-close         "server-close" makes the server close; a close event must arrive
  client-close         socket.close() after one echo; close must fire with "forced close"
  upgrade-burst        polling + upgrade; --count (200) messages sent while the upgrade runs come
                       back in order and the final transport is websocket
  many                 --count (200) concurrent sockets, 5 tagged messages each, no cross-delivery
  ping-timeout-silent  skipped (tested from Java); reports ok with details.skipped=true

options:
  --url URL               server base URL (required), e.g. http://127.0.0.1:3000
  --client v3|v6          engine.io-client 3.5.x (EIO=3) or 6.6.x (EIO=4) (required)
  --scenario NAME         see above (required)
  --transports LIST       comma-separated, default polling,websocket
  --upgrade true|false    allow the polling->websocket upgrade (default true)
  --wait-upgrade true     wait for the upgrade to finish before the scenario's traffic
  --expect-transport NAME fail unless the (last) socket ends up on this transport
  --path PATH             default /engine.io
  --count N               order: 1000, upgrade-burst: 200, many: 200
  --idle-ms N             idle: default 3.5 x pingInterval from the handshake
  --max-binary N          echo-binary: largest payload size (default 500000)
  --burst-interval-ms N   upgrade-burst: ms between two sends; 0 (default) = next event-loop turn
  --burst-batch N         upgrade-burst: messages per send (default 1)
  --force-base64 true     client option forceBase64 (default false)
  --client-opts JSON      extra client options merged last
  --timeout-ms N          overall timeout (default 20000)
`;

// ---------------------------------------------------------------------------------------------------
// Output and exit. Everything funnels through finish(), which runs at most once.

const startedAt = Date.now();
const report = { ok: false, scenario: null, client: null, details: {}, error: null };
let finished = false;
const allConns = [];

function finish(ok, error, exitCode) {
  if (finished) return;
  finished = true;
  report.ok = ok;
  report.error = ok ? null : String(error || "failed");
  report.details.elapsedMs = Date.now() - startedAt;
  for (const c of allConns) c.destroy();
  let line;
  try {
    line = JSON.stringify(report);
  } catch (e) {
    line = JSON.stringify({ ok: false, scenario: report.scenario, client: report.client, details: {}, error: "unserialisable report: " + e.message });
    ok = false;
  }
  const code = exitCode !== undefined ? exitCode : ok ? 0 : 1;
  process.stdout.write(line + "\n", () => process.exit(code));
  // If stdout is broken or never drains, still exit.
  setTimeout(() => process.exit(code), 1000).unref();
}

process.on("uncaughtException", (e) => finish(false, "uncaught exception: " + errText(e)));
process.on("unhandledRejection", (e) => finish(false, "unhandled rejection: " + errText(e)));

function errText(e) {
  if (e === undefined || e === null) return String(e);
  if (typeof e === "string") return e;
  if (e instanceof Error) {
    let s = e.message || e.name;
    if (e.description !== undefined) s += " (" + errText(e.description) + ")";
    return s;
  }
  if (typeof e === "object" && e.message) return String(e.message);
  try {
    return JSON.stringify(e);
  } catch (_) {
    return String(e);
  }
}

// Close descriptions: v3 gives an Error or nothing; v6 gives an Error or
// {description, context}, where context may be a ws CloseEvent (code/reason are prototype getters)
// or an XHR object.
function describeClose(d) {
  if (d === undefined || d === null) return undefined;
  if (d instanceof Error || typeof d !== "object") return errText(d);
  const out = {};
  if (d.description !== undefined) out.description = errText(d.description);
  const ctx = d.context;
  if (ctx && typeof ctx === "object") {
    if (typeof ctx.code === "number") out.code = ctx.code;
    if (typeof ctx.reason === "string" && ctx.reason) out.reason = ctx.reason;
    if (typeof ctx.status === "number") out.status = ctx.status;
  }
  return out;
}

class ScenarioError extends Error {}
function fail(msg) {
  throw new ScenarioError(msg);
}
function check(cond, msg) {
  if (!cond) fail(msg);
}

// ---------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      out.help = true;
      continue;
    }
    if (!a.startsWith("--")) throw new Error("unexpected argument: " + a);
    const eq = a.indexOf("=");
    if (eq > 0) {
      out[a.slice(2, eq)] = a.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new Error("missing value for " + a);
      out[a.slice(2)] = argv[++i];
    }
  }
  return out;
}

const KNOWN_ARGS = new Set([
  "url", "client", "scenario", "transports", "upgrade", "wait-upgrade", "expect-transport", "path",
  "count", "idle-ms", "max-binary", "burst-interval-ms", "burst-batch", "force-base64",
  "client-opts", "timeout-ms", "help",
]);

function boolArg(v, name, dflt) {
  if (v === undefined) return dflt;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new Error(`--${name} must be true or false, got ${JSON.stringify(v)}`);
}

function intArg(v, name, dflt, min) {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (min !== undefined && n < min) throw new Error(`--${name} must be >= ${min}`);
  return n;
}

let args;
let opts;
try {
  args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stderr.write(USAGE);
    process.exit(0);
  }
  for (const k of Object.keys(args)) if (!KNOWN_ARGS.has(k)) throw new Error("unknown option --" + k);
  report.scenario = args.scenario || null;
  report.client = args.client || null;
  if (!args.url) throw new Error("--url is required");
  if (args.client !== "v3" && args.client !== "v6") throw new Error("--client must be v3 or v6");
  if (!args.scenario) throw new Error("--scenario is required");
  opts = {
    url: args.url,
    client: args.client,
    scenario: args.scenario,
    transports: (args.transports || "polling,websocket").split(",").map((s) => s.trim()).filter(Boolean),
    upgrade: boolArg(args.upgrade, "upgrade", true),
    waitUpgrade: boolArg(args["wait-upgrade"], "wait-upgrade", false),
    expectTransport: args["expect-transport"] || null,
    path: args.path || "/engine.io",
    count: args.count === undefined ? undefined : intArg(args.count, "count", undefined, 1),
    idleMs: args["idle-ms"] === undefined ? undefined : intArg(args["idle-ms"], "idle-ms"),
    maxBinary: intArg(args["max-binary"], "max-binary", 500000, 1),
    burstIntervalMs: intArg(args["burst-interval-ms"], "burst-interval-ms", 0),
    burstBatch: intArg(args["burst-batch"], "burst-batch", 1, 1),
    forceBase64: boolArg(args["force-base64"], "force-base64", false),
    clientOpts: args["client-opts"] ? JSON.parse(args["client-opts"]) : {},
    timeoutMs: intArg(args["timeout-ms"], "timeout-ms", 20000, 1),
  };
  if (opts.transports.length === 0) throw new Error("--transports is empty");
  for (const t of opts.transports) {
    if (t !== "polling" && t !== "websocket") throw new Error("unsupported transport: " + t);
  }
} catch (e) {
  process.stderr.write(USAGE);
  finish(false, "usage: " + e.message, 2);
  return;
}

// ---------------------------------------------------------------------------------------------------
// Client library

const LIB_NAME = opts.client === "v3" ? "eio-client-v3" : "eio-client-v6";
const lib = require(LIB_NAME);
// Read the version from disk: not every package exports its package.json.
const libVersion = JSON.parse(fs.readFileSync(path.join(__dirname, "node_modules", LIB_NAME, "package.json"), "utf8")).version;
const SocketCtor = opts.client === "v3" ? lib : lib.Socket;

function clientOptions(overrides) {
  return Object.assign(
    {
      path: opts.path,
      transports: opts.transports.slice(),
      upgrade: opts.upgrade,
      forceBase64: opts.forceBase64,
      rememberUpgrade: false,
    },
    overrides || {},
    opts.clientOpts,
  );
}

function typeName(d) {
  if (d === undefined) return "undefined";
  if (d === null) return "null";
  if (Buffer.isBuffer(d)) return "Buffer";
  if (d instanceof ArrayBuffer) return "ArrayBuffer";
  if (ArrayBuffer.isView(d)) return d.constructor.name;
  return typeof d;
}

function toBuffer(d) {
  if (Buffer.isBuffer(d)) return d;
  if (d instanceof ArrayBuffer) return Buffer.from(d);
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return null;
}

function preview(d) {
  if (typeof d === "string") return JSON.stringify(d.length > 60 ? d.slice(0, 60) + "..." : d);
  const b = toBuffer(d);
  if (b) return `<${typeName(d)} ${b.length} bytes>`;
  return typeName(d);
}

// One socket plus its event record. Waits are re-checked after every event; the overall timeout
// bounds them all.
class Conn {
  constructor(label, overrides) {
    this.label = label;
    this.inbox = [];
    this.received = 0;
    this.waiters = new Set();
    this.opened = false;
    this.openedAt = null;
    this.closeInfo = null;
    this.errors = [];
    this.handshake = null;
    this.transportAtOpen = null;
    this.upgradingTo = [];
    this.upgradedTo = [];
    this.upgradeErrors = [];
    this.pingPackets = 0; // ping packets received
    this.pongPackets = 0; // pong packets received
    this.pingEvents = 0; // "ping" events emitted by the socket
    this.pongEvents = 0; // "pong" events emitted by the socket
    this.receivedTypes = {};
    this.sendsBeforeOpen = 0;
    this.socket = new SocketCtor(opts.url, clientOptions(overrides));
    allConns.push(this);
    const s = this.socket;
    s.on("handshake", (h) => {
      this.handshake = h;
      this.poke();
    });
    s.on("open", () => {
      this.opened = true;
      this.openedAt = Date.now();
      this.transportAtOpen = s.transport && s.transport.name;
      this.poke();
    });
    s.on("message", (d) => {
      this.received++;
      const t = typeName(d);
      this.receivedTypes[t] = (this.receivedTypes[t] || 0) + 1;
      this.inbox.push(d);
      this.poke();
    });
    s.on("packet", (p) => {
      if (p && p.type === "ping") this.pingPackets++;
      if (p && p.type === "pong") this.pongPackets++;
    });
    s.on("ping", () => this.pingEvents++);
    s.on("pong", () => this.pongEvents++);
    s.on("upgrading", (t) => this.upgradingTo.push({ name: t && t.name, atMs: this.sinceOpen() }));
    s.on("upgrade", (t) => {
      this.upgradedTo.push({ name: t && t.name, atMs: this.sinceOpen() });
      this.poke();
    });
    s.on("upgradeError", (e) => this.upgradeErrors.push(errText(e)));
    s.on("error", (e) => {
      this.errors.push(errText(e));
      this.poke();
    });
    s.on("close", (reason, description) => {
      this.closeInfo = {
        reason: reason,
        description: describeClose(description),
        atMs: this.sinceOpen(),
      };
      this.poke();
    });
  }

  sinceOpen() {
    return this.openedAt === null ? null : Date.now() - this.openedAt;
  }

  transportName() {
    return this.socket.transport ? this.socket.transport.name : null;
  }

  poke() {
    for (const w of Array.from(this.waiters)) w();
  }

  // check() returns undefined to keep waiting, {value} to resolve, or throws to reject.
  waitFor(check) {
    return new Promise((resolve, reject) => {
      const w = () => {
        let r;
        try {
          r = check();
        } catch (e) {
          this.waiters.delete(w);
          reject(e);
          return;
        }
        if (r !== undefined) {
          this.waiters.delete(w);
          resolve(r.value);
        }
      };
      this.waiters.add(w);
      w();
    });
  }

  closedError(what) {
    const c = this.closeInfo;
    return new ScenarioError(
      `${this.label}: socket closed while waiting for ${what}: reason=${JSON.stringify(c.reason)}` +
        (c.description !== undefined ? ` description=${JSON.stringify(c.description)}` : "") +
        (this.errors.length ? ` errors=${JSON.stringify(this.errors)}` : ""),
    );
  }

  waitOpen() {
    return this.waitFor(() => {
      if (this.opened) return { value: undefined };
      if (this.closeInfo) throw this.closedError("open");
      if (this.errors.length) throw new ScenarioError(`${this.label}: error before open: ${this.errors.join("; ")}`);
      return undefined;
    });
  }

  nextMessage(what) {
    return this.waitFor(() => {
      if (this.inbox.length) return { value: this.inbox.shift() };
      if (this.closeInfo) throw this.closedError(what || "a message");
      return undefined;
    });
  }

  waitClose() {
    return this.waitFor(() => (this.closeInfo ? { value: this.closeInfo } : undefined));
  }

  waitTransport(name) {
    return this.waitFor(() => {
      // The clients switch the transport before emitting "upgrade".
      if (this.transportName() === name) return { value: undefined };
      if (this.closeInfo) throw this.closedError(`transport ${name}`);
      return undefined;
    });
  }

  send(d) {
    this.socket.send(d);
  }

  summary() {
    const h = this.handshake;
    const out = {
      sid: h ? h.sid : null,
      handshake: h ? { upgrades: h.upgrades, pingInterval: h.pingInterval, pingTimeout: h.pingTimeout, maxPayload: h.maxPayload } : null,
      transportAtOpen: this.transportAtOpen,
      transportAtEnd: this.transportName(),
      upgraded: this.upgradedTo.length > 0,
      upgrades: this.upgradedTo,
      readyState: this.socket.readyState,
      received: this.received,
      receivedTypes: this.receivedTypes,
    };
    if (this.upgradingTo.length) out.upgrading = this.upgradingTo;
    if (this.upgradeErrors.length) out.upgradeErrors = this.upgradeErrors;
    if (this.errors.length) out.errors = this.errors;
    if (this.closeInfo) out.close = this.closeInfo;
    return out;
  }

  destroy() {
    this.waiters.clear();
    try {
      if (this.socket.readyState !== "closed") this.socket.close();
    } catch (_) {
      // best effort
    }
  }
}

let stage = "starting";
function setStage(s) {
  stage = s;
}

async function openConn(label, overrides) {
  const c = new Conn(label || "socket", overrides);
  setStage("waiting for open");
  await c.waitOpen();
  if (opts.waitUpgrade) {
    setStage("waiting for the upgrade to websocket (--wait-upgrade)");
    await c.waitTransport("websocket");
  }
  return c;
}

// Shared end-of-scenario bookkeeping for single-socket scenarios.
async function endCheck(c) {
  if (opts.expectTransport) {
    setStage(`waiting for transport ${opts.expectTransport} (--expect-transport)`);
    await c.waitTransport(opts.expectTransport);
  }
  Object.assign(report.details, c.summary());
}

function sameText(sent, got) {
  if (typeof got === "string") return got === sent;
  // An empty message is a bare "4" on the wire; both clients decode it as a message with no data.
  return sent === "" && got === undefined;
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

const TEXTS = [
  "hello",
  "ASCII 0123456789 !#$%&'()*+,-./:;<=>?@[]^_`{|}~",
  "你好,世界!",
  "€",
  "😀🎉",
  "a😀b\u{1F600}\u{10FFFF}",
  'line1\nline2 "double" \'single\' back\\slash \t tab',
  "",
  "4",
  "2probe",
  "b4AQID",
  "x".repeat(5000),
];

async function scenarioEchoText() {
  const c = await openConn("socket");
  const sent = TEXTS.slice();
  for (const t of sent) c.send(t);
  const notes = [];
  for (let i = 0; i < sent.length; i++) {
    setStage(`waiting for echo ${i + 1}/${sent.length}`);
    const got = await c.nextMessage(`echo ${i + 1}/${sent.length}`);
    if (!sameText(sent[i], got)) {
      fail(`echo ${i} differs: sent ${preview(sent[i])}, got ${preview(got)}`);
    }
    if (sent[i] === "" && got === undefined) notes.push("empty string echoed as a message with undefined data");
  }
  report.details.sent = sent.length;
  if (notes.length) report.details.notes = notes;
  await endCheck(c);
}

function binarySizes() {
  return [1, 2, 125, 126, 65535, 65536, 500000].filter((n) => n <= opts.maxBinary);
}

async function scenarioEchoBinary() {
  const c = await openConn("socket");
  const sizes = binarySizes();
  check(sizes.length > 0, "--max-binary leaves no payload size");
  const sentAs = {};
  // One at a time: a v3 polling client puts its whole write buffer in one POST, so sending the big
  // payloads together could exceed maxHttpBufferSize.
  for (let i = 0; i < sizes.length; i++) {
    const payload = crypto.randomBytes(sizes[i]);
    // Alternate the input type: Buffer, ArrayBuffer, Uint8Array.
    let toSend;
    if (i % 3 === 0) toSend = payload;
    else if (i % 3 === 1) toSend = payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.length);
    else toSend = new Uint8Array(payload);
    sentAs[sizes[i]] = typeName(toSend);
    c.send(toSend);
    setStage(`waiting for the echo of ${sizes[i]} bytes`);
    const got = await c.nextMessage(`the echo of ${sizes[i]} bytes`);
    const b = toBuffer(got);
    check(b !== null, `echo of ${sizes[i]} bytes is not binary: ${preview(got)}`);
    check(b.length === sizes[i], `echo of ${sizes[i]} bytes has ${b.length} bytes`);
    if (!b.equals(payload)) {
      let at = 0;
      while (at < b.length && b[at] === payload[at]) at++;
      fail(`echo of ${sizes[i]} bytes differs at byte ${at}`);
    }
  }
  // Mixed burst: text and small binary sent back to back must come back in order, with their types.
  const mixed = [];
  for (let i = 0; i < 20; i++) {
    mixed.push(i % 2 === 0 ? `text-${i}-€` : crypto.randomBytes(1 + ((i * 37) % 300)));
  }
  for (const m of mixed) c.send(m);
  for (let i = 0; i < mixed.length; i++) {
    setStage(`waiting for mixed echo ${i + 1}/${mixed.length}`);
    const got = await c.nextMessage(`mixed echo ${i + 1}/${mixed.length}`);
    if (typeof mixed[i] === "string") {
      check(got === mixed[i], `mixed echo ${i}: sent ${preview(mixed[i])}, got ${preview(got)}`);
    } else {
      const b = toBuffer(got);
      check(b !== null && b.equals(mixed[i]), `mixed echo ${i}: sent ${preview(mixed[i])}, got ${preview(got)}`);
    }
  }
  report.details.sizes = sizes;
  report.details.sentAs = sentAs;
  report.details.mixedBurst = mixed.length;
  await endCheck(c);
}

async function scenarioOrder() {
  const n = opts.count !== undefined ? opts.count : 1000;
  const c = await openConn("socket");
  const t0 = Date.now();
  for (let i = 0; i < n; i++) c.send("m-" + i);
  const seen = new Set();
  for (let i = 0; i < n; i++) {
    setStage(`waiting for echo ${i + 1}/${n}`);
    const got = await c.nextMessage(`echo ${i + 1}/${n}`);
    if (got !== "m-" + i) {
      const dup = seen.has(got);
      fail(`echo #${i} is ${preview(got)}, expected "m-${i}"` + (dup ? " (duplicate)" : ""));
    }
    seen.add(got);
  }
  // Nothing extra (e.g. a duplicate of the last one) may follow.
  setStage("checking for extra echoes");
  await sleep(50);
  check(c.inbox.length === 0, `unexpected extra messages after ${n} echoes: ${c.inbox.slice(0, 5).map(preview).join(", ")}`);
  report.details.count = n;
  report.details.roundTripMs = Date.now() - t0;
  await endCheck(c);
}

async function scenarioIdle() {
  const c = await openConn("socket");
  const h = c.handshake;
  check(h && typeof h.pingInterval === "number", "no pingInterval in the handshake");
  const idleMs = opts.idleMs !== undefined ? opts.idleMs : Math.round(3.5 * h.pingInterval);
  const before = { pingPackets: c.pingPackets, pongPackets: c.pongPackets };
  setStage(`idle for ${idleMs} ms`);
  await sleep(idleMs);
  if (c.closeInfo) throw c.closedError(`the end of the ${idleMs} ms idle period`);
  check(c.socket.readyState === "open", `readyState is ${c.socket.readyState} after idling`);
  // v4: the server pings; v3: the client pings and the server must answer with pongs.
  const heartbeats = opts.client === "v6" ? c.pingPackets - before.pingPackets : c.pongPackets - before.pongPackets;
  if (idleMs >= 2 * h.pingInterval) {
    check(heartbeats >= 1, `no heartbeat during ${idleMs} ms idle with pingInterval ${h.pingInterval}` + (opts.client === "v6" ? " (no ping from the server)" : " (no pong from the server)"));
  }
  const msg = "after-idle-" + crypto.randomBytes(4).toString("hex");
  c.send(msg);
  setStage("waiting for the echo after idling");
  const got = await c.nextMessage("the echo after idling");
  check(got === msg, `echo after idle: sent ${preview(msg)}, got ${preview(got)}`);
  check(!c.closeInfo, "socket closed after the echo");
  report.details.idleMs = idleMs;
  report.details.heartbeats = heartbeats;
  report.details.pingPackets = c.pingPackets;
  report.details.pongPackets = c.pongPackets;
  report.details.pingEvents = c.pingEvents;
  report.details.pongEvents = c.pongEvents;
  await endCheck(c);
}

async function scenarioServerClose() {
  const c = await openConn("socket");
  const msg = "before-close";
  c.send(msg);
  setStage("waiting for the echo before server-close");
  const got = await c.nextMessage("the echo before server-close");
  check(got === msg, `echo before close: sent ${preview(msg)}, got ${preview(got)}`);
  if (opts.expectTransport) {
    setStage(`waiting for transport ${opts.expectTransport} (--expect-transport)`);
    await c.waitTransport(opts.expectTransport);
  }
  const transportAtClose = c.transportName();
  c.send("server-close");
  setStage("waiting for the close event after server-close");
  const info = await c.waitClose();
  check(typeof info.reason === "string" && info.reason.length > 0, "close event without a reason");
  check(info.reason !== "forced close", `close reason is "forced close", but the client did not close`);
  check(c.inbox.length === 0, `unexpected messages after server-close: ${c.inbox.map(preview).join(", ")}`);
  check(c.socket.readyState === "closed", `readyState is ${c.socket.readyState} after close`);
  Object.assign(report.details, c.summary());
  report.details.transportAtClose = transportAtClose;
  report.details.reason = info.reason;
  if (info.description !== undefined) report.details.description = info.description;
}

async function scenarioClientClose() {
  const c = await openConn("socket");
  const msg = "before-client-close";
  c.send(msg);
  setStage("waiting for the echo before client close");
  const got = await c.nextMessage("the echo before client close");
  check(got === msg, `echo before close: sent ${preview(msg)}, got ${preview(got)}`);
  if (opts.expectTransport) {
    setStage(`waiting for transport ${opts.expectTransport} (--expect-transport)`);
    await c.waitTransport(opts.expectTransport);
  }
  const transportAtClose = c.transportName();
  c.socket.close();
  setStage("waiting for the close event after socket.close()");
  const info = await c.waitClose();
  check(info.reason === "forced close", `close reason is ${JSON.stringify(info.reason)}, expected "forced close"`);
  check(c.socket.readyState === "closed", `readyState is ${c.socket.readyState} after close`);
  Object.assign(report.details, c.summary());
  report.details.transportAtClose = transportAtClose;
  report.details.reason = info.reason;
  if (info.description !== undefined) report.details.description = info.description;
}

async function scenarioUpgradeBurst() {
  const explicitT = args.transports !== undefined;
  if ((explicitT && !(opts.transports[0] === "polling" && opts.transports.includes("websocket"))) || !opts.upgrade) {
    fail("upgrade-burst needs --transports polling,websocket and --upgrade true");
  }
  if (opts.waitUpgrade) fail("upgrade-burst cannot be combined with --wait-upgrade");
  const n = opts.count !== undefined ? opts.count : 200;
  const c = await openConn("socket", { transports: ["polling", "websocket"], upgrade: true });
  check(c.transportAtOpen === "polling", `opened on ${c.transportAtOpen}, expected polling`);
  check(Array.isArray(c.handshake.upgrades) && c.handshake.upgrades.includes("websocket"), `handshake offers no websocket upgrade: ${JSON.stringify(c.handshake.upgrades)}`);
  // Where each send fell: while the websocket probe was in flight (before "upgrading"), between
  // "upgrading" and "upgrade" (polling paused, the client buffers), or after the upgrade.
  const phases = { whileProbing: 0, whilePausing: 0, afterUpgrade: 0 };
  let sent = 0;
  setStage(`sending ${n} messages`);
  await new Promise((resolve) => {
    const tick = () => {
      if (finished) return resolve();
      for (let k = 0; k < opts.burstBatch && sent < n; k++) {
        if (c.upgradedTo.length) phases.afterUpgrade++;
        else if (c.upgradingTo.length) phases.whilePausing++;
        else phases.whileProbing++;
        c.send("u-" + sent++);
      }
      if (sent < n) {
        if (opts.burstIntervalMs === 0) setImmediate(tick);
        else setTimeout(tick, opts.burstIntervalMs);
      }
      else resolve();
    };
    tick(); // the first batch goes out synchronously, right after open
  });
  for (let i = 0; i < n; i++) {
    setStage(`waiting for echo ${i + 1}/${n}`);
    const got = await c.nextMessage(`echo ${i + 1}/${n}`);
    check(got === "u-" + i, `echo #${i} is ${preview(got)}, expected "u-${i}"`);
  }
  setStage("waiting for the upgrade to finish");
  await c.waitTransport("websocket");
  await sleep(50);
  check(c.inbox.length === 0, `unexpected extra messages: ${c.inbox.slice(0, 5).map(preview).join(", ")}`);
  check(c.upgradedTo.length === 1 && c.upgradedTo[0].name === "websocket", `upgrade events: ${JSON.stringify(c.upgradedTo)}`);
  check(phases.whileProbing + phases.whilePausing > 0, "no message was sent before the upgrade finished");
  // A final round trip on the websocket.
  c.send("after-upgrade");
  setStage("waiting for the echo after the upgrade");
  const got = await c.nextMessage("the echo after the upgrade");
  check(got === "after-upgrade", `echo after upgrade: got ${preview(got)}`);
  report.details.count = n;
  report.details.sentPhases = phases;
  await endCheck(c);
  check(report.details.transportAtEnd === "websocket", `final transport is ${report.details.transportAtEnd}`);
}

async function scenarioMany() {
  const n = opts.count !== undefined ? opts.count : 200;
  const perSocket = 5;
  const t0 = Date.now();
  const conns = [];
  for (let i = 0; i < n; i++) conns.push(new Conn("socket#" + i));
  setStage(`waiting for ${n} sockets to open`);
  await Promise.all(conns.map((c) => c.waitOpen()));
  const openedMs = Date.now() - t0;
  if (opts.waitUpgrade) {
    setStage(`waiting for ${n} sockets to upgrade`);
    await Promise.all(conns.map((c) => c.waitTransport("websocket")));
  }
  const sids = new Set(conns.map((c) => c.handshake && c.handshake.sid));
  check(sids.size === n && !sids.has(undefined) && !sids.has(null), `only ${sids.size} distinct sids for ${n} sockets`);
  const expected = conns.map((c, i) => {
    const tag = `s${i}-${crypto.randomBytes(3).toString("hex")}`;
    const msgs = [];
    for (let k = 0; k < perSocket; k++) msgs.push(`${tag}:${k}`);
    return msgs;
  });
  conns.forEach((c, i) => expected[i].forEach((m) => c.send(m)));
  setStage(`waiting for ${n * perSocket} echoes`);
  await Promise.all(
    conns.map(async (c, i) => {
      for (let k = 0; k < perSocket; k++) {
        const got = await c.nextMessage(`echo ${k + 1}/${perSocket}`);
        if (got !== expected[i][k]) {
          fail(`${c.label} echo #${k} is ${preview(got)}, expected ${JSON.stringify(expected[i][k])}`);
        }
      }
    }),
  );
  const echoedMs = Date.now() - t0;
  setStage("checking for cross-delivered or extra messages");
  await sleep(100);
  const extra = conns.filter((c) => c.inbox.length > 0);
  check(extra.length === 0, `${extra.length} sockets got extra messages, e.g. ${extra.length ? extra[0].label + ": " + extra[0].inbox.slice(0, 3).map(preview).join(", ") : ""}`);
  const transports = {};
  for (const c of conns) transports[c.transportName()] = (transports[c.transportName()] || 0) + 1;
  const upgraded = conns.filter((c) => c.upgradedTo.length > 0).length;
  setStage("closing all sockets");
  for (const c of conns) c.socket.close();
  const infos = await Promise.all(conns.map((c) => c.waitClose()));
  const reasons = {};
  for (const info of infos) reasons[info.reason] = (reasons[info.reason] || 0) + 1;
  check(infos.every((info) => info.reason === "forced close"), `close reasons: ${JSON.stringify(reasons)}`);
  if (opts.expectTransport) {
    check(transports[opts.expectTransport] === n, `transports at the end: ${JSON.stringify(transports)}, expected all ${opts.expectTransport}`);
  }
  Object.assign(report.details, {
    sockets: n,
    messagesPerSocket: perSocket,
    openedMs,
    echoedMs,
    totalMs: Date.now() - t0,
    transportsAtEnd: transports,
    upgradedSockets: upgraded,
    closeReasons: reasons,
    errors: conns.reduce((a, c) => a + c.errors.length, 0),
  });
}

async function scenarioPingTimeoutSilent() {
  report.details.skipped = true;
  report.details.reason = "the server-side ping timeout of a silent client is tested from Java";
}

const SCENARIOS = {
  "echo-text": scenarioEchoText,
  "echo-binary": scenarioEchoBinary,
  order: scenarioOrder,
  idle: scenarioIdle,
  "server-close": scenarioServerClose,
  "client-close": scenarioClientClose,
  "upgrade-burst": scenarioUpgradeBurst,
  many: scenarioMany,
  "ping-timeout-silent": scenarioPingTimeoutSilent,
};

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------------
// Main

(async () => {
  const scenario = SCENARIOS[opts.scenario];
  if (!scenario) {
    finish(false, `unknown scenario ${JSON.stringify(opts.scenario)}; known: ${Object.keys(SCENARIOS).join(", ")}`, 2);
    return;
  }
  report.details.clientVersion = libVersion;
  report.details.protocol = opts.client === "v3" ? 3 : 4;
  report.details.transports = opts.transports;
  report.details.upgrade = opts.upgrade;
  const timer = setTimeout(() => {
    // Record what the single socket had seen so far, to help diagnose the timeout.
    if (allConns.length === 1) Object.assign(report.details, allConns[0].summary());
    finish(false, `timeout after ${opts.timeoutMs} ms while ${stage}`);
  }, opts.timeoutMs);
  try {
    await scenario();
    clearTimeout(timer);
    finish(true);
  } catch (e) {
    clearTimeout(timer);
    if (allConns.length === 1 && report.details.sid === undefined) Object.assign(report.details, allConns[0].summary());
    finish(false, e instanceof ScenarioError ? e.message : "exception: " + (e && e.stack ? e.stack : errText(e)));
  }
})();

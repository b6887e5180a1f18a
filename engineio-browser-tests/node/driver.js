#!/usr/bin/env node
// Drives Debian's Chromium (/usr/bin/chromium; never a downloaded browser) with playwright-core for the
// eio4j browser tests. The Java tests start it and talk to it over stdin/stdout, one JSON object a line:
//   in:  {"id": 1, "op": "eval", "page": 1, "fn": "async (arg) => ...", "arg": ...}
//   out: {"id": 1, "ok": true, "value": ...}   or   {"id": 1, "ok": false, "error": "..."}
// The first line out is {"ready": true, "version": "..."} (or {"ready": false, "error": "..."}).
// Diagnostics go to stderr. The browser is closed and its profile deleted when stdin ends.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const EXECUTABLE = process.env.EIO4J_CHROMIUM || "/usr/bin/chromium";
// Exactly these flags, plus a fresh profile and the pipe playwright talks over (no other defaults).
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const DEFAULT_TIMEOUT_MS = 15000;
const NETWORK_WAIT_MS = 1000; // for the raw headers of one network event

let browser = null;
let userDataDir = null;
const pages = new Map();
let nextPage = 1;

function out(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

function log(...args) {
  process.stderr.write(`[driver ${new Date().toISOString().slice(11, 23)}] ${args.join(" ")}\n`);
}

async function launch() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} not found: install Debian's chromium package (apt-get install -y chromium)`);
  }
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "eio4j-chromium-"));
  browser = await chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    ignoreDefaultArgs: true,
    args: [...FLAGS, `--user-data-dir=${userDataDir}`, "--remote-debugging-pipe", "--no-startup-window"],
    timeout: 30000,
  });
  log(`chromium ${browser.version()} (${EXECUTABLE}), profile ${userDataDir}`);
}

function rec(id) {
  const r = pages.get(id);
  if (!r) throw new Error(`no page ${id}`);
  return r;
}

function fn(source) {
  // the function's own source text: playwright serialises it with toString() and runs it in the page
  return new Function(`return (${source});`)();
}

async function newPage(cmd) {
  const context = await browser.newContext({
    viewport: cmd.viewport || { width: 1200, height: 900 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  const page = await context.newPage();
  const r = { context, page, console: [], network: [] };
  // Raw headers (cookies included) come with a delay, and those of a held long-polling GET only with
  // its response: each entry records a quick fallback to use while they are not there.
  const note = (p, fallback) => r.network.push({ p: p.catch(() => fallback()), fallback });
  page.on("console", (m) => r.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => r.console.push(`pageerror: ${e.message}`));
  page.on("request", (q) => {
    const entry = (headers, partial) => ({ kind: "request", method: q.method(), url: q.url(), headers, partial });
    note(q.allHeaders().then((h) => entry(h, false)), () => entry(q.headers(), true));
  });
  page.on("response", (s) => {
    const entry = (headers, partial) => ({ kind: "response", method: s.request().method(), url: s.url(), status: s.status(), headers, partial });
    note(s.allHeaders().then((h) => entry(h, false)), () => entry(s.headers(), true));
  });
  page.on("requestfailed", (q) => {
    const entry = () => ({ kind: "requestfailed", method: q.method(), url: q.url(), error: q.failure() && q.failure().errorText });
    note(Promise.resolve(entry()), entry);
  });
  page.on("websocket", (ws) => {
    const entry = () => ({ kind: "websocket", url: ws.url() });
    note(Promise.resolve(entry()), entry);
  });
  const id = nextPage++;
  pages.set(id, r);
  return id;
}

const OPS = {
  newPage,
  goto: async (c) => {
    const res = await rec(c.page).page.goto(c.url, { waitUntil: "load" });
    return res ? res.status() : null;
  },
  eval: async (c) => rec(c.page).page.evaluate(fn(c.fn), c.arg === undefined ? null : c.arg),
  waitFor: async (c) => {
    const h = await rec(c.page).page.waitForFunction(fn(c.fn), c.arg === undefined ? null : c.arg, {
      timeout: c.timeout || DEFAULT_TIMEOUT_MS,
      polling: 50,
    });
    return h.jsonValue();
  },
  click: async (c) => rec(c.page).page.click(c.selector).then(() => null),
  select: async (c) => rec(c.page).page.selectOption(c.selector, c.value).then(() => null),
  check: async (c) => rec(c.page).page.setChecked(c.selector, !!c.checked).then(() => null),
  fill: async (c) => rec(c.page).page.fill(c.selector, c.value).then(() => null),
  text: async (c) => rec(c.page).page.textContent(c.selector),
  screenshot: async (c) => {
    fs.mkdirSync(path.dirname(c.path), { recursive: true });
    await rec(c.page).page.screenshot({ path: c.path, fullPage: !!c.fullPage });
    return c.path;
  },
  cookies: async (c) => rec(c.page).context.cookies(),
  network: async (c) =>
    Promise.all(
      rec(c.page).network.map(({ p, fallback }) =>
        Promise.race([p, new Promise((resolve) => setTimeout(() => resolve(fallback()), NETWORK_WAIT_MS))]),
      ),
    ),
  console: async (c) => rec(c.page).console,
  closePage: async (c) => {
    const r = rec(c.page);
    pages.delete(c.page);
    await r.context.close();
    return null;
  },
};

let closing = null;
function shutdown(code) {
  if (!closing) {
    closing = (async () => {
      try {
        if (browser) await browser.close();
      } catch (e) {
        log("closing chromium:", e.message);
      }
      if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
      process.exit(code);
    })();
  }
  return closing;
}

async function main() {
  const watchdog = setTimeout(() => {
    log("no launch after 45 s");
    shutdown(1);
  }, 45000);
  try {
    await launch();
  } catch (e) {
    clearTimeout(watchdog);
    out({ ready: false, error: e.message });
    await shutdown(1);
    return;
  }
  clearTimeout(watchdog);
  out({ ready: true, version: browser.version() });
  browser.on("disconnected", () => {
    log("chromium disconnected");
    if (!closing) shutdown(1);
  });
  // one command at a time, in order
  let queue = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    if (!line.trim()) return;
    queue = queue.then(() => run(line));
  });
  rl.on("close", () => queue.then(() => shutdown(0)));
}

async function run(line) {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    log("bad command:", line);
    return;
  }
  const op = OPS[cmd.op];
  try {
    if (!op) throw new Error(`unknown op ${cmd.op}`);
    const value = await op(cmd);
    out({ id: cmd.id, ok: true, value: value === undefined ? null : value });
  } catch (e) {
    log(`${cmd.op} failed: ${e.message}`);
    out({ id: cmd.id, ok: false, error: String(e.message || e) });
  }
}

process.on("SIGTERM", () => shutdown(143));
process.on("SIGINT", () => shutdown(130));
main();

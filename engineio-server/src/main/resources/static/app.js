// eio4j echo playground: connects with the official engine.io-client (6.x or 3.x), sends text and
// binary, and shows the transport, the upgrade and the round-trip time of each echo. The server echoes
// every message, so the n-th message received answers the n-th message sent.
// window.demo is a small API for scripts (the browser tests use it).
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const eioPath = document.querySelector('meta[name="eio-path"]').content;
  const eioPrefix = eioPath.replace(/\/$/, "") + "/"; // what the clients request
  const CLIENTS = {
    v6: { src: "/static/vendor/engine.io-v6.min.js", name: "engine.io-client", protocol: 4 },
    v3: { src: "/static/vendor/engine.io-v3.js", name: "engine.io-client", protocol: 3 },
  };
  const TRANSPORTS = { both: ["polling", "websocket"], polling: ["polling"], websocket: ["websocket"] };
  const MAX_LOG = 300;
  const ECHO_TIMEOUT_MS = 10000;

  let versions = {};
  const loaded = {}; // client name -> the eio() factory of its bundle
  let loading = Promise.resolve();

  let socket = null; // the current engine.io-client socket
  let state = "idle"; // idle | connecting | open | reconnecting | closed
  let transport = null;
  let userClosed = false;
  let retryTimer = null;
  let attempt = 0;
  let pending = []; // echoes awaited, oldest first: {t0, resolve, reject, timer}
  const stats = { opens: 0, upgrades: 0, sent: 0, received: 0, rtts: [], lastRtt: null, errors: [], closes: [] };

  // ---- the client bundles (both define the global "eio": load one at a time and keep each factory)

  function loadClient(name) {
    if (loaded[name]) return Promise.resolve(loaded[name]);
    loading = loading.catch(() => {}).then(
      () =>
        new Promise((resolve, reject) => {
          if (loaded[name]) return resolve(loaded[name]);
          const s = document.createElement("script");
          s.src = CLIENTS[name].src;
          s.onload = () => {
            loaded[name] = window.eio;
            delete window.eio;
            resolve(loaded[name]);
          };
          s.onerror = () => reject(new Error("cannot load " + s.src));
          document.head.appendChild(s);
        }),
    );
    return loading;
  }

  // ---- connection

  function settings() {
    return {
      url: $("url").value.trim() || location.origin,
      client: $("client").value,
      transports: TRANSPORTS[$("transports").value],
      upgrade: $("upgrade").checked,
    };
  }

  async function connect() {
    userClosed = false;
    clearTimeout(retryTimer);
    if (socket) drop(socket);
    const cfg = settings();
    setState(attempt > 0 ? "reconnecting" : "connecting");
    let eio;
    try {
      eio = await loadClient(cfg.client);
    } catch (e) {
      log("error", e.message);
      setState("closed");
      return;
    }
    if (userClosed) return;
    const c = CLIENTS[cfg.client];
    $("client-info").textContent = `${c.name} ${versions[cfg.client] || cfg.client} · protocol v${c.protocol}`;
    log("info", `connecting to ${cfg.url}${eioPrefix} with ${cfg.client} (${cfg.transports.join(", ")}${cfg.transports.length > 1 ? ", upgrade " + (cfg.upgrade ? "on" : "off") : ""})`);
    const s = eio(cfg.url, { path: eioPath, transports: cfg.transports, upgrade: cfg.upgrade });
    socket = s;
    s.on("open", () => {
      if (s !== socket) return;
      attempt = 0;
      stats.opens++;
      setState("open");
      setTransport(s.transport.name);
      $("sid").textContent = s.id;
      log("open", `session ${s.id} over ${s.transport.name}`);
    });
    s.on("upgrading", (t) => s === socket && log("info", `probing ${t.name}…`));
    s.on("upgrade", (t) => {
      if (s !== socket) return;
      stats.upgrades++;
      setTransport(t.name);
      log("upgrade", `upgraded polling → ${t.name}`);
    });
    s.on("upgradeError", (e) => s === socket && log("error", "upgrade failed: " + errorText(e)));
    s.on("message", (data) => s === socket && onMessage(data));
    s.on("error", (e) => {
      if (s !== socket) return;
      stats.errors.push(errorText(e));
      log("error", errorText(e));
    });
    s.on("close", (reason, description) => {
      if (s !== socket) return;
      socket = null;
      stats.closes.push(reason);
      setTransport(null);
      failPending(new Error("closed: " + reason));
      log("close", reason + (description ? ` (${errorText(description)})` : ""));
      if (!userClosed && $("reconnect").checked) {
        scheduleReconnect();
      } else {
        setState("closed");
      }
    });
  }

  function scheduleReconnect() {
    const delay = Math.min(4000, 250 * 2 ** attempt) + Math.floor(Math.random() * 100);
    attempt++;
    setState("reconnecting");
    log("info", `reconnecting in ${delay} ms (attempt ${attempt})`);
    retryTimer = setTimeout(connect, delay);
  }

  function disconnect() {
    userClosed = true;
    clearTimeout(retryTimer);
    attempt = 0;
    if (socket) {
      const s = socket;
      s.close(); // emits "close" ("forced close"), which updates the page
      if (s === socket) drop(s);
    } else if (state !== "idle") {
      setState("closed");
    }
  }

  function drop(s) {
    s.off(); // no more events from it (both clients' emitters remove every listener on off())
    s.close();
    if (s === socket) socket = null;
    failPending(new Error("dropped"));
    setTransport(null);
    setState("closed");
  }

  // ---- echoes

  function send(data) {
    if (!socket || state !== "open") return Promise.reject(new Error("not connected"));
    return new Promise((resolve, reject) => {
      const p = { t0: performance.now(), resolve, reject };
      p.timer = setTimeout(() => {
        pending = pending.filter((x) => x !== p);
        reject(new Error(`no echo within ${ECHO_TIMEOUT_MS} ms`));
      }, ECHO_TIMEOUT_MS);
      pending.push(p);
      socket.send(data);
      stats.sent++;
      updateCounts();
      log("out", describe(data));
    });
  }

  function onMessage(data) {
    if (data === undefined) data = ""; // both clients give an empty message as undefined
    const p = pending.shift();
    const rtt = p ? performance.now() - p.t0 : null;
    stats.received++;
    if (rtt !== null) {
      stats.lastRtt = rtt;
      stats.rtts.push(rtt);
      if (stats.rtts.length > 100) stats.rtts.shift();
    }
    updateCounts();
    log("in", describe(data), rtt);
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ data, rtt });
    }
  }

  function failPending(err) {
    const ps = pending;
    pending = [];
    for (const p of ps) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  function randomBytes(n) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
    return b.buffer;
  }

  // ---- display

  function describe(data) {
    if (typeof data === "string") {
      const shown = data.length > 120 ? data.slice(0, 120) + "…" : data;
      return `text ${JSON.stringify(shown)} (${data.length} chars)`;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes) return `binary ${Object.prototype.toString.call(data)}`;
    const hex = Array.from(bytes.subarray(0, 16), (x) => x.toString(16).padStart(2, "0")).join(" ");
    return `binary ${bytes.length} B  ${hex}${bytes.length > 16 ? " …" : ""}`;
  }

  function errorText(e) {
    if (e == null) return "";
    if (typeof e === "string") return e;
    let t = e.message || e.type || String(e);
    if (typeof e.description === "number" || typeof e.description === "string") t += ` (${e.description})`;
    return t;
  }

  function log(kind, text, rtt) {
    const li = document.createElement("li");
    li.dataset.kind = kind;
    const time = new Date().toISOString().slice(11, 23);
    const label = { out: "↑ sent", in: "↓ echo", upgrade: "⇪ upgrade", open: "● open", close: "○ close", error: "✕ error", info: "· info" }[kind];
    for (const [cls, content] of [["time", time], ["kind", label], ["text", text]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = content;
      li.appendChild(span);
    }
    if (rtt != null) {
      const r = document.createElement("span");
      r.className = "rtt";
      r.textContent = `${rtt.toFixed(1)} ms`;
      li.lastChild.appendChild(r);
    }
    const list = $("log");
    list.appendChild(li);
    while (list.children.length > MAX_LOG) list.firstChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function setState(s) {
    state = s;
    const el = $("state");
    el.textContent = s;
    el.dataset.value = s;
    const active = s === "connecting" || s === "open" || s === "reconnecting";
    for (const id of ["url", "client", "transports", "reconnect", "connect"]) $(id).disabled = active;
    if ($("connect").dataset.off) $("connect").disabled = true;
    $("upgrade").disabled = active || $("transports").value !== "both";
    $("disconnect").disabled = !active;
    $("send-text").disabled = $("send-binary").disabled = s !== "open";
    if (s === "connecting" || s === "idle") $("sid").textContent = "–";
  }

  function setTransport(name) {
    transport = name;
    const el = $("transport");
    el.textContent = name || "none";
    el.dataset.value = name || "none";
  }

  function updateCounts() {
    $("counts").textContent = `${stats.sent} sent · ${stats.received} received`;
    if (stats.lastRtt === null) return;
    $("rtt").textContent = `${stats.lastRtt.toFixed(1)} ms`;
    const r = stats.rtts;
    const avg = r.reduce((a, b) => a + b, 0) / r.length;
    $("rtt-stats").textContent = `avg ${avg.toFixed(1)} · min ${Math.min(...r).toFixed(1)} · max ${Math.max(...r).toFixed(1)} ms (last ${r.length})`;
  }

  // ---- the form, prefilled from the query string (?url=&client=v3&transports=polling&upgrade=0&reconnect=0&connect=1)

  function init() {
    const q = new URLSearchParams(location.search);
    // with --socketio the Engine.IO path carries Socket.IO, which does not echo: the chat panel is live instead
    const socketIoMode = (document.querySelector('meta[name="eio-mode"]') || {}).content === "socketio";
    $("url").value = q.get("url") || location.origin;
    if (CLIENTS[q.get("client")]) $("client").value = q.get("client");
    if (TRANSPORTS[q.get("transports")]) $("transports").value = q.get("transports");
    if (q.has("upgrade")) $("upgrade").checked = q.get("upgrade") !== "0";
    if (q.has("reconnect")) $("reconnect").checked = q.get("reconnect") !== "0";
    $("path").textContent = eioPrefix;
    $("transports").addEventListener("change", () => setState(state));
    $("connection").addEventListener("submit", (e) => {
      e.preventDefault();
      attempt = 0;
      connect();
    });
    $("disconnect").addEventListener("click", disconnect);
    $("text-form").addEventListener("submit", (e) => {
      e.preventDefault();
      send($("text").value).catch((err) => log("error", err.message));
    });
    $("binary-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const n = Math.max(1, Math.min(1000000, Number($("size").value) || 16));
      send(randomBytes(n)).catch((err) => log("error", err.message));
    });
    $("clear").addEventListener("click", () => ($("log").textContent = ""));
    setState("idle");
    if (socketIoMode) {
      $("echo-off").hidden = false;
      $("connect").disabled = true;
      $("connect").dataset.off = "1";
    }
    fetch("/static/vendor/versions.json")
      .then((r) => (r.ok ? r.json() : {}))
      .then((v) => {
        versions = v;
        if (v.v6 && v.v3) $("versions").textContent = `engine.io-client ${v.v6} and ${v.v3} (from npm)`;
      })
      .catch(() => {});
    if (q.get("connect") === "1" && !socketIoMode) connect();
  }

  window.demo = {
    connect: () => {
      attempt = 0;
      return connect();
    },
    disconnect,
    /** Sends text, an ArrayBuffer or a typed array; resolves with {data, rtt} when the echo arrives. */
    echo: (data) => send(data),
    randomBytes,
    state: () => ({
      state,
      transport,
      sid: socket && state === "open" ? socket.id : null,
      client: $("client").value,
      opens: stats.opens,
      upgrades: stats.upgrades,
      sent: stats.sent,
      received: stats.received,
      lastRtt: stats.lastRtt,
      errors: stats.errors.slice(),
      closes: stats.closes.slice(),
    }),
    log: () => Array.from($("log").children, (li) => li.textContent),
  };

  init();
})();

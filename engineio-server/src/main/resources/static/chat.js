// eio4j demo page, Socket.IO chat panel: talks to the runnable server's --socketio demo app with the
// official socket.io-client 4.8.x browser bundle. Rooms are joined and left with the app's join/leave
// events (each acks the sorted room list); a message goes to a room with the app's broadcast event
// ({rooms: [room], self: true} -> every socket of the room, the sender included, gets "chat"); the app
// sends peer-left(id, reason) when a socket that shared a room leaves.
// Without --socketio the server serves no Socket.IO (the page's eio-mode meta says "echo"): the panel
// says so and stays off. window.chat is a small API for scripts (the browser tests use it).
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content;
  const mode = meta("eio-mode") === "socketio" ? "socketio" : "echo";
  const path = meta("eio-path") || "/socket.io";
  const TRANSPORTS = { both: ["polling", "websocket"], polling: ["polling"], websocket: ["websocket"] };
  const BUNDLE = "/static/vendor/socket.io.min.js";
  const ACK_TIMEOUT_MS = 10000;
  const MAX_LOG = 300;
  const MAX_KEPT = 1000; // messages and peer-left entries kept for window.chat

  let factory = null; // the io() of the bundle
  let socket = null;
  let state = mode === "socketio" ? "idle" : "off"; // off | idle | connecting | connected | disconnected
  let transport = null;
  let rooms = []; // as the server last acked them
  let name = "guest";
  const wanted = new Set(); // rooms to re-join after a reconnection
  const names = new Map(); // socket id -> the name its messages carried
  const messages = [];
  const peerLefts = [];

  function loadBundle() {
    if (factory) return Promise.resolve(factory);
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = BUNDLE;
      s.onload = () => {
        factory = window.io;
        resolve(factory);
      };
      s.onerror = () => reject(new Error("cannot load " + BUNDLE));
      document.head.appendChild(s);
    });
  }

  function keep(list, item) {
    list.push(item);
    if (list.length > MAX_KEPT) list.shift();
  }

  // ---- connection

  async function connect(opts) {
    if (mode !== "socketio") throw new Error("Socket.IO is off on this server (start it with --socketio)");
    const o = opts || {};
    if (o.name) $("chat-name").value = o.name;
    if (o.transports && TRANSPORTS[o.transports]) $("chat-transports").value = o.transports;
    name = $("chat-name").value.trim() || "guest";
    if (socket) drop();
    setState("connecting");
    const io = await loadBundle();
    const s = io(location.origin, {
      path,
      transports: TRANSPORTS[$("chat-transports").value],
      forceNew: true,
      reconnectionDelayMax: 4000,
    });
    socket = s;
    s.on("connect", () => {
      if (s !== socket) return;
      setState("connected");
      setTransport(s.io.engine.transport.name);
      $("chat-id").textContent = s.id;
      log("info", `connected as ${s.id} over ${s.io.engine.transport.name}`);
      s.io.engine.on("upgrade", (t) => s === socket && setTransport(t.name));
      for (const r of wanted) emitAck("join", r).then(setRooms, (e) => log("error", e.message));
    });
    s.on("connect_error", (e) => s === socket && log("error", "connect error: " + (e && e.message)));
    s.on("disconnect", (reason) => {
      if (s !== socket) return;
      setState("disconnected");
      setTransport(null);
      setRooms([]);
      log("info", `disconnected (${reason})${s.active ? ", reconnecting…" : ""}`);
    });
    s.on("chat", (m) => {
      if (s !== socket || !m || typeof m !== "object") return;
      const msg = { room: String(m.room), from: String(m.from), id: String(m.id), text: String(m.text) };
      names.set(msg.id, msg.from);
      keep(messages, msg);
      log("msg", msg.text, msg);
    });
    s.on("peer-left", (id, reason) => {
      if (s !== socket) return;
      const who = names.get(id) || id;
      keep(peerLefts, { id: String(id), name: who, reason: String(reason) });
      log("left", `${who} left (${reason})`);
    });
    return new Promise((resolve, reject) => {
      s.once("connect", () => resolve(s.id));
      s.once("connect_error", (e) => !s.active && reject(e));
    });
  }

  function drop() {
    const s = socket;
    socket = null;
    if (s) {
      s.off();
      s.disconnect();
    }
  }

  function disconnect() {
    if (!socket) return;
    const s = socket;
    s.disconnect(); // "io client disconnect": no reconnection
    if (s === socket) {
      socket = null;
      wanted.clear();
      setState("disconnected");
      setTransport(null);
      setRooms([]);
    }
  }

  function emitAck(event, ...args) {
    if (!socket || state !== "connected") return Promise.reject(new Error("not connected"));
    const s = socket;
    return new Promise((resolve, reject) => {
      s.timeout(ACK_TIMEOUT_MS).emit(event, ...args, (err, reply) => (err ? reject(new Error(`${event}: no ack within ${ACK_TIMEOUT_MS} ms`)) : resolve(reply)));
    });
  }

  async function join(room) {
    const r = String(room).trim();
    if (!r) throw new Error("empty room name");
    const list = await emitAck("join", r);
    wanted.add(r);
    setRooms(list);
    log("info", `joined ${r}`);
    return list;
  }

  async function leave(room) {
    const r = String(room).trim();
    const list = await emitAck("leave", r);
    wanted.delete(r);
    setRooms(list);
    log("info", `left ${r}`);
    return list;
  }

  function send(room, text) {
    if (!socket) return Promise.reject(new Error("not connected"));
    return emitAck("broadcast", { rooms: [String(room)], self: true }, "chat", { room: String(room), from: name, id: socket.id, text: String(text) });
  }

  // ---- display

  function log(kind, text, msg) {
    const li = document.createElement("li");
    li.dataset.kind = kind;
    if (msg) {
      for (const [cls, content] of [["room", "#" + msg.room], ["from", msg.from], ["text", text]]) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = content;
        li.appendChild(span);
      }
    } else {
      li.textContent = text;
    }
    const list = $("chat-log");
    list.appendChild(li);
    while (list.children.length > MAX_LOG) list.firstChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function setState(s) {
    state = s;
    const el = $("chat-state");
    el.textContent = s;
    el.dataset.value = s;
    const on = mode === "socketio";
    const busy = s === "connecting" || s === "connected";
    $("chat-connect").disabled = !on || busy;
    $("chat-disconnect").disabled = !on || !busy;
    $("chat-name").disabled = $("chat-transports").disabled = !on || busy;
    $("chat-join").disabled = $("chat-leave").disabled = s !== "connected";
    $("chat-send").disabled = s !== "connected" || rooms.length === 0;
    if (s !== "connected") $("chat-id").textContent = "–";
  }

  function setTransport(t) {
    transport = t;
    $("chat-transport").textContent = t || "none";
  }

  function setRooms(list) {
    rooms = Array.isArray(list) ? list.map(String) : [];
    $("chat-rooms").textContent = rooms.length ? rooms.join(", ") : "none";
    const target = $("chat-target");
    const selected = target.value;
    target.textContent = "";
    for (const r of rooms) {
      const o = document.createElement("option");
      o.value = o.textContent = r;
      target.appendChild(o);
    }
    if (rooms.includes(selected)) target.value = selected;
    $("chat-send").disabled = state !== "connected" || rooms.length === 0;
  }

  // ---- the controls

  function init() {
    if (mode === "socketio") {
      $("chat-status").hidden = true;
      $("chat-status").textContent = "";
    }
    setState(state);
    const fail = (e) => log("error", e.message || String(e));
    $("chat-connection").addEventListener("submit", (e) => {
      e.preventDefault();
      connect().catch(fail);
    });
    $("chat-disconnect").addEventListener("click", disconnect);
    $("chat-rooms-form").addEventListener("submit", (e) => {
      e.preventDefault();
      join($("chat-room").value).catch(fail);
    });
    $("chat-leave").addEventListener("click", () => leave($("chat-room").value).catch(fail));
    $("chat-send-form").addEventListener("submit", (e) => {
      e.preventDefault();
      send($("chat-target").value, $("chat-text").value).catch(fail);
    });
    fetch("/static/vendor/versions.json")
      .then((r) => (r.ok ? r.json() : {}))
      .then((v) => v.sio && ($("chat-client").textContent = `socket.io-client ${v.sio} (from npm)`))
      .catch(() => {});
  }

  window.chat = {
    connect,
    disconnect,
    join,
    leave,
    /** Sends text to a room (the sender gets it too); resolves when the server acked the broadcast. */
    send,
    state: () => ({ mode, state, id: socket && state === "connected" ? socket.id : null, transport, rooms: rooms.slice() }),
    messages: () => messages.slice(),
    peerLefts: () => peerLefts.slice(),
  };

  init();
})();

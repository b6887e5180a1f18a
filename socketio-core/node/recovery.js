'use strict';
// Connection state recovery with the official socket.io-client 4.8.x: a socket joins room "r" and gets
// one event from it, its transport drops, a second socket broadcasts three events to "r" while it is
// away, then it reconnects and must come back recovered (same id, room kept) and get the three events
// in order, each with a string offset as its last argument. Prints one JSON verdict line on stdout.
// Usage: node recovery.js --url http://127.0.0.1:PORT [--path /socket.io/] --transports LIST
//                         [--drop client|server] [--timeout-ms N]
//   --drop client: the client closes its Engine.IO connection (socket.io.engine.close());
//   --drop server: the client asks the server to close it (event "drop-me").
// The server application it expects (the --socketio demo's handlers do, except "drop-me"):
//   join(room | rooms[]) acks with the sorted rooms of the socket, its own id room excluded;
//   broadcast({rooms}, event, ...args) emits event(...args) to the sockets of those rooms but the
//   sender (with "self": true, the sender too), then acks.
// Exit code 0 when every step passed, 1 when one failed, 2 on bad usage.

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i];
  if (!k.startsWith('--') || i + 1 >= process.argv.length) {
    console.error('usage: node recovery.js --url URL [--path P] --transports LIST [--drop client|server]');
    process.exit(2);
  }
  args[k.slice(2)] = process.argv[i + 1];
}
const url = args.url;
const path = args.path || '/socket.io/';
const transports = (args.transports || 'polling,websocket').split(',');
const drop = args.drop || 'client';
const timeoutMs = Number(args['timeout-ms'] || 20000);
if (!url || !['client', 'server'].includes(drop)) {
  console.error('missing --url or bad --drop');
  process.exit(2);
}
const { io } = require('sio-client-v4');

const steps = [];
const opened = [];
let finished = false;
function finish(ok, error) {
  finished = true;
  for (const s of opened) {
    try { s.close(); } catch (e) { /* already closed */ }
  }
  process.stdout.write(JSON.stringify({ ok, transports, drop, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
process.on('exit', () => {
  if (!finished) {
    process.stdout.write(JSON.stringify({ ok: false, transports, drop, steps, error: 'exited early; steps done: ' + steps.join(',') }) + '\n');
    process.exitCode = 1;
  }
});
setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs).unref();

function connect() {
  // reconnection is driven by hand (socket.connect()), so the events are surely sent while it is away
  const s = io(url + '/', { path, transports, upgrade: false, forceNew: true, reconnection: false, timeout: timeoutMs });
  s.on('connect_error', (e) => finish(false, 'connect_error: ' + (e && e.message)));
  opened.push(s);
  return s;
}
function once(socket, event) {
  return new Promise((resolve) => socket.once(event, (...a) => resolve(a)));
}
function emitAck(socket, ...a) {
  return new Promise((resolve) => socket.emit(...a, (...reply) => resolve(reply)));
}
function check(cond, what) {
  if (!cond) {
    throw new Error('check failed: ' + what);
  }
  steps.push(what);
}
function until(cond) {
  return new Promise((resolve) => {
    const tick = () => (cond() ? resolve() : setTimeout(tick, 10));
    tick();
  });
}

async function run() {
  const a = connect();
  await once(a, 'connect');
  check(!a.recovered, 'first connect not recovered');
  const id = a.id;
  const received = [];
  a.on('missed', (...m) => received.push(m));

  const [rooms] = await emitAck(a, 'join', 'r');
  check(JSON.stringify(rooms) === '["r"]', 'joined r');
  // one event while connected, so the client holds an offset
  await emitAck(a, 'broadcast', { rooms: ['r'], self: true }, 'missed', 0);
  await until(() => received.length === 1);
  check(typeof received[0][1] === 'string', 'offset on a live event');

  const helper = connect();
  await once(helper, 'connect');

  const gone = once(a, 'disconnect');
  if (drop === 'client') {
    a.io.engine.close();
  } else {
    a.emit('drop-me');
  }
  const [reason] = await gone;
  check(reason === 'transport close' || reason === 'forced close', 'dropped: ' + reason);
  for (let i = 1; i <= 3; i++) {
    await emitAck(helper, 'broadcast', { rooms: ['r'] }, 'missed', i);
  }
  steps.push('sent while away');

  const back = once(a, 'connect');
  a.connect();
  await back;
  check(a.recovered === true, 'recovered');
  check(a.id === id, 'same id');
  await until(() => received.length === 4);
  check(JSON.stringify(received.map((m) => m[0])) === '[0,1,2,3]', 'missed events in order');
  const offsets = received.map((m) => m[1]);
  check(offsets.every((o) => typeof o === 'string') && new Set(offsets).size === 4, 'distinct offsets');
  const [after] = await emitAck(a, 'join', []);
  check(JSON.stringify(after) === '["r"]', 'room kept');
  steps.push('recovered ' + id);
}

run().then(() => finish(true, null), (e) => finish(false, e && e.stack ? e.stack.split('\n')[0] : e));

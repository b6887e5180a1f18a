'use strict';
// Drives the real socket.io-client (4.8.x or 2.5.x, installed in socketio-core/node) against the
// runnable server's --socketio demo app and prints one JSON verdict line on stdout.
// Usage: node demo-client.js --modules DIR --url http://127.0.0.1:PORT --client v4|v2 --transports LIST [--timeout-ms N] [--path P]
// Exit code 0 when every step passed, 1 otherwise.

const path = require('path');
const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const client = args.client || 'v4';
const transports = (args.transports || 'polling,websocket').split(',');
const timeoutMs = Number(args['timeout-ms'] || 30000);
const mod = path.join(args.modules, client === 'v4' ? 'sio-client-v4' : 'sio-client-v2');
const io = client === 'v4' ? require(mod).io : require(mod);

const steps = [];
const opened = [];
let finished = false;
function finish(ok, error) {
  finished = true;
  for (const s of opened) {
    try { s.close(); } catch (e) { /* already closed */ }
  }
  process.stdout.write(JSON.stringify({ ok, client, transports, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
process.on('exit', () => {
  if (!finished) {
    process.stdout.write(JSON.stringify({ ok: false, client, steps, error: 'exited early' }) + '\n');
    process.exitCode = 1;
  }
});
setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs).unref();

function connect(nsp, auth) {
  const opts = { transports, forceNew: true, reconnection: false, timeout: timeoutMs };
  if (args.path) opts.path = args.path;
  if (auth) {
    if (client === 'v4') opts.auth = auth; else opts.query = auth;
  }
  const s = io(args.url + nsp, opts);
  opened.push(s);
  return s;
}
function once(socket, event) {
  return new Promise((resolve) => socket.once(event, (...a) => resolve(a)));
}
function emitAck(socket, ...a) {
  return new Promise((resolve) => socket.emit(...a, (...r) => resolve(r)));
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(what + ': expected ' + e + ', got ' + a);
  steps.push(what);
}
// connects and returns [socket, auth payload]; the auth listener is set before the connection opens
async function open(nsp, auth) {
  const s = connect(nsp, auth);
  const got = once(s, 'auth');
  await once(s, 'connect');
  return [s, (await got)[0]];
}
// collects every `event` a socket gets
function record(socket, event) {
  const seen = [];
  socket.on(event, (...a) => seen.push(a));
  return seen;
}
// waits until a round trip to each socket has completed: what was emitted before has arrived
async function settle(...sockets) {
  for (const s of sockets) await emitAck(s, 'message-with-ack', 'sync');
}

(async () => {
  const [a, authA] = await open('/');
  eq(authA, {}, 'auth is {} without auth');
  const [priv, authP] = await open('/private', { token: 's3cret' });
  eq(authP, { token: 's3cret' }, 'private admits the token and echoes its auth');

  const refused = connect('/private', { token: 'wrong' });
  const err = (await once(refused, client === 'v4' ? 'connect_error' : 'error'))[0];
  if (client === 'v4') {
    eq([err.message, err.data], ['Not authorized', { code: 4001 }], 'private refuses a wrong token with data');
  } else {
    // protocol v4 (as the Node server does): the error carries the data when there is some, else the message
    eq(err, { code: 4001 }, 'private refuses a wrong token with data');
  }
  const invalid = connect('/nope');
  const ierr = (await once(invalid, client === 'v4' ? 'connect_error' : 'error'))[0];
  eq(ierr.message || ierr, 'Invalid namespace', 'unknown namespace refused');
  const [dyn] = await open('/dyn-abc_1');
  eq(await emitAck(dyn, 'message-with-ack', 'dyn'), ['dyn'], 'dynamic namespace served');
  // on the private socket's connection: a refused namespace, then /custom, which still connects
  const sameRefused = priv.io.socket('/nope');
  opened.push(sameRefused);
  await once(sameRefused, client === 'v4' ? 'connect_error' : 'error');
  const custom = priv.io.socket('/custom');
  opened.push(custom);
  await once(custom, 'connect');
  eq(await emitAck(custom, 'message-with-ack', 1), [1], '/custom served on a connection that had a refusal');
  eq(await emitAck(priv, 'message-with-ack', 'still'), ['still'], 'connection survives refusals');

  const back = once(a, 'message-back');
  a.emit('message', 1, 'two', { three: [3] });
  eq(await back, [1, 'two', { three: [3] }], 'message-back');
  eq(await emitAck(a, 'message-with-ack', 'x', 2, null), ['x', 2, null], 'message-with-ack');

  const [b] = await open('/');
  const [c] = await open('/');
  eq(await emitAck(a, 'join', ['r2', 'r1']), [['r1', 'r2']], 'join array');
  eq(await emitAck(b, 'join', 'r1'), [['r1']], 'join one');
  eq(await emitAck(c, 'join', 'r3'), [['r3']], 'join other');
  eq(await emitAck(a, 'leave', 'r2'), [['r1']], 'leave');

  const seenA = record(a, 'hello');
  const seenB = record(b, 'hello');
  const seenC = record(c, 'hello');
  await emitAck(a, 'broadcast', {}, 'hello', 'all');
  await emitAck(a, 'broadcast', { rooms: 'r1' }, 'hello', 'r1');
  await emitAck(a, 'broadcast', { rooms: ['r1', 'r3'], self: true }, 'hello', 'r1r3self');
  await emitAck(c, 'broadcast', { except: 'r1' }, 'hello', 'except');
  await emitAck(c, 'broadcast', { rooms: [], except: ['r3'], self: true }, 'hello', 'except-self');
  await settle(a, b, c);
  eq(seenA, [['r1r3self'], ['except-self']], 'broadcast reached a exactly');
  eq(seenB, [['all'], ['r1'], ['r1r3self'], ['except-self']], 'broadcast reached b exactly');
  eq(seenC, [['all'], ['r1r3self']], 'broadcast reached c exactly');

  a.once('question', (x, y, cb) => cb(x + y));
  eq(await emitAck(a, 'ask', { event: 'question', args: [2, 3], timeout: 10000 }), [{ ok: true, args: [5] }], 'ask answered');
  a.once('silent', () => { /* never answers */ });
  eq(await emitAck(a, 'ask', { event: 'silent', args: [], timeout: 300 }), [{ ok: false, error: 'timeout' }], 'ask timed out');

  // peer-left: b leaves by itself, then c (sharing no room with a) is disconnected by the server
  const leftA = record(a, 'peer-left');
  const leftC = record(c, 'peer-left');
  const bid = b.id;
  // peer-left is sent from b's connection: wait for it, then a round trip shows no second one follows
  let firstLeft = once(a, 'peer-left');
  b.disconnect();
  await firstLeft;
  await settle(a);
  eq(leftA, [[bid, 'client namespace disconnect']], 'peer-left once with client namespace disconnect');
  await emitAck(c, 'join', 'r1');
  const cid = c.id;
  const cGone = once(c, 'disconnect');
  firstLeft = once(a, 'peer-left');
  c.emit('server-disconnect');
  eq((await cGone)[0], 'io server disconnect', 'server-disconnect namespace');
  await firstLeft;
  await settle(a);
  eq(leftA.slice(1), [[cid, 'server namespace disconnect']], 'peer-left with server namespace disconnect');
  eq(leftC.length, 0, 'no peer-left to the leaver');

  // server-disconnect(true): the whole connection closes, every namespace of it
  const customGone = once(custom, 'disconnect');
  const privGone = once(priv, 'disconnect');
  priv.emit('server-disconnect', true);
  await privGone;
  await customGone;
  steps.push('server-disconnect close ends every namespace');
  finish(true);
})().catch((e) => finish(false, e && e.stack ? e.stack : e));

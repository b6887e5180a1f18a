'use strict';
// Drives the official socket.io-client against the per-socket API application of SocketApiNodeClientTest
// (typed events with binary, a binding failure, server acks with a timeout answered on time, late and
// never) and prints one JSON verdict line on stdout.
// Usage: node api-client.js --url http://127.0.0.1:PORT --client v4|v2 --transports polling|websocket
// Exit code 0 when every step passed, 1 when one failed, 2 on bad usage.

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i];
  if (!k.startsWith('--') || i + 1 >= process.argv.length) {
    console.error('usage: node api-client.js --url URL --client v4|v2 --transports LIST');
    process.exit(2);
  }
  args[k.slice(2)] = process.argv[i + 1];
}
const url = args.url;
const client = args.client || 'v4';
const transports = (args.transports || 'polling').split(',');
const timeoutMs = Number(args['timeout-ms'] || 20000);
if (!url || !['v4', 'v2'].includes(client)) {
  console.error('missing --url or bad --client');
  process.exit(2);
}
const io = client === 'v4' ? require('sio-client-v4').io : require('sio-client-v2');

const steps = [];
let socket = null;
let finished = false;
function finish(ok, error) {
  finished = true;
  if (socket) {
    try { socket.close(); } catch (e) { /* already closed */ }
  }
  process.stdout.write(JSON.stringify({ ok, client, transports, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
process.on('exit', () => {
  if (!finished) {
    process.stdout.write(JSON.stringify({ ok: false, client, transports, steps, error: 'exited early; steps done: ' + steps.join(',') }) + '\n');
    process.exitCode = 1;
  }
});
const timer = setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs);
timer.unref();

function once(s, event) {
  return new Promise((resolve) => s.once(event, (...a) => resolve(a)));
}
function emitAck(s, ...a) {
  return new Promise((resolve) => s.emit(...a, (...reply) => resolve(reply)));
}
function check(cond, what, detail) {
  if (!cond) {
    throw new Error('check failed: ' + what + (detail === undefined ? '' : ' ' + JSON.stringify(detail)));
  }
  steps.push(what);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const bytes = (b) => Array.from(new Uint8Array(b));

async function run() {
  socket = io(url, { transports, forceNew: true, reconnection: false, timeout: timeoutMs });
  socket.on('connect_error', (e) => finish(false, 'connect_error: ' + (e && e.message)));
  await once(socket, 'connect');
  steps.push('connected');

  // 1. a typed event with a binary field: the server binds it to a record and answers with a record;
  //    then it emits a record whose ByteBuffer field arrives as binary
  const moved = once(socket, 'moved');
  const reply = await emitAck(socket, 'move', { x: 3, y: 4, data: Buffer.from([1, 2, 3, 250]) });
  check(same(reply, [{ ok: true, n: 4 }]), 'typed ack reply', reply);
  const [blob] = await moved;
  check(blob.name === 'm3' && same(bytes(blob.data), [1, 2, 3, 250]), 'binary inside a record', blob);

  // 2. the wrong shape: answered with the documented error object, the connection lives
  const bad = await emitAck(socket, 'move', 'oops');
  check(same(bad, [{ error: 'invalid arguments' }]), 'binding failure answered', bad);

  // 3. socket.timeout(..).emitWithAck from the server, answered on time
  socket.on('slow', (mode, cb) => {
    if (mode === 'ok') {
      cb({ ok: true, n: 5 });
    } else if (mode === 'late') {
      // answer only once the server has told us it gave up: the answer is then certainly late
      socket.once('result', () => setTimeout(() => cb({ ok: true, n: 6 }), 10));
    } // "never": no answer at all
  });
  let result = once(socket, 'result');
  socket.emit('ask', 'ok', 20000);
  check(same(await result, ['ok 5']), 'server ack answered', null);

  // 4. never answered: the server's future fails with its timeout
  result = once(socket, 'result');
  socket.emit('ask', 'never', 300);
  check(same(await result, ['timeout']), 'server ack never answered', null);

  // 5. answered late: the server dropped the pending ack, and the connection still works
  result = once(socket, 'result');
  socket.emit('ask', 'late', 300);
  check(same(await result, ['timeout']), 'server ack answered late', null);
  await new Promise((r) => setTimeout(r, 100)); // let the late answer reach the server
  result = once(socket, 'result');
  socket.emit('ask', 'ok', 20000);
  check(same(await result, ['ok 5']), 'still connected after the late answer', null);
}

run().then(() => finish(true, null), (e) => finish(false, e && e.stack ? e.stack.split('\n')[0] : e));

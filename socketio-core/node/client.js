'use strict';
// Drives the official socket.io-client against a server that runs the application described in
// README.md, checks what comes back, and prints one JSON verdict line on stdout.
// Usage: node client.js --url http://127.0.0.1:PORT --client v4|v2 --transports polling[,websocket]
//                       [--upgrade true|false] [--expect-transport NAME] [--timeout-ms N]
// Exit code 0 when every step passed, 1 when one failed, 2 on bad usage.

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i];
  if (!k.startsWith('--') || i + 1 >= process.argv.length) {
    console.error('usage: node client.js --url URL --client v4|v2 --transports LIST [--upgrade B] [--expect-transport T]');
    process.exit(2);
  }
  args[k.slice(2)] = process.argv[i + 1];
}
const url = args.url;
const client = args.client || 'v4';
const transports = (args.transports || 'polling,websocket').split(',');
const upgrade = (args.upgrade || 'false') === 'true';
const expectTransport = args['expect-transport'];
const timeoutMs = Number(args['timeout-ms'] || 20000);
if (!url || !['v4', 'v2'].includes(client)) {
  console.error('missing --url or bad --client');
  process.exit(2);
}
const io = client === 'v4' ? require('sio-client-v4').io : require('sio-client-v2');

const steps = [];
const opened = [];
function finish(ok, error) {
  finished = true;
  for (const s of opened) {
    try { s.close(); } catch (e) { /* already closed */ }
  }
  process.stdout.write(JSON.stringify({ ok, client, transports, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
let finished = false;
process.on('exit', () => {
  if (!finished) {
    // nothing left to wait for (e.g. the connection failed): never exit silently
    process.stdout.write(JSON.stringify({ ok: false, client, transports, steps, error: 'exited early; steps done: ' + steps.join(',') }) + '\n');
    process.exitCode = 1;
  }
});
const timer = setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs);
timer.unref();

function connect(nsp, extra) {
  const opts = Object.assign({ transports, upgrade, forceNew: true, reconnection: false, timeout: timeoutMs }, extra);
  const s = io(url + nsp, opts);
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
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const bytes = (b) => Array.from(new Uint8Array(b));

async function run() {
  // 1. connect to "/" with auth (v4: the CONNECT payload; v2: the namespace query)
  const main = client === 'v4' ? connect('/', { auth: { token: 't1' } }) : connect('/custom', { query: { token: 't1' } });
  main.on('connect_error', (e) => finish(false, 'connect_error: ' + (e && e.message) + ' ' + JSON.stringify(e && e.data)));
  main.on('error', (e) => finish(false, 'error: ' + JSON.stringify(e)));
  const [auth] = await once(main, 'auth');
  check(same(auth, { token: 't1' }), 'auth');
  if (client === 'v4') {
    check(typeof main.id === 'string' && main.id.length === 20, 'v5 socket id');
  } else {
    check(main.id === '/custom#' + main.io.engine.id, 'v4 socket id');
  }
  if (upgrade) {
    if (main.io.engine.transport.name !== 'websocket') {
      await once(main.io.engine, 'upgrade');
    }
    check(main.io.engine.transport.name === 'websocket', 'upgraded');
  }

  // 2. an event with an ack: the server acks with the same arguments
  const reply = await emitAck(main, 'echo', 'hi', { a: [1, true, null] }, 3.5);
  check(same(reply, ['hi', { a: [1, true, null] }, 3.5]), 'ack from server');

  // 3. binary both ways, nested
  const binReply = once(main, 'bin-back');
  main.emit('bin', Buffer.from([1, 2, 3]), { nested: Buffer.from([255, 0]), n: 1 });
  const [b1, obj] = await binReply;
  check(same(bytes(b1), [1, 2, 3]) && same(bytes(obj.nested), [255, 0]) && obj.n === 1, 'binary echoed');

  // 4. an ack asked by the server: it emits "question" with an ack, then tells what we answered
  main.on('question', (n, cb) => cb('yes:' + n));
  const answer = once(main, 'answer');
  main.emit('ask', 7);
  const [ans] = await answer;
  check(ans === 'yes:7', 'ack to server');

  // 5. refused by a middleware: v4 client sees connect_error with message and data; v2 an "error" with the data
  const priv = connect('/private', {});
  if (client === 'v4') {
    const [err] = await once(priv, 'connect_error');
    check(err.message === 'Not authorized' && same(err.data, { code: 42 }), 'connect_error');
  } else {
    const [err] = await once(priv, 'error');
    check(same(err, { code: 42 }), 'connect_error');
  }

  if (expectTransport) {
    check(main.io.engine.transport.name === expectTransport, 'transport ' + expectTransport);
  }
  // 6. leave: the server records "client namespace disconnect" for this socket id
  const id = main.id;
  main.disconnect();
  steps.push('disconnected ' + id);
  await new Promise((r) => setTimeout(r, 50)); // let the DISCONNECT frame leave before exiting
}

run().then(() => finish(true, null), (e) => finish(false, e && e.stack ? e.stack.split('\n')[0] : e));

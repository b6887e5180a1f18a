'use strict';
// Drives the real socket.io-client 4.8.x (installed in socketio-core/node) against the Spring Boot test
// application of SocketIoStarterTest and prints one JSON verdict line on stdout.
// Usage: node starter-client.js --modules DIR --url http://127.0.0.1:PORT --transports LIST [--timeout-ms N]
// Exit code 0 when every step passed, 1 otherwise.

const path = require('path');
const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const transports = (args.transports || 'polling,websocket').split(',');
const timeoutMs = Number(args['timeout-ms'] || 30000);
const { io } = require(path.join(args.modules, 'sio-client-v4'));

const steps = [];
let socket;
let finished = false;
function finish(ok, error) {
  finished = true;
  if (socket) socket.close();
  process.stdout.write(JSON.stringify({ ok, transports, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
process.on('exit', () => {
  if (!finished) {
    process.stdout.write(JSON.stringify({ ok: false, steps, error: 'exited early' }) + '\n');
    process.exitCode = 1;
  }
});
setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs).unref();

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  steps.push(what);
}
const once = (s, e) => new Promise((resolve) => s.once(e, (...a) => resolve(a)));

async function run() {
  // the default path /socket.io/: the starter moved the engine there
  socket = io(args.url + '/chat', { transports, forceNew: true, reconnection: false, timeout: timeoutMs, auth: { user: 'ann' } });
  socket.on('connect_error', (e) => finish(false, 'connect_error: ' + (e && e.message)));
  const [hello] = await once(socket, 'welcome');
  check(hello === 'hello ann', 'welcome');
  const reply = await new Promise((resolve) => socket.emit('echo', 'hi', { n: [1, 2] }, (...a) => resolve(a)));
  check(JSON.stringify(reply) === JSON.stringify(['hi', { n: [1, 2] }]), 'ack ' + JSON.stringify(reply));
  check(socket.io.engine.transport.name === transports[transports.length - 1] || transports.length > 1, 'transport');
  socket.disconnect();
  steps.push('disconnected');
  await new Promise((r) => setTimeout(r, 50)); // let the DISCONNECT frame leave before exiting
}
run().then(() => finish(true, null), (e) => finish(false, e && e.message ? e.message : e));

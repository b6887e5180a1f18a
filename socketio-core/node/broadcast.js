'use strict';
// Opens many official socket.io-client connections, puts each in one room, asks the server to run its
// broadcast scenario, and checks what every client received. Prints one JSON verdict line on stdout.
// Usage: node broadcast.js --url http://127.0.0.1:PORT --client v4|v2 --transports websocket|polling
//                          [--nsp /name] [--clients 120] [--rooms 10] [--timeout-ms 60000]
// Exit code 0 when every check passed, 1 when one failed, 2 on bad usage.
//
// The server side (BroadcastNodeClientTest) on the namespace --nsp: `join-room(room)` joins and acks; `start(rooms)`
// makes it emit `fan(room)` to each room `room-0..rooms-1`, then broadcast `ack-all(1)` with acks to
// everyone, `ack-all(2)` to `room-3` only, and `ack-some` to everyone with a short timeout, and ack
// `start` with {all, room3, partial, partialError}.

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i];
  if (!k.startsWith('--') || i + 1 >= process.argv.length) {
    console.error('usage: node broadcast.js --url URL --client v4|v2 --transports T [--clients N] [--rooms R]');
    process.exit(2);
  }
  args[k.slice(2)] = process.argv[i + 1];
}
const url = args.url;
const nsp = args.nsp || '/';
const client = args.client || 'v4';
const transports = (args.transports || 'websocket').split(',');
const count = Number(args.clients || 120);
const rooms = Number(args.rooms || 10);
const timeoutMs = Number(args['timeout-ms'] || 60000);
if (!url || !['v4', 'v2'].includes(client) || !(count > 0) || !(rooms > 3)) {
  console.error('missing --url, bad --client, --clients or --rooms (at least 4)');
  process.exit(2);
}
const io = client === 'v4' ? require('sio-client-v4').io : require('sio-client-v2');

const steps = [];
const opened = [];
let finished = false;
function finish(ok, error) {
  finished = true;
  for (const s of opened) {
    try { s.close(); } catch (e) { /* already closed */ }
  }
  process.stdout.write(JSON.stringify({ ok, client, transports, count, steps, error: error ? String(error) : null }) + '\n');
  process.exit(ok ? 0 : 1);
}
process.on('exit', () => {
  if (!finished) {
    process.stdout.write(JSON.stringify({ ok: false, client, steps, error: 'exited early; steps done: ' + steps.join(',') }) + '\n');
    process.exitCode = 1;
  }
});
const timer = setTimeout(() => finish(false, 'timed out after ' + timeoutMs + ' ms; steps done: ' + steps.join(',')), timeoutMs);
timer.unref();

function check(cond, what) {
  if (!cond) {
    throw new Error('check failed: ' + what);
  }
  steps.push(what);
}
const roomOf = (i) => 'room-' + (i % rooms);
const silent = (i) => i % 4 === 0; // these never answer `ack-some`
const sorted = (a) => a.slice().sort();
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function open(i) {
  return new Promise((resolve, reject) => {
    const s = io(url + nsp, { transports, upgrade: false, forceNew: true, reconnection: false, timeout: timeoutMs });
    opened.push(s);
    const got = { fan: [] };
    s.on('fan', (room) => got.fan.push(room));
    s.on('ack-all', (n, cb) => cb('c' + i + ':' + n));
    s.on('ack-some', (cb) => { if (!silent(i)) cb('c' + i); });
    s.on('connect_error', (e) => reject(new Error('connect_error ' + (e && e.message))));
    s.on('error', (e) => reject(new Error('error ' + JSON.stringify(e))));
    s.on('connect', () => s.emit('join-room', roomOf(i), () => resolve({ s, got })));
  });
}

async function run() {
  const clients = [];
  // open in batches, so that a loaded machine is not asked for every handshake at once
  for (let i = 0; i < count; i += 20) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 20); j++) {
      batch.push(open(j));
    }
    clients.push(...(await Promise.all(batch)));
  }
  check(clients.length === count, 'connected and joined ' + count);

  const summary = await new Promise((resolve) => clients[0].s.emit('start', rooms, (r) => resolve(r)));

  // every client answered ack-all(1) after its `fan` arrived (one connection's packets keep their order)
  for (let i = 0; i < count; i++) {
    const fan = clients[i].got.fan;
    if (!same(fan, [roomOf(i)])) {
      throw new Error('check failed: client ' + i + ' in ' + roomOf(i) + ' got fan ' + JSON.stringify(fan));
    }
  }
  steps.push('fan-out: each client got its own room once, no other');

  const all = [];
  const room3 = [];
  const some = [];
  for (let i = 0; i < count; i++) {
    all.push('c' + i + ':1');
    if (roomOf(i) === 'room-3') room3.push('c' + i + ':2');
    if (!silent(i)) some.push('c' + i);
  }
  check(same(sorted(summary.all), sorted(all)), 'broadcast ack: ' + all.length + ' answers');
  check(same(sorted(summary.room3), sorted(room3)), 'room broadcast ack: ' + room3.length + ' answers');
  check(summary.partialError === 'BroadcastAckTimeoutException: operation has timed out', 'partial: timed out');
  check(same(sorted(summary.partial), sorted(some)), 'partial: ' + some.length + ' answers carried');
}

run().then(() => finish(true, null), (e) => finish(false, e && e.stack ? e.stack.split('\n')[0] : e));

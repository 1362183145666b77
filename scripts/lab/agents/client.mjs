// Lab client agent, run inside the client netns: `ip netns exec NS node client.mjs`.
// NDJSON commands on stdin, one JSON reply per command on stdout (same id):
//   {"id":1,"op":"connect","host":"198.18.0.1","port":8080,"count":10,"concurrency":10,"after":"hold|destroy",
//    "settleMs":5000}
//     → {"id":1,"connected":n,"failed":n,"pending":n,"errors":{"ECONNREFUSED":n},"failMs":[...],"connectUs":[...],"elapsedMs":n,
//        "closedAtMs":n}
//     after=hold keeps the socket open (reading, so an RST shows as ECONNRESET), after=destroy close()s it at once.
//     The reply comes when every attempt has settled (connected or failed), or after settleMs (pending counted).
//   {"id":2,"op":"stats"} → {"id":2,"errors":{...all errors ever seen...},"open":n,"pending":n}
//   {"id":3,"op":"destroyPending"} / {"id":4,"op":"destroyAll"} → {"id":n,"destroyed":n}
import net from 'node:net';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';

const errors = {};
const open = new Set();
const pending = new Set();
const tally = (code) => {
  errors[code] = (errors[code] ?? 0) + 1;
};
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function connectBatch(m) {
  const t0 = performance.now();
  // connectUs: the client's own clock around each successful connect() (net.connect to 'connect'), microseconds.
  const res = { id: m.id, connected: 0, failed: 0, pending: 0, errors: {}, failMs: [], connectUs: [] };
  const count = m.count ?? 1;
  const concurrency = Math.max(1, m.concurrency ?? count);
  let started = 0;
  let settled = 0;
  let done = false;
  let timer;
  const finish = () => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    res.pending = count - settled;
    res.elapsedMs = Math.round(performance.now() - t0);
    res.closedAtMs = Math.round(performance.now());
    reply(res);
  };
  const startOne = () => {
    if (started >= count) return;
    started++;
    const ts = performance.now();
    const s = net.connect({ host: m.host, port: m.port, allowHalfOpen: m.after === 'hold' });
    pending.add(s);
    let state = 'pending';
    const settle = () => {
      settled++;
      if (settled === count) finish();
      else startOne();
    };
    s.on('connect', () => {
      pending.delete(s);
      state = 'connected';
      res.connected++;
      res.connectUs.push(Math.round((performance.now() - ts) * 1000));
      if (m.after === 'destroy') {
        s.destroy();
      } else {
        open.add(s);
        s.on('data', () => {});
        s.resume();
      }
      if (!done) settle();
    });
    s.on('error', (e) => {
      const code = String(e.code ?? e.message);
      tally(code);
      if (state === 'pending') {
        pending.delete(s);
        state = 'failed';
        res.failed++;
        res.errors[code] = (res.errors[code] ?? 0) + 1;
        res.failMs.push(Math.round(performance.now() - ts));
        if (!done) settle();
      }
    });
    s.on('close', () => {
      open.delete(s);
      pending.delete(s);
    });
  };
  if (m.settleMs) timer = setTimeout(finish, m.settleMs);
  if (count === 0) finish();
  for (let i = 0; i < Math.min(concurrency, count); i++) startOne();
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  if (m.op === 'connect') connectBatch(m);
  else if (m.op === 'stats') reply({ id: m.id, errors, open: open.size, pending: pending.size });
  else if (m.op === 'destroyPending') {
    const n = pending.size;
    for (const s of [...pending]) s.destroy();
    reply({ id: m.id, destroyed: n });
  } else if (m.op === 'destroyAll') {
    const n = pending.size + open.size;
    for (const s of [...pending, ...open]) s.destroy();
    reply({ id: m.id, destroyed: n });
  }
});
reply({ ready: true, pid: process.pid });
process.stdin.on('end', () => process.exit(0));

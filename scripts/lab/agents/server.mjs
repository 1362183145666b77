// Lab server agent, run inside the server netns: `ip netns exec NS node server.mjs --port P [--backlog N] [--mode close|hold]`.
//   close: default Node behaviour (allowHalfOpen false): when the peer's FIN arrives, end() → our FIN → LAST_ACK.
//   hold:  allowHalfOpen, never end()/close(): after the peer's FIN the socket sits in CLOSE_WAIT (the "leak").
// Prints one JSON line {"ready":true,...} when listening; stdin NDJSON {"id":n,"op":"stats"} → {"id":n,...}.
import net from 'node:net';
import readline from 'node:readline';

const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : d;
};
const port = Number(opt('port', '8080'));
const backlog = Number(opt('backlog', '511'));
const mode = opt('mode', 'close');
const host = opt('host', '::');

let accepted = 0;
let peerEnded = 0;
let closed = 0;
const held = new Set();
const server = net.createServer({ allowHalfOpen: mode === 'hold' }, (s) => {
  accepted++;
  held.add(s);
  s.on('data', () => {});
  s.on('end', () => {
    peerEnded++;
  });
  s.on('error', () => {});
  s.on('close', () => {
    closed++;
    held.delete(s);
  });
});
server.on('error', (e) => {
  process.stdout.write(JSON.stringify({ ready: false, error: String(e.code ?? e.message) }) + '\n');
  process.exit(2);
});
server.listen({ port, host, backlog, ipv6Only: false }, () => {
  process.stdout.write(JSON.stringify({ ready: true, pid: process.pid, port, backlog, mode }) + '\n');
});
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  if (m.op === 'stats') {
    process.stdout.write(JSON.stringify({ id: m.id, accepted, peerEnded, closed, open: held.size }) + '\n');
  }
});
process.stdin.on('end', () => process.exit(0));

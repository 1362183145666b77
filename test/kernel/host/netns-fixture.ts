// Throwaway netns + a node process inside holding sockets in known states, for the host kernel tests.
import { randomBytes } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';

export async function makeNetns(): Promise<{ name: string; path: string; del(): Promise<void> }> {
  const name = `tsx-${randomBytes(4).toString('hex')}`;
  await execa('ip', ['netns', 'add', name]);
  await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return {
    name,
    path: `/run/netns/${name}`,
    del: async () => {
      await execa('ip', ['netns', 'del', name], { reject: false });
    },
  };
}

/** Listener (backlog 7) + 3 ESTABLISHED pairs + 4 half-closed (CLOSE_WAIT/FIN_WAIT2) + 5 TIME_WAIT + 2 orphan FIN_WAIT2. */
const STATES_JS = `
const net = require('net');
const keep = [];
const accepted = [];
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const srv = net.createServer({ allowHalfOpen: true }, (c) => { keep.push(c); accepted.push(c); c.on('end', () => { if (c.closeMe) c.end(); }); });
srv.listen({ host: '127.0.0.1', port: 0, backlog: 7 }, async () => {
  const port = srv.address().port;
  const conn = (opts) => new Promise((res) => { const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => res(c)); keep.push(c); });
  for (let i = 0; i < 3; i++) await conn();
  for (let i = 0; i < 4; i++) { const c = await conn(); c.end(); }
  for (let i = 0; i < 2; i++) { const c = await conn(); c.destroy(); }
  await wait(100);
  // TIME_WAIT: the server closes back when it sees the client's FIN.
  const tw = [];
  for (let i = 0; i < 5; i++) tw.push(await conn());
  await wait(100);
  for (const c of accepted.slice(-5)) c.closeMe = true;
  for (const c of tw) c.end();
  await wait(300);
  process.stdout.write('ready ' + port + '\\n');
});
process.stdin.on('data', () => {}).on('end', () => process.exit(0));
`;

export interface StateHolder {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

export async function holdStates(nsPath: string): Promise<StateHolder> {
  const child: ResultPromise = execa('nsenter', [`--net=${nsPath}`, '--', process.execPath, '-e', STATES_JS], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m?.[1]) resolve(Number(m[1]));
    });
    void child.then((r) => reject(new Error(`state holder exited: ${String(r.stderr)}`)));
  });
  if (child.pid === undefined) throw new Error('no pid');
  return {
    pid: child.pid,
    port,
    stop: async () => {
      child.stdin?.end();
      await child;
    },
  };
}

/** Ground truth: `ip netns exec NS ss -tanH state <s>` line count. */
export async function ssCount(ns: string, state: string): Promise<number> {
  const r = await execa('ip', ['netns', 'exec', ns, 'ss', '-tanH', 'state', state]);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/** Ground truth counters: `ip netns exec NS nstat -asz` (absolute, no history update). */
export async function nstat(ns: string): Promise<Record<string, number>> {
  const r = await execa('ip', ['netns', 'exec', ns, 'nstat', '-asz']);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)/.exec(line);
    if (m?.[1] && m[2] && !m[1].startsWith('#')) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** N short connections inside the netns (client + server in one node process). */
export async function churn(ns: string, n: number): Promise<void> {
  const js = `const net=require('net');const s=net.createServer((c)=>c.end());s.listen(0,'127.0.0.1',async()=>{for(let i=0;i<${n};i++){await new Promise((r)=>{const c=net.connect(s.address().port,'127.0.0.1');c.on('data',()=>{});c.on('close',r);c.on('end',()=>c.end());});}s.close();});`;
  await execa('ip', ['netns', 'exec', ns, process.execPath, '-e', js]);
}

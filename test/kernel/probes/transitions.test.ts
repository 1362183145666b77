// First real-kernel test: the runner + decoder report the exact TCP transitions of one connection in a fresh netns.
import { execa } from 'execa';
import { filter, firstValueFrom, Subject, take, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { requireKernelTracing } from '../../helpers/prereq.js';
import { runBpftrace, whenBpftraceStopped, type RunnerEvent } from '../../../src/kernel/bpftrace/runner.js';
import { BatchDecoder, isAttachedLine, isTickLine, type ProbeBatch } from '../../../src/kernel/probes/index.js';
import { alive, bpftracePids, createNetns } from './helpers.js';

const PROGRAM = `
tracepoint:sock:inet_sock_set_state
/args->protocol == 6/
{
  $ns = ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum;
  if ($ns == $1) { @k[$ns, args->oldstate, args->newstate] = count(); }
}
interval:ms:$2 { print(@k); clear(@k); printf("@@tick %llu\\n", nsecs); }
`;

// One loopback connection, client closes first, the server closes when it sees EOF, then the listener closes.
const CONNECT_ONCE = `
const net = require('node:net');
const server = net.createServer((s) => { s.on('data', () => {}); s.on('close', () => server.close()); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end('x'));
  c.on('data', () => {});
});
`;

describe('first real-kernel test: state transitions through the runner', () => {
  it('sees exactly the transitions of one connection in a fresh netns, and leaves no bpftrace behind', async () => {
    await requireKernelTracing();
    const ns = await createNetns();
    const decoder = new BatchDecoder({});
    const events = new Subject<RunnerEvent>();
    const batches: ProbeBatch[] = [];
    let bpfPid: number | undefined;
    let sub: Subscription | undefined;
    try {
      sub = runBpftrace({ program: PROGRAM, args: [String(ns.inode), '250'] }).subscribe({
        next: (ev) => {
          if (ev.kind === 'spawn') bpfPid = ev.pid;
          if (ev.kind === 'line') {
            const b = decoder.push(ev.line);
            if (b) batches.push(b);
          }
          events.next(ev);
        },
        error: (err: unknown) => events.error(err),
      });
      const line = (pred: (l: string) => boolean): Promise<RunnerEvent> =>
        firstValueFrom(
          events.pipe(
            filter((e) => e.kind === 'line' && pred(e.line)),
            take(1),
          ),
        );
      await line(isAttachedLine);
      await line(isTickLine);
      const before = batches.length;

      await execa('ip', ['netns', 'exec', ns.name, process.execPath, '-e', CONNECT_ONCE], { timeout: 20_000 });
      // Two more ticks: the interval in which traffic ended has been printed completely.
      await line(isTickLine);
      await line(isTickLine);

      const seen = new Map<string, number>();
      for (const b of batches.slice(before)) {
        for (const t of b.transitions) {
          expect(t.netns).toBe(ns.inode);
          seen.set(`${t.from}->${t.to}`, (seen.get(`${t.from}->${t.to}`) ?? 0) + t.count);
        }
      }
      expect(Object.fromEntries([...seen.entries()].sort())).toEqual(
        Object.fromEntries(
          [
            ['CLOSE->LISTEN', 1], // server listen()
            ['CLOSE->SYN_SENT', 1], // client connect()
            ['LISTEN->SYN_RECV', 1], // the child socket created from the request
            ['SYN_SENT->ESTABLISHED', 1],
            ['SYN_RECV->ESTABLISHED', 1],
            ['ESTABLISHED->FIN_WAIT1', 1], // client end()
            ['FIN_WAIT1->FIN_WAIT2', 1],
            ['ESTABLISHED->CLOSE_WAIT', 1], // server got the FIN
            ['CLOSE_WAIT->LAST_ACK', 1], // server end()
            ['LAST_ACK->CLOSE', 1],
            ['FIN_WAIT2->CLOSE', 1], // the client goes to TIME_WAIT: never reported by this tracepoint
            ['LISTEN->CLOSE', 1], // server.close()
          ].sort(),
        ),
      );
      expect(decoder.stats.badLines).toBe(0);
    } finally {
      sub?.unsubscribe();
      await whenBpftraceStopped();
      await ns.destroy();
    }
    expect(bpfPid).toBeDefined();
    expect(alive(bpfPid!)).toBe(false);
    expect(await bpftracePids()).not.toContain(bpfPid);
  });
});

// BatchDecoder on captured real bpftrace output: exact batches, determinism, and survival of truncated/garbled lines.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectCapabilities } from '../../../../src/kernel/capabilities.js';
import {
  isAttachedLine,
  isTickLine,
  reasonTables,
  type ProbeBatch,
  type ReasonTables,
} from '../../../../src/kernel/probes/index.js';
import { capturedLines, decodeLines } from './captured.js';

const lines = capturedLines('full-6.18.ndjson');
const NS = 4026532177;

describe('BatchDecoder', async () => {
  const tables = reasonTables(
    await detectCapabilities(fileURLToPath(new URL('../../../fixtures/kernels/6.18', import.meta.url))),
  );

  it('reason tables are plain JSON-able objects', () => {
    expect(tables.resetReasons?.[1]).toBe('NO_SOCKET');
    expect(tables.dropReasons?.[12]).toBe('NETFILTER_DROP');
    expect(JSON.parse(JSON.stringify(tables))).toEqual(tables);
  });

  it('decodes the captured run into exact batches', () => {
    const { batches, dec } = decodeLines(lines, tables);
    expect(batches).toHaveLength(9);
    expect(dec.stats).toEqual({ lines: lines.length, badLines: 0, batches: 9, lost: 0 });
    const [b0, b1, b2, b3, b4] = batches as [ProbeBatch, ProbeBatch, ProbeBatch, ProbeBatch, ProbeBatch];
    expect(b0.kernelNs).toBe(884842013650);
    expect(b0.resetsSent).toEqual([{ netns: NS, reason: 'NO_SOCKET', count: 1 }]);
    expect(b0.resetsReceived).toEqual([{ netns: NS, state: 'SYN_SENT', port: 37172, count: 1 }]);
    expect(b0.drops).toEqual([
      { netns: NS, reason: 'NETFILTER_DROP', count: 3 },
      { netns: NS, reason: 'NO_SOCKET', count: 1 },
      { netns: NS, reason: 'QUEUE_PURGE', count: 1 },
    ]);
    expect(b0.transitions).toContainEqual({ netns: NS, from: 'SYN_SENT', to: 'ESTABLISHED', count: 4 });
    expect(b0.transitions).toContainEqual({ netns: NS, from: 'FIN_WAIT2', to: 'CLOSE', count: 1 });
    expect(b0.details).toEqual([
      {
        kind: 'reset-sent',
        netns: NS,
        saddr: '127.0.0.1',
        sport: 9,
        daddr: '127.0.0.1',
        dport: 37172,
        state: 'NONE',
        reason: 'NO_SOCKET',
        pid: 14291,
        comm: 'python3',
      },
      {
        kind: 'reset-received',
        netns: NS,
        saddr: '127.0.0.1',
        sport: 37172,
        daddr: '127.0.0.1',
        dport: 9,
        state: 'SYN_SENT',
        reason: '',
        pid: 14291,
        comm: 'python3',
      },
    ]);
    expect(b1.synackRetrans).toEqual([
      { netns: NS, laddr: '127.0.0.1', lport: 7002, count: 1, acceptQueue: 0, acceptCapacity: 0, synQueue: 1 },
    ]);
    expect(b2.resetsSent).toEqual([{ netns: NS, reason: 'TCP_STATE', count: 1 }]);
    expect(b2.details[1]).toMatchObject({
      kind: 'reset-sent',
      sport: 46976,
      dport: 7003,
      state: 'CLOSE',
      reason: 'TCP_STATE',
    });
    expect(b3.retrans).toEqual([{ netns: NS, state: 'FIN_WAIT1', count: 9 }]);
    expect(b4.synackRetrans).toEqual([
      { netns: NS, laddr: '127.0.0.1', lport: 7002, count: 3, acceptQueue: 0, acceptCapacity: 16, synQueue: 3 },
    ]);
    expect(b4.details.filter((d) => d.kind === 'synack-retrans')).toHaveLength(3);
    const synack = batches.reduce((s, b) => s + b.synackRetrans.reduce((x, r) => x + r.count, 0), 0);
    expect(synack).toBe(7); // = nstat TcpExtTCPSynRetrans of the capture run
  });

  it('decodes detail lines field by field: comm with spaces, no-reason -1, and refuses malformed fields', () => {
    const d = (body: string): string => `{"type": "printf", "data": "${body}\\n"}`;
    const tick = '{"type": "printf", "data": "@@tick 5\\n"}';
    const { batches, dec } = decodeLines(
      [
        d('@@d reset-sent 7 10.0.0.1 80 10.0.0.2 5000 1 1 42 Web Content'),
        d('@@d reset-received 7 2001:db8::1 443 2001:db8::2 6000 2 -1 0 '),
        d('@@d synack-retrans 7 10.0.0.1 80 10.0.0.2 5001 10 -1 9 node'),
        d('@@d reset-sent 7 10.0.0.1 8x0 10.0.0.2 5000 1 1 42 bad-port'),
        d('@@d reset-sent 7 10.0.0.1 80 10.0.0.2 5000 1 1 42'),
        d('@@d no-such-kind 7 10.0.0.1 80 10.0.0.2 5000 1 1 42 x'),
        d('@@d reset-sent 7 10.0.0.1 80 10.0.0.2 5000 1 1 1e3 exp'),
        d('@@d reset-sent -7 10.0.0.1 80 10.0.0.2 -5000 1 1 -42 neg'),
        tick,
      ],
      tables,
    );
    expect(batches[0]!.details).toEqual([
      {
        kind: 'reset-sent',
        netns: 7,
        saddr: '10.0.0.1',
        sport: 80,
        daddr: '10.0.0.2',
        dport: 5000,
        state: 'ESTABLISHED',
        reason: 'NO_SOCKET',
        pid: 42,
        comm: 'Web Content',
      },
      {
        kind: 'reset-received',
        netns: 7,
        saddr: '2001:db8::1',
        sport: 443,
        daddr: '2001:db8::2',
        dport: 6000,
        state: 'SYN_SENT',
        reason: '',
        pid: 0,
        comm: '',
      },
      {
        kind: 'synack-retrans',
        netns: 7,
        saddr: '10.0.0.1',
        sport: 80,
        daddr: '10.0.0.2',
        dport: 5001,
        state: 'LISTEN',
        reason: '',
        pid: 9,
        comm: 'node',
      },
      {
        kind: 'reset-sent',
        netns: -7,
        saddr: '10.0.0.1',
        sport: 80,
        daddr: '10.0.0.2',
        dport: -5000,
        state: 'ESTABLISHED',
        reason: 'NO_SOCKET',
        pid: -42,
        comm: 'neg',
      },
    ]);
    expect(dec.stats.badLines).toBe(4);
  });

  it('is deterministic: same lines, same batches', () => {
    expect(decodeLines(lines, tables).batches).toEqual(
      decodeLines([...lines], JSON.parse(JSON.stringify(tables)) as ReasonTables).batches,
    );
  });

  it('survives truncated and garbled lines, counting them', () => {
    const broken = [...lines];
    broken[3] = broken[3]!.slice(0, 40); // the first @dr map line, cut
    broken.splice(
      6,
      0,
      'garbage',
      '{"type": "map", "data": {"@k": {"notanumber,1,2": 4}}}',
      '{"type": "printf", "data": "@@tick xyz\\n"}',
    );
    broken.splice(
      1,
      0,
      '{"type": "printf", "data": "@@d reset-sent 1 2\\n"}',
      '{"type": "lost_events", "data": {"events": 5}}',
    );
    const { batches, dec } = decodeLines(broken, tables);
    expect(batches).toHaveLength(9);
    expect(dec.stats.badLines).toBe(5);
    expect(dec.stats.lost).toBe(5);
    expect(batches[0]!.lost).toBe(5);
    expect(batches[0]!.drops).toEqual([]);
    expect(batches[0]!.resetsSent).toEqual([{ netns: NS, reason: 'NO_SOCKET', count: 1 }]);
    expect(batches.slice(1)).toEqual(
      decodeLines(lines, tables)
        .batches.slice(1)
        .map((b) => b),
    );
  });

  it('names reasons UNKNOWN without tables and UNKNOWN_<n> for numbers not in the table; no-reason maps', () => {
    const input = [
      '{"type": "map", "data": {"@rs": {"7,1": 2, "7,99": 1}}}',
      '{"type": "map", "data": {"@rsn": {"8": 3}}}',
      '{"type": "map", "data": {"@drn": {"8": 4}}}',
      '{"type": "map", "data": {"@dr": {"7,0": 9, "7,3": 1}}}',
      '{"type": "map", "data": {"@suppressed": 6}}',
      '{"type": "printf", "data": "@@tick 5\\n"}',
    ];
    const withTables = decodeLines(input, {
      resetReasons: { 1: 'NO_SOCKET' },
      dropReasons: { 0: 'NOT_DROPPED_YET', 3: 'NO_SOCKET' },
    }).batches[0]!;
    expect(withTables.resetsSent).toEqual([
      { netns: 7, reason: 'NO_SOCKET', count: 2 },
      { netns: 7, reason: 'UNKNOWN_99', count: 1 },
      { netns: 8, reason: 'UNKNOWN', count: 3 },
    ]);
    expect(withTables.drops).toEqual([
      { netns: 7, reason: 'NO_SOCKET', count: 1 },
      { netns: 8, reason: 'UNKNOWN', count: 4 },
    ]);
    expect(withTables.suppressed).toBe(6);
    const without = decodeLines(input, {}).batches[0]!;
    expect(without.resetsSent).toEqual([
      { netns: 7, reason: 'UNKNOWN', count: 3 },
      { netns: 8, reason: 'UNKNOWN', count: 3 },
    ]);
  });

  it('cumulative count maps ("@@tick N cum"): per-interval differences from attach, gauges as is, zero rows dropped', () => {
    const map = (name: string, v: Record<string, number>): string =>
      JSON.stringify({ type: 'map', data: { [name]: v } });
    const tick = (n: number): string => `{"type": "printf", "data": "@@tick ${n} cum\\n"}`;
    const attached = '{"type": "attached_probes", "data": {"probes": 7}}';
    const input = [
      attached,
      map('@k', { '7,2,1': 3 }),
      map('@sa', { '7,10.0.0.1,80': 2 }),
      map('@sab', { '7,10.0.0.1,80': 5 }),
      tick(1),
      map('@k', { '7,2,1': 3, '7,1,4': 1 }),
      map('@sa', { '7,10.0.0.1,80': 2 }),
      map('@sab', { '7,10.0.0.1,80': 5 }),
      tick(2),
      map('@k', { '7,2,1': 10, '7,1,4': 1 }),
      map('@sa', { '7,10.0.0.1,80': 5 }),
      map('@sab', { '7,10.0.0.1,80': 6 }),
      tick(3),
      attached, // bpftrace restarted: its maps start at zero again
      map('@k', { '7,2,1': 1 }),
      tick(4),
    ];
    const b = decodeLines(input, {}).batches;
    expect(b.map((x) => x.transitions.map((t) => `${t.from}->${t.to}=${t.count}`))).toEqual([
      ['SYN_SENT->ESTABLISHED=3'],
      ['ESTABLISHED->FIN_WAIT1=1'],
      ['SYN_SENT->ESTABLISHED=7'],
      ['SYN_SENT->ESTABLISHED=1'],
    ]);
    expect(b.map((x) => x.synackRetrans.map((r) => [r.count, r.acceptQueue]))).toEqual([[[2, 5]], [], [[3, 6]], []]);
  });

  it('cumulative maps without an attach line (a rotated recording part): the first tick is a baseline, not history', () => {
    const input = [
      '{"type": "map", "data": {"@k": {"7,2,1": 500}}}',
      '{"type": "printf", "data": "@@tick 1 cum\\n"}',
      '{"type": "map", "data": {"@k": {"7,2,1": 504}}}',
      '{"type": "printf", "data": "@@tick 2 cum\\n"}',
    ];
    const b = decodeLines(input, {}).batches;
    expect(b.map((x) => x.transitions.map((t) => t.count))).toEqual([[], [4]]);
  });

  it('ignores what bpftrace prints after the last tick', () => {
    const { batches } = decodeLines([...lines, '{"type": "map", "data": {"@k": {"1,7,10": 1}}}'], tables);
    expect(batches).toHaveLength(9);
  });

  it('recognises tick and attached lines', () => {
    expect(lines.filter(isTickLine)).toHaveLength(9);
    expect(lines.filter(isAttachedLine)).toEqual([lines[0]]);
    expect(isTickLine('{"type": "printf", "data": "@@tickle\\n"}')).toBe(false);
    expect(isTickLine('{"type": "printf", "data": "@@tick 12')).toBe(false);
  });

  it('before 6.10 (no reset reason field), NO_SOCKET drops count as the NO_SOCKET resets tcp_send_reset misses', async () => {
    const t61 = reasonTables(
      await detectCapabilities(fileURLToPath(new URL('../../../fixtures/kernels/6.1', import.meta.url))),
    );
    expect(t61.resetReasons).toBeUndefined();
    expect(t61.dropReasons?.[2]).toBe('NO_SOCKET');
    const interval = [
      '{"type": "map", "data": {"@dr": {"4026532177,2": 20, "4026532177,5": 3}}}',
      '{"type": "map", "data": {"@rsn": {"4026532177": 2}}}',
      '{"type": "printf", "data": "@@tick 5\\n"}',
    ];
    const [b61] = decodeLines(interval, t61).batches;
    expect(b61?.resetsSent).toEqual([
      { netns: NS, reason: 'NO_SOCKET', count: 20 },
      { netns: NS, reason: 'UNKNOWN', count: 2 },
    ]);
    expect(b61?.drops.find((d) => d.reason === 'NO_SOCKET')?.count).toBe(20);
    // 6.18 traces those resets itself (with their reason): its NO_SOCKET drops are never added a second time.
    const [b618] = decodeLines(interval, tables).batches;
    expect(b618?.resetsSent).toEqual([{ netns: NS, reason: 'UNKNOWN', count: 2 }]);
  });
});

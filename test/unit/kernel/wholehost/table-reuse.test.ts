// When the whole-host reader may reuse a netns's last socket-table read: only for stable states with empty listener
// queues, only while the fingerprint (sockstat per-netns fields + counter files) is unchanged, and never for longer
// than maxAge polls.
import { describe, expect, it } from 'vitest';
import { TableReuse, type Tables } from '../../../../src/kernel/wholehost/table-reuse.js';
import type { Listener } from '../../../../src/model/host-sample.js';

const listener = (queue: number): Listener => ({
  family: 4,
  addr: '127.0.0.1',
  port: 80,
  queue,
  capacity: 128,
  inode: 1,
  pid: 1,
  comm: 'srv',
});
const tables = (stable: boolean): Tables => ({ census: { ESTABLISHED: 2 }, listeners: [], owners: [], stable });

describe('TableReuse', () => {
  it('calls ESTABLISHED, TIME_WAIT, CLOSE_WAIT and idle listeners stable, anything else not', () => {
    expect(TableReuse.stable([1, 6, 8, 10], [listener(0)])).toBe(true);
    expect(TableReuse.stable([1, 10], [listener(1)])).toBe(false); // accept() can empty it without a counter
    for (const transient of [2, 3, 4, 5, 7, 9, 11, 12]) expect(TableReuse.stable([1, transient], [])).toBe(false);
  });

  it('keys sockstat on the per-netns fields only (orphan, alloc and mem are host-wide)', () => {
    const a = { 'TCP.inuse': 3, 'TCP.orphan': 0, 'TCP.tw': 2, 'TCP.alloc': 10, 'TCP.mem': 5, 'TCP6.inuse': 1 };
    expect(TableReuse.sockstatKey(a)).toBe(TableReuse.sockstatKey({ ...a, 'TCP.orphan': 7, 'TCP.alloc': 99 }));
    expect(TableReuse.sockstatKey(a)).not.toBe(TableReuse.sockstatKey({ ...a, 'TCP.tw': 1 }));
    expect(TableReuse.sockstatKey(a)).not.toBe(TableReuse.sockstatKey({ ...a, 'TCP6.inuse': 2 }));
  });

  it('reuses while the fingerprint is unchanged, up to maxAge polls after the read', () => {
    const r = new TableReuse(3);
    expect(r.take('f', 0)).toBeUndefined();
    const t = tables(true);
    r.keep('f', 0, t);
    expect(r.take('f', 1)).toBe(t);
    r.keep('f', 1, t);
    expect(r.take('f', 2)).toBe(t);
    r.keep('f', 2, t);
    expect(r.take('f', 3)).toBeUndefined(); // read at poll 0, 3 polls old: read again
    expect(r.take('g', 1)).toBeUndefined();
    expect(r.reused).toBe(2);
  });

  it('never reuses an unstable read', () => {
    const r = new TableReuse();
    r.keep('f', 0, tables(false));
    expect(r.take('f', 1)).toBeUndefined();
  });
});

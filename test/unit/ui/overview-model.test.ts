// The overview's view model: names, columns fitted by width, the listener that keeps its port, filtering, ordering.
import { describe, expect, it } from 'vitest';
import { COLUMNS, cellOf, fitColumns, listenerText } from '../../../src/ui/model/overview-columns.js';
import { connectP99Us } from '../../../src/ui/model/connect-p99.js';
import { fmtLatency } from '../../../src/ui/model/latency.js';
import { bucketOf, log2Of, statsOf } from '../../../src/model/latency-stats.js';
import type { NetnsSection } from '../../../src/model/host-snapshot.js';
import { filterSections, overviewHeader, overviewTable } from '../../../src/ui/model/overview.js';
import { netnsName } from '../../../src/ui/model/netns-name.js';
import { linesToPlain, lineLength } from '../../../src/ui/model/markup.js';
import { FRESH, GONE, HOST, LEAK, LOCKED, OVERFLOW, WEB1, hostSnapshot } from './host-fixtures.js';
import { sessionInfo } from './fixtures.js';

const ui = { paused: false, recording: undefined, ended: undefined, message: undefined, filter: '', alert: undefined };

describe('overview names', () => {
  it('owner label first, then ip netns name, then host, then the inode', () => {
    expect(netnsName(WEB1)).toBe('web1 (docker, nginx:1.27)');
    expect(netnsName({ ...WEB1, name: 'ns-web1' })).toBe('web1 (docker, nginx:1.27)');
    expect(netnsName(OVERFLOW)).toBe('tslab-ov-a-s');
    expect(netnsName(HOST)).toBe('host');
    expect(netnsName(LOCKED)).toBe(`netns:${LOCKED.inode}`);
  });
});

describe('overview columns', () => {
  it('keeps every column at 200 cells and widens name, listener and finding', () => {
    const cols = fitColumns(199);
    expect(cols.map((c) => c.id)).toEqual(COLUMNS.map((c) => c.id));
    const used = cols.reduce((n, c) => n + c.drawn, 0) + cols.length - 1;
    expect(used).toBeLessThanOrEqual(199);
    expect(cols.find((c) => c.id === 'listener')!.drawn).toBe(24);
    expect(cols.find((c) => c.id === 'name')!.drawn).toBe(30);
  });

  it('at 80 cells keeps name, loss rates, listener and finding, and drops the rest by priority', () => {
    const cols = fitColumns(77);
    const ids = cols.map((c) => c.id);
    for (const id of ['name', 'ovf', 'synq', 'drop', 'listener', 'finding'] as const) expect(ids).toContain(id);
    expect(ids).not.toContain('rstRx');
    expect(ids).not.toContain('synack');
    expect(cols.reduce((n, c) => n + c.drawn, 0) + cols.length - 1).toBeLessThanOrEqual(77);
  });

  it('cuts a listener address from the left, never its port', () => {
    const l = { addr: '198.18.0.1', port: 8080, queue: 129, capacity: 128 };
    expect(listenerText(l, 30)).toBe('198.18.0.1:8080 129/128');
    expect(listenerText(l, 16)).toBe('….1:8080 129/128');
    expect(listenerText(l, 13)).toBe(':8080 129/128');
    expect(listenerText(l, 12)).toBe(':8080');
    expect(listenerText(l, 5)).toBe(':8080');
    expect(listenerText({ addr: '::', port: 8443, queue: 3, capacity: 511 }, 30)).toBe('[::]:8443 3/511');
  });
});

describe('overview table', () => {
  it('at 200 cells: every section in trouble order, numbers per column, statuses spelled out', () => {
    const h = hostSnapshot(8);
    const { lines } = overviewTable(h.namespaces, 0, 198, 40);
    const text = linesToPlain(lines);
    const rows = text.split('\n');
    expect(rows[0]).toMatch(
      /NETNS\s+ESTAB\s+SYNRCV\s+TW\s+CW\s+in\/s\s+out\/s\s+ovfl\/s\s+synq\/s\s+rstTx\/s\s+rstRx\/s\s+SArtx\/s\s+drop\/s\s+p99\s+FULLEST LISTENER\s+WORST FINDING/,
    );
    // Critical first, then the warning, then the quiet ones; gone last.
    expect(rows[1]).toMatch(
      /^▶tslab-ov-a-s\s+120\s+0\s+2\.1k\s+0\s+38\s+40\s+250\s+0\s+0\s+0\s+30\s+0\s+—\s+127\.0\.0\.1:8080 129\/128\s+CRIT accept-queue-overflow/,
    );
    expect(rows[2]).toMatch(/^ tslab-ov-b-s .*\s40\s.*WARN close-wait-leak/);
    expect(text).toMatch(/web1 \(docker, nginx:1\.27\)\s+7\s.*\[::\]:8443 3\/511/);
    expect(text).toMatch(/netns:4026532405 .*unreadable: permission denied/);
    expect(text).toMatch(/tslab-ov-new .*new \(first interval\)/);
    expect(rows.at(-1)).toMatch(/^ tslab-ov-gone .*gone/);
    for (const l of lines) expect(lineLength(l)).toBeLessThanOrEqual(198);
  });

  it('at 80 cells every row fits and the overflow row keeps its rate, listener port and finding', () => {
    const h = hostSnapshot(8);
    const rows = linesToPlain(overviewTable(h.namespaces, 0, 78, 19).lines).split('\n');
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(78);
    expect(rows[1]).toMatch(/^▶tslab-ov-a-s\s.*\s250\s.*:8080 129\/128\s+CRIT accept-q/);
  });

  it('scrolls so the selected row stays visible', () => {
    const h = hostSnapshot(8, { extra: 30 });
    const view = overviewTable(h.namespaces, 25, 78, 10);
    expect(view.lines).toHaveLength(10);
    expect(view.first).toBe(17);
    expect(
      linesToPlain(view.lines)
        .split('\n')
        .filter((l) => l.startsWith('▶')),
    ).toHaveLength(1);
    expect(linesToPlain([view.lines.at(-1)!])).toMatch(/^▶/);
  });

  it('filters by a case-insensitive name substring (owner labels and inodes too)', () => {
    const h = hostSnapshot(8);
    expect(filterSections(h.namespaces, 'OV-B').map((s) => s.netns)).toEqual([LEAK]);
    expect(filterSections(h.namespaces, 'docker').map((s) => s.netns)).toEqual([WEB1]);
    expect(filterSections(h.namespaces, String(FRESH.inode)).map((s) => s.netns)).toEqual([FRESH]);
    expect(filterSections(h.namespaces, '').length).toBe(h.namespaces.length);
    expect(filterSections(h.namespaces, 'nope')).toEqual([]);
    expect(linesToPlain(overviewTable([], 0, 78, 10).lines)).toContain('(no namespace matches)');
    expect(GONE.name).toBe('tslab-ov-gone');
  });

  it('header: totals with loss first, troubled count, filter and keys, each line within the width', () => {
    const h = hostSnapshot(8);
    for (const width of [80, 200]) {
      const lines = overviewHeader(sessionInfo(), h, { ...ui, filter: 'ov' }, width);
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(lineLength(l)).toBeLessThanOrEqual(width);
      const text = linesToPlain(lines);
      expect(text).toMatch(/tcpscope eBPF 1s.*whole host.*7 netns \(2 troubled, 3 idle\)/);
      expect(text).toMatch(/host ovfl\/s 250 synq\/s 0 drop\/s 0 ?│/);
      expect(text).toContain('filter "ov" (esc clears)');
    }
    expect(linesToPlain(overviewHeader(sessionInfo(), undefined, ui, 80))).toContain('waiting for the first interval');
  });
});

describe('overview p99 connect column', () => {
  const stats = (values: number[]) => {
    const buckets: Record<string, number> = {};
    for (const v of values) buckets[bucketOf(v)] = (buckets[bucketOf(v)] ?? 0) + 1;
    return statsOf(
      buckets,
      values.reduce((a, b) => a + b, 0),
      Math.max(...values),
    );
  };
  const withConnects = (rows: { dport: number; us: number[] }[]) => {
    const h = hostSnapshot(3);
    const sec = h.namespaces.find((s) => s.netns.inode === OVERFLOW.inode)!;
    const connect = rows.map((r) => ({
      netns: OVERFLOW.inode,
      dport: r.dport,
      interval: stats(r.us),
      session: stats(r.us),
      synRetrans: {},
    }));
    return { ...sec, snapshot: { ...sec.snapshot!, latency: { connect } } } as unknown as NetnsSection;
  };

  it('merges every port of the netns: 99 fast connects and 2 after a SYN retransmit give a p99 of the slow ones', () => {
    const sec = withConnects([
      { dport: 80, us: Array.from({ length: 99 }, () => 300) },
      { dport: 5432, us: [1_030_000, 1_040_000] },
    ]);
    const p99 = connectP99Us(sec.snapshot!)!;
    // In the same log2 bucket as the slow connects themselves (the histogram's resolution), past the 0.9 s SYN step.
    expect(log2Of(p99)).toBe(log2Of(1_030_000));
    expect(p99).toBeGreaterThan(900_000);
    const col = fitColumns(200).find((c) => c.id === 'p99')!;
    expect(cellOf(col, sec)).toMatchObject({ text: fmtLatency(p99), tone: 'crit' });
  });

  it('is "—" without the latency probe or without a connect this interval', () => {
    const col = fitColumns(200).find((c) => c.id === 'p99')!;
    const plain = hostSnapshot(3).namespaces.find((s) => s.netns.inode === OVERFLOW.inode)!;
    expect(connectP99Us(plain.snapshot!)).toBeUndefined();
    expect(cellOf(col, plain).text).toBe('—');
    expect(connectP99Us(withConnects([]).snapshot!)).toBeUndefined();
  });
});

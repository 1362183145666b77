// View models without blessed: numbers, sparklines, rates per mode, queues, limits, sysctl marks, findings log, header.
import { describe, expect, it } from 'vitest';
import { fillBar, fmtNum, sparkline } from '../../../src/ui/model/format.js';
import { History } from '../../../src/ui/model/history.js';
import { keyRates } from '../../../src/ui/model/rates.js';
import { ratesLines } from '../../../src/ui/model/rates-view.js';
import { matrixLines, transitionMatrix } from '../../../src/ui/model/matrix.js';
import { fitEndpoint, listenerRows, queueLines } from '../../../src/ui/model/queues.js';
import { chartSeries } from '../../../src/ui/model/chart.js';
import { watchLine } from '../../../src/cli/watch-line.js';
import { netnsChoices } from '../../../src/cli/commands/top.js';
import { stateRows } from '../../../src/ui/model/states.js';
import { sysctlLines, sysctlRows } from '../../../src/ui/model/sysctls.js';
import { FindingLog, findingLines, entryDetail } from '../../../src/ui/model/findings.js';
import { headerLines } from '../../../src/ui/model/header.js';
import { parsePortInput } from '../../../src/ui/model/port-input.js';
import { layoutKind, layoutCells } from '../../../src/ui/model/layout.js';
import { fitLine, linesToPlain, lineLength, toTagged, span } from '../../../src/ui/model/markup.js';
import { overflowSequence, procfsSequence, sessionInfo, snapshot, T0 } from './fixtures.js';

const historyOf = (snaps: ReturnType<typeof snapshot>[]): History => {
  const h = new History(100);
  for (const s of snaps) h.push(s);
  return h;
};
const plain = (lines: Parameters<typeof linesToPlain>[0]): string => linesToPlain(lines);
const ui = { paused: false, pending: 0, recording: undefined, ended: undefined, message: undefined };

describe('format', () => {
  it('formats rates compactly', () => {
    expect([0, 0.5, 7, 12.4, 340, 1234, 45_600, 2_500_000].map(fmtNum)).toEqual([
      '0',
      '0.5',
      '7',
      '12',
      '340',
      '1.2k',
      '46k',
      '2.5M',
    ]);
    expect(fmtNum(undefined)).toBe('—');
  });
  it('draws sparklines scaled to the window max, zero as blank', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe(' ▂▃▅█');
    expect(sparkline([5, 5], 4)).toBe('  ██');
    expect(sparkline([0, 0, 0], 3)).toBe('   ');
  });
  it('fills bars against capacity, capped', () => {
    expect(fillBar(64, 128, 8)).toBe('████░░░░');
    expect(fillBar(129, 128, 4)).toBe('████');
  });
  it('fits lines to a width with an ellipsis and escapes tags', () => {
    const l = fitLine([span('abcdef'), span('ghij', 'crit')], 7);
    expect(lineLength(l)).toBe(7);
    expect(linesToPlain([l])).toBe('abcdef…');
    expect(toTagged([span('{x}', 'crit')], true)).toBe('{red-fg}{open}x{close}{/red-fg}');
    expect(toTagged([span('hot', 'crit')], false)).toBe('{bold}hot{/bold}');
  });
});

describe('rates', () => {
  it('uses transitions and events in eBPF mode, per second', () => {
    const s = snapshot(0, { intervalMs: 2000 });
    s.events.resetsSent = 10;
    const r = keyRates(s);
    expect(r.newActive).toBe(20);
    expect(r.newPassive).toBe(19);
    expect(r.closes).toBe(19);
    expect(r.resetsSent).toBe(5);
  });
  it('falls back to counter deltas in procfs mode, with honest labels', () => {
    const [s] = procfsSequence(1);
    const r = keyRates(s!);
    expect(r.newActive).toBe(12);
    expect(r.resetsSent).toBe(3);
    expect(r.synackRetrans).toBe(2);
    expect(r.closes).toBeUndefined();
    const text = plain(ratesLines(historyOf(procfsSequence(3)), { width: 70, height: 10 }));
    expect(text).toContain('SYN+SYN-ACK retrans');
    expect(text).not.toContain('closes');
    expect(text).toContain('procfs mode');
  });
});

describe('transitions matrix', () => {
  it('lists involved states in kernel order with per-second cells', () => {
    const m = transitionMatrix(snapshot(0));
    expect(m.states.slice(0, 3)).toEqual(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV']);
    expect(m.rate('CLOSE', 'SYN_SENT')).toBe(40);
    const text = plain(matrixLines(snapshot(0), { width: 80, height: 12 }));
    expect(text.split('\n')[0]).toContain('ESTAB');
    expect(text).toMatch(/CLOSE\s+·\s+40/);
  });
  it('says eBPF is needed in procfs mode', () => {
    expect(plain(matrixLines(procfsSequence(1)[0], { width: 60, height: 5 }))).toContain('need eBPF');
  });
});

describe('queues', () => {
  it('shows the overflow rate and puts the full listener first', () => {
    const h = historyOf(overflowSequence());
    const rows = listenerRows(h.latest!);
    expect(rows[0]).toMatchObject({ endpoint: '127.0.0.1:8080', queue: 129, capacity: 128, atCapacity: true });
    const text = plain(queueLines(h, { width: 80, height: 14 }));
    expect(text).toMatch(/accept-queue overflows\s+250\/s/);
    expect(text).toMatch(/127\.0\.0\.1:8080\s+129\/128 █+ FULL/);
    expect(text).toContain('TCP_LISTEN_OVERFLOW');
  });
  it('explains full-queue SYN drops that have no skb drop reason (live overflow: drops 0, issue 13 item 16)', () => {
    const seq = overflowSequence().map((s) => ({ ...s, events: { ...s.events, drops: 0, dropsByReason: {} } }));
    const wide = plain(queueLines(historyOf(seq), { width: 80, height: 14 }));
    expect(wide).toContain('SYNs dropped on a full queue have no skb drop reason (consume_skb)');
    const narrow = plain(queueLines(historyOf(seq), { width: 38, height: 9 }));
    expect(narrow).toContain('full-queue SYN drops: no skb reason');
    // with a reason row (the demo's final ACKs, TCP_LISTEN_OVERFLOW) there is nothing to explain
    expect(plain(queueLines(historyOf(overflowSequence()), { width: 80, height: 14 }))).not.toContain(
      'no skb drop reason',
    );
  });
  it('is quiet before the overflow', () => {
    const text = plain(queueLines(historyOf(overflowSequence(3, 0)), { width: 80, height: 14 }));
    expect(text).toMatch(/accept-queue overflows\s+0\/s/);
    expect(text).not.toContain('FULL');
  });
});

describe('socket states', () => {
  it('compares TIME_WAIT and orphans with their sysctl limits', () => {
    const s = snapshot(0);
    s.census.states.TIME_WAIT = 8000;
    s.census.sockstat['TCP.orphan'] = 9000;
    const rows = stateRows(s);
    expect(rows.find((r) => r.key === 'TIME_WAIT')).toMatchObject({ value: 8000, limit: 8192, tone: 'warn' });
    expect(rows.find((r) => r.key === 'orphans')).toMatchObject({ value: 9000, limit: 8192, tone: 'crit' });
    expect(rows.find((r) => r.key === 'ESTABLISHED')?.limit).toBeUndefined();
  });
});

describe('sysctls', () => {
  it('puts sysctls named by active findings first and marks session changes', () => {
    const snaps = overflowSequence();
    snaps[snaps.length - 1]!.sysctlChanges = [{ name: 'net.ipv4.tcp_syncookies', old: '1', new: '0', t: T0 }];
    const h = historyOf(snaps);
    const rows = sysctlRows(h);
    expect(rows[0]).toMatchObject({ name: 'net.core.somaxconn', implicatedBy: ['accept-queue-overflow'] });
    expect(rows.find((r) => r.name === 'net.ipv4.tcp_syncookies')?.change).toBe('1→0');
    const text = plain(sysctlLines(h, { width: 100, height: 20 }));
    expect(text.split('\n')[0]).toMatch(/^!net\.core\.somaxconn\s+4096/);
    expect(text).toMatch(/Δnet\.ipv4\.tcp_syncookies/);
  });
});

describe('findings log', () => {
  it('keeps one entry per occurrence, newest first, marks ended ones, and takes alerts', () => {
    const log = new FindingLog();
    for (const s of overflowSequence()) log.observe(s);
    expect(log.list()).toHaveLength(1);
    expect(log.list()[0]).toMatchObject({ id: 'accept-queue-overflow', active: true });
    log.observe(snapshot(20));
    expect(log.list()[0]?.active).toBe(false);
    log.push({
      time: T0 + 30_000,
      severity: 'warning',
      name: 'overflow-burst',
      message: 'ListenOverflows 250/s > 10',
      state: 'firing',
    });
    const list = log.list();
    expect(list.map((e) => e.id)).toEqual(['overflow-burst', 'accept-queue-overflow']);
    const text = plain(findingLines(list, 1, { width: 120, height: 10 }));
    expect(text).toContain('▶○');
    expect(text).toContain('evidence: ListenOverflows/s 250');
    const detail = plain(entryDetail(list[1]!));
    expect(detail).toContain('net.core.somaxconn = 4096');
    expect(detail).toContain('min(backlog 128, somaxconn 4096)');
  });
  it('keeps the selected entry visible in a short panel', () => {
    const log = new FindingLog();
    for (let i = 0; i < 10; i++) log.push({ time: T0 + i, severity: 'info', name: `a${i}`, message: 'm' });
    const text = plain(findingLines(log.list(), 9, { width: 60, height: 4 }));
    expect(text).toMatch(/▶⚑ \S+ INFO a0/);
    expect(text).not.toContain('a9');
  });
});

describe('header', () => {
  it('shows the procfs banner with the reason and the fix', () => {
    const h = historyOf(procfsSequence(2));
    const info = sessionInfo({ mode: 'procfs', modeReason: 'not root: run with sudo for eBPF' });
    const text = plain(headerLines(info, h, ui, 200));
    expect(text).toContain('PROCFS-ONLY');
    expect(text).toContain('not root: run with sudo for eBPF');
    expect(text).toContain('sudo tcpscope doctor');
  });
  it('keeps mode, pause and recording visible at 80 columns', () => {
    const h = historyOf(overflowSequence(1, 1));
    const [l1] = headerLines(
      sessionInfo({ port: 8080 }),
      h,
      { ...ui, paused: true, pending: 3, recording: '/tmp/x.ndjson' },
      80,
    ).map((l) => plain([l]));
    expect(l1!.length).toBeLessThanOrEqual(80);
    expect(l1).toMatch(/^tcpscope eBPF 1s│‖ PAUSED \(3 new\)│● REC/);
  });
  it('counts lost and suppressed events', () => {
    const s = snapshot(0);
    s.events.lost = 7;
    s.events.suppressed = 3;
    const text = plain(headerLines(sessionInfo(), historyOf([s, snapshot(1)]), ui, 200));
    expect(text).toContain('lost 7');
    expect(text).toContain('suppressed 3');
  });
});

describe('small helpers', () => {
  it('validates the port prompt', () => {
    expect(parsePortInput('8080')).toEqual({ ok: true, port: 8080 });
    expect(parsePortInput(' ')).toEqual({ ok: true, port: undefined });
    expect(parsePortInput('70000').ok).toBe(false);
    expect(parsePortInput('80; rm').ok).toBe(false);
  });
  it('picks the layout by size; the chart only with colour', () => {
    expect(layoutKind(80, 24)).toBe('compact');
    expect(layoutKind(200, 60)).toBe('full');
    expect(layoutCells('full', true).map((c) => c.id)).toContain('chart');
    expect(layoutCells('full', false).map((c) => c.id)).not.toContain('chart');
  });
});

describe('80×24 details (issue 13 item 18)', () => {
  it('a long listener address loses characters of the address, never its port', () => {
    expect(fitEndpoint('198.19.200.1:8080', 12)).toBe('198.19…:8080');
    expect(fitEndpoint('[2001:db8:7c::1]:443', 10)).toBe('[2001…:443');
    expect(fitEndpoint('10.0.0.1:80', 20)).toBe('10.0.0.1:80');
  });
  it("with a port filter only that port's listeners are listed", () => {
    const s = overflowSequence().at(-1)!;
    expect(listenerRows(s).length).toBeGreaterThan(1);
    expect(listenerRows(s, 8080).map((r) => r.endpoint)).toEqual(['127.0.0.1:8080']);
  });
  it('the chart axis counts intervals back to "now", one distinct label per point', () => {
    const seq = overflowSequence(3, 3).map((s, i) => ({ ...s, time: T0 + [0, 400, 1400, 2400, 3100, 4000][i]! }));
    const x = chartSeries(historyOf(seq), 6)[0]!.x;
    expect(x).toEqual(['-5s', '-4s', '-3s', '-2s', '-1s', 'now']);
  });
  it('the watch line shows SYN_SENT (a client netns with stuck connects)', () => {
    const s = snapshot(0);
    s.census.states = { ...s.census.states, SYN_SENT: 37 };
    expect(watchLine(s)).toMatch(/synrecv \d+ synsent 37 \|/);
  });
});

describe('n: the netns list always leads back to the host (issue 13 item 18)', () => {
  it("puts tcpscope's own netns first, by inode, labelled host", () => {
    const list = netnsChoices([
      { inode: 4026532177, names: ['web1'], isSelf: false },
      { inode: 4026531840, names: [], isSelf: true },
      { inode: 4026532300, names: [], isSelf: false },
    ]);
    expect(list).toEqual([
      { name: '4026531840', label: 'host (this netns)', inode: 4026531840 },
      { name: 'web1', inode: 4026532177 },
    ]);
  });
});

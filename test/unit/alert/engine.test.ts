// The alert state machine on synthetic snapshot sequences: windows, for, cooldown, hysteresis, clear after, netns.
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createAlertEngine } from '../../../src/alert/engine.js';
import { alerts, exitCodeForAlerts, untilFirstFiring } from '../../../src/alert/operator.js';
import { compileRule } from '../../../src/alert/rule.js';
import { builtinRules } from '../../../src/alert/rules-file.js';
import type { AlertEvent } from '../../../src/alert/event.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { series, snap, T0, type SnapPatch } from './snapshots.js';

const rule = (expr: string, name = 'r') => compileRule({ name, expr });

/** Runs the snapshots through a fresh engine: `seq:state` of each event. */
function run(rules: ReturnType<typeof rule>[], snaps: Snapshot[]): { trace: string[]; events: AlertEvent[] } {
  const engine = createAlertEngine(rules);
  const events: AlertEvent[] = [];
  const trace: string[] = [];
  for (const s of snaps) {
    for (const e of engine.evaluate(s)) {
      events.push(e);
      trace.push(`${s.seq}:${e.name}:${e.state}`);
    }
  }
  return { trace, events };
}

const overflows = (values: number[]): SnapPatch[] =>
  values.map((v): SnapPatch => (v ? { counters: { TcpExtListenOverflows: v } } : {}));

describe('alert engine', () => {
  it('fires on the first matching interval and resolves on the first clear one', () => {
    const { trace, events } = run([rule('TcpExtListenOverflows > 0')], series(overflows([0, 3, 2, 0, 0])));
    expect(trace).toEqual(['1:r:firing', '3:r:resolved']);
    expect(events[0]).toMatchObject({
      type: 'alert',
      name: 'r',
      expr: 'TcpExtListenOverflows > 0',
      state: 'firing',
      value: 3,
      threshold: 0,
      time: T0 + 2000,
      netns: { inode: 4026531840 },
      severity: 'warning',
    });
    expect(events[0]!.message).toBe('r firing in netns:4026531840: TcpExtListenOverflows > 0 (3 > 0 is true)');
    expect(events[1]).toMatchObject({ state: 'resolved', value: 0 });
  });

  it('rate() over a window averages per second over the covered intervals', () => {
    const r = rule('rate(TcpExtListenOverflows[5s]) > 10/s');
    // 60 in one second: 60/1 s at first, then 60/2 s, 20, 15, 12, then the burst leaves the 5 s window.
    const { events } = run([r], series(overflows([60, 0, 0, 0, 0, 0, 0])));
    expect(events.map((e) => [e.state, e.value])).toEqual([
      ['firing', 60],
      ['resolved', 0],
    ]);
    expect(events[0]!.threshold).toBe(10);
  });

  it('delta() sums over the window and a 2 s interval halves the number of snapshots', () => {
    const r = rule('delta(TcpExtListenOverflows[4s]) >= 10');
    const { trace } = run([r], series(overflows([5, 5, 5, 0, 0]), 2000));
    expect(trace).toEqual(['1:r:firing', '3:r:resolved']);
  });

  it('for: the condition must hold that long (5 intervals of 1 s for 5s)', () => {
    const r = rule('TcpExtListenOverflows > 0 for 5s');
    expect(run([r], series(overflows([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]))).trace).toEqual([
      '9:r:firing',
      '10:r:resolved',
    ]);
  });

  it('cooldown: a re-fire within the cooldown waits until it has passed', () => {
    const r = rule('TcpExtListenOverflows > 0 cooldown 5s');
    const { trace } = run([r], series(overflows([1, 0, 1, 1, 1, 1, 1, 0, 1])));
    // fired at 0, resolved at 1, true again at 2 but cooled only at 5 (5 s after 0).
    // A re-fire at 8 is 3 s after the firing at 5: held back, and resolved-less (it never fired).
    expect(trace).toEqual(['0:r:firing', '1:r:resolved', '5:r:firing', '7:r:resolved']);
  });

  it('hysteresis: fires above 5, stays firing until at or below 1 (Netdata crit style)', () => {
    const r = rule('TcpExtListenOverflows > 5 clear 1');
    const { trace, events } = run([r], series(overflows([3, 6, 4, 2, 1, 3, 6])));
    expect(trace).toEqual(['1:r:firing', '4:r:resolved', '6:r:firing']);
    expect(events[1]).toMatchObject({ value: 1, threshold: 1 });
  });

  it('clear after: the condition must be false that long before resolving', () => {
    const r = rule('TcpExtListenOverflows > 0 clear after 3s');
    expect(run([r], series(overflows([1, 0, 0, 1, 0, 0, 0, 0]))).trace).toEqual(['0:r:firing', '6:r:resolved']);
  });

  it('gauges, listeners, events with labels, transitions, findings and boolean logic', () => {
    const snaps = series([
      { states: { CLOSE_WAIT: 10 } },
      {
        states: { CLOSE_WAIT: 600 },
        findings: ['accept-queue-overflow'],
        listeners: [
          {
            family: 4,
            addr: '0.0.0.0',
            port: 8080,
            queue: 95,
            capacity: 100,
            inode: 1,
            pid: 1,
            comm: 'x',
            atCapacity: false,
          },
        ],
        events: { resetsSentByReason: { TCP_ABORT_ON_DATA: 2 }, resetsSent: 2, synackRetrans: 150 },
        transitions: { 'ESTABLISHED->CLOSE_WAIT': 20, 'SYN_RECV->ESTABLISHED': 5 },
      },
    ]);
    const rules = [
      rule('census.CLOSE_WAIT > 500', 'cw'),
      rule('finding(accept-queue-overflow)', 'f'),
      rule('events.resetsSent{reason="TCP_ABORT_ON_DATA"} > 0', 'rst'),
      rule('events.synackRetrans > 100 and listeners.maxFill{port="8080"} > 0.9', 'q'),
      rule('transitions{to="CLOSE_WAIT"} > 10 or census.LISTEN > 100', 'tr'),
      rule('not finding(accept-queue-overflow)', 'nf'),
    ];
    const { trace, events } = run(rules, snaps);
    expect(trace).toEqual([
      '0:nf:firing',
      '1:cw:firing',
      '1:f:firing',
      '1:rst:firing',
      '1:q:firing',
      '1:tr:firing',
      '1:nf:resolved',
    ]);
    expect(events.find((e) => e.name === 'f')).toMatchObject({ value: 1 });
    expect(events.find((e) => e.name === 'f')!.threshold).toBeUndefined();
  });

  it('keeps state per netns', () => {
    const a = { inode: 1, name: 'a' };
    const b = { inode: 2, name: 'b' };
    const snaps = [
      snap(0, { netns: a, counters: { TcpExtListenOverflows: 1 } }),
      snap(0, { netns: b }),
      snap(1, { netns: a }),
      snap(1, { netns: b, counters: { TcpExtListenOverflows: 1 } }),
    ];
    const { events } = run([rule('TcpExtListenOverflows > 0')], snaps);
    expect(events.map((e) => `${e.netns.name}:${e.state}`)).toEqual(['a:firing', 'a:resolved', 'b:firing']);
    expect(events[0]!.message).toContain('in a:');
  });

  it('is deterministic: the same snapshots give the same events (replay == live)', () => {
    const snaps = series(overflows([0, 70, 80, 90, 0, 0, 10, 200, 0, 0, 0, 0]));
    const rules = [rule('rate(TcpExtListenOverflows[1m]) > 5/s clear 1/s for 2s cooldown 3s', 'a'), ...builtinRules()];
    expect(run(rules, snaps).events).toEqual(run(rules, snaps).events);
  });

  it('the RxJS operator emits the same events, and untilFirstFiring stops after the first firing', async () => {
    const snaps = series(overflows([0, 1, 0, 1, 0]));
    const r = rule('TcpExtListenOverflows > 0');
    const all = await lastValueFrom(from(snaps).pipe(alerts([r]), toArray()));
    expect(all.map((e) => e.state)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    const first = await lastValueFrom(from(snaps).pipe(alerts([r]), untilFirstFiring(), toArray()));
    expect(first.map((e) => e.state)).toEqual(['firing']);
    expect(exitCodeForAlerts(first)).toBe(1);
    expect(exitCodeForAlerts([])).toBe(0);
  });
});

describe('built-in rules (Netdata equivalents)', () => {
  const byName = (names: string[]) => builtinRules().filter((r) => names.includes(r.name));

  it('1m_tcp_accept_queue_overflows: warning above 1/s averaged over a minute, critical above 5/s until 1/s', () => {
    // 10 s of 30 overflows/s, then quiet: the 1-minute average decays as the window slides past the burst.
    const values = [...Array(10).fill(30), ...Array(400).fill(0)];
    const { events } = run(
      byName(['1m_tcp_accept_queue_overflows', '1m_tcp_accept_queue_overflows_critical']),
      series(overflows(values)),
    );
    const t = events.map((e) => `${e.time / 1000 - T0 / 1000 - 1}:${e.name}:${e.state}`);
    expect(t[0]).toBe('0:1m_tcp_accept_queue_overflows:firing');
    expect(t[1]).toBe('0:1m_tcp_accept_queue_overflows_critical:firing');
    // 300 overflows over 60 s = 5/s; the average drops to 1/s or less once the burst is 60 s old: then 5 min clear-after.
    const resolved = events.filter((e) => e.state === 'resolved');
    expect(resolved.map((e) => e.name).sort()).toEqual([
      '1m_tcp_accept_queue_overflows',
      '1m_tcp_accept_queue_overflows_critical',
    ]);
    for (const e of resolved) expect(e.time - T0).toBeGreaterThanOrEqual((60 + 300) * 1000);
  });

  it('10s_ip_tcp_resets_sent: fires at 20x the previous minute (floored at 5/s), needs 20 s, not on a steady rate', () => {
    const steady = series(Array(120).fill({ counters: { TcpOutRsts: 50 } }));
    expect(run(byName(['10s_ip_tcp_resets_sent']), steady).events).toEqual([]);
    const burst = series([...Array(70).fill({}), ...Array(30).fill({ counters: { TcpOutRsts: 200 } })]);
    const { trace } = run(byName(['10s_ip_tcp_resets_sent']), burst);
    // The 10 s average passes 20 × 5/s at the 6th burst second (seq 75: 1200/10 s); from then the clear threshold
    // (1 × the previous minute) holds it while the 20 s `for` runs: fires at seq 94, and stays (clear after 60m).
    expect(trace).toEqual(['94:10s_ip_tcp_resets_sent:firing']);
  });
});

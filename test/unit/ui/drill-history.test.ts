// The overview's drill-down history keeps the older intervals slimmed (historyOnly): a dashboard opened from it must
// draw exactly what one fed the whole snapshots draws, while the slimmed ones no longer hold listeners, sysctls etc.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/host-snapshot.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { createDashboard, type Dashboard } from '../../../src/ui/dashboard.js';
import { DrillHistory, historyOnly } from '../../../src/ui/model/drill-history.js';
import { headlessScreen, type Headless } from './headless.js';
import { sessionInfo } from './fixtures.js';
import { LEAK, OVERFLOW, WEB1, hostSequence } from './host-fixtures.js';

let open: { h: Headless; d: Dashboard }[] = [];
afterEach(() => {
  for (const { h, d } of open) {
    d.destroy();
    h.destroy();
  }
  open = [];
});

const sectionOf = (h: HostSnapshot, inode: number): Snapshot | undefined =>
  h.namespaces.find((s) => s.netns.inode === inode)?.snapshot;

/** The text of a 200×50 dashboard (and its findings popup) after feeding `snaps`. */
async function drawn(snaps: Snapshot[], inode: number): Promise<{ main: string; popup: string }> {
  const h = headlessScreen(200, 50);
  const d = createDashboard({
    screen: h.screen,
    info: sessionInfo({ netns: { inode, name: undefined } }),
    handlers: { quit: () => undefined, back: () => undefined },
    color: false,
  });
  open.push({ h, d });
  for (const s of snaps) d.update(s);
  d.flush();
  const main = h.text();
  h.type('\r'); // the selected finding's detail (findings has the focus)
  await new Promise((r) => setTimeout(() => setImmediate(r), 0));
  d.flush();
  return { main, popup: h.text() };
}

describe('DrillHistory', () => {
  it.each([
    ['overflow (rates, queue chart, critical finding)', OVERFLOW.inode],
    ['close-wait leak (finding since the start)', LEAK.inode],
    ['web1 (IPv6 listener)', WEB1.inode],
  ])('a dashboard opened from it draws what the whole snapshots draw: %s', async (_name, inode) => {
    const seq = hostSequence(10);
    const history = new DrillHistory(6);
    for (const h of seq) history.push(h);
    expect(history.size).toBe(6);
    const whole = seq.slice(-6).flatMap((h) => sectionOf(h, inode) ?? []);
    const slim = history.of(inode);
    expect(slim).toHaveLength(whole.length);
    // The newest interval is the session's own object; the older ones are slimmed copies.
    expect(slim.at(-1)).toBe(whole.at(-1));
    expect(slim[0]).not.toBe(whole[0]);
    const a = await drawn(whole, inode);
    const b = await drawn(slim, inode);
    expect(b.main).toBe(a.main);
    expect(b.popup).toBe(a.popup);
    expect(a.main).toContain('Queues & drops');
  });

  it('older intervals hold no listeners, owners, sysctls, probe details or latency; rates and findings stay', () => {
    const s = sectionOf(hostSequence(10)[9]!, OVERFLOW.inode)!;
    const withAll: Snapshot = {
      ...s,
      events: { ...s.events, details: [{ kind: 'reset', t: 1 } as unknown as Snapshot['events']['details'][number]] },
      latency: {} as NonNullable<Snapshot['latency']>,
    };
    expect(s.census.listeners.length).toBeGreaterThan(0);
    expect(Object.keys(s.sysctls).length).toBeGreaterThan(0);
    const slim = historyOnly(withAll);
    expect(slim.census).toEqual({ states: s.census.states, listeners: [], owners: [], sockstat: {} });
    expect(slim.sysctls).toEqual({});
    expect(slim.events.details).toEqual([]);
    expect('latency' in slim).toBe(false);
    expect(slim.counters).toBe(s.counters);
    expect(slim.findings).toBe(s.findings);
    expect(slim.events.dropsByReason).toBe(s.events.dropsByReason);
    // The session's snapshot is never changed.
    expect(withAll.census.listeners.length).toBeGreaterThan(0);
  });

  it('holds at most `keep` intervals, the newest whole', () => {
    const history = new DrillHistory(3);
    const seq = hostSequence(10);
    for (const h of seq) history.push(h);
    expect(history.size).toBe(3);
    expect(history.latest).toBe(seq[9]);
    expect(history.of(OVERFLOW.inode).map((s) => s.seq)).toEqual([7, 8, 9]);
    const one = new DrillHistory(1);
    for (const h of seq) one.push(h);
    expect(one.of(OVERFLOW.inode)).toEqual([sectionOf(seq[9]!, OVERFLOW.inode)]);
  });
});

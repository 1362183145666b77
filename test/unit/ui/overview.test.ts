// The whole-host overview drawn into headless blessed screens (80×24, 200×50): rows in trouble order, enter opens the
// single-netns dashboard of the selected row from the same snapshots, esc comes back, / filters, ? help, q quits.
import { afterEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { HostSnapshot } from '../../../src/model/host-snapshot.js';
import { createOverview, type Overview } from '../../../src/ui/overview.js';
import { runOverview } from '../../../src/ui/run-overview.js';
import { headlessScreen, tick, type Headless } from './headless.js';
import { sessionInfo } from './fixtures.js';
import { OVERFLOW, hostSequence } from './host-fixtures.js';

const info = sessionInfo({ netns: { inode: 4026531840, name: undefined }, wholeHost: true });

let open: { h: Headless; o: Overview }[] = [];
afterEach(() => {
  for (const { h, o } of open) {
    o.destroy();
    h.destroy();
  }
  open = [];
});

function setup(cols: number, rows: number, extra = 0) {
  const h = headlessScreen(cols, rows);
  const calls: string[] = [];
  const o = createOverview({
    screen: h.screen,
    info,
    handlers: { quit: (r) => calls.push(`quit:${r}`) },
    color: false,
  });
  open.push({ h, o });
  for (const s of hostSequence(10, extra)) o.update(s);
  o.flush();
  return { h, o, calls };
}

const rowsOf = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => /^│[▶ ]\S/.test(l) && !l.includes('NETNS'))
    .map((l) => l.slice(1));

describe('overview, headless', () => {
  it('at 80×24: totals on top, rows by trouble, the overflow first with its rate, port and finding; fits', () => {
    const { h } = setup(80, 24);
    const text = h.text();
    const lines = text.split('\n');
    expect(lines).toHaveLength(24);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[0]).toMatch(/^tcpscope eBPF 1s│whole host│7 netns \(2 troubled, 3 idle\)/);
    expect(lines[1]).toMatch(/^host ovfl\/s 250 synq\/s 0 drop\/s 0/);
    expect(lines[2]).toMatch(/^last \d\d:\d\d:\d\d│.*\? help q$/); // a full-width line 2 must not wrap into it
    const rows = rowsOf(text);
    expect(rows[0]).toMatch(/^▶tslab-ov-a-s\s.*\s250\s.*:8080 129\/128\s+CRIT accept-q/);
    expect(rows[1]).toMatch(/^ tslab-ov-b-s\s.*WARN close-wai/);
    expect(text).toMatch(/web1 \(docker.*\[::\]:8443 3\/511/);
    expect(rows.at(-1)).toMatch(/tslab-ov-gone\s.*gone/);
  });

  it('at 200×50: every column, whole names and addresses', () => {
    const { h } = setup(200, 50);
    const text = h.text();
    expect(text).toMatch(
      /NETNS\s+ESTAB\s+SYNRCV\s+TW\s+CW\s+in\/s\s+out\/s\s+ovfl\/s\s+synq\/s\s+rstTx\/s\s+rstRx\/s\s+SArtx\/s\s+drop\/s\s+p99\s+FULLEST LISTENER\s+WORST FINDING/,
    );
    expect(rowsOf(text)[0]).toMatch(
      /^▶tslab-ov-a-s\s+120\s+0\s+2\.1k\s+0\s+38\s+40\s+250\s+0\s+0\s+0\s+30\s+0\s+—\s+127\.0\.0\.1:8080 129\/128\s+CRIT accept-queue-overflow/,
    );
    expect(text).toMatch(/web1 \(docker, nginx:1\.27\)\s+7\s+0\s+3\s/);
    expect(text).toMatch(/unreadable: permission denied reading \/proc/);
  });

  it('enter opens the selected netns in the single-netns dashboard (with its history), esc comes back', async () => {
    const { h, o } = setup(200, 50);
    h.type('\r');
    await tick();
    o.flush();
    expect(o.opened).toBe(OVERFLOW.inode);
    let text = h.text();
    expect(text).toContain('Queues & drops');
    expect(text).toContain('netns 4026532401 (tslab-ov-a-s)');
    expect(text).toContain('tslab-ov-a-s esc ◂ overview');
    expect(text).toMatch(/127\.0\.0\.1:8080\s+129\/128 █+ FULL/);
    expect(text).toContain('accept-queue-overflow');
    expect(text).not.toContain('Namespaces by trouble');
    // New host snapshots keep feeding the open dashboard.
    const more: HostSnapshot = { ...hostSequence(10)[9]!, seq: 10 };
    o.update(more);
    o.flush();
    h.type('\x1b');
    await tick(60);
    o.flush();
    expect(o.opened).toBeUndefined();
    text = h.text();
    expect(text).toContain('Namespaces by trouble');
    expect(text).not.toContain('Queues & drops');
    expect(rowsOf(text)[0]).toMatch(/^▶tslab-ov-a-s/);
  });

  it('an open netns that vanishes says so (gone), and one out of view says why', async () => {
    const { h, o } = setup(200, 50);
    h.type('\r');
    await tick();
    const last = hostSequence(10)[9]!;
    o.update({ ...last, seq: 10, namespaces: last.namespaces.filter((s) => s.netns.inode !== OVERFLOW.inode) });
    o.flush();
    expect(h.text()).toContain('no TCP sockets or events in this netns now');
    const gone = last.namespaces.map((s) =>
      s.netns.inode === OVERFLOW.inode ? { ...s, status: 'gone' as const, snapshot: undefined } : s,
    );
    o.update({ ...last, seq: 11, namespaces: gone });
    o.flush();
    expect(h.text()).toContain('ended: this netns is gone — esc for the overview');
  });

  it('↓ then enter opens the second row; a popup in the dashboard closes on esc without leaving it', async () => {
    const { h, o } = setup(80, 24);
    h.type('j');
    await tick();
    h.type('\r');
    await tick();
    o.flush();
    expect(h.text()).toContain('tslab-ov-b-s esc ◂ overview');
    h.type('?');
    await tick();
    expect(h.text()).toContain('Help');
    h.type('\x1b');
    await tick(60);
    o.flush();
    expect(o.opened).toBeDefined();
    h.type('\x1b');
    await tick(60);
    o.flush();
    expect(o.opened).toBeUndefined();
  });

  it('/ filters rows by name substring, esc clears the filter', async () => {
    const { h, o } = setup(80, 24);
    h.type('/');
    await tick(20);
    h.type('docker\r');
    await tick(20);
    o.flush();
    let rows = rowsOf(h.text());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^▶web1 \(docker/);
    expect(h.text()).toContain('filter "docker" (esc clears)');
    h.type('\r');
    await tick();
    o.flush();
    expect(h.text()).toContain('(docker, nginx:1.27)');
    expect(o.opened).toBe(4026532402);
    h.type('\x1b');
    await tick(60);
    h.type('\x1b');
    await tick(60);
    o.flush();
    rows = rowsOf(h.text());
    expect(rows.length).toBe(7);
    expect(h.text()).not.toContain('filter "');
  });

  it('? lists the keys and the columns; q and Ctrl-C call quit', async () => {
    const { h, calls } = setup(200, 50);
    h.type('?');
    await tick();
    const text = h.text();
    for (const k of ['enter', '/', 'esc', 'ovfl/s', 'accept-queue overflows per second', 'FULLEST LISTENER'])
      expect(text).toContain(k);
    h.type('\x1b');
    await tick(60);
    h.type('q');
    h.type('\x03');
    await tick();
    expect(calls).toEqual(['quit:key', 'quit:ctrl-c']);
  });
});

describe('runOverview', () => {
  it('draws the session snapshots and on q stops the session before resolving 0', async () => {
    const h = headlessScreen(80, 24);
    const snaps = new Subject<HostSnapshot>();
    const events: string[] = [];
    const done = runOverview(
      {
        info,
        snapshots$: snaps,
        stop: async () => {
          events.push('stop');
        },
      },
      { screen: h.screen, color: false },
    );
    for (const s of hostSequence(10)) snaps.next(s);
    await tick(300);
    expect(h.text()).toContain('tslab-ov-a-s');
    h.type('q');
    expect(await done).toBe(0);
    expect(events).toEqual(['stop']);
    h.destroy();
  });
});

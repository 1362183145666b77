// The dashboard drawn into headless blessed screens (80×24, 200×60): panels, numbers, highlights, NO_COLOR, keys.
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard, type Dashboard, type DashboardHandlers } from '../../../src/ui/dashboard.js';
import { headlessScreen, tick, type Headless } from './headless.js';
import { overflowSequence, procfsSequence, sessionInfo } from './fixtures.js';

/** SGR colour parameters (30-38, 40-48, 90-97, 100-107); 39/49 only reset to the default. */
export function colourEscapes(written: string): string[] {
  const found: string[] = [];
  // eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
  for (const m of written.matchAll(/\x1b\[([0-9;]*)m/g)) {
    const params = (m[1] ?? '').split(';').map(Number);
    if (
      params.some((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))
    )
      found.push(m[0]);
  }
  return found;
}

let open: { h: Headless; d: Dashboard }[] = [];
afterEach(() => {
  for (const { h, d } of open) {
    d.destroy();
    h.destroy();
  }
  open = [];
});

function setup(
  cols: number,
  rows: number,
  opts: { color?: boolean; handlers?: Partial<DashboardHandlers>; info?: ReturnType<typeof sessionInfo> } = {},
) {
  const h = headlessScreen(cols, rows);
  const calls: string[] = [];
  const handlers: DashboardHandlers = { quit: (r) => calls.push(`quit:${r}`), ...opts.handlers };
  const d = createDashboard({
    screen: h.screen,
    info: opts.info ?? sessionInfo(),
    handlers,
    color: opts.color ?? true,
  });
  open.push({ h, d });
  return { h, d, calls };
}

describe('dashboard, accept-queue overflow', () => {
  it('at 80×24 shows every compact panel, the overflow rate, the full listener and the finding', () => {
    const { h, d } = setup(80, 24);
    for (const s of overflowSequence()) d.update(s);
    d.flush();
    const text = h.text();
    const lines = text.split('\n');
    expect(lines).toHaveLength(24);
    for (const title of ['Rates /s', 'Queues & drops', 'Sockets', 'Findings & alerts']) expect(text).toContain(title);
    expect(text).toMatch(/acc overflow\s+250\/s/);
    expect(text).toMatch(/127\.0\.0\.1:8080\s+129\/128 █+ FULL/);
    expect(text).toMatch(/▶● CRIT accept-queue-overflow/);
    expect(text).toContain('sysctls: net.core.somaxconn=4096');
    expect(lines[0]).toMatch(/^tcpscope eBPF 1s/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('at 200×60 adds the chart, the transition matrix and the sysctls with the implicated ones marked', () => {
    const { h, d } = setup(200, 60);
    for (const s of overflowSequence()) d.update(s);
    d.flush();
    const text = h.text();
    for (const title of [
      'Rates /s',
      'Rates, last minutes',
      'Transitions /s (old→new)',
      'Queues & drops',
      'Sockets',
      'Sysctls',
      'Findings & alerts',
    ]) {
      expect(text).toContain(title);
    }
    expect(text).toMatch(/accept-queue overflows\s+250\/s/);
    expect(text).toMatch(/!somaxconn\s+4096 caps the listen\(\) backlog/);
    expect(text).toMatch(/TIME_WAIT\s+2\.1k \/ 8\.2k \(26%\)/);
    expect(text).toContain('fix: raise the listen() backlog of slowsrv');
  });

  it("at 200×60 the chart's plot stops where its legend begins (contrib draws the legend over the plot)", () => {
    const { h, d } = setup(200, 60);
    for (const s of overflowSequence()) d.update(s);
    d.flush();
    const lines = h.text().split('\n');
    const legendTop = lines.findIndex((l) => /⡇.*┌─+┐/.test(l)); // the legend's top border, on a plot row
    expect(legendTop).toBeGreaterThan(0);
    const legendCol = [...lines[legendTop]!].lastIndexOf('┌');
    const braille = (l: string): number => {
      const chars = [...l];
      let last = -1;
      chars.forEach((c, i) => {
        const cp = c.codePointAt(0)!;
        if (cp >= 0x2801 && cp <= 0x28ff && i < 140) last = i; // plot cells of the chart (the panel is left of col 140)
      });
      return last;
    };
    const axis = lines.find((l) => l.includes('⠓⠒⠒'));
    expect(axis).toBeDefined();
    expect(braille(axis!)).toBeLessThan(legendCol);
  });

  it('draws the finding in red with colour, and never a colour escape with NO_COLOR', async () => {
    const coloured = setup(200, 60, { color: true });
    for (const s of overflowSequence()) coloured.d.update(s);
    coloured.d.flush();
    await tick();
    expect(colourEscapes(coloured.h.written()).length).toBeGreaterThan(0);

    const plain = setup(200, 60, { color: false });
    for (const s of overflowSequence()) plain.d.update(s);
    plain.d.flush();
    await tick();
    const text = plain.h.text();
    expect(text).toContain('accept-queue-overflow');
    expect(text).not.toContain('Rates, last minutes');
    expect(plain.h.written().length).toBeGreaterThan(1000);
    expect(colourEscapes(plain.h.written())).toEqual([]);
  });
});

describe('dashboard, procfs mode', () => {
  it('shows the procfs banner with reason and fix, counter-based rates, no matrix', () => {
    const info = sessionInfo({
      mode: 'procfs',
      modeReason: 'not root: run with sudo for eBPF',
      bpftraceVersion: undefined,
    });
    const { h, d } = setup(200, 60, { info });
    for (const s of procfsSequence()) d.update(s);
    d.flush();
    const text = h.text();
    expect(text).toContain('PROCFS-ONLY');
    expect(text).toContain('procfs-only: not root: run with sudo for eBPF — for eBPF run `sudo tcpscope doctor`');
    expect(text).toMatch(/new out \(ActiveOpens\)\s+12\/s/);
    expect(text).toContain('state transitions need eBPF');
  });
});

describe('dashboard behaviour', () => {
  it('coalesces a burst of snapshots into few frames', async () => {
    const h = headlessScreen(80, 24);
    const d = createDashboard({
      screen: h.screen,
      info: sessionInfo(),
      handlers: { quit: () => undefined },
      minFrameMs: 100,
    });
    open.push({ h, d });
    await tick(150);
    const before = d.frames;
    for (let i = 0; i < 50; i++) for (const s of overflowSequence(1, 1)) d.update({ ...s, seq: i });
    await tick(250);
    expect(d.frames - before).toBeGreaterThanOrEqual(1);
    expect(d.frames - before).toBeLessThanOrEqual(3);
  });

  it('p pauses the display while data is buffered, and shows it on resume', async () => {
    const { h, d } = setup(80, 24);
    const seq = overflowSequence(3, 3);
    for (const s of seq.slice(0, 3)) d.update(s);
    d.flush();
    h.type('p');
    await tick();
    for (const s of seq.slice(3)) d.update(s);
    d.flush();
    expect(d.paused).toBe(true);
    expect(h.text()).toContain('‖ PAUSED (3 new)');
    expect(h.text()).not.toContain('FULL');
    h.type('p');
    await tick();
    d.flush();
    expect(h.text()).not.toContain('PAUSED');
    expect(h.text()).toContain('FULL');
  });

  it('q and Ctrl-C call quit; enter opens the finding explanation; esc closes it', async () => {
    const { h, d, calls } = setup(200, 60);
    for (const s of overflowSequence()) d.update(s);
    d.flush();
    h.type('\r');
    await tick();
    d.flush();
    expect(h.text()).toContain('Finding accept-queue-overflow (↑↓ scroll, esc to close)'); // says it scrolls (issue 13 item 18)
    expect(h.text()).toContain('min(backlog 128, somaxconn 4096)');
    h.type('q');
    await tick();
    expect(calls).toEqual([]);
    d.flush();
    expect(h.text()).not.toContain('esc to close');
    h.type('q');
    h.type('\x03');
    await tick();
    expect(calls).toEqual(['quit:key', 'quit:ctrl-c']);
  });

  it('/ validates the port before asking for a restart', async () => {
    const ports: (number | undefined)[] = [];
    const { h, d } = setup(80, 24, { handlers: { setPort: (p) => ports.push(p) } });
    d.update(overflowSequence(1, 0)[0]!);
    d.flush();
    h.type('/');
    await tick();
    h.type('99999\r');
    await tick();
    d.flush();
    expect(ports).toEqual([]);
    expect(h.text()).toContain('invalid port "99999"');
    h.type('/');
    await tick();
    h.type('8080\r');
    await tick();
    expect(ports).toEqual([8080]);
  });

  it('n lists namespaces and switches to the picked one; r asks for recording; header shows it', async () => {
    const picked: string[] = [];
    let toggles = 0;
    const { h, d } = setup(80, 24, {
      handlers: {
        listNetns: async () => [
          { name: 'tslab-a-s', inode: 1 },
          { name: 'tslab-a-c', inode: 2 },
        ],
        setNetns: (c) => picked.push(c.name),
        toggleRecording: () => {
          toggles += 1;
        },
      },
    });
    d.update(overflowSequence(1, 0)[0]!);
    h.type('n');
    await tick(10);
    d.flush();
    expect(h.text()).toContain('tslab-a-c');
    h.type('j');
    await tick();
    h.type('\r');
    await tick();
    expect(picked).toEqual(['tslab-a-c']);
    h.type('r');
    await tick();
    expect(toggles).toBe(1);
    d.setRecording('/tmp/rec.ndjson');
    d.flush();
    expect(h.text().split('\n')[0]).toContain('● REC /tmp/rec.ndjson');
  });

  it('R saves the flight recorder ring; the header shows its depth, then INCIDENT while one is written', async () => {
    let saves = 0;
    const { h, d } = setup(80, 24, { handlers: { saveRing: () => (saves += 1) } });
    d.update(overflowSequence(1, 0)[0]!);
    d.setFlight({ depthMs: 14 * 60_000 + 59_000, incidents: 2, open: undefined });
    d.flush();
    expect(h.text().split('\n')[0]).toContain('ring 14m59s · 2 saved');
    h.type('R');
    await tick();
    expect(saves).toBe(1);
    d.setFlight({ depthMs: 900_000, incidents: 2, open: '/var/lib/tcpscope/incident-x.ndjson.gz' });
    d.flush();
    expect(h.text().split('\n')[0]).toContain('● INCIDENT');
  });

  it('R without a flight recorder says how to get one', async () => {
    const { h, d } = setup(80, 24);
    d.update(overflowSequence(1, 0)[0]!);
    h.type('R');
    await tick();
    d.flush();
    expect(h.text()).toContain('no flight recorder: start with --on-alert');
  });

  it('switches between compact and full layouts on resize, and shows pushed alerts', async () => {
    const { h, d } = setup(200, 60);
    for (const s of overflowSequence()) d.update(s);
    d.pushAlert({
      time: Date.now(),
      severity: 'warning',
      name: 'overflow-burst',
      message: 'ListenOverflows 250/s > 10',
    });
    d.flush();
    expect(h.text()).toContain('Sysctls');
    expect(h.text()).toContain('overflow-burst');
    h.resize(80, 24);
    await tick(50);
    d.flush();
    const text = h.text();
    expect(text.split('\n')).toHaveLength(24);
    expect(text).not.toContain('Sysctls');
    expect(text).toContain('Queues & drops');
  });
});

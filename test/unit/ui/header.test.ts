// The two header lines drawn at 80×24 (issue 13 item 18): a paused header must not wrap into the second line and hide
// lost/suppressed, and a long message or end reason must not push them off the line either.
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard, type Dashboard } from '../../../src/ui/dashboard.js';
import { headerLines, type HeaderState } from '../../../src/ui/model/header.js';
import { History } from '../../../src/ui/model/history.js';
import { toPlain } from '../../../src/ui/model/markup.js';
import type { SessionInfo } from '../../../src/model/session.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { headlessScreen, tick, type Headless } from './headless.js';
import { overflowSequence, sessionInfo } from './fixtures.js';

let open: { h: Headless; d: Dashboard }[] = [];
afterEach(() => {
  for (const { h, d } of open) {
    d.destroy();
    h.destroy();
  }
  open = [];
});

/** Snapshots that lost and suppressed events (5 and 7 each), so the counters are not zero. */
const lossy = (n: number): Snapshot[] =>
  overflowSequence(n, 0).map((s) => ({ ...s, events: { ...s.events, lost: 5, suppressed: 7 } }));

function dashboard(info: SessionInfo): { h: Headless; d: Dashboard } {
  const h = headlessScreen(80, 24);
  const d = createDashboard({ screen: h.screen, info, handlers: { quit: () => undefined }, color: true });
  open.push({ h, d });
  return { h, d };
}

const ui = (over: Partial<HeaderState> = {}): HeaderState => ({
  paused: false,
  pending: 0,
  recording: undefined,
  ended: undefined,
  message: undefined,
  ...over,
});

describe('header at 80×24 (issue 13 item 18)', () => {
  // Measured in tmux at 80×24 with `top --netns tslab-pol2-a-long-server-name` on kernel 6.18.44-fc-v669: paused,
  // line 1 was cut to exactly 80 cells ending in a styled '…'; blessed wrapped it at the last space, "(t…" took the
  // second line and lost/suppressed disappeared.
  const measured = sessionInfo({
    host: 'vm',
    kernel: '6.18.44-fc-v669',
    netns: { inode: 4026532177, name: 'tslab-pol2-a-long-server-name' },
  });

  it('paused, the header keeps lost and suppressed on its second line (the case measured in tmux)', async () => {
    const { h, d } = dashboard(measured);
    const seq = lossy(4);
    d.update(seq[0]!);
    d.update(seq[1]!);
    d.flush();
    h.type('p');
    await tick();
    d.update(seq[2]!);
    d.update(seq[3]!);
    d.flush();
    const [l1, l2] = h.text().split('\n');
    expect(l1).toContain('‖ PAUSED (2 new)');
    expect(l1).toHaveLength(80);
    expect(l2).toMatch(/^lost 10│suppressed 14│/);
  });

  it('whatever the cut position, each header line is drawn on its own screen line, unwrapped', async () => {
    // Netns names of every length move the 80-column cut across words, spaces and styled spans.
    for (let len = 1; len <= 40; len++) {
      const info = { ...measured, netns: { inode: 4026532177, name: 'n'.repeat(len - 1) + '-' } };
      const { h, d } = dashboard(info);
      const seq = lossy(1 + (len % 12));
      d.update(seq[0]!);
      d.flush();
      h.type('p');
      await tick();
      for (const s of seq.slice(1)) d.update(s);
      d.flush();
      const history = new History();
      history.push(seq[0]!);
      const want = headerLines(info, history, ui({ paused: true, pending: seq.length - 1 }), 80).map(toPlain);
      expect(h.text().split('\n').slice(0, 2), `netns name of ${len}`).toEqual(want);
      d.destroy();
      h.destroy();
      open.pop();
    }
  });

  it('a long message or end reason is shortened before lost/suppressed leave the line', () => {
    const history = new History();
    for (const s of lossy(3)) history.push(s);
    const long = 'cannot restart: bpftrace exited with code 1 before attaching its probes (see doctor)';
    for (const state of [
      ui({ paused: true, pending: 12, message: long }),
      ui({ paused: true, pending: 12, ended: long }),
      ui({ message: long, ended: long }),
    ]) {
      const [, l2] = headerLines(measured, history, state, 80).map(toPlain);
      expect(l2!.length).toBeLessThanOrEqual(80);
      expect(l2).toMatch(/lost 15│suppressed 21/);
      expect(l2).toMatch(/^(cannot restart|ended: cannot restart)/);
    }
    // Room enough: nothing is shortened.
    const [, wide] = headerLines(measured, history, ui({ message: long }), 200).map(toPlain);
    expect(wide).toContain(long);
  });
});

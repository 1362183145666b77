// The real `tcpscope demo` in tmux, no root or bpftrace needed: the bundled incident on screen, and the replay keys
// (p pause, . step, + speed) acting on the replay itself; q exits 0.
import { describe, expect, it } from 'vitest';
import { requireCommand } from '../helpers/prereq.js';
import { capture, paneExit, startPane, tmux } from '../helpers/tmux.js';

const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seq = (text: string): number => Number(/\(#(\d+)\)/.exec(text)?.[1] ?? -1);

async function until(session: string, cond: (text: string) => boolean, what: string): Promise<string> {
  let text = '';
  for (let i = 0; i < 75; i++) {
    text = await capture(session);
    if (cond(text)) return text;
    await sleep(200);
  }
  throw new Error(`screen never showed ${what}:\n${text}`);
}

describe('tcpscope demo (tmux)', () => {
  it('replays the bundled incident; p pauses the replay, . steps one interval, + doubles the speed, q exits 0', async () => {
    await requireCommand('tmux');
    const session = `tsdemo-${process.pid}`;
    try {
      const pid = await startPane(session, 160, 48, ['node', CLI, 'demo']);
      await until(session, (t) => /tcpscope REPLAY 1s/.test(t) && seq(t) >= 1, 'the first replayed interval');

      await tmux(['send-keys', '-t', session, 'p']);
      const paused = await until(session, (t) => t.includes('‖ PAUSED'), 'PAUSED');
      await sleep(2500); // 2.5 recorded intervals at ×1
      const still = await capture(session);
      expect(seq(still)).toBeLessThanOrEqual(seq(paused) + 1); // at most the interval already on its way

      await tmux(['send-keys', '-t', session, '.']);
      const stepped = await until(session, (t) => seq(t) === seq(still) + 1, 'one more interval');
      expect(stepped).toContain('‖ PAUSED');

      await tmux(['send-keys', '-t', session, '+']);
      await until(session, (t) => t.includes('×2'), 'speed ×2');
      await tmux(['send-keys', '-t', session, 'p']);
      await until(session, (t) => !t.includes('‖ PAUSED') && seq(t) > seq(stepped), 'the replay running again');
      expect(await capture(session)).toMatch(/accept-queue-overflow|syn-flood|close-wait-leak/);

      await tmux(['send-keys', '-t', session, 'q']);
      expect(await paneExit(session, pid), await capture(session)).toBe('1 0');
    } finally {
      await tmux(['kill-session', '-t', session]);
    }
  }, 60_000);
});

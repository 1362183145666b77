// The dashboard on a real replay (the bundled capture), headless: p pauses the replay itself, . steps one interval,
// + / - change the speed, ] skips ahead, and the header says so.
import { describe, expect, it } from 'vitest';
import { demoRecordingPath } from '../../../src/record/demo.js';
import { replaySession } from '../../../src/session/replay.js';
import { runDashboard } from '../../../src/ui/run.js';
import { headlessScreen, tick } from './headless.js';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await tick(10);
  }
}

/** The snapshot number the header shows: "at 15:24:27 (#3)". */
const shownSeq = (text: string): number | undefined => {
  const m = /\(#(\d+)\)/.exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('dashboard replay keys', () => {
  it('pause, step, speed and skip drive the replay and show in the header', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 4 });
    const h = headlessScreen(160, 50);
    const done = runDashboard(session, { screen: h.screen, color: false });
    try {
      await until(() => (shownSeq(h.text()) ?? -1) >= 1);
      expect(h.text()).toMatch(/REPLAY 1s/);
      expect(h.text()).toMatch(/×4/);
      expect(h.text()).toContain('. step');

      h.type('p');
      await until(() => h.text().includes('‖ PAUSED'));
      // The interval already on its way when p was pressed may still be drawn: wait until the screen settles.
      let paused = shownSeq(h.text())!;
      for (let i = 0; i < 5; i++) {
        await tick(400);
        const now = shownSeq(h.text())!;
        if (now === paused) break;
        paused = now;
      }
      await tick(1000); // 4 intervals at ×4
      expect(shownSeq(h.text())).toBe(paused);
      expect(session.replay.state().paused).toBe(true);

      h.type('.');
      await until(() => shownSeq(h.text()) === paused + 1);
      await tick(600);
      expect(shownSeq(h.text())).toBe(paused + 1); // still paused after the step
      expect(h.text()).toContain('‖ PAUSED');

      h.type('+');
      await until(() => h.text().includes('×8'));
      h.type('-');
      h.type('-');
      await until(() => h.text().includes('×2'));
      expect(session.replay.state().speed).toBe(2);

      const at = session.replay.state().elapsedMs;
      h.type(']');
      h.type(' '); // space resumes too
      await until(() => session.replay.state().elapsedMs >= at + 60_000 || h.text().includes('replay finished'));
      expect(h.text()).not.toContain('‖ PAUSED');

      h.type('?');
      await until(() => h.text().includes('skip the next minute'));
      h.type('\x1b');
    } finally {
      h.type('q');
      expect(await done).toBe(0);
      h.destroy();
    }
  });
});

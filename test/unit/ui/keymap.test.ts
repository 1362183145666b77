// The key tables: every bound key is on the help screen, and the replay keys drive a ReplayControl as documented.
import { describe, expect, it } from 'vitest';
import type { ReplayControl, ReplayState } from '../../../src/model/session.js';
import { KEYMAP, REPLAY_KEYMAP, applyReplayAction } from '../../../src/ui/keymap.js';
import { helpLines } from '../../../src/ui/model/help.js';

function control(speed: number | 'max'): ReplayControl & { calls: string[] } {
  const st: ReplayState = { paused: false, speed, elapsedMs: 0, seeking: false };
  const calls: string[] = [];
  return {
    calls,
    state: () => ({ ...st }),
    pause: () => {
      st.paused = true;
      calls.push('pause');
    },
    resume: () => {
      st.paused = false;
      calls.push('resume');
    },
    step: () => calls.push('step'),
    setSpeed: (s) => {
      st.speed = s;
      calls.push(`speed ${s}`);
    },
    skip: (ms) => calls.push(`skip ${ms}`),
  };
}

describe('dashboard keymap', () => {
  it('lists every live and replay key on the help screen', () => {
    const help = helpLines(true)
      .map((l) => l.map((s) => s.text).join(''))
      .join('\n');
    for (const key of ['q', 'p', 'tab', '/', 'n', 'r', '?', 's', 't', 'enter', '.', '+', '-', ']'])
      expect(help, key).toContain(key);
    expect(Object.keys(KEYMAP)).toContain('q');
    expect(Object.keys(REPLAY_KEYMAP)).toEqual(['p', 'space', '.', 'right', '+', '=', '-', ']']);
  });

  it('p toggles, + doubles up to 1024, - halves down to 0.25 (and leaves max), ] skips a minute', () => {
    const r = control(1);
    applyReplayAction(r, 'toggle');
    applyReplayAction(r, 'toggle');
    applyReplayAction(r, 'faster');
    applyReplayAction(r, 'slower');
    applyReplayAction(r, 'slower');
    applyReplayAction(r, 'slower');
    applyReplayAction(r, 'slower');
    applyReplayAction(r, 'skip');
    applyReplayAction(r, 'step');
    expect(r.calls).toEqual([
      'pause',
      'resume',
      'speed 2',
      'speed 1',
      'speed 0.5',
      'speed 0.25',
      'speed 0.25',
      'skip 60000',
      'step',
    ]);
    const m = control('max');
    applyReplayAction(m, 'faster');
    applyReplayAction(m, 'slower');
    expect(m.calls).toEqual(['speed 1024']);
  });
});

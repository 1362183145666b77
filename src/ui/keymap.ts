// Which key does what in the dashboard, as tables: one place to read (and test) the bindings the help screen lists.
import type { ReplayControl } from '../model/session.js';

export type DashboardAction =
  | 'quit'
  | 'pause'
  | 'focus-next'
  | 'focus-prev'
  | 'up'
  | 'down'
  | 'open'
  | 'port'
  | 'netns'
  | 'record'
  | 'save-ring'
  | 'help'
  | 'sysctls'
  | 'matrix'
  | 'latency'
  | 'back';

/** blessed `key.full` -> action, when no popup is open and the key is not a replay key. */
export const KEYMAP: Readonly<Record<string, DashboardAction>> = {
  q: 'quit',
  p: 'pause',
  tab: 'focus-next',
  'S-tab': 'focus-prev',
  up: 'up',
  k: 'up',
  down: 'down',
  j: 'down',
  enter: 'open',
  '/': 'port',
  n: 'netns',
  r: 'record',
  'S-r': 'save-ring', // R (blessed names an upper-case letter S-<letter>)
  '?': 'help',
  s: 'sysctls',
  t: 'matrix',
  l: 'latency',
  escape: 'back',
};

export type OverviewAction =
  'quit' | 'pause' | 'up' | 'down' | 'open' | 'filter' | 'clear' | 'record' | 'save-ring' | 'help';

/** The whole-host overview's keys (the single-netns dashboard opened from it uses KEYMAP, esc comes back). */
export const OVERVIEW_KEYMAP: Readonly<Record<string, OverviewAction>> = {
  q: 'quit',
  p: 'pause',
  up: 'up',
  k: 'up',
  down: 'down',
  j: 'down',
  enter: 'open',
  '/': 'filter',
  escape: 'clear',
  r: 'record',
  'S-r': 'save-ring',
  '?': 'help',
};

export type ReplayAction = 'toggle' | 'step' | 'faster' | 'slower' | 'skip';

/** Keys of a replay; they take precedence (`p` pauses the replay itself, not just the view). */
export const REPLAY_KEYMAP: Readonly<Record<string, ReplayAction>> = {
  p: 'toggle',
  space: 'toggle',
  '.': 'step',
  right: 'step',
  '+': 'faster',
  '=': 'faster',
  '-': 'slower',
  ']': 'skip',
};

/** Replay speed bounds for `+` / `-`. */
const MIN_SPEED = 0.25;
const MAX_SPEED = 1024;
/** `]` skips this much of the recording. */
const SKIP_MS = 60_000;

export function applyReplayAction(r: ReplayControl, action: ReplayAction): void {
  const speed = r.state().speed;
  switch (action) {
    case 'toggle':
      if (r.state().paused) r.resume();
      else r.pause();
      return;
    case 'step':
      return r.step();
    case 'faster':
      if (speed !== 'max') r.setSpeed(Math.min(MAX_SPEED, speed * 2));
      return;
    case 'slower':
      return r.setSpeed(speed !== 'max' ? Math.max(MIN_SPEED, speed / 2) : MAX_SPEED);
    case 'skip':
      return r.skip(SKIP_MS);
  }
}

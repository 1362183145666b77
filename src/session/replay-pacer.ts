// When the next recorded input of a replay may go: speed, pause, step and skip against a clock that tests can fake.
// The replay loop asks; the pacer never touches the pipeline, so pacing cannot change what a replay computes.
import { usageError } from '../errors.js';
import type { ReplayControl, ReplayState } from '../model/session.js';

/** Wall time and timers: the system's by default, a fake one in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Longest single sleep, so stop() and controls stay responsive even without a wake-up. */
export const MAX_SLEEP_MS = 1000;
/** A wait shorter than this is not worth a timer: the input goes now. */
const MIN_WAIT_MS = 2;

export function checkSpeed(speed: number | 'max'): void {
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed)))
    throw usageError(`invalid replay speed ${String(speed)}`);
}

export class ReplayPacer {
  private paused = false;
  /** Snapshots still to emit while paused (step). */
  private stepCredit = 0;
  /** Absolute recording time up to which inputs go as fast as possible (skip). */
  private seekUntil = Number.NEGATIVE_INFINITY;
  /** Set when the recording has been read to its end: no skip can still be under way. */
  finished = false;
  /** Set when pacing must re-anchor on the next input (speed change, resume, end of a skip). */
  private repace = false;
  /** Recording time and wall time of the input pacing is anchored on (NaN: re-anchor on the next paced input). */
  private paceStart = Number.NaN;
  private wallStart = 0;
  private paced = false;
  private wake: (() => void) | undefined;
  /** Recording time of the first input (position 00:00:00), NaN until it is read. */
  origin = Number.NaN;
  /** Recording time of the last input let through, NaN before the first. */
  lastT = Number.NaN;
  stopped = false;

  /** The dashboard's replay keys; every call takes effect before the next recorded input is replayed. */
  readonly control: ReplayControl = {
    state: (): ReplayState => ({
      paused: this.paused,
      speed: this.speed,
      elapsedMs: Number.isNaN(this.lastT) || Number.isNaN(this.origin) ? 0 : this.lastT - this.origin,
      seeking: !this.finished && this.lastT < this.seekUntil,
    }),
    pause: () => {
      this.paused = true;
      this.stepCredit = 0;
      this.changed();
    },
    resume: () => {
      this.paused = false;
      this.stepCredit = 0;
      this.changed();
    },
    step: () => {
      this.paused = true;
      this.stepCredit++;
      this.changed();
    },
    setSpeed: (next) => {
      checkSpeed(next);
      this.speed = next;
      this.changed();
    },
    skip: (ms) => {
      if (!(ms > 0)) return;
      const base = Number.isNaN(this.lastT) ? this.start() : this.lastT;
      this.seekUntil = Math.max(this.seekUntil, base) + ms;
      this.changed();
    },
  };

  /** `startedAt`: the header's start, position 00:00:00 until the first input is read. */
  constructor(
    private speed: number | 'max',
    private readonly startedAt: number,
    private readonly clock: Clock = systemClock,
  ) {
    checkSpeed(speed);
  }

  /** Position 00:00:00: the first input once read, else the header's start. */
  start(): number {
    return Number.isNaN(this.origin) ? this.startedAt : this.origin;
  }

  /** Paused with no step pending: input `t` (at or after --from) must wait for a control call. */
  held(t: number, fromT: number): boolean {
    return this.paused && this.stepCredit === 0 && t >= fromT && !this.stopped;
  }

  /** Called once per input about to go: anchors pacing. Inputs before --from, in a skip or paused are not paced. */
  begin(t: number, fromT: number): void {
    if (this.repace) {
      this.repace = false;
      this.paceStart = Number.NaN;
    }
    this.lastT = t;
    this.paced = this.speed !== 'max' && !this.paused && t >= fromT && t >= this.seekUntil;
    if (!this.paced) this.paceStart = Number.NaN;
    else if (Number.isNaN(this.paceStart)) {
      this.paceStart = t;
      this.wallStart = this.clock.now();
    }
  }

  /** Milliseconds input `t` must still wait (0: it goes now; also after a control call or stop()). */
  remaining(t: number): number {
    if (!this.paced || this.stopped || this.repace || this.paused) return 0;
    const wait = this.wallStart + (t - this.paceStart) / (this.speed as number) - this.clock.now();
    return wait < MIN_WAIT_MS ? 0 : wait;
  }

  /** Pacing starts over at the next input (a concatenated recording: no waiting for the gap between them). */
  reanchor(): void {
    this.paceStart = Number.NaN;
  }

  /** A snapshot was emitted: true when it used up a step (show it at once). */
  takeStep(): boolean {
    if (this.stepCredit === 0) return false;
    this.stepCredit--;
    return true;
  }

  /** Sleeps up to `ms` (at most MAX_SLEEP_MS); a control call or stop() ends it early. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(
        () => {
          this.wake = undefined;
          resolve();
        },
        Math.min(ms, MAX_SLEEP_MS),
      );
      this.wake = () => {
        this.clock.clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Sleeps until a control call (pause, step, speed...) or stop(). */
  untilChanged(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private changed(): void {
    this.repace = true;
    this.wake?.();
  }
}

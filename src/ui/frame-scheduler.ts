// Draws at most one frame per `minFrameMs` however fast snapshots and keys arrive, so drawing never holds up the data.
/** Timers and wall time; the system's by default. */
export interface FrameClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemFrameClock: FrameClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class FrameScheduler {
  private timer: unknown;
  private dirty = true;
  private lastFrame = 0;
  private disposed = false;
  /** Frames drawn so far (self-monitoring, tests). */
  frames = 0;

  constructor(
    private readonly draw: () => void,
    private readonly minFrameMs: number,
    private readonly clock: FrameClock = systemFrameClock,
  ) {}

  /** Something changed: a frame is drawn as soon as the frame budget allows. */
  schedule(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.disposed) return;
    this.timer = this.clock.setTimeout(
      () => this.frame(),
      Math.max(0, this.lastFrame + this.minFrameMs - this.clock.now()),
    );
  }

  /** Draws now, whatever the budget (a resize, a rebuilt layout). */
  frame(): void {
    if (this.disposed) return;
    this.timer = undefined;
    this.dirty = false;
    this.lastFrame = this.clock.now();
    this.frames += 1;
    this.draw();
  }

  /** Draws now if anything changed (tests, shutdown). */
  flush(): void {
    this.cancel();
    if (this.dirty) this.frame();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

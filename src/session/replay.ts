// Replays a recording as a Session: recorded raw inputs through the live pipeline, paced by their timestamps.
import { Observable, share } from 'rxjs';
import type { AssemblerOptions } from '../pipeline/assemble.js';
import type {
  ReplayControl,
  ReplayState,
  ReplayWindow,
  Session,
  SessionDescription,
  SessionInfo,
} from '../model/session.js';
import type { Snapshot } from '../model/snapshot.js';
import { usageError } from '../errors.js';
import type { RecordingHeader } from '../record/format.js';
import { readRecording, type ReadStats } from '../record/reader.js';
import { createPipeline, type PipelineServices } from './wiring.js';

export interface ReplayOptions extends ReplayWindow {
  /** Overrides for tests (e.g. a diagnoser with other rules). */
  pipeline?: Partial<AssemblerOptions>;
  /** Services to substitute (the diagnoser). */
  services?: Partial<PipelineServices> | undefined;
}

export interface ReplayPosition {
  /** Timestamp of the last input replayed (ms epoch as recorded). */
  t: number;
  /** Milliseconds since the start of the recording. */
  elapsedMs: number;
  /** Position 00:00:00 (ms epoch): the first recorded input (header startedAt until it is read). */
  startedAt: number;
}

export interface ReplaySession extends Session {
  header: RecordingHeader;
  replay: ReplayControl;
  description: SessionDescription;
  /** Skipped lines, truncation, end marker: complete once snapshots$ has completed. */
  stats: ReadStats;
  position(): ReplayPosition;
  /**
   * The snapshots as an async generator of batches, an alternative to snapshots$ for consumers that want
   * backpressure (the replay waits while the consumer writes). Use either this or snapshots$, once.
   */
  batches(): AsyncGenerator<Snapshot[], void, undefined>;
}

const MAX_SLEEP_MS = 1000;

/** Opens the recording (validating its header) and returns a replay session; reading starts on subscription. */
export async function replaySession(path: string, opts: ReplayOptions): Promise<ReplaySession> {
  if (opts.speed !== 'max' && !(opts.speed > 0 && Number.isFinite(opts.speed)))
    throw usageError(`invalid replay speed ${String(opts.speed)}`);
  if (opts.from !== undefined && opts.to !== undefined && opts.to <= opts.from)
    throw usageError('--to must be after --from');
  const reader = await readRecording(path);
  const header = reader.header;
  // Position 00:00:00 is the first recorded input (the baseline host sample), known once it is read.
  let origin = Number.NaN;
  let fromT = Number.NEGATIVE_INFINITY;
  let toT = Number.POSITIVE_INFINITY;
  const info: SessionInfo = { ...header.description.info, mode: 'replay' };
  // The live session's wiring, from the header it wrote (a concatenated recording rewires at each segment).
  const pipeline = (h: RecordingHeader): ReturnType<typeof createPipeline> =>
    createPipeline({ description: h.description, mode: 'replay', services: opts.services, overrides: opts.pipeline });
  let lastT = Number.NaN;
  let finished = false;
  let stopped = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  // Controls (dashboard keys): read by the loop before each input; every change wakes a sleeping loop.
  let speed = opts.speed;
  let paused = false;
  /** Snapshots still to emit while paused (step). */
  let stepCredit = 0;
  /** Absolute recording time up to which inputs go as fast as possible (skip). */
  let seekUntil = Number.NEGATIVE_INFINITY;
  /** Set when pacing must re-anchor on the next input (speed change, resume, end of a skip). */
  let repace = false;
  const changed = (): void => {
    repace = true;
    wake?.();
  };
  const control: ReplayControl = {
    state: (): ReplayState => ({
      paused,
      speed,
      elapsedMs: Number.isNaN(lastT) || Number.isNaN(origin) ? 0 : lastT - origin,
      seeking: !finished && lastT < seekUntil,
    }),
    pause: () => {
      paused = true;
      stepCredit = 0;
      changed();
    },
    resume: () => {
      paused = false;
      stepCredit = 0;
      changed();
    },
    step: () => {
      if (!paused) paused = true;
      stepCredit++;
      changed();
    },
    setSpeed: (next) => {
      if (next !== 'max' && !(next > 0 && Number.isFinite(next)))
        throw usageError(`invalid replay speed ${String(next)}`);
      speed = next;
      changed();
    },
    skip: (ms) => {
      if (!(ms > 0)) return;
      const base = Number.isNaN(lastT) ? (Number.isNaN(origin) ? header.startedAt : origin) : lastT;
      seekUntil = Math.max(seekUntil, base) + ms;
      changed();
    },
  };
  /** Sleeps until a control call (pause, step, speed...) or stop(). */
  const untilChanged = (): Promise<void> =>
    new Promise((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });

  let iterating = false;
  /** The replay loop: snapshots per file chunk, paced; the only consumer of the reader. */
  async function* run(): AsyncGenerator<Snapshot[], void, undefined> {
    if (iterating) throw new Error('a replay session can be consumed once (snapshots$ or batches())');
    iterating = true;
    let asm = pipeline(header);
    let wallStart = 0;
    let paceStart = Number.NaN;
    try {
      outer: for await (const batch of reader.batches()) {
        let out: Snapshot[] = [];
        for (const e of batch) {
          if (stopped) break outer;
          // Recorded alerts are outputs: recomputed from the inputs, never fed back.
          if (e.kind === 'alert' || e.kind === 'end') continue;
          if (e.kind === 'segment') {
            // A concatenated recording: a fresh pipeline from its header (new baseline), and no waiting for the
            // wall-clock gap between the two recordings. The session info (the dashboard's header) follows the
            // segment: its netns, interval and port (item 17).
            // The previous segment's snapshots go out first, so they are shown under their own header.
            if (out.length > 0) {
              yield out;
              out = [];
            }
            asm = pipeline(e.header);
            Object.assign(info, { ...e.header.description.info, mode: 'replay' });
            paceStart = Number.NaN;
            continue;
          }
          if (Number.isNaN(origin)) {
            origin = e.t;
            if (opts.from !== undefined) fromT = origin + opts.from;
            if (opts.to !== undefined) toT = origin + opts.to;
          }
          if (e.t > toT) {
            if (out.length > 0) yield out;
            break outer;
          }
          // Paused (and no step pending): hand over what is ready, then wait for a control call.
          while (paused && stepCredit === 0 && e.t >= fromT && !stopped) {
            if (out.length > 0) {
              yield out;
              out = [];
              continue;
            }
            await untilChanged();
          }
          if (stopped) break outer;
          if (repace) {
            repace = false;
            paceStart = Number.NaN;
          }
          lastT = e.t;
          const paced = speed !== 'max' && !paused && e.t >= fromT && e.t >= seekUntil;
          // An input replayed without pacing (paused step, skip, before --from) makes the next paced one re-anchor.
          if (!paced) paceStart = Number.NaN;
          else {
            if (Number.isNaN(paceStart)) {
              paceStart = e.t;
              wallStart = Date.now();
            }
            // Snapshots already due go out before sleeping; sleep in slices so stop() and controls stay responsive.
            for (;;) {
              const wait = wallStart + (e.t - paceStart) / (speed as number) - Date.now();
              if (wait < 2 || stopped || repace || paused) break;
              if (out.length > 0) {
                yield out;
                out = [];
                continue;
              }
              await sleep(Math.min(wait, MAX_SLEEP_MS));
            }
            if (stopped) break outer;
          }
          const snap = asm.push(e);
          if (snap && snap.time >= fromT) {
            out.push(snap);
            // A step shows its snapshot at once.
            if (stepCredit > 0) {
              stepCredit--;
              yield out;
              out = [];
            }
          }
        }
        if (out.length > 0) yield out;
      }
    } finally {
      // The end of the recording ends a skip too (`]` near the end used to leave "skipping…" on screen forever).
      finished = true;
      await reader.close();
    }
  }

  let done: Promise<void> = Promise.resolve();
  const batches = (): AsyncGenerator<Snapshot[], void, undefined> => {
    const gen = run();
    let release!: () => void;
    done = new Promise<void>((r) => {
      release = r;
    });
    return (async function* tracked() {
      try {
        yield* gen;
      } finally {
        release();
      }
    })();
  };

  const snapshots$ = new Observable<Snapshot>((sub) => {
    (async () => {
      for await (const list of batches()) for (const s of list) sub.next(s);
    })().then(
      () => sub.complete(),
      (err: unknown) => sub.error(err),
    );
    return () => {
      stopped = true;
      wake?.();
    };
  }).pipe(share({ resetOnError: false, resetOnComplete: false, resetOnRefCountZero: false }));

  return {
    info,
    header,
    description: header.description,
    stats: reader.stats,
    replay: control,
    snapshots$,
    batches,
    position: () => {
      const start = Number.isNaN(origin) ? header.startedAt : origin;
      const t = Number.isNaN(lastT) ? start : lastT;
      return { t, elapsedMs: t - start, startedAt: start };
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
      await reader.close();
    },
  };
}

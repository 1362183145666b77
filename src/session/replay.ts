// Replays a recording as a Session: recorded raw inputs through the live pipeline, paced by their timestamps.
import { Observable, share } from 'rxjs';
import type { AssemblerOptions } from '../pipeline/assemble.js';
import type { ReplayControl, ReplayWindow, Session, SessionDescription, SessionInfo } from '../model/session.js';
import type { Snapshot } from '../model/snapshot.js';
import { ExitCode, TcpscopeError, usageError } from '../errors.js';
import type { RawInput } from '../model/inputs.js';
import type { RecordingHeader } from '../record/format.js';
import { readRecording, type ReadStats, type RecordingReader } from '../record/reader.js';
import { ReplayPacer, checkSpeed, type Clock } from './replay-pacer.js';
import { createPipeline, type PipelineServices } from './wiring.js';

export interface ReplayOptions extends ReplayWindow {
  /** Overrides for tests (e.g. a diagnoser with other rules). */
  pipeline?: Partial<AssemblerOptions>;
  /** Services to substitute (the diagnoser). */
  services?: Partial<PipelineServices> | undefined;
  /** The pacing clock (tests: a fake one). */
  clock?: Clock | undefined;
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

/** Opens a single-netns recording (validating its header) and returns a replay session; reading starts on subscription. */
export async function replaySession(path: string, opts: ReplayOptions): Promise<ReplaySession> {
  checkWindow(opts);
  const reader = await readRecording(path);
  if (reader.header.description.info.wholeHost === true) {
    await reader.close();
    throw new TcpscopeError(
      `${path} is a whole-host recording: tcpscope replay and report read it; replayHostSession in code`,
      {
        exitCode: ExitCode.recording,
      },
    );
  }
  // The live session's wiring, from the header it wrote (a concatenated recording rewires at each segment).
  return openReplay<Snapshot>(reader, opts, (h) => {
    const asm = createPipeline({
      description: h.description,
      mode: 'replay',
      services: opts.services,
      overrides: opts.pipeline,
    });
    return (e) => asm.push(e);
  });
}

export function checkWindow(opts: ReplayOptions): void {
  checkSpeed(opts.speed);
  if (opts.from !== undefined && opts.to !== undefined && opts.to <= opts.from)
    throw usageError('--to must be after --from');
}

/** The pipeline of one recording segment: a raw input in, a snapshot out when it closes an interval. */
export type Pipeline<T> = (e: RawInput) => T | undefined;

/** A replay producing T (Snapshot, or HostSnapshot for a whole-host recording): reader, pacing and controls. */
export type GenericReplay<T> = Omit<ReplaySession, 'snapshots$' | 'batches'> & {
  snapshots$: Observable<T>;
  batches(): AsyncGenerator<T[], void, undefined>;
};

export async function openReplay<T extends { time: number }>(
  reader: RecordingReader,
  opts: ReplayOptions,
  makePipeline: (header: RecordingHeader) => Pipeline<T>,
): Promise<GenericReplay<T>> {
  const header = reader.header;
  const info: SessionInfo = { ...header.description.info, mode: 'replay' };
  const pipeline = makePipeline;
  // Position 00:00:00 is the first recorded input (the baseline host sample), known once it is read.
  const pacer = new ReplayPacer(opts.speed, header.startedAt, opts.clock);
  let fromT = Number.NEGATIVE_INFINITY;
  let toT = Number.POSITIVE_INFINITY;

  let iterating = false;
  /** The replay loop: snapshots per file chunk, paced; the only consumer of the reader. */
  async function* run(): AsyncGenerator<T[], void, undefined> {
    if (iterating) throw new Error('a replay session can be consumed once (snapshots$ or batches())');
    iterating = true;
    let push = pipeline(header);
    try {
      outer: for await (const batch of reader.batches()) {
        let out: T[] = [];
        for (const e of batch) {
          if (pacer.stopped) break outer;
          // Recorded alerts are outputs: recomputed from the inputs, never fed back.
          if (e.kind === 'alert' || e.kind === 'end') continue;
          if (e.kind === 'segment') {
            // A concatenated recording: a fresh pipeline from its header (new baseline), and no waiting for the
            // wall-clock gap between the two recordings. The previous segment's snapshots go out first, then the
            // session info (the dashboard's header) follows the segment: its netns, interval and port (item 17).
            if (out.length > 0) {
              yield out;
              out = [];
            }
            push = pipeline(e.header);
            Object.assign(info, { ...e.header.description.info, mode: 'replay' });
            pacer.reanchor();
            continue;
          }
          if (Number.isNaN(pacer.origin)) {
            pacer.origin = e.t;
            if (opts.from !== undefined) fromT = e.t + opts.from;
            if (opts.to !== undefined) toT = e.t + opts.to;
          }
          if (e.t > toT) {
            if (out.length > 0) yield out;
            break outer;
          }
          // Paused (and no step pending): hand over what is ready, then wait for a control call.
          while (pacer.held(e.t, fromT)) {
            if (out.length > 0) {
              yield out;
              out = [];
              continue;
            }
            await pacer.untilChanged();
          }
          if (pacer.stopped) break outer;
          pacer.begin(e.t, fromT);
          // Snapshots already due go out before sleeping; sleep in slices so stop() and controls stay responsive.
          for (let wait = pacer.remaining(e.t); wait > 0; wait = pacer.remaining(e.t)) {
            if (out.length > 0) {
              yield out;
              out = [];
              continue;
            }
            await pacer.sleep(wait);
          }
          if (pacer.stopped) break outer;
          const snap = push(e);
          if (snap && snap.time >= fromT) {
            out.push(snap);
            // A step shows its snapshot at once.
            if (pacer.takeStep()) {
              yield out;
              out = [];
            }
          }
        }
        if (out.length > 0) yield out;
      }
    } finally {
      // The end of the recording ends a skip too (`]` near the end used to leave "skipping…" on screen forever).
      pacer.finished = true;
      await reader.close();
    }
  }

  let done: Promise<void> = Promise.resolve();
  const batches = (): AsyncGenerator<T[], void, undefined> => {
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

  const snapshots$ = new Observable<T>((sub) => {
    (async () => {
      for await (const list of batches()) for (const s of list) sub.next(s);
    })().then(
      () => sub.complete(),
      (err: unknown) => sub.error(err),
    );
    return () => pacer.stop();
  }).pipe(share({ resetOnError: false, resetOnComplete: false, resetOnRefCountZero: false }));

  return {
    info,
    header,
    description: header.description,
    stats: reader.stats,
    replay: pacer.control,
    snapshots$,
    batches,
    position: () => {
      const start = pacer.start();
      const t = Number.isNaN(pacer.lastT) ? start : pacer.lastT;
      return { t, elapsedMs: t - start, startedAt: start };
    },
    stop: async () => {
      pacer.stop();
      await done;
      await reader.close();
    },
  };
}

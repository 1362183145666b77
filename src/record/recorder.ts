// Records a live session's raw inputs (not its snapshots) so a replay re-runs the same pipeline, newer rules included.
import { rename, unlink } from 'node:fs/promises';
import type { Subscription } from 'rxjs';
import type { AlertEvent } from '../alert/event.js';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';
import type { HostInput, RawInput } from '../model/inputs.js';
import type { LiveSession } from '../model/session.js';
import { VERSION } from '../version.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingEntry, type RecordingHeader } from './format.js';
import { RecordingWriter } from './writer.js';

export interface RecorderOptions {
  path: string;
  gzip?: boolean;
  /** Bytes per file; when reached: rotate (if `rotate` > 0) or stop recording (endReason 'max-size'). */
  maxSize?: number;
  /** Older parts kept when rotating at maxSize: PATH is always the newest, PATH.1 the previous, ... PATH.N. */
  rotate?: number;
  /** On a write error, also stop the session (default true: `tcpscope record` has nothing else to do). */
  stopSessionOnError?: boolean;
}

export type RecordingEndReason = 'stopped' | 'session-ended' | 'max-size' | 'write-error';

export interface RecordingSummary {
  path: string;
  /** Every file written, newest first when rotated. */
  files: string[];
  /** Bytes on disk over all parts (compressed with gzip). */
  bytes: number;
  /** Raw inputs written (what a replay will read). */
  inputs: number;
  /** Intervals seen (host samples after the first). */
  intervals: number;
  alerts: number;
  startedAt: number;
  endedAt: number;
  endReason: RecordingEndReason;
  /** Why recording stopped early (ExitCode.io), when it did. */
  error: TcpscopeError | undefined;
  /** The session's own failure (bpftrace kept crashing...) that ended the recording, if any. */
  sessionError: unknown;
}

export interface Recorder {
  readonly path: string;
  /** Appends an alert line (kept in the recording; replay does not feed it to the pipeline). */
  alert(t: number, alert: AlertEvent): void;
  /** Stops recording (not the session), flushes and closes the file. Idempotent. */
  stop(): Promise<RecordingSummary>;
  /** Resolves when recording ended for any reason (stop(), session end, max size, write error); never rejects. */
  readonly done: Promise<RecordingSummary>;
}

/** Starts recording at once: the file is created (0600, exclusive) synchronously, so a bad path throws here. */
export function createRecorder(session: LiveSession, opts: RecorderOptions): Recorder {
  const description = session.describe();
  const startedAt = Date.now();
  const header = (part: number): RecordingHeader => ({
    type: 'header',
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    tcpscopeVersion: VERSION,
    startedAt,
    description,
    ...(part > 0 ? { part } : {}),
  });
  const gzip = opts.gzip ?? false;
  let writer = RecordingWriter.create(opts.path, header(0), gzip);
  let part = 0;
  let bytesOfClosedParts = 0;
  const files = [opts.path];
  let buffer: RecordingEntry[] = [];
  let lastHost: HostInput | undefined;
  let inputs = 0;
  let sessionError: unknown;
  let intervals = 0;
  let alerts = 0;
  let ending: Promise<RecordingSummary> | undefined;
  /** Set on a write error or at max-size: queued writes are dropped. */
  let halted = false;
  let chain: Promise<void> = Promise.resolve();
  let resolveDone!: (s: RecordingSummary) => void;
  const done = new Promise<RecordingSummary>((r) => {
    resolveDone = r;
  });

  const summary = (endReason: RecordingEndReason, error: TcpscopeError | undefined): RecordingSummary => ({
    path: opts.path,
    files: [...files],
    bytes: bytesOfClosedParts + writer.bytes,
    inputs,
    intervals,
    alerts,
    startedAt,
    endedAt: Date.now(),
    endReason,
    error,
    sessionError,
  });

  const rotateFiles = async (): Promise<void> => {
    const keep = opts.rotate ?? 0;
    await writer.write([{ kind: 'end', t: Date.now(), reason: 'rotated' }]);
    await writer.close();
    bytesOfClosedParts += writer.bytes;
    const name = (i: number): string => (i === 0 ? opts.path : `${opts.path}.${i}`);
    try {
      await unlink(name(keep)).catch((err: unknown) => {
        if (errnoOf(err) !== 'ENOENT') throw err;
      });
      for (let i = keep - 1; i >= 0; i--) {
        await rename(name(i), name(i + 1)).catch((err: unknown) => {
          if (errnoOf(err) !== 'ENOENT') throw err;
        });
      }
    } catch (err) {
      throw new TcpscopeError(`cannot rotate recording ${opts.path}: ${messageOf(err)}`, {
        exitCode: ExitCode.io,
        cause: err,
      });
    }
    part++;
    writer = RecordingWriter.create(opts.path, header(part), gzip);
    files.splice(0, files.length, ...Array.from({ length: Math.min(part, keep) + 1 }, (_, i) => name(i)));
    // Each part starts with the last host sample: its baseline, so every part replays on its own.
    await writer.write(lastHost ? [lastHost] : []);
  };

  /** Runs `op` after every earlier file operation; the first failure ends recording. */
  const enqueue = (op: () => Promise<void>): void => {
    chain = chain.then(async () => {
      if (halted) return;
      try {
        await op();
      } catch (err) {
        halted = true;
        const e =
          err instanceof TcpscopeError
            ? err
            : new TcpscopeError(`cannot write ${opts.path}: ${messageOf(err)}`, { exitCode: ExitCode.io, cause: err });
        void finish('write-error', e);
      }
    });
  };

  const flush = (): void => {
    if (buffer.length === 0) return;
    const entries = buffer;
    buffer = [];
    enqueue(async () => {
      await writer.write(entries);
      for (const e of entries)
        if (e.kind === 'alert') alerts++;
        else inputs++;
      if (opts.maxSize !== undefined && writer.bytes >= opts.maxSize) {
        if ((opts.rotate ?? 0) > 0) await rotateFiles();
        else {
          halted = true;
          void finish('max-size', undefined);
        }
      }
    });
  };

  const onInput = (input: RawInput): void => {
    buffer.push(input);
    if (input.kind === 'host') {
      // One write per interval: a kill loses at most the probe lines of the current interval.
      if (lastHost) intervals++;
      lastHost = input;
      flush();
    }
  };

  const sub: Subscription = session.inputs$.subscribe({
    next: onInput,
    error: (err: unknown) => {
      sessionError = err;
      void finish('session-ended', undefined);
    },
    complete: () => void finish('session-ended', undefined),
  });
  // Backstop when no host sample comes for a while (the session's own fallback poll should prevent it).
  const timer = setInterval(flush, Math.max(100, description.info.intervalMs * 2));
  timer.unref();
  enqueue(() => writer.write([]));

  function finish(reason: RecordingEndReason, error: TcpscopeError | undefined): Promise<RecordingSummary> {
    ending ??= (async () => {
      sub.unsubscribe();
      clearInterval(timer);
      await chain.catch(() => undefined);
      let err = error;
      if (!err) {
        // At max-size the limit is reached: only the end marker goes out, the rest of the buffer is dropped.
        const rest = reason === 'max-size' ? [] : buffer;
        try {
          await writer.write([...rest, { kind: 'end', t: Date.now(), reason }]);
          for (const e of rest)
            if (e.kind === 'alert') alerts++;
            else inputs++;
        } catch (e) {
          err = e instanceof TcpscopeError ? e : new TcpscopeError(messageOf(e), { exitCode: ExitCode.io, cause: e });
        }
      }
      buffer = [];
      try {
        await writer.close();
      } catch (e) {
        err ??= e instanceof TcpscopeError ? e : new TcpscopeError(messageOf(e), { exitCode: ExitCode.io, cause: e });
      }
      if (err && (opts.stopSessionOnError ?? true)) await session.stop().catch(() => undefined);
      const s = summary(err ? 'write-error' : reason, err);
      resolveDone(s);
      return s;
    })();
    return ending;
  }

  return {
    path: opts.path,
    alert(t, alert) {
      if (ending) return;
      buffer.push({ kind: 'alert', t, alert });
    },
    stop: () => finish('stopped', undefined),
    done,
  };
}

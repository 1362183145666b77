// Both live sessions (one netns, whole host) run one lifecycle: probe ticks close intervals with a poll, a fallback
// timer keeps polls coming, --duration counts intervals, inputs$ mirrors the pipeline's input, bpftrace stops first.
import { Observable, ReplaySubject, Subject, share, takeUntil, tap, type OperatorFunction } from 'rxjs';
import { isAttachedLine, isTickLine, parseLine } from '../kernel/probes/index.js';
import type { RawInput } from '../model/inputs.js';

export interface LiveLoopOptions {
  intervalMs: number;
  durationMs?: number | undefined;
  /** The baseline input (the first poll, already read); its `t` is when the first interval starts. */
  baseline(): RawInput;
  /** One poll as an input, stamped when the poll completes. */
  poll(): Promise<RawInput>;
  /** Whether a probe tick closes the interval now (`sinceMs` after the last poll, `intervals` closed so far). */
  tickCloses(sinceMs: number, intervals: number): boolean;
  /** The running bpftrace program's lines and gaps (eBPF mode); undefined in procfs mode. */
  probes?: (() => Observable<RawInput>) | undefined;
  /** Resolves when no bpftrace remains; `close` runs after it (pollers, namer). */
  stopTracers(): Promise<void>;
  close(): Promise<void>;
}

export interface LiveLoop<S> {
  snapshots$: Observable<S>;
  /** What the pipeline consumed, in order (a recording of it replays to the same snapshots). */
  inputs$: Observable<RawInput>;
  /** Probes attached (first start and every restart); replays the last one. */
  attached$: Observable<number>;
  stop(): Promise<void>;
}

/** Intervals a `--duration` asks for: at least one full interval per started interval of the duration. */
function intervalsFor(durationMs: number | undefined, intervalMs: number): number | undefined {
  return durationMs !== undefined ? Math.max(1, Math.ceil(durationMs / intervalMs - 1e-9)) : undefined;
}

/** Runs the live inputs through `assemble` (the session's pipeline) into one shared snapshot stream. */
export function runLiveLoop<S>(o: LiveLoopOptions, assemble: OperatorFunction<RawInput, S>): LiveLoop<S> {
  const stop$ = new Subject<void>();
  let stopped: Promise<void> | undefined;
  // Number of probes each time bpftrace reports them attached (first start and every restart); the last one replays.
  const attached = new ReplaySubject<number>(1);

  const source$ = new Observable<RawInput>((sub) => {
    const first = o.baseline();
    let polling = false;
    let attaching: number | undefined;
    let fallback: NodeJS.Timeout | undefined;
    let closed = false;
    let lastPollAt = first.t;
    let intervals = 0;
    // --duration D: ceil(D / interval) intervals, each closed by a poll, then the source completes (issue 13 item 6:
    // `--duration 1s` is one full interval, never zero snapshots, however long bpftrace takes to attach).
    const wanted = intervalsFor(o.durationMs, o.intervalMs);
    const poll = (): void => {
      if (polling || closed) return;
      polling = true;
      lastPollAt = Date.now();
      o.poll().then(
        (input) => {
          polling = false;
          if (closed) return;
          sub.next(input);
          if (wanted !== undefined && ++intervals >= wanted) {
            closed = true;
            sub.complete();
          }
        },
        (err: unknown) => {
          polling = false;
          if (!closed) sub.error(err);
        },
      );
    };
    // A poll every interval even when no probe tick comes (procfs mode, or bpftrace restarting): snapshots never stop.
    const armFallback = (ms: number): void => {
      if (fallback) clearTimeout(fallback);
      fallback = setTimeout(() => {
        poll();
        armFallback(o.intervalMs);
      }, ms);
    };
    // A probe tick (or the attach line) closes the interval when the session says so; otherwise the fallback closes
    // it once it is full (the first snapshot covers a full interval).
    const tickPoll = (): void => {
      const since = Date.now() - lastPollAt;
      if (o.tickCloses(since, intervals)) {
        poll();
        armFallback(Math.round(o.intervalMs * 1.5));
      } else {
        armFallback(Math.max(1, Math.round(o.intervalMs - since)));
      }
    };
    // The first poll is the baseline. Until bpftrace has attached (seconds on a busy host: it parses BTF), snapshots
    // come from polls every interval, so data is on screen at once; after that each probe tick triggers the poll, so
    // counter deltas and probe counts cover the same interval. The fallback keeps snapshots coming when bpftrace is
    // restarting.
    sub.next(first);
    const probeSub = o.probes?.().subscribe({
      next: (input) => {
        sub.next(input);
        if (input.kind === 'probe' && isAttachedLine(input.line)) {
          const ev = parseLine(input.line);
          attaching = ev.type === 'attached_probes' ? ev.probes : 0;
          tickPoll();
        } else if (input.kind === 'probe' && isTickLine(input.line)) {
          // bpftrace 0.17 prints attached_probes BEFORE it loads (verifies) and attaches the programs, which takes
          // up to seconds on a loaded host; the interval probe is attached last, so its first tick means all are live.
          if (attaching !== undefined) attached.next(attaching);
          attaching = undefined;
          tickPoll();
        }
      },
      error: (err: unknown) => sub.error(err),
    });
    // The first fallback poll closes the first interval a full interval after the baseline.
    armFallback(Math.max(1, o.intervalMs - (Date.now() - first.t)));
    return () => {
      closed = true;
      if (fallback) clearTimeout(fallback);
      probeSub?.unsubscribe();
      attached.complete();
    };
  }).pipe(takeUntil(stop$));

  // inputs$ mirrors exactly what the assembler consumes, in order, so a recording replays to the same snapshots.
  const inputsSubject = new Subject<RawInput>();
  const snapshots$ = source$.pipe(
    tap({
      next: (i) => inputsSubject.next(i),
      complete: () => inputsSubject.complete(),
      error: (e: unknown) => inputsSubject.error(e),
    }),
    assemble,
    share(),
  );

  return {
    snapshots$,
    // Subscribing to inputs$ alone (a recorder) also runs the shared pipeline, so inputs flow without a UI.
    inputs$: new Observable<RawInput>((sub) => {
      const mirror = inputsSubject.subscribe(sub);
      const run = snapshots$.subscribe({ error: () => undefined });
      return () => {
        mirror.unsubscribe();
        run.unsubscribe();
      };
    }),
    attached$: attached.asObservable(),
    stop: () => {
      stopped ??= (async () => {
        stop$.next();
        stop$.complete();
        // bpftrace first (SIGINT, then SIGKILL), then the pollers' helper processes.
        await o.stopTracers();
        await o.close();
      })();
      return stopped;
    },
  };
}

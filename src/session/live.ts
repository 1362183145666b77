// Starts a live session: resolves the netns, picks eBPF or procfs mode, merges probe lines and host polls into
// raw inputs (polling right after each probe tick so both halves cover the same interval) and builds snapshots.
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Observable, ReplaySubject, Subject, share, takeUntil, tap } from 'rxjs';
import { createHostPoller, type HostPoller } from '../kernel/host/index.js';
import { createNetnsNamer } from '../kernel/runtimes/namer.js';
import type { HostSample } from '../model/host-sample.js';
import { resolveNetns, type NetnsTarget } from '../kernel/netns/index.js';
import {
  buildProgram,
  isAttachedLine,
  isTickLine,
  parseLine,
  probeInputs$,
  reasonTables,
  whenBpftraceStopped,
  type ReasonTables,
} from '../kernel/probes/index.js';
import { TRACEPOINTS } from '../kernel/capabilities.js';
import { VERSION } from '../version.js';
import type { RawInput } from '../model/inputs.js';
import type { LiveSession, SessionDescription, SessionInfo, SessionOptions } from '../model/session.js';
import { toSnapshots } from '../pipeline/to-snapshots.js';
import { decideMode } from './mode.js';
import { pipelineOptions, type SessionServices } from './wiring.js';

export type { SessionOptions };

/** A live session's options plus any service to substitute (tests, library users). */
export interface LiveSessionOptions extends SessionOptions {
  services?: Partial<SessionServices> | undefined;
}

/** The real thing: the netns resolver, the mode decision, procfs/sock_diag polls and bpftrace. */
const LIVE_SERVICES: Omit<SessionServices, 'createDiagnoser'> = {
  resolveNetns,
  decideMode,
  createHostPoller,
  probeInputs: probeInputs$,
  stopTracers: whenBpftraceStopped,
  createNamer: () => createNetnsNamer(),
};

export async function startSession(opts: LiveSessionOptions): Promise<LiveSession> {
  const services = { ...LIVE_SERVICES, ...opts.services };
  // Names the netns by its container/pod/service at each poll; the engines' event streams stop with the session.
  const namer = services.createNamer();
  let target: NetnsTarget;
  let poller: HostPoller;
  let firstSample: HostSample;
  try {
    target = await services.resolveNetns(opts.netns, { namer });
    poller = services.createHostPoller(target, { namer });
    firstSample = await poller.poll();
  } catch (err) {
    namer.close();
    throw err;
  }
  const decision = await services.decideMode(opts.mode ?? 'auto');
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => 'unknown')).trim();
  // The target's identity, with what runs in it as the first poll saw it (owner, a pid inside).
  const netns = { ...firstSample.netns, inode: target.inode, name: target.name };
  if (!netns.owner && target.owner) netns.owner = target.owner;
  const info: SessionInfo = {
    host: hostname(),
    kernel,
    netns,
    mode: decision.mode,
    modeReason: decision.mode === 'procfs' ? decision.reason : undefined,
    intervalMs: opts.intervalMs,
    bpftraceVersion: decision.bpftrace?.version,
    port: opts.port,
  };
  const tables: ReasonTables = decision.caps ? reasonTables(decision.caps) : {};
  const program = decision.caps
    ? buildProgram(decision.caps, {
        netnsInode: target.inode,
        port: opts.port ?? 0,
        intervalMs: opts.intervalMs,
        detailCap: opts.detailCap ?? 20,
        ...(opts.latency === true ? {} : { exclude: ['connlat'] }),
      })
    : undefined;

  const stop$ = new Subject<void>();
  let stopped: Promise<void> | undefined;
  // Number of probes each time bpftrace reports them attached (first start and every restart); the last one replays.
  const attached = new ReplaySubject<number>(1);

  const source$ = new Observable<RawInput>((sub) => {
    let polling = false;
    let attaching: number | undefined;
    let fallback: NodeJS.Timeout | undefined;
    let closed = false;
    let lastPollAt = Date.now();
    let intervals = 0;
    // --duration D: ceil(D / interval) intervals, each closed by a poll, then the source completes (issue 13 item 6:
    // `--duration 1s` is one full interval, never zero snapshots).
    const wanted =
      opts.durationMs !== undefined ? Math.max(1, Math.ceil(opts.durationMs / opts.intervalMs - 1e-9)) : undefined;
    const poll = (): void => {
      if (polling || closed) return;
      polling = true;
      lastPollAt = Date.now();
      poller.poll().then(
        (sample) => {
          polling = false;
          if (closed) return;
          sub.next({ kind: 'host', t: Date.now(), sample });
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
        armFallback(opts.intervalMs);
      }, ms);
    };
    // A probe tick (or the attach line) closes the interval; before the first snapshot only once a full interval has
    // passed since the baseline (issue 13 item 6: the first snapshot covers a full interval).
    const tickPoll = (): void => {
      const since = Date.now() - lastPollAt;
      // Only the first snapshot waits for a full interval; later ticks always close theirs, so no snapshot ever
      // merges two ticks (each tick's detail is capped in the kernel: two would exceed the cap).
      if (intervals > 0 || since >= opts.intervalMs * 0.98) {
        poll();
        armFallback(Math.round(opts.intervalMs * 1.5));
      } else {
        armFallback(Math.max(1, Math.round(opts.intervalMs - since)));
      }
    };
    // The first poll is the baseline. Until bpftrace has attached (seconds on a busy host: it parses BTF), snapshots
    // come from procfs polls every interval, so data is on screen at once; after that each probe tick triggers the
    // poll, so counter deltas and probe counts cover the same interval. The fallback keeps snapshots coming when
    // bpftrace is restarting.
    sub.next({ kind: 'host', t: Date.now(), sample: firstSample });
    const probeSub = program
      ? services.probeInputs({ program, bpftrace: decision.bpftrace?.path }).subscribe({
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
        })
      : undefined;
    armFallback(opts.intervalMs);
    return () => {
      closed = true;
      if (fallback) clearTimeout(fallback);
      probeSub?.unsubscribe();
      attached.complete();
    };
  }).pipe(takeUntil(stop$));

  const description: SessionDescription = {
    info,
    tcpscopeVersion: VERSION,
    tracepoints: decision.caps
      ? TRACEPOINTS.map((tp) => ({
          id: tp.id,
          present: decision.caps.tracepoints[tp.id].present,
          fields: decision.caps.tracepoints[tp.id].fields,
        }))
      : [],
    reasonTables: tables,
    sysctls: firstSample.sysctls,
    program: program?.text,
    programArgs: program?.args ?? [],
  };

  // inputs$ mirrors exactly what the assembler consumes, in order, so a recording replays to the same snapshots.
  const inputsSubject = new Subject<RawInput>();

  const snapshots$ = source$.pipe(
    tap({
      next: (i) => inputsSubject.next(i),
      complete: () => inputsSubject.complete(),
      error: (e: unknown) => inputsSubject.error(e),
    }),
    // The same wiring as a replay of this session's recording (the description is its header).
    toSnapshots(pipelineOptions({ description, mode: decision.mode, services: opts.services })),
    share(),
  );

  return {
    info,
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
    describe: () => description,
    attached$: attached.asObservable(),
    stop: () => {
      stopped ??= (async () => {
        stop$.next();
        stop$.complete();
        // bpftrace first (SIGINT, then SIGKILL), then the pollers' helper processes.
        await services.stopTracers();
        await poller.close();
        namer.close();
      })();
      return stopped;
    },
  };
}

// Starts a whole-host live session (no --netns): one bpftrace program for every netns (filter 0), one multi-netns host
// poll right after each probe tick, one HostSnapshot per interval. The inputs are what a recording stores.
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Observable, ReplaySubject, Subject, share, takeUntil, tap } from 'rxjs';
import { TRACEPOINTS } from '../kernel/capabilities.js';
import { resolveNetns } from '../kernel/netns/resolve.js';
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
import { createHostSetSampler, type HostSetSamplerOptions } from '../kernel/wholehost/sampler.js';
import { createNetnsNamer, type NetnsNamer } from '../kernel/runtimes/namer.js';
import { VERSION } from '../version.js';
import type { RawInput } from '../model/inputs.js';
import { decideMode } from './mode.js';
import type { RequestedMode } from '../model/session.js';
import type { SessionDescription, SessionInfo } from '../model/session.js';
import { createHostPipeline } from './wiring-host.js';
import type { HostSnapshot } from '../model/host-snapshot.js';

export interface WholeHostSessionOptions {
  port?: number | undefined;
  intervalMs: number;
  mode?: RequestedMode;
  durationMs?: number | undefined;
  detailCap?: number;
  /** --latency: load the connect-latency probe (off by default, as in single-netns mode: ≈ 180 ns per state change). */
  latency?: boolean | undefined;
  sampler?: HostSetSamplerOptions;
  /** Names every netns by its container/pod/service (default: a namer on the usual runtime sockets); closed on stop. */
  createNamer?: () => NetnsNamer;
}

export type WholeHostInput = RawInput;

export interface WholeHostSession {
  info: SessionInfo;
  snapshots$: Observable<HostSnapshot>;
  inputs$: Observable<WholeHostInput>;
  describe(): SessionDescription;
  attached$: Observable<number>;
  stop(): Promise<void>;
}

/** Intervals a `--duration` asks for: at least one full interval per started interval of the duration. */
function intervalsFor(durationMs: number | undefined, intervalMs: number): number | undefined {
  return durationMs !== undefined ? Math.max(1, Math.ceil(durationMs / intervalMs - 1e-9)) : undefined;
}

export async function startWholeHostSession(opts: WholeHostSessionOptions): Promise<WholeHostSession> {
  // Our own netns first: a clear error (exit 8) when /proc is unreadable, before anything starts.
  const self = await resolveNetns(undefined);
  const decision = await decideMode(opts.mode ?? 'auto');
  // One namer for the session: the Docker directory it holds is kept current by the engine's event stream.
  const namer = (opts.createNamer ?? (() => createNetnsNamer()))();
  const sampler = createHostSetSampler({ ...opts.sampler, namer });
  let first: Awaited<ReturnType<typeof sampler.poll>>;
  try {
    first = await sampler.poll();
  } catch (err) {
    namer.close();
    await sampler.close();
    throw err;
  }
  const firstAt = Date.now();
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => 'unknown')).trim();
  const host = first.samples.find((s) => s.netns.isHost);
  const netns = { inode: self.inode, name: self.name };
  const info: SessionInfo = {
    host: hostname(),
    kernel,
    netns,
    mode: decision.mode,
    wholeHost: true,
    modeReason: decision.mode === 'procfs' ? decision.reason : undefined,
    intervalMs: opts.intervalMs,
    bpftraceVersion: decision.bpftrace?.version,
    port: opts.port,
  };
  const tables: ReasonTables = decision.caps ? reasonTables(decision.caps) : {};
  // Filter 0: one program counts every namespace in the kernel, keyed by netns inode.
  const program = decision.caps
    ? buildProgram(decision.caps, {
        netnsInode: 0,
        port: opts.port ?? 0,
        intervalMs: opts.intervalMs,
        detailCap: opts.detailCap ?? 20,
        ...(opts.latency === true ? {} : { exclude: ['connlat'] }),
      })
    : undefined;
  const stop$ = new Subject<void>();
  let stopped: Promise<void> | undefined;
  const attached = new ReplaySubject<number>(1);

  const source$ = new Observable<WholeHostInput>((sub) => {
    let polling = false;
    let attaching: number | undefined;
    let fallback: NodeJS.Timeout | undefined;
    let closed = false;
    let lastPollAt = firstAt;
    let intervals = 0;
    // --duration D: ceil(D / interval) intervals, each closed by a poll, then the source completes; as in a one-netns
    // session (issue 13 item 6): `--duration 1s` is one full interval, never zero snapshots, however long bpftrace
    // takes to attach (a timer from the start ended the run before the first snapshot on a loaded host).
    const wanted = intervalsFor(opts.durationMs, opts.intervalMs);
    const poll = (): void => {
      if (polling || closed) return;
      polling = true;
      lastPollAt = Date.now();
      sampler.poll().then(
        (set) => {
          polling = false;
          if (closed) return;
          sub.next({ kind: 'hosts', t: Date.now(), set });
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
    const armFallback = (ms: number): void => {
      if (fallback) clearTimeout(fallback);
      fallback = setTimeout(() => {
        poll();
        armFallback(opts.intervalMs);
      }, ms);
    };
    // A probe tick (or the attach line) closes the interval once a full interval has passed since the last poll; a
    // tick sooner than that (bpftrace attached out of phase with the fallback timer's polls) waits for the interval
    // to be full, so no interval is short: the first covers a full interval, and `--duration D` spans at least D.
    const tickPoll = (): void => {
      const since = Date.now() - lastPollAt;
      if (since >= opts.intervalMs * 0.97) {
        poll();
        armFallback(Math.round(opts.intervalMs * 1.5));
      } else {
        armFallback(Math.max(1, Math.round(opts.intervalMs - since)));
      }
    };
    // The baseline carries the time it was read, so the first interval's counter deltas and its length agree.
    sub.next({ kind: 'hosts', t: firstAt, set: first });
    const probeSub = program
      ? probeInputs$({ program, bpftrace: decision.bpftrace?.path }).subscribe({
          next: (input) => {
            sub.next(input);
            if (input.kind === 'probe' && isAttachedLine(input.line)) {
              const ev = parseLine(input.line);
              attaching = ev.type === 'attached_probes' ? ev.probes : 0;
              tickPoll();
            } else if (input.kind === 'probe' && isTickLine(input.line)) {
              if (attaching !== undefined) attached.next(attaching);
              attaching = undefined;
              tickPoll();
            }
          },
          error: (err: unknown) => sub.error(err),
        })
      : undefined;
    armFallback(Math.max(1, opts.intervalMs - (Date.now() - firstAt)));
    return () => {
      closed = true;
      if (fallback) clearTimeout(fallback);
      probeSub?.unsubscribe();
      attached.complete();
    };
  }).pipe(takeUntil(stop$));

  const inputsSubject = new Subject<WholeHostInput>();
  const asm = createHostPipeline(
    {
      description: {
        info,
        tcpscopeVersion: VERSION,
        tracepoints: [],
        reasonTables: tables,
        sysctls: {},
        program: program?.text,
        programArgs: [],
      },
      mode: decision.mode,
    },
    // Namespaces with events but no socket left are sampled from the next poll on.
    { onProbeNetns: (inodes) => sampler.noteActive(inodes) },
  );
  const snapshots$ = source$.pipe(
    tap({
      next: (i) => inputsSubject.next(i),
      complete: () => inputsSubject.complete(),
      error: (e: unknown) => inputsSubject.error(e),
    }),
    (src) =>
      new Observable<HostSnapshot>((out) =>
        src.subscribe({
          next: (i) => {
            const s = asm.push(i);
            if (s) out.next(s);
          },
          error: (e: unknown) => out.error(e),
          complete: () => out.complete(),
        }),
      ),
    share(),
  );

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
    sysctls: host?.sysctls ?? {},
    program: program?.text,
    programArgs: program?.args ?? [],
  };

  return {
    info,
    snapshots$,
    inputs$: new Observable<WholeHostInput>((sub) => {
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
        await whenBpftraceStopped();
        await sampler.close();
        namer.close();
      })();
      return stopped;
    },
  };
}

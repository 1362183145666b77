// Starts a whole-host live session (no --netns): one bpftrace program for every netns (filter 0), one multi-netns host
// poll right after each probe tick, one HostSnapshot per interval. The inputs are what a recording stores.
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Observable, ReplaySubject, Subject, merge, share, takeUntil, tap, timer } from 'rxjs';
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

export async function startWholeHostSession(opts: WholeHostSessionOptions): Promise<WholeHostSession> {
  // Our own netns first: a clear error (exit 8) when /proc is unreadable, before anything starts.
  const self = await resolveNetns(undefined);
  const decision = await decideMode(opts.mode ?? 'auto');
  const sampler = createHostSetSampler(opts.sampler);
  const first = await sampler.poll();
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
    const poll = (): void => {
      if (polling || closed) return;
      polling = true;
      sampler.poll().then(
        (set) => {
          polling = false;
          if (!closed) sub.next({ kind: 'hosts', t: Date.now(), set });
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
    sub.next({ kind: 'hosts', t: Date.now(), set: first });
    const probeSub = program
      ? probeInputs$({ program, bpftrace: decision.bpftrace?.path }).subscribe({
          next: (input) => {
            sub.next(input);
            if (input.kind === 'probe' && isAttachedLine(input.line)) {
              const ev = parseLine(input.line);
              attaching = ev.type === 'attached_probes' ? ev.probes : 0;
              poll();
              armFallback(Math.round(opts.intervalMs * 1.5));
            } else if (input.kind === 'probe' && isTickLine(input.line)) {
              if (attaching !== undefined) attached.next(attaching);
              attaching = undefined;
              poll();
              armFallback(Math.round(opts.intervalMs * 1.5));
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
  }).pipe(takeUntil(opts.durationMs ? merge(stop$, timer(opts.durationMs)) : stop$));

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
      })();
      return stopped;
    },
  };
}

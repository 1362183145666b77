// Starts a whole-host live session (no --netns): one bpftrace program for every netns (filter 0), one multi-netns host
// poll right after each probe tick, one HostSnapshot per interval. The inputs are what a recording stores.
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { Observable } from 'rxjs';
import { resolveNetns } from '../kernel/netns/resolve.js';
import { probeInputs$, whenBpftraceStopped } from '../kernel/probes/index.js';
import { createHostSetSampler, type HostSetSamplerOptions } from '../kernel/wholehost/sampler.js';
import { createNetnsNamer, type NetnsNamer } from '../kernel/runtimes/namer.js';
import { VERSION } from '../version.js';
import type { RawInput } from '../model/inputs.js';
import { decideMode } from './mode.js';
import { liveProbes } from './live-probes.js';
import { runLiveLoop } from './live-loop.js';
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
  // Filter 0: one program counts every namespace in the kernel, keyed by netns inode.
  const { program, tables, tracepoints } = liveProbes(decision.caps, 0, opts);
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
  const loop = runLiveLoop(
    {
      intervalMs: opts.intervalMs,
      durationMs: opts.durationMs,
      // The baseline carries the time it was read, so the first interval's counter deltas and its length agree.
      baseline: () => ({ kind: 'hosts', t: firstAt, set: first }),
      poll: async () => {
        const set = await sampler.poll();
        return { kind: 'hosts', t: Date.now(), set };
      },
      // A tick closes the interval once a full interval has passed since the last poll; a tick sooner than that
      // (bpftrace attached out of phase with the fallback timer's polls) waits for the interval to be full, so no
      // interval is short: the first covers a full interval, and `--duration D` spans at least D.
      tickCloses: (since) => since >= opts.intervalMs * 0.97,
      probes: program ? () => probeInputs$({ program, bpftrace: decision.bpftrace?.path }) : undefined,
      stopTracers: whenBpftraceStopped,
      close: async () => {
        await sampler.close();
        namer.close();
      },
    },
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
  );

  const description: SessionDescription = {
    info,
    tcpscopeVersion: VERSION,
    tracepoints,
    reasonTables: tables,
    sysctls: host?.sysctls ?? {},
    program: program?.text,
    programArgs: program?.args ?? [],
  };

  return { info, describe: () => description, ...loop };
}

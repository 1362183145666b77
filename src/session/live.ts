// Starts a live session: resolves the netns, picks eBPF or procfs mode, merges probe lines and host polls into
// raw inputs (polling right after each probe tick so both halves cover the same interval) and builds snapshots.
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { createHostPoller, type HostPoller } from '../kernel/host/index.js';
import { createNetnsNamer } from '../kernel/runtimes/namer.js';
import type { HostSample } from '../model/host-sample.js';
import { resolveNetns, type NetnsTarget } from '../kernel/netns/index.js';
import { probeInputs$, whenBpftraceStopped } from '../kernel/probes/index.js';
import { VERSION } from '../version.js';
import type { LiveSession, SessionDescription, SessionInfo, SessionOptions } from '../model/session.js';
import { toSnapshots } from '../pipeline/to-snapshots.js';
import { liveProbes } from './live-probes.js';
import { runLiveLoop } from './live-loop.js';
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
  const { program, tables, tracepoints } = liveProbes(decision.caps, target.inode, opts);
  const description: SessionDescription = {
    info,
    tcpscopeVersion: VERSION,
    tracepoints,
    reasonTables: tables,
    sysctls: firstSample.sysctls,
    program: program?.text,
    programArgs: program?.args ?? [],
  };
  const loop = runLiveLoop(
    {
      intervalMs: opts.intervalMs,
      durationMs: opts.durationMs,
      baseline: () => ({ kind: 'host', t: Date.now(), sample: firstSample }),
      poll: async () => {
        const sample = await poller.poll();
        return { kind: 'host', t: Date.now(), sample };
      },
      // Only the first snapshot waits for a full interval; later ticks always close theirs, so no snapshot ever
      // merges two ticks (each tick's detail is capped in the kernel: two would exceed the cap).
      tickCloses: (since, intervals) => intervals > 0 || since >= opts.intervalMs * 0.98,
      probes: program ? () => services.probeInputs({ program, bpftrace: decision.bpftrace?.path }) : undefined,
      stopTracers: () => services.stopTracers(),
      close: async () => {
        await poller.close();
        namer.close();
      },
    },
    // The same wiring as a replay of this session's recording (the description is its header).
    toSnapshots(pipelineOptions({ description, mode: decision.mode, services: opts.services })),
  );

  return { info, describe: () => description, ...loop };
}

// Turns the raw input sequence into Snapshots synchronously and deterministically, so a replay equals the live run.
import type { Diagnoser } from '../model/finding.js';
import type { HostSample, NetnsRef } from '../model/host-sample.js';
import type { ProbeBatch } from '../model/probe-batch.js';
import type { HostInput, RawInput } from '../model/inputs.js';
import { mergeBatches } from './merge-batches.js';
import { SNAPSHOT_SCHEMA_VERSION, type Mode, type Snapshot } from '../model/snapshot.js';
import { counterDeltas } from '../kernel/host/counter-deltas.js';
import { diffSysctls } from '../kernel/sysctl/diff.js';

/** Decodes raw bpftrace lines into per-interval batches (src/kernel/probes BatchDecoder). */
export interface LineDecoder {
  push(line: string): ProbeBatch | undefined;
}

export interface AssemblerOptions {
  intervalMs: number;
  netns: NetnsRef;
  mode: Mode;
  modeReason?: string | undefined;
  decoder: LineDecoder | undefined;
  diagnoser: Diagnoser | undefined;
  /** Keep probe rows of this netns only; undefined keeps all (probes filtered in the kernel already). */
  netnsFilter?: number | undefined;
}

export class SnapshotAssembler {
  private pending: ProbeBatch[] = [];
  private gaps: Snapshot['gaps'] = [];
  private prev: HostSample | undefined;
  private prevT = Number.NaN;
  private seq = 0;
  /** Inputs consumed, for throughput measurement. */
  inputs = 0;

  constructor(private readonly opts: AssemblerOptions) {}

  /** Feeds one raw input; returns a Snapshot when the input closes an interval (a host sample after the first). */
  push(input: RawInput): Snapshot | undefined {
    this.inputs++;
    switch (input.kind) {
      case 'probe': {
        const batch = this.opts.decoder?.push(input.line);
        if (batch) this.pending.push(batch);
        return undefined;
      }
      case 'gap':
        this.gaps.push({ reason: input.reason, durationMs: input.durationMs });
        return undefined;
      case 'host':
        return this.close(input);
    }
  }

  private close(input: HostInput): Snapshot | undefined {
    const { t, sample } = input;
    const prev = this.prev;
    const prevT = this.prevT;
    this.prev = sample;
    this.prevT = t;
    if (!prev) {
      // The first poll is the baseline for deltas; probe batches seen so far belong to the first interval.
      return undefined;
    }
    const { transitions, events } = mergeBatches(this.pending, this.opts.netnsFilter);
    this.pending = [];
    const gaps = this.gaps;
    this.gaps = [];
    const snapshot: Snapshot = {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      time: t,
      seq: this.seq++,
      intervalMs: this.opts.intervalMs,
      netns: sample.netns.inode ? sample.netns : this.opts.netns,
      mode: this.opts.mode,
      modeReason: this.opts.modeReason,
      transitions,
      events,
      // Deltas known by the producer (replay) for exactly this interval save comparing ~400 counters.
      counters:
        input.counterDeltas?.since === prevT
          ? input.counterDeltas.deltas
          : counterDeltas(prev.counters, sample.counters, { nonZero: true }),
      census: {
        states: sample.census,
        listeners: sample.listeners.map((l) => ({ ...l, atCapacity: l.capacity > 0 && l.queue >= l.capacity })),
        owners: sample.owners,
        sockstat: sample.sockstat,
      },
      sysctls: sample.sysctls,
      sysctlChanges: diffSysctls(prev.sysctls, sample.sysctls, t),
      findings: [],
      gaps,
      notes: sample.notes,
    };
    if (this.opts.diagnoser) snapshot.findings = this.opts.diagnoser.evaluate(snapshot);
    return snapshot;
  }
}

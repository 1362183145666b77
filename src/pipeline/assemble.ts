// Turns the raw input sequence into Snapshots synchronously and deterministically, so a replay equals the live run.
import type { Finding } from '../diagnose/finding.js';
import type { HostSample, NetnsRef } from '../kernel/host/sample.js';
import type { ProbeBatch } from '../kernel/probes/batch.js';
import type { RawInput } from './inputs.js';
import { mergeBatches } from './merge-batches.js';
import { SNAPSHOT_SCHEMA_VERSION, type Mode, type Snapshot, type SysctlChange } from './snapshot.js';

/** Decodes raw bpftrace lines into per-interval batches (src/kernel/probes BatchDecoder). */
export interface LineDecoder { push(line: string): ProbeBatch | undefined }
/** Stateful rule engine (src/diagnose createDiagnoser). */
export interface Diagnoser { evaluate(snapshot: Snapshot): Finding[] }

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

/**
 * Per-interval deltas of ~400 absolute counters, only the non-zero ones. A counter that went down (netns re-created,
 * 32-bit wrap) is read as restarted from 0. `for...in` keeps this allocation-free: it runs once per interval in live
 * mode and tens of thousands of times per second in a replay.
 */
function counterDeltas(prev: Record<string, number>, cur: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in cur) {
    const p = prev[k];
    if (p === undefined) continue;
    const v = cur[k]!;
    const d = v >= p ? v - p : v;
    if (d !== 0) out[k] = d;
  }
  return out;
}

function sysctlChanges(prev: Record<string, string>, cur: Record<string, string>, t: number): SysctlChange[] {
  const out: SysctlChange[] = [];
  const names = new Set([...Object.keys(prev), ...Object.keys(cur)]);
  for (const name of [...names].sort()) {
    if (prev[name] !== cur[name]) out.push({ name, old: prev[name], new: cur[name], t });
  }
  return out;
}

export class SnapshotAssembler {
  private pending: ProbeBatch[] = [];
  private gaps: Snapshot['gaps'] = [];
  private prev: HostSample | undefined;
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
        return this.close(input.t, input.sample);
    }
  }

  private close(t: number, sample: HostSample): Snapshot | undefined {
    const prev = this.prev;
    this.prev = sample;
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
      counters: counterDeltas(prev.counters, sample.counters),
      census: {
        states: sample.census,
        listeners: sample.listeners.map((l) => ({ ...l, atCapacity: l.capacity > 0 && l.queue >= l.capacity })),
        owners: sample.owners,
        sockstat: sample.sockstat,
      },
      sysctls: sample.sysctls,
      sysctlChanges: sysctlChanges(prev.sysctls, sample.sysctls, t),
      findings: [],
      gaps,
      notes: sample.notes,
    };
    if (this.opts.diagnoser) snapshot.findings = this.opts.diagnoser.evaluate(snapshot);
    return snapshot;
  }
}

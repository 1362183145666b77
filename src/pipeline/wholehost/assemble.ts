// Builds one HostSnapshot per whole-host poll: probe lines are decoded once and split per netns, each netns gets its
// own unchanged single-netns assembler and diagnoser, then sections are ranked by trouble and summed into host totals.
// Synchronous and deterministic (time comes from the inputs), so a replay equals the live run.
import type { Diagnoser } from '../../model/finding.js';
import type { Finding, Severity } from '../../model/finding.js';
import type { HostSample, NetnsRef } from '../../model/host-sample.js';
import type { ProbeBatch } from '../../model/probe-batch.js';
import { SnapshotAssembler, type LineDecoder } from '../assemble.js';
import type { HostSetInput, RawInput } from '../../model/inputs.js';
import type { Mode } from '../../model/snapshot.js';
import { HOST_SNAPSHOT_SCHEMA_VERSION, type HostSnapshot, type NetnsSection } from '../../model/host-snapshot.js';
import { addRates, fullestListener, rankSections, ratesOf, worstSeverity, zeroRates } from './rank.js';
import { splitBatch } from './split.js';
import { ownerSelector } from '../../kernel/runtimes/label.js';
import { PeerListenerTable } from './peer-listeners.js';
import type { PeerListener } from '../../model/peer-listener.js';

export type { HostSetInput };

export interface WholeHostOptions {
  intervalMs: number;
  mode: Mode;
  modeReason?: string | undefined;
  /** Present when probe lines are expected (eBPF live, or a replay of an eBPF recording). */
  decoder: LineDecoder | undefined;
  /**
   * One diagnoser per netns; `reference` returns the host netns's sysctls (for sysctl-drift), `peers` the listeners
   * of every netns with their recent queue drops (for cross-netns connect attribution).
   */
  diagnoserFor?: (
    netns: NetnsRef,
    reference: () => Record<string, string> | undefined,
    peers: () => readonly PeerListener[],
  ) => Diagnoser;
  /** Called with netns inodes seen in probe output (live: the sampler then samples them). */
  onProbeNetns?: (inodes: number[]) => void;
}

interface NetnsState {
  asm: SnapshotAssembler;
  netns: NetnsRef;
}

/**
 * `[docker:web1]`, `[pod:shop/cart-7d9f]`, `[blue]` or `[netns 4026532281]`: prefixed to finding titles so every
 * finding says which netns, by what ran in it at that interval (a renamed container's next findings say the new name).
 */
export const netnsTag = (n: NetnsRef): string =>
  n.owner ? `[${ownerSelector(n.owner)}]` : n.name ? `[${n.name}]` : `[netns ${n.inode}]`;

function tagged(d: Diagnoser): Diagnoser {
  return {
    evaluate: (s) => {
      const tag = `${netnsTag(s.netns)} `;
      return d.evaluate(s).map((f: Finding) => ({ ...f, title: tag + f.title }));
    },
  };
}

export class WholeHostAssembler {
  private readonly netns = new Map<number, NetnsState>();
  private readonly pending = new Map<number, ProbeBatch[]>();
  private gaps: HostSnapshot['gaps'] = [];
  private lost = 0;
  private suppressed = 0;
  private hostSysctls: Record<string, string> | undefined;
  private readonly peers = new PeerListenerTable();
  private baseline = false;
  private seq = 0;
  inputs = 0;

  constructor(private readonly opts: WholeHostOptions) {}

  push(input: RawInput): HostSnapshot | undefined {
    this.inputs++;
    switch (input.kind) {
      case 'probe': {
        const batch = this.opts.decoder?.push(input.line);
        if (!batch) return undefined;
        this.lost += batch.lost;
        this.suppressed += batch.suppressed;
        const parts = splitBatch(batch);
        for (const [inode, b] of parts) {
          const st = this.netns.get(inode);
          if (st) st.asm.pushBatch(b);
          else this.pending.set(inode, [...(this.pending.get(inode) ?? []), b]);
        }
        if (parts.size > 0) this.opts.onProbeNetns?.([...parts.keys()]);
        return undefined;
      }
      case 'gap':
        this.gaps.push({ reason: input.reason, durationMs: input.durationMs });
        for (const st of this.netns.values()) st.asm.push(input);
        return undefined;
      case 'host':
        return undefined; // a single-netns input: not part of a whole-host stream
      case 'hosts':
        return this.close(input);
    }
  }

  private stateFor(sample: HostSample, isHost: boolean): { st: NetnsState; fresh: boolean } {
    const inode = sample.netns.inode;
    const existing = this.netns.get(inode);
    if (existing) {
      existing.netns = sample.netns; // as it is now (owner renamed, pid changed): a `gone` row shows the last one
      return { st: existing, fresh: false };
    }
    const ref: NetnsRef = sample.netns;
    const d = this.opts.diagnoserFor?.(
      ref,
      () => (isHost ? undefined : this.hostSysctls),
      () => this.peers.get(),
    );
    const asm = new SnapshotAssembler({
      intervalMs: this.opts.intervalMs,
      netns: ref,
      mode: this.opts.mode,
      modeReason: this.opts.modeReason,
      decoder: undefined,
      diagnoser: d ? tagged(d) : undefined,
      netnsFilter: inode,
    });
    const st: NetnsState = { asm, netns: ref };
    this.netns.set(inode, st);
    return { st, fresh: true };
  }

  private close(input: HostSetInput): HostSnapshot | undefined {
    const { t, set } = input;
    const probes = this.opts.decoder !== undefined;
    const hostSample = set.samples.find((s) => s.netns.isHost === true);
    const hostInode = hostSample?.netns.inode;
    if (hostSample) this.hostSysctls = hostSample.sysctls;
    this.peers.update(set);
    const sections: NetnsSection[] = [];
    const present = new Set<number>();
    for (const sample of set.samples) {
      const inode = sample.netns.inode;
      present.add(inode);
      const { st, fresh } = this.stateFor(sample, inode === hostInode);
      for (const b of this.pending.get(inode) ?? []) st.asm.pushBatch(b);
      this.pending.delete(inode);
      const snap = st.asm.push({ kind: 'host', t, sample });
      sections.push({
        netns: sample.netns,
        status: fresh || !snap ? 'new' : 'ok',
        rank: 0,
        worst: worstSeverity(snap),
        rates: snap ? ratesOf(snap, probes) : zeroRates(),
        fullestListener: snap ? fullestListener(snap) : undefined,
        snapshot: snap,
        notes: snap ? [] : [...sample.notes],
      });
    }
    for (const u of set.unreadable) {
      present.add(u.netns.inode);
      sections.push({
        netns: u.netns,
        status: 'unreadable',
        rank: 0,
        worst: undefined,
        rates: zeroRates(),
        fullestListener: undefined,
        snapshot: undefined,
        notes: [u.note],
      });
    }
    for (const [inode, st] of this.netns) {
      if (present.has(inode)) continue;
      this.netns.delete(inode);
      sections.push({
        netns: st.netns,
        status: 'gone',
        rank: 0,
        worst: undefined,
        rates: zeroRates(),
        fullestListener: undefined,
        snapshot: undefined,
        notes: ['netns vanished'],
      });
    }
    this.pending.clear(); // rows of namespaces never sampled (gone, unreadable) are not kept across intervals
    const gaps = this.gaps;
    this.gaps = [];
    const events = { lost: this.lost, suppressed: this.suppressed };
    this.lost = 0;
    this.suppressed = 0;
    if (!this.baseline) {
      // The first poll is the baseline of every netns: no snapshot yet (as in single-netns mode).
      this.baseline = true;
      return undefined;
    }
    return {
      schemaVersion: HOST_SNAPSHOT_SCHEMA_VERSION,
      kind: 'host',
      time: t,
      seq: this.seq++,
      intervalMs: this.opts.intervalMs,
      mode: this.opts.mode,
      modeReason: this.opts.modeReason,
      totals: totalsOf(sections, set.idle),
      namespaces: rankSections(sections),
      events,
      gaps,
      notes: [...set.notes],
      pollMs: set.pollMs,
    };
  }
}

function totalsOf(sections: NetnsSection[], idle: number): HostSnapshot['totals'] {
  const states: Record<string, number> = {};
  const rates = zeroRates();
  const findings: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  let troubled = 0;
  let namespaces = 0;
  for (const s of sections) {
    if (s.status === 'gone') continue;
    namespaces++;
    const snap = s.snapshot;
    if (!snap) continue;
    for (const [k, v] of Object.entries(snap.census.states)) states[k] = (states[k] ?? 0) + v;
    addRates(rates, s.rates);
    for (const f of snap.findings) findings[f.severity]++;
    if (snap.findings.length > 0) troubled++;
  }
  return { namespaces, troubled, idle, states, rates, findings };
}

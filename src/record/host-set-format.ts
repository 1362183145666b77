// Whole-host recording lines (`k: "H"`, format version 2): one line per interval for every netns, small for quiet ones.
// Per netns only what changed since its previous line is written: the sample without counters and sysctls (`s`) when
// it differs, the changed counters (`c`) and vanished ones (`cx`), the sysctls (`y`) when they changed. A netns whose
// nothing changed costs its inode in `ns`. A netns missing from `ns` is not sampled this interval (gone / idle).
import type { HostSample } from '../model/host-sample.js';
import type { HostSetInput } from '../model/inputs.js';
import type { UnreadableNetns } from '../model/host-set-sample.js';

type Rest = Omit<HostSample, 'sysctls' | 'counters' | 'pollMs'>;
interface NetnsDelta {
  i: number;
  s?: Rest;
  c?: Record<string, number>;
  cx?: string[];
  y?: Record<string, string>;
}
export interface HostSetLine {
  k: 'H';
  t: number;
  /** Inodes sampled this interval, in order. */
  ns: number[];
  /** Changes, only for namespaces with any. */
  d: NetnsDelta[];
  u?: UnreadableNetns[];
  /** idle count, poll wall time (ms), notes. */
  i: number;
  m: number;
  n?: string[];
}

interface EncState {
  rest: string;
  counters: Record<string, number>;
  sysctls: string;
}

export class HostSetEncoder {
  private readonly state = new Map<number, EncState>();

  encode(input: HostSetInput): HostSetLine {
    const d: NetnsDelta[] = [];
    const present = new Set<number>();
    for (const sample of input.set.samples) {
      const { counters, sysctls, pollMs: _p, ...rest } = sample;
      const inode = sample.netns.inode;
      present.add(inode);
      const prev = this.state.get(inode);
      const restText = JSON.stringify(rest);
      const sysText = JSON.stringify(sysctls);
      const delta: NetnsDelta = { i: inode };
      if (prev?.rest !== restText) delta.s = rest;
      const c: Record<string, number> = {};
      let changed = false;
      const before = prev?.counters ?? {};
      for (const k in counters) {
        if (before[k] !== counters[k]) {
          c[k] = counters[k]!;
          changed = true;
        }
      }
      if (changed) delta.c = c;
      const cx = Object.keys(before).filter((k) => !(k in counters));
      if (cx.length > 0) delta.cx = cx;
      if (prev?.sysctls !== sysText) delta.y = sysctls;
      this.state.set(inode, { rest: restText, counters, sysctls: sysText });
      if (Object.keys(delta).length > 1) d.push(delta);
    }
    for (const inode of this.state.keys()) if (!present.has(inode)) this.state.delete(inode);
    const set = input.set;
    return {
      k: 'H',
      t: input.t,
      ns: set.samples.map((s) => s.netns.inode),
      d,
      i: set.idle,
      m: set.pollMs,
      ...(set.unreadable.length > 0 ? { u: set.unreadable } : {}),
      ...(set.notes.length > 0 ? { n: set.notes } : {}),
    };
  }
}

interface DecState {
  rest: Rest;
  counters: Record<string, number>;
  sysctls: Record<string, string>;
}
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class HostSetDecoder {
  private readonly state = new Map<number, DecState>();

  /** The HostSetInput of one `H` line, or the reason it is corrupt. */
  decode(v: Record<string, unknown>, t: number): HostSetInput | string {
    if (!Array.isArray(v.ns) || !Array.isArray(v.d)) return 'whole-host line without "ns" or "d"';
    const deltas = new Map<number, NetnsDelta>();
    for (const x of v.d as unknown[])
      if (isRecord(x) && typeof x.i === 'number') deltas.set(x.i, x as unknown as NetnsDelta);
    const samples: HostSample[] = [];
    const present = new Set<number>();
    for (const inode of v.ns as unknown[]) {
      if (typeof inode !== 'number') return 'whole-host line with a bad inode in "ns"';
      present.add(inode);
      const dl = deltas.get(inode);
      const prev = this.state.get(inode);
      if (!prev && !dl?.s) return `whole-host line: netns ${inode} without a baseline sample`;
      const counters = { ...(prev?.counters ?? {}) };
      for (const k of dl?.cx ?? []) delete counters[k];
      for (const [k, n] of Object.entries(dl?.c ?? {})) if (typeof n === 'number') counters[k] = n;
      const st: DecState = { rest: dl?.s ?? prev!.rest, counters, sysctls: dl?.y ?? prev?.sysctls ?? {} };
      this.state.set(inode, st);
      samples.push({ ...st.rest, counters: st.counters, sysctls: st.sysctls, pollMs: 0 });
    }
    for (const inode of this.state.keys()) if (!present.has(inode)) this.state.delete(inode);
    return {
      kind: 'hosts',
      t,
      set: {
        samples,
        unreadable: Array.isArray(v.u) ? (v.u as UnreadableNetns[]) : [],
        idle: typeof v.i === 'number' ? v.i : 0,
        pollMs: typeof v.m === 'number' ? v.m : 0,
        notes: Array.isArray(v.n) ? (v.n as string[]) : [],
      },
    };
  }
}

// Turns the bpftrace lines of one interval into a ProbeBatch at each tick marker; deterministic, so replay equals live.
import { parseLine, plainPrintfBody, type MapValue } from '../bpftrace/parse.js';
import {
  emptyBatch,
  type NetnsCount,
  type ProbeBatch,
  type ProbeDetail,
  type ReasonCount,
  type ResetReceivedCount,
  type StateCount,
  type SynackRetransCount,
  type TransitionCount,
} from '../../model/probe-batch.js';
import { CUMULATIVE_FLAG, TICK_MARKER } from './program.js';
import { decodeLatency } from './latency-decode.js';
import { mergeReasons, withNoSocketResets } from './reason-rows.js';
import {
  TICK_PREFIX,
  DETAIL_PREFIX,
  GAUGES,
  NOT_DROPS,
  detailKind,
  state,
  reasonName,
  type DecoderStats,
  type Pending,
  type ReasonTables,
  fresh,
  num,
  int,
  intIn,
  DETAIL_FIELDS,
  byKey,
  pad,
} from './decode-fields.js';

export { isAttachedLine, isTickLine, type DecoderStats, type ReasonTables } from './decode-fields.js';

export class BatchDecoder {
  readonly stats: DecoderStats = { lines: 0, badLines: 0, batches: 0, lost: 0 };
  private pending: Pending = fresh();
  /** Last cumulative value per count map and key (programs that never clear their count maps). */
  private totals = new Map<string, Map<string, number>>();
  /** Whether `totals` starts at bpftrace's attach (so the first totals are this interval's counts). */
  private fromAttach = false;
  /** Whether at least one cumulative tick has set `totals` since the last (re)start. */
  private haveTotals = false;

  constructor(private readonly tables: ReasonTables) {}

  /** Feeds one raw stdout line; returns the interval's batch when the line is the tick marker. */
  push(line: string): ProbeBatch | undefined {
    this.stats.lines++;
    // Ticks and detail lines, most of the stream, skip the general parser.
    const body = plainPrintfBody(line);
    if (body !== undefined) return this.printfBody(body);
    const ev = parseLine(line);
    switch (ev.type) {
      case 'bad':
        this.stats.badLines++;
        return undefined;
      case 'map':
        this.addMap(ev.name, ev.value);
        return undefined;
      case 'lost_events':
        this.pending.lost += ev.lost;
        this.stats.lost += ev.lost;
        return undefined;
      case 'printf':
        return this.printf(ev.text);
      case 'attached_probes':
        // bpftrace (re)started: its maps start at zero.
        this.totals.clear();
        this.fromAttach = true;
        this.haveTotals = false;
        this.pending = fresh();
        return undefined;
      default:
        return undefined;
    }
  }

  /** Forgets the partial interval (e.g. when a recording is cut). */
  reset(): void {
    this.pending = fresh();
  }

  private addMap(name: string, value: MapValue): void {
    if (typeof value !== 'object') {
      this.pending.scalars.set(name, (this.pending.scalars.get(name) ?? 0) + num(value));
      return;
    }
    let m = this.pending.maps.get(name);
    if (!m) this.pending.maps.set(name, (m = new Map()));
    // The queue gauges (@sab/@sam/@saq) are last values, everything else a count: a repeated print adds counts only.
    const gauge = GAUGES.has(name);
    for (const [k, v] of Object.entries(value)) {
      const n = num(v);
      if (!Number.isFinite(n)) continue;
      m.set(k, gauge ? n : (m.get(k) ?? 0) + n);
    }
  }

  private printf(text: string): ProbeBatch | undefined {
    return this.printfBody(text.endsWith('\n') ? text.slice(0, -1) : text);
  }

  private printfBody(body: string): ProbeBatch | undefined {
    if (body.startsWith(TICK_PREFIX)) {
      const [t, flag, extra] = body
        .slice(TICK_MARKER.length + 1)
        .trim()
        .split(' ');
      const ns = int(t);
      if (ns === undefined || (flag !== undefined && flag !== CUMULATIVE_FLAG) || extra !== undefined) {
        this.stats.badLines++;
        return undefined;
      }
      if (flag === CUMULATIVE_FLAG) this.toDeltas();
      return this.flush(ns);
    }
    if (body.startsWith(DETAIL_PREFIX)) {
      const d = this.detail(body);
      if (d) this.pending.details.push(d);
      else this.stats.badLines++;
    }
    return undefined;
  }

  /**
   * Cumulative count maps -> this interval's counts. Without an attach line first (a rotated recording part, a cut
   * stream) the first totals are only a baseline: that interval shows no probe counts, never the whole history.
   */
  private toDeltas(): void {
    const baselineOnly = !this.fromAttach && !this.haveTotals;
    for (const [name, m] of this.pending.maps) {
      if (GAUGES.has(name)) continue;
      let prev = this.totals.get(name);
      if (!prev) this.totals.set(name, (prev = new Map()));
      for (const [k, total] of [...m]) {
        const before = prev.get(k) ?? 0;
        prev.set(k, total);
        // A smaller total means the map restarted from zero: all of it is new.
        const d = baselineOnly ? 0 : total >= before ? total - before : total;
        if (d > 0) m.set(k, d);
        else m.delete(k);
      }
    }
    this.haveTotals = true;
  }

  /** Space positions of the detail line being decoded (reused: no array per line). */
  private readonly spaces = new Int32Array(DETAIL_FIELDS);

  /** `@@d <kind> <netns> <saddr> <sport> <daddr> <dport> <state> <reason> <pid> <comm...>` (comm may hold spaces). */
  private detail(body: string): ProbeDetail | undefined {
    const sp = this.spaces;
    let from = 0;
    for (let i = 0; i < DETAIL_FIELDS; i++) {
      const at = body.indexOf(' ', from);
      if (at < 0) return undefined;
      sp[i] = at;
      from = at + 1;
    }
    const k = detailKind(body, sp[0]! + 1, sp[1]!);
    if (k === undefined) return undefined;
    const netns = intIn(body, sp[1]! + 1, sp[2]!);
    const sport = intIn(body, sp[3]! + 1, sp[4]!);
    const dport = intIn(body, sp[5]! + 1, sp[6]!);
    const stn = intIn(body, sp[6]! + 1, sp[7]!);
    const rn = intIn(body, sp[7]! + 1, sp[8]!);
    const pid = intIn(body, sp[8]! + 1, sp[9]!);
    if (
      netns === undefined ||
      sport === undefined ||
      dport === undefined ||
      stn === undefined ||
      rn === undefined ||
      pid === undefined
    )
      return undefined;
    const table =
      k === 'reset-sent' ? this.tables.resetReasons : k === 'listen-drop' ? this.tables.dropReasons : undefined;
    return {
      kind: k,
      netns,
      saddr: body.slice(sp[2]! + 1, sp[3]),
      sport,
      daddr: body.slice(sp[4]! + 1, sp[5]),
      dport,
      state: state(stn),
      reason: rn < 0 ? '' : reasonName(table, rn),
      pid,
      comm: body.slice(sp[9]! + 1),
    };
  }

  /** Rows of one map: [numeric key parts..., count]; keys that do not parse are counted as bad. */
  private rows(name: string, arity: number, numericParts: number[]): [string[], number][] {
    const m = this.pending.maps.get(name);
    if (!m) return [];
    const out: [string[], number][] = [];
    for (const [k, v] of m) {
      const parts = k.split(',');
      if (parts.length !== arity || numericParts.some((i) => int(parts[i]) === undefined)) {
        this.stats.badLines++;
        continue;
      }
      out.push([parts, v]);
    }
    return out;
  }

  private flush(kernelNs: number): ProbeBatch {
    const b = emptyBatch(kernelNs);
    const n = (s: string): number => Number(s);

    b.transitions = this.rows('@k', 3, [0, 1, 2])
      .map(([[ns, o, w], c]): TransitionCount => ({ netns: n(ns!), from: state(n(o!)), to: state(n(w!)), count: c }))
      .sort(byKey((r) => `${pad(r.netns)} ${r.from} ${r.to}`));

    const gauge = (name: string, key: string, dflt: number): number => this.pending.maps.get(name)?.get(key) ?? dflt;
    b.synackRetrans = this.rows('@sa', 3, [0, 2])
      .map(([[ns, laddr, lport], c]): SynackRetransCount => {
        const key = `${ns},${laddr},${lport}`;
        return {
          netns: n(ns!),
          laddr: laddr!,
          lport: n(lport!),
          count: c,
          acceptQueue: gauge('@sab', key, 0),
          acceptCapacity: gauge('@sam', key, 0),
          synQueue: gauge('@saq', key, -1),
        };
      })
      .sort(byKey((r) => `${pad(r.netns)} ${r.laddr} ${pad(r.lport)}`));

    b.synRetrans = this.rows('@synrt', 1, [0])
      .map(([[ns], c]): NetnsCount => ({ netns: n(ns!), count: c }))
      .sort(byKey((r) => pad(r.netns)));

    b.retrans = this.rows('@rt', 2, [0, 1])
      .map(([[ns, st], c]): StateCount => ({ netns: n(ns!), state: state(n(st!)), count: c }))
      .sort(byKey((r) => `${pad(r.netns)} ${r.state}`));

    b.resetsSent = mergeReasons([
      ...this.rows('@rs', 2, [0, 1]).map(([[ns, r], c]): ReasonCount => ({
        netns: n(ns!),
        reason: reasonName(this.tables.resetReasons, n(r!)),
        count: c,
      })),
      ...this.rows('@rsn', 1, [0]).map(([[ns], c]): ReasonCount => ({ netns: n(ns!), reason: 'UNKNOWN', count: c })),
    ]);

    b.resetsReceived = this.rows('@rr', 3, [0, 1, 2])
      .map(([[ns, st, port], c]): ResetReceivedCount => ({
        netns: n(ns!),
        state: state(n(st!)),
        port: n(port!),
        count: c,
      }))
      .sort(byKey((r) => `${pad(r.netns)} ${r.state} ${pad(r.port)}`));

    b.drops = mergeReasons(
      [
        ...this.rows('@dr', 2, [0, 1]).map(([[ns, r], c]): ReasonCount => ({
          netns: n(ns!),
          reason: reasonName(this.tables.dropReasons, n(r!)),
          count: c,
        })),
        ...this.rows('@drn', 1, [0]).map(([[ns], c]): ReasonCount => ({ netns: n(ns!), reason: 'UNKNOWN', count: c })),
      ].filter((r) => !NOT_DROPS.has(r.reason)),
    );

    if (this.tables.dropReasons && !this.tables.resetReasons) b.resetsSent = withNoSocketResets(b.resetsSent, b.drops);

    const bad = { n: 0 };
    const latency = decodeLatency(this.pending.maps, bad);
    this.stats.badLines += bad.n;
    if (latency) b.latency = latency;

    b.details = this.pending.details;
    b.suppressed = this.pending.scalars.get('@suppressed') ?? 0;
    b.lost = this.pending.lost;
    this.pending = fresh();
    this.stats.batches++;
    return b;
  }
}

// What a live session loads and declares, the same for one netns and the whole host: its probe program (netns filter,
// port, detail cap, connect latency only on --latency), the reason tables and the tracepoints found.
import { TRACEPOINTS, type Capabilities } from '../kernel/capabilities.js';
import { buildProgram, reasonTables, type ProbeProgram, type ReasonTables } from '../kernel/probes/index.js';
import type { SessionDescription } from '../model/session.js';

export interface LiveProbeOptions {
  port?: number | undefined;
  intervalMs: number;
  detailCap?: number | undefined;
  /** --latency: load the connect-latency probe (≈ 180 ns per state change, so off by default). */
  latency?: boolean | undefined;
}

export interface LiveProbes {
  /** Undefined in procfs mode (no capabilities). */
  program: ProbeProgram | undefined;
  tables: ReasonTables;
  tracepoints: SessionDescription['tracepoints'];
}

/** The probes for `caps` (undefined: procfs mode) filtered to `netnsInode` (0: every namespace). */
export function liveProbes(caps: Capabilities | undefined, netnsInode: number, o: LiveProbeOptions): LiveProbes {
  if (!caps) return { program: undefined, tables: {}, tracepoints: [] };
  return {
    program: buildProgram(caps, {
      netnsInode,
      port: o.port ?? 0,
      intervalMs: o.intervalMs,
      detailCap: o.detailCap ?? 20,
      ...(o.latency === true ? {} : { exclude: ['connlat'] }),
    }),
    tables: reasonTables(caps),
    tracepoints: TRACEPOINTS.map((tp) => ({
      id: tp.id,
      present: caps.tracepoints[tp.id].present,
      fields: caps.tracepoints[tp.id].fields,
    })),
  };
}

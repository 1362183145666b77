// The one Snapshot builder of the unit-test fixtures (diagnose, alert/export, ui): an idle eBPF interval in the host
// netns, with the pipeline's own empty events, so a new Snapshot field is added here once; each fixture overrides.
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../../src/model/snapshot.js';
import { emptyEvents } from '../../src/pipeline/merge-batches.js';

/** The initial (host) network namespace's inode on this machine. */
export const HOST_NETNS = 4026531840;

export interface SnapshotOver extends Partial<Omit<Snapshot, 'events' | 'census'>> {
  /** Merged over the empty events. */
  events?: Partial<Snapshot['events']> | undefined;
  /** Merged over the empty census. */
  census?: Partial<Snapshot['census']> | undefined;
}

/** `o` without its undefined-valued keys: an undefined override keeps the idle value. */
const defined = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/** An idle interval (no events, counters, census, sysctls or findings) with `over`'s fields in place of the idle ones. */
export function idleSnapshot(over: SnapshotOver = {}): Snapshot {
  const { events, census, ...rest } = over;
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    time: 0,
    seq: 0,
    intervalMs: 1000,
    netns: { inode: HOST_NETNS, name: undefined },
    mode: 'ebpf',
    modeReason: undefined,
    transitions: {},
    events: { ...emptyEvents(), ...defined(events) },
    counters: {},
    census: { states: {}, listeners: [], owners: [], sockstat: {}, ...defined(census) },
    sysctls: {},
    sysctlChanges: [],
    findings: [],
    gaps: [],
    notes: [],
    ...defined(rest),
  };
}

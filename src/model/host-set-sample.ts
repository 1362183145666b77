// One whole-host poll: the HostSample of every network namespace with TCP activity, plus the ones that could not be
// read. The typed contract between src/kernel/wholehost and the whole-host pipeline (and what a recording stores).
import type { HostSample, NetnsRef } from './host-sample.js';

/** A netns as the whole-host view knows it; `owner` (NetnsRef) is filled by the container/pod name resolver. */
export type NetnsIdentity = NetnsRef;

/** A netns known to exist (or seen in probe output) whose state could not be read this poll. */
export interface UnreadableNetns {
  netns: NetnsIdentity;
  note: string;
}

export interface HostSetSample {
  /** One sample per readable netns with TCP sockets or events; `sample.netns` identifies it. */
  samples: HostSample[];
  unreadable: UnreadableNetns[];
  /** Namespaces found with no TCP socket and no event (not sampled beyond sockstat). */
  idle: number;
  /** Wall time of the whole poll (ms). */
  pollMs: number;
  /** Problems of the poll as a whole (discovery). */
  notes: string[];
}

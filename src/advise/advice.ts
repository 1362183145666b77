// What a plan is made of: one Advice per setting (keep or change, with evidence, consequence, risk and what would
// make it wrong), refusals of folklore, and the small helpers every topic uses to read the profile's sysctls.
import { computeTimelines, type Timelines } from '../diagnose/kernel-timelines.js';
import { sysctlNumber } from '../diagnose/values.js';
import type { WorkloadProfile } from './profile.js';

export type AdviceAction = 'keep' | 'change';

export interface Advice {
  /** Topic file that produced it: accept-queue, syn-queue, handshake, time-wait, orphans, keepalive. */
  topic: string;
  /** Full sysctl name, or `listen() backlog` for the application side. */
  setting: string;
  kind: 'sysctl' | 'app';
  /** The listener an app-side advice is about ("[::]:8080 pid 812 (nginx)"). */
  target?: string;
  current: string | undefined;
  action: AdviceAction;
  proposed: string | undefined;
  /** Measured numbers from the workload. */
  evidence: string[];
  /** What the value (kept or proposed) means on this kernel, computed from the live values. */
  consequence: string;
  risk: string;
  /** What, if true, would make this advice wrong. */
  wrongIf: string;
  /** 'host': one value for the whole host (cannot be set per container). */
  scope: 'netns' | 'host';
}

export interface Refusal {
  setting: string;
  folklore: string;
  why: string;
}

/** A topic turns a profile into advice for the settings it owns (src/advise/topics/, one file each). */
export type Topic = (ctx: AdviceContext) => Advice[];

export interface AdviceContext {
  profile: WorkloadProfile;
  /** Live value of a sysctl in the profile's netns. */
  value(name: string): string | undefined;
  num(name: string): number | undefined;
  /** Give-up times, capacities etc. computed for the live values. */
  timelines: Timelines;
  /** Timelines as they would be with some values replaced. */
  timelinesWith(changes: Record<string, string | number>): Timelines;
}

export function adviceContext(profile: WorkloadProfile): AdviceContext {
  const value = (name: string): string | undefined => profile.sysctls[name];
  return {
    profile,
    value,
    num: (name) => sysctlNumber(value(name)),
    timelines: computeTimelines(value),
    timelinesWith: (changes) => computeTimelines((name) => (name in changes ? String(changes[name]) : value(name))),
  };
}

/** "12.5 %" with sensible precision. */
export function pct(part: number, whole: number): string {
  if (whole <= 0) return 'n/a';
  const v = (part / whole) * 100;
  return `${v >= 10 || v === 0 ? Math.round(v) : v >= 1 ? v.toFixed(1) : v.toFixed(2)} %`;
}

/** Seconds as "7 s", "131 s", "2 h 11 min 15 s". */
export function dur(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const s = Math.round(ms / 100) / 10;
  if (s < 120) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = Math.round(s % 60);
  return [h ? `${h} h` : '', m ? `${m} min` : '', r ? `${r} s` : ''].filter(Boolean).join(' ');
}

export function keep(base: Omit<Advice, 'action' | 'proposed' | 'scope'> & { scope?: Advice['scope'] }): Advice {
  return { scope: 'netns', ...base, action: 'keep', proposed: undefined };
}

export function change(base: Omit<Advice, 'action' | 'scope'> & { proposed: string; scope?: Advice['scope'] }): Advice {
  return { scope: 'netns', ...base, action: 'change' };
}

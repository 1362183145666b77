// The sysctl report: every TCP setting of a netns with default, meaning on this kernel and warnings (library + CLI).
import { release } from 'node:os';
import { SYSCTLS, readSysctls } from '../kernel/sysctl/index.js';
import { resolveNetns } from '../kernel/netns/index.js';
import { createNetnsNamer } from '../kernel/runtimes/namer.js';
import { privileges } from '../kernel/privileges.js';
import { ExitCode, TcpscopeError } from '../errors.js';
import { computeTimelines, type Timelines } from './kernel-timelines.js';
import { meaningOnThisKernel } from './sysctl-meaning.js';
import { riskySettings, type RiskyWarning } from './risky.js';
import { sysctlCommand } from './values.js';
import type { NetnsRef } from '../model/host-sample.js';

export interface SysctlEntry {
  name: string;
  /** undefined when absent on this kernel / unreadable. */
  value: string | undefined;
  kernelDefault: string;
  unit: string;
  meaning: string;
  /** Computed from the live values, e.g. the SYN give-up time. */
  onThisKernel: string | undefined;
  /** Differs from a known (non-empty) kernel default. */
  changed: boolean;
}

export interface SysctlReport {
  kernel: string;
  netns: NetnsRef;
  sysctls: SysctlEntry[];
  timelines: Timelines;
  warnings: (RiskyWarning & { fix: string | undefined })[];
  absent: string[];
  notes: string[];
}

/** Extra names read for the timelines that are not in the catalog. */
const EXTRA = ['net.ipv4.tcp_rto_max_ms'];

/** The core of the command: read the sysctls in the netns named by `netnsSpec` and compute what they mean. */
export async function collectSysctlReport(netnsSpec: string | undefined): Promise<SysctlReport> {
  // The namer says who owns the netns, so fixes read `nsenter -t PID -n …` in a container.
  const namer = createNetnsNamer();
  let target: Awaited<ReturnType<typeof resolveNetns>>;
  let owner: NetnsRef['owner'];
  try {
    target = await resolveNetns(netnsSpec, { namer });
    owner =
      target.owner ??
      (target.pid !== undefined && !target.isSelf
        ? await namer.ownerOf([target.pid], target.name ? [target.name] : [])
        : undefined);
  } finally {
    namer.close();
  }
  // Another netns's sysctls are visible only from inside it (setns needs CAP_SYS_ADMIN): say so instead of printing
  // every value as absent (issue 13 item 5), with the same exit code as watch --netns.
  if (!target.isSelf && !(await privileges()).canEnterNetns) {
    throw new TcpscopeError(
      `reading the sysctls of netns ${netnsSpec ?? target.path} needs root: they are visible only from inside it`,
      {
        exitCode: ExitCode.permission,
        hint: `sudo tcpscope sysctl --netns ${netnsSpec ?? target.path}`,
      },
    );
  }
  const names = [...SYSCTLS.map((s) => s.name), ...EXTRA.filter((e) => !SYSCTLS.some((s) => s.name === e))];
  const read = await readSysctls(target, names);
  const get = (name: string): string | undefined => read.values[name];
  const netns: NetnsRef = { inode: target.inode, name: target.name };
  if (owner) netns.owner = owner;
  if (owner && target.pid !== undefined) netns.pid = target.pid;
  const sysctls = SYSCTLS.map((spec): SysctlEntry => {
    const value = get(spec.name);
    return {
      name: spec.name,
      value,
      kernelDefault: spec.kernelDefault,
      unit: spec.unit,
      meaning: spec.meaning,
      onThisKernel: meaningOnThisKernel(spec.name, get),
      changed: value !== undefined && spec.kernelDefault !== '' && value !== spec.kernelDefault,
    };
  });
  const warnings = riskySettings(get).map((w) => ({
    ...w,
    fix: w.suggest === undefined ? undefined : sysctlCommand(netns, w.name, w.suggest),
  }));
  return {
    kernel: release(),
    netns,
    sysctls,
    timelines: computeTimelines(get),
    warnings,
    absent: read.absent,
    notes: read.notes,
  };
}

// Checks whether eBPF mode can run on this host, one finding per prerequisite, each with the fix.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ExitCode } from '../errors.js';
import { TRACEPOINTS, detectCapabilities, hasBtf, type Capabilities } from './capabilities.js';
import { bpftraceInfo } from './bpftrace/version.js';
import { bpftraceBtfEnv } from './bpftrace/btf-env.js';
import { isHarmlessStderr } from './bpftrace/noise.js';
import { privileges } from './privileges.js';
import { ensureTracefs, findTracefs, isTracefsMounted } from './tracefs/tracefs.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix: string | undefined;
}

export interface DoctorReport {
  mode: 'ebpf' | 'procfs' | 'none';
  exitCode: number;
  kernel: string;
  checks: Check[];
  bpftrace: string | undefined;
  tracefs: string | undefined;
  tracepoints: { id: string; present: boolean; fields: string[] }[];
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail, fix: undefined });
const warn = (name: string, detail: string, fix?: string): Check => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix?: string): Check => ({ name, status: 'fail', detail, fix });

/** Runs a trivial program to prove bpftrace can load BPF here; stderr noise (RLIMIT_MEMLOCK) is not an error. */
async function canLoad(bin: string): Promise<{ ok: boolean; error: string }> {
  try {
    // 60 s: on a loaded or emulated host (scripts/kernels/run) this first compile took up to 30 s.
    const r = await execa(bin, ['-e', 'BEGIN { exit(); }'], {
      timeout: 60_000,
      reject: false,
      stdin: 'ignore',
      env: bpftraceBtfEnv(),
    });
    const errors = r.stderr.split('\n').filter((l) => !isHarmlessStderr(l));
    return { ok: r.exitCode === 0, error: errors.join(' ').trim() || `exit code ${r.exitCode ?? 'none'}` };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

export async function runDoctor(opts: { mount: boolean } = { mount: true }): Promise<DoctorReport> {
  const checks: Check[] = [];
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => 'unknown')).trim();

  // procfs is the floor: without it even the counters mode cannot run.
  let procfsOk = true;
  try {
    await readFile('/proc/net/netstat', 'utf8');
    await readFile('/proc/net/snmp', 'utf8');
    checks.push(ok('procfs counters', '/proc/net/netstat and /proc/net/snmp readable'));
  } catch (err) {
    procfsOk = false;
    checks.push(
      fail('procfs counters', `cannot read /proc/net/netstat: ${String(err)}`, 'mount /proc (procfs) and run on Linux'),
    );
  }

  const priv = await privileges();
  const privOk = priv.canTrace;
  checks.push(
    privOk
      ? ok('privileges', priv.description)
      : fail(
          'privileges',
          `${priv.description}: eBPF tracing needs root`,
          'run with sudo, or grant CAP_BPF,CAP_PERFMON,CAP_SYS_ADMIN',
        ),
  );

  const bt = await bpftraceInfo();
  checks.push(
    bt
      ? bt.major === 0 && bt.minor < 12
        ? warn('bpftrace', `${bt.path} ${bt.version} is older than 0.12: untested`, 'apt-get install bpftrace (0.17+)')
        : ok('bpftrace', `${bt.path} v${bt.version}`)
      : fail(
          'bpftrace',
          'not found in PATH',
          'apt-get install -y bpftrace   (or set TCPSCOPE_BPFTRACE=/path/to/bpftrace)',
        ),
  );

  const btf = await hasBtf();
  checks.push(
    btf
      ? ok('BTF', '/sys/kernel/btf/vmlinux present')
      : warn(
          'BTF',
          'no /sys/kernel/btf/vmlinux: listener queue depths unavailable',
          'use a kernel built with CONFIG_DEBUG_INFO_BTF=y',
        ),
  );

  let tracefs: string | undefined = await findTracefs();
  if (tracefs) {
    checks.push(ok('tracefs', `mounted at ${tracefs}`));
  } else if (opts.mount && priv.uid === 0) {
    try {
      tracefs = (await ensureTracefs({ mount: true })).path;
      checks.push(ok('tracefs', `was not mounted: mounted it at ${tracefs}`));
    } catch (err) {
      checks.push(
        fail(
          'tracefs',
          `not mounted, and mounting failed: ${String(err)}`,
          'mount -t tracefs tracefs /sys/kernel/tracing',
        ),
      );
    }
  } else if (await isTracefsMounted()) {
    // Mounted, but mode 0700: a non-root reader cannot see events/ (issue 13 item 10).
    checks.push(
      fail(
        'tracefs',
        `mounted at /sys/kernel/tracing but not readable as ${priv.description}: reading tracepoints needs root`,
        'run tcpscope doctor with sudo',
      ),
    );
  } else {
    checks.push(
      fail(
        'tracefs',
        'not mounted (bpftrace would say "tracepoint not found")',
        'as root: mount -t tracefs tracefs /sys/kernel/tracing',
      ),
    );
  }

  let caps: Capabilities | undefined;
  let tracepointsOk = false;
  if (tracefs) {
    caps = await detectCapabilities(tracefs);
    tracepointsOk = true;
    for (const tp of TRACEPOINTS) {
      const info = caps.tracepoints[tp.id];
      if (info.present) checks.push(ok(`tracepoint ${tp.id}`, `fields: ${info.fields.join(', ')}`));
      else if (tp.optional)
        checks.push(warn(`tracepoint ${tp.id}`, `${info.error ?? 'missing'}: ${tp.purpose} unavailable`));
      else {
        tracepointsOk = false;
        checks.push(
          fail(
            `tracepoint ${tp.id}`,
            `${info.error ?? 'missing'}: ${tp.purpose} unavailable`,
            'needs Linux >= 4.16 with CONFIG_TRACEPOINTS',
          ),
        );
      }
    }
    checks.push(
      caps.dropReasons
        ? ok(
            'drop reasons',
            `${caps.dropReasons.size} skb_drop_reason names from kfree_skb print fmt${[...caps.dropReasons.values()].includes('TCP_LISTEN_OVERFLOW') ? ' (TCP_LISTEN_OVERFLOW included)' : ''}`,
          )
        : warn('drop reasons', 'kfree_skb has no reason field (kernel < 5.17): drops counted without reasons'),
    );
    checks.push(
      caps.resetReasons
        ? ok('reset reasons', `${caps.resetReasons.size} sk_rst_reason names from tcp_send_reset print fmt`)
        : warn(
            'reset reasons',
            'tcp_send_reset has no reason field (kernel < 6.10): resets sent counted without reasons',
          ),
    );
  }

  let loadOk = false;
  if (bt && privOk && tracefs && tracepointsOk) {
    const r = await canLoad(bt.path);
    loadOk = r.ok;
    checks.push(
      r.ok
        ? ok('bpftrace load', 'a test program loaded and ran')
        : fail('bpftrace load', r.error, 'check dmesg; kernel lockdown or seccomp may forbid bpf()'),
    );
  }

  const ebpf = procfsOk && privOk && !!bt && !!tracefs && tracepointsOk && loadOk;
  const mode = ebpf ? 'ebpf' : procfsOk ? 'procfs' : 'none';
  return {
    mode,
    exitCode: mode === 'ebpf' ? ExitCode.ok : mode === 'procfs' ? ExitCode.procfsOnly : ExitCode.io,
    kernel,
    checks,
    bpftrace: bt?.version,
    tracefs,
    tracepoints: caps
      ? TRACEPOINTS.map((tp) => ({
          id: tp.id,
          present: caps.tracepoints[tp.id].present,
          fields: caps.tracepoints[tp.id].fields,
        }))
      : [],
  };
}

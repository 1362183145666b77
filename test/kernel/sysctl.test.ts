// `tcpscope sysctl --netns X --json` reads the netns's own sysctls and computes the SYN give-up from them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { requireLab } from '../helpers/prereq.js';
import { Command } from 'commander';
import { collectSysctlReport, registerSysctl, type SysctlReport } from '../../src/cli/commands/sysctl.js';
import { TcpscopeError } from '../../src/errors.js';

const ns = `tsd-${randomBytes(4).toString('hex')}`;

async function cliJson(args: string[]): Promise<SysctlReport> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    // Only this command: the test must not depend on other commands' modules.
    const program = new Command('tcpscope').exitOverride();
    registerSysctl(program);
    await program.parseAsync(['node', 'tcpscope', ...args]);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out) as SysctlReport;
}

describe('tcpscope sysctl (kernel)', () => {
  beforeAll(async () => {
    await requireLab();
    await execa('ip', ['netns', 'add', ns]);
    await execa('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.tcp_syn_retries=2']);
    await execa('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.core.somaxconn=64']);
  });
  afterAll(async () => {
    await execa('ip', ['netns', 'del', ns], { reject: false });
  });

  it('prints the netns value, the computed give-up time and the warning; the host differs', async () => {
    const r = await cliJson(['sysctl', '--netns', ns, '--json']);
    expect(r.netns.name).toBe(ns);
    expect(r.sysctls.find((s) => s.name === 'net.ipv4.tcp_syn_retries')?.value).toBe('2');
    expect(r.sysctls.find((s) => s.name === 'net.ipv4.tcp_syn_retries')?.changed).toBe(true);
    // 2 retries: 1 s, then the kernel's time bound tcp_model_timeout(2) = 7 s (with or without linear timeouts).
    expect(r.timelines.synGiveUpMs).toBe(7000);
    expect(r.warnings.map((w) => w.fix)).toContain(`ip netns exec ${ns} sysctl -w net.core.somaxconn=4096`);

    const host = await collectSysctlReport(undefined);
    const hostRetries = Number(host.sysctls.find((s) => s.name === 'net.ipv4.tcp_syn_retries')?.value);
    expect(hostRetries).not.toBe(2);
    expect(host.netns.inode).not.toBe(r.netns.inode);
    expect(host.timelines.synGiveUpMs).toBeGreaterThan(7000);
  });

  it('an unknown netns is a one-line error with exit code 6', async () => {
    const err = await collectSysctlReport(`${ns}-missing`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).exitCode).toBe(6);
  });
});

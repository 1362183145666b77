// The real binary: usage errors, help with examples, doctor as root, as nobody, and with tracefs unmounted.
import { COMMANDS } from '../../src/cli/commands/index.js';
import { describe, expect, it, beforeAll } from 'vitest';
import { execa } from 'execa';
import { requireKernelTracing } from '../helpers/prereq.js';

const CLI = 'dist/cli/main.js';
const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('tcpscope CLI', () => {
  it('rejects an unknown flag with one line on stderr and exit code 2', async () => {
    const r = await run(['--bogus']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tcpscope: unknown option '--bogus'/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('names an unknown command, with the closest one, instead of handing it to the default command', async () => {
    const r = await run(['replya', 'x.ndjson']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      "tcpscope: unknown command 'replya' (did you mean replay?) (tcpscope --help lists the commands)",
    );
    // a known command still gets its own help, loading only itself
    const h = await run(['replay', '--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('Usage: tcpscope replay [options] <file>');
  });

  it('rejects a bad duration with one line and exit code 2', async () => {
    const r = await run(['watch', '--duration', 'soon']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('tcpscope: invalid --duration "soon": use e.g. 500ms, 30s, 5m, 1m30s, 2h, 1d');
  });

  it('prints --version', async () => {
    const r = await run(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('shows examples in --help and in every subcommand help', async () => {
    const top = await run(['--help']);
    expect(top.stdout).toContain('Examples:');
    const commands = top.stdout.slice(top.stdout.indexOf('Commands:'), top.stdout.indexOf('Examples:'));
    const names = [...commands.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    // Every registered command is listed (and has examples), whatever their number.
    expect([...names].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const name of names) {
      const r = await run([name, '--help']);
      expect(r.stdout, `tcpscope ${name} --help`).toContain('Examples:');
    }
  });
});

describe('tcpscope doctor', () => {
  beforeAll(requireKernelTracing);

  it('exits 0 as root and lists each tracepoint with its fields', async () => {
    const r = await run(['doctor', '--json']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as {
      mode: string;
      tracepoints: { id: string; present: boolean; fields: string[] }[];
      checks: { name: string; status: string; detail: string }[];
    };
    expect(report.mode).toBe('ebpf');
    const set = report.tracepoints.find((t) => t.id === 'sock:inet_sock_set_state');
    expect(set?.fields).toEqual(expect.arrayContaining(['oldstate', 'newstate', 'protocol', 'skaddr']));
    // The harmless RLIMIT_MEMLOCK line is never reported as an error.
    expect(JSON.stringify(report.checks)).not.toContain('RLIMIT_MEMLOCK');
    const human = await run(['doctor']);
    expect(human.stdout).toMatch(/tracepoint tcp:tcp_send_reset: fields: .*reason/);
  });

  it('exits 3 with a clear line as a non-root user', async () => {
    const r = await execa(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', 'node', CLI, 'doctor'],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/✘ privileges: uid 65534 .*run with sudo/);
    expect(r.stdout).toMatch(/only procfs \(counters\) mode available/);
  });

  it('mounts tracefs when it is not mounted (in a private mount namespace), or says what to do with --no-mount', async () => {
    const inNs = (args: string) =>
      execa(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          '--',
          'bash',
          '-c',
          `umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; exec node ${CLI} ${args}`,
        ],
        { reject: false, env: { NO_COLOR: '1' } },
      );
    const noMount = await inNs('doctor --no-mount');
    expect(noMount.stdout).toMatch(/✘ tracefs: not mounted .*mount -t tracefs tracefs \/sys\/kernel\/tracing/);
    expect(noMount.exitCode).toBe(3);
    const mount = await inNs('doctor');
    expect(mount.stdout).toMatch(/✔ tracefs: was not mounted: mounted it at \/sys\/kernel\/tracing/);
    expect(mount.exitCode).toBe(0);
  });
});

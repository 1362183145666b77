// The real `tcpscope advise` binary: the bundled demo recording in every format, its exit codes for bad input, and a
// short live session (procfs, no root needed) that Ctrl-C ends early while still printing the plan.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AdviceReport } from '../../src/advise/report.js';
import { demoRecordingPath } from '../../src/record/demo.js';
import { sysctlFileEntries } from '../../scripts/lab/sysctl-file.js';

const CLI = 'dist/cli/main.js';
const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false, env: { NO_COLOR: '1' } });
const DEMO = demoRecordingPath();

describe('tcpscope advise (CLI)', () => {
  it('plans each netns of the demo recording: the overflowing listener gets a bigger backlog, tcp_max_syn_backlog is kept', async () => {
    const r = await run(['advise', DEMO, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as AdviceReport;
    expect(report.plans.length).toBe(2);
    const [overflow, leak] = report.plans;
    expect(overflow!.profile.totals.listenOverflows).toBeGreaterThan(0);
    expect(overflow!.advice.find((a) => a.kind === 'app')).toMatchObject({
      setting: 'listen() backlog',
      action: 'change',
    });
    expect(overflow!.advice.find((a) => a.setting === 'net.ipv4.tcp_max_syn_backlog')?.action).toBe('keep');
    expect(leak!.verdict).toBe('keep');
    expect(leak!.profile.peaks.closeWait).toBe(10);
  });

  it('text, markdown, sysctl.d, docker and k8s formats', async () => {
    const text = await run(['advise', DEMO]);
    expect(text.stdout).toMatch(/^verdict: change 1 setting \(1 in the application\)/m);
    expect(text.stdout).toContain('Folklore refused');
    expect((await run(['advise', DEMO, '--format', 'md'])).stdout).toContain('| setting | action |');
    const dropIn = await run(['advise', DEMO, '--format', 'sysctl.d']);
    expect(sysctlFileEntries(dropIn.stdout)).toEqual([]); // the demo's only change is app-side
    expect(dropIn.stdout).toMatch(/^# not a sysctl \(application side\): listen\(\) backlog/m);
    const docker = await run(['advise', DEMO, '--format', 'docker']);
    expect(docker.stdout).toContain('(no --sysctl needed)');
    const k8s = await run(['advise', DEMO, '--format', 'k8s']);
    for (const doc of k8s.stdout.split(/^---$/m).slice(1))
      expect(parse(doc)).toEqual({ spec: { securityContext: { sysctls: [] } } });
  });

  it('bad input: one line and a distinct exit code', async () => {
    const cases: [string[], number, RegExp][] = [
      [['advise', DEMO, '--format', 'yaml'], 2, /invalid --format "yaml"/],
      [['advise'], 2, /live advice needs --duration/],
      [['advise', DEMO, '--duration', '5s'], 2, /not both/],
      [['advise', '/etc/hostname'], 7, /not a tcpscope recording/],
      [['advise', '/nonexistent.ndjson'], 8, /cannot open recording/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await run(args);
      expect(r.exitCode, args.join(' ')).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('live: Ctrl-C ends the measurement early and still prints the plan', async () => {
    const child = execa('node', [CLI, 'advise', '--duration', '10m', '--procfs', '--interval', '500ms'], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no "measuring" line within 20 s')), 20_000);
      child.stderr!.on('data', (d: Buffer) => {
        if (String(d).includes('measuring for 10m')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verdict: /m);
    expect(r.stdout).toMatch(/measured +\d+ intervals/);
  }, 40_000);
});

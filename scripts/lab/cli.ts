// scripts/lab/run <scenario> [--duration 10s] [--rate N|max] [--json] [--keep-going] [variant flags...]
// scripts/lab/run cleanup [--all]      remove leftover tslab- netns (and processes in them); --all also live runs'
// scripts/lab/run list                 list scenarios
// Variant flags: --abort-on-overflow, --max-tw-buckets N, --syncookies 0|1|2, --max-syn-backlog N, --backlog N,
// --synack-retries N, --syn-retries N, --linear-timeouts N, --fin-timeout N, --count N, --connections N,
// --requests N, --late N, --concurrency N (kebab-case on the command line, camelCase in ScenarioOptions.variant).
import { cleanupLeftovers } from './topology.js';
import { parseDuration } from './procfs.js';
import { runScenario } from './scenarios.js';
import { SCENARIOS, type GroundTruth, type ScenarioName, type ScenarioOptions } from './types.js';

function usage(): string {
  return [
    'usage: scripts/lab/run <scenario> [--duration 10s] [--rate N|max] [--json] [variant flags]',
    '       scripts/lab/run cleanup [--all]',
    '       scripts/lab/run list',
    `scenarios: ${SCENARIOS.join(', ')}`,
  ].join('\n');
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function human(t: GroundTruth): string {
  const lines: string[] = [`scenario ${t.scenario}  traffic ${t.durationMs} ms  variant ${JSON.stringify(t.variant)}`];
  for (const side of ['server', 'client'] as const) {
    const n = t[side];
    const census = Object.entries(n.census)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`  ${side} ${n.name} (netns inode ${n.inode})`);
    if (Object.keys(n.sysctls).length)
      lines.push(
        `    sysctls  ${Object.entries(n.sysctls)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
    lines.push(`    census   ${census || '(no sockets)'}`);
    const ctr = Object.entries(n.counters)
      .filter(([k]) => k.startsWith('TcpExt') || k.startsWith('Tcp'))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`    counters ${ctr}`);
  }
  lines.push(
    `  measured ${Object.entries(t.measured)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help') {
    process.stdout.write(usage() + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === 'list') {
    process.stdout.write(SCENARIOS.join('\n') + '\n');
    return 0;
  }
  if (cmd === 'cleanup') {
    const removed = await cleanupLeftovers({ all: rest.includes('--all') });
    process.stdout.write(removed.length ? `removed: ${removed.join(' ')}\n` : 'nothing to clean up\n');
    return 0;
  }
  if (!(SCENARIOS as readonly string[]).includes(cmd)) {
    process.stderr.write(`unknown scenario ${cmd}\n${usage()}\n`);
    return 2;
  }
  const opts: ScenarioOptions = { variant: {} };
  const variant: Record<string, string | number | boolean> = {};
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${usage()}`);
    const key = a.slice(2);
    const next = rest[i + 1];
    const hasValue = next !== undefined && !next.startsWith('--');
    if (key === 'json') json = true;
    else if (key === 'duration') {
      if (!hasValue) throw new Error('--duration needs a value (e.g. 10s)');
      opts.durationMs = parseDuration(next);
      i++;
    } else if (key === 'rate') {
      if (!hasValue) throw new Error('--rate needs a value (N or max)');
      opts.rate = next === 'max' ? 'max' : Number(next);
      if (opts.rate !== 'max' && !(opts.rate > 0)) throw new Error('--rate must be > 0 or max');
      i++;
    } else if (hasValue) {
      variant[camel(key)] = /^-?\d+(\.\d+)?$/.test(next) ? Number(next) : next;
      i++;
    } else variant[camel(key)] = true;
  }
  opts.variant = variant;
  const truth = await runScenario(cmd as ScenarioName, opts);
  if (json) process.stdout.write(JSON.stringify(truth) + '\n');
  else {
    process.stderr.write(human(truth) + '\n');
    process.stdout.write(JSON.stringify(truth, null, 2) + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

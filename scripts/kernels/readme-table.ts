// Writes README.md's "Tested kernels" table (between <!-- kernels-table --> markers) from the last
// `npm run test:kernels`: its vitest JSON report (what passed) and .cache/kernels/matrix-results.json (packages, timings).
//   npx tsx scripts/kernels/readme-table.ts [--check]     --check: exit 1 if the README differs (writes nothing)
import { readFileSync, writeFileSync } from 'node:fs';
import { MATRIX, RESULTS_FILE, type MatrixResults } from '../../test/kernels/matrix.js';

const REPORT = '.cache/kernels/vitest.json';
const BEGIN = '<!-- kernels-table -->';
const END = '<!-- /kernels-table -->';

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: string;
}
interface Report {
  testResults: { assertionResults: Assertion[] }[];
}

const s = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

export function renderTable(results: MatrixResults, report: Report): string {
  const assertions = report.testResults.flatMap((f) => f.assertionResults);
  const rows = MATRIX.map((k) => {
    const run = results.kernels.find((r) => r.version === k.version);
    const mine = assertions.filter((a) => a.ancestorTitles.some((t) => t.startsWith(`${k.version} (`)));
    const passed = mine.filter((a) => a.status === 'passed').map((a) => short(a.title));
    const failed = mine.filter((a) => a.status !== 'passed').map((a) => short(a.title));
    const kernel = run?.summary?.kernel ?? '—';
    const distro =
      k.version === 'host'
        ? `this machine (${run?.package.replace(/^host \((.*)\)$/, '$1') ?? '?'})`
        : `${k.distro}, \`${run?.package ?? '?'}\``;
    const what = failed.length
      ? `${passed.length}/${mine.length} passed; **failed:** ${failed.join(', ')}`
      : `all ${mine.length} passed: ${passed.join(', ')}`;
    const time = run ? `${k.version === 'host' ? '' : `download ${s(run.fetchMs)}, `}run ${s(run.runMs)}` : '—';
    return `| ${kernel} | ${distro} | ${what} | ${time} |`;
  });
  const total = results.kernels.reduce((t, r) => t + r.fetchMs + r.runMs, 0);
  return [
    `Last run: ${results.date.slice(0, 16).replace('T', ' ')} UTC, \`npm run test:kernels\`, ${s(total)} in total (QEMU TCG, 2 vCPUs).`,
    '',
    '| kernel | distribution / package | what passed | time |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function short(title: string): string {
  return title
    .replace(/^lab scenario (.*): exact counts.*$/, '$1')
    .replace(/^boots.*$/, 'boot')
    .replace(/^doctor --json.*$/, 'doctor')
    .replace(/^probe variants.*$/, 'probe variants')
    .replace(/^the tracefs fixtures.*$/, 'format fixtures')
    .replace(/^drop and reset reason tables.*$/, 'reason tables')
    .replace(/^demo replay.*$/, 'demo replay');
}

export function replaceBetweenMarkers(readme: string, table: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  return `${readme.slice(0, a + BEGIN.length)}\n${table}\n${readme.slice(b)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as MatrixResults;
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
  const readme = readFileSync('README.md', 'utf8');
  const next = replaceBetweenMarkers(readme, renderTable(results, report));
  if (process.argv.includes('--check')) process.exit(next === readme ? 0 : 1);
  writeFileSync('README.md', next);
  process.stderr.write('README.md: Tested kernels table updated\n');
}

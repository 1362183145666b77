// Writes test/fixtures/kernels/<version>/events/<sys>/<event>/format from the format files the last
// `npm run test:kernels` read inside each kernel of the matrix (.cache/kernels/matrix-results.json); the matrix test
// then checks on every run that they still are that kernel's own.
//   npx tsx scripts/kernels/write-fixtures.ts      (or: npm run kernels:fixtures)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { MATRIX, RESULTS_FILE, type MatrixResults } from '../../test/kernels/matrix.js';

const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as MatrixResults;
for (const k of MATRIX) {
  if (!k.fixture) continue;
  const formats = results.kernels.find((r) => r.version === k.version)?.summary?.formats;
  if (!formats || Object.keys(formats).length === 0)
    throw new Error(`${RESULTS_FILE}: no format files from ${k.version}`);
  for (const [id, text] of Object.entries(formats)) {
    if (!text) continue; // this kernel has no such tracepoint
    const [sys, event] = id.split(':') as [string, string];
    const dir = `test/fixtures/kernels/${k.fixture}/events/${sys}/${event}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/format`, text);
    process.stderr.write(`${dir}/format (${results.kernels.find((r) => r.version === k.version)?.summary?.kernel})\n`);
  }
}

// Loads the real /proc captures under test/fixtures/proc (see its README for how they were made).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../fixtures/proc/', import.meta.url));
export const fixture = (name: string): string => readFileSync(DIR + name, 'latin1');
export const fixtureBuf = (name: string): Buffer => readFileSync(DIR + name);

/** Ground truth `ss -tanH | awk '{print $1}' | sort | uniq -c` as census keys. */
export function ssTanCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fixture('ss-tan-counts.txt').split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const name = m[2] === 'ESTAB' ? 'ESTABLISHED' : m[2].replace(/-/g, '_').replace('FIN_WAIT_', 'FIN_WAIT');
    out[name] = Number(m[1]);
  }
  return out;
}

// Assembles one bpftrace program from probes/*.bt, picking per feature the variant this kernel's tracepoints support.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ExitCode, TcpscopeError } from '../../errors.js';
import { TRACEPOINTS, type Capabilities, type TracepointId } from '../capabilities.js';
import { programArgs, type ProbeParams } from './params.js';

/** probes/ at the package root: src/kernel/probes and dist/kernel/probes are both three levels down. */
export const PROBES_DIR = fileURLToPath(new URL('../../../probes/', import.meta.url));

/** printf line ending each interval, after every map of the interval was printed. */
export const TICK_MARKER = '@@tick';
/** On the tick line: the printed count maps are cumulative since attach (absent in older recordings: per interval). */
export const CUMULATIVE_FLAG = 'cum';
/** printf prefix of a capped per-event detail line. */
export const DETAIL_MARKER = '@@d';

/** One probes/*.bt file and its machine-readable header. */
export interface ProbePiece {
  file: string;
  /** Variants of one feature are alternatives: exactly one (or none) is used. */
  feature: string;
  /** Higher wins among variants whose requirements hold. */
  priority: number;
  /** `sys:event` (tracepoint present) or `sys:event.field` (field present). */
  requires: string[];
  /** Maps printed and cleared at each tick. */
  maps: string[];
  /** Maps cleared at each tick, never printed (per-interval detail cap counter). */
  scratch: string[];
  /** Maps printed after the feature maps and cleared (the @suppressed detail counter). */
  detail: string[];
  text: string;
}

const HEADER_RE = /^\/\/\s*(feature|priority|requires|maps|scratch|detail):\s*(.*)$/;

export function parsePiece(file: string, text: string): ProbePiece {
  const piece: ProbePiece = { file, feature: '', priority: 0, requires: [], maps: [], scratch: [], detail: [], text };
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) continue;
    const m = HEADER_RE.exec(line);
    if (!m) continue;
    const value = m[2]!.trim();
    const words = value.split(/\s+/).filter(Boolean);
    switch (m[1]) {
      case 'feature':
        piece.feature = value;
        break;
      case 'priority':
        piece.priority = Number(value);
        break;
      case 'requires':
        piece.requires.push(...words);
        break;
      case 'maps':
        piece.maps.push(...words);
        break;
      case 'scratch':
        piece.scratch.push(...words);
        break;
      case 'detail':
        piece.detail.push(...words);
        break;
    }
  }
  if (!piece.feature) throw new Error(`${file}: missing "// feature:" header`);
  if (!Number.isFinite(piece.priority)) throw new Error(`${file}: bad "// priority:" header`);
  for (const m of [...piece.maps, ...piece.scratch, ...piece.detail]) {
    if (!/^@[A-Za-z_][A-Za-z0-9_]*$/.test(m)) throw new Error(`${file}: bad map name ${m}`);
  }
  for (const r of piece.requires) {
    if (!/^[a-z_0-9]+:[a-z_0-9]+(\.[a-z_0-9]+)?$/.test(r)) throw new Error(`${file}: bad requirement ${r}`);
  }
  return piece;
}

/** Reads and parses every probes/*.bt (sorted by name, so the program text is deterministic). */
export async function loadProbePieces(dir: string = PROBES_DIR): Promise<ProbePiece[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bt')).sort();
  return Promise.all(files.map(async (f) => parsePiece(f, await readFile(`${dir}/${f}`, 'utf8'))));
}

/** Same, synchronously: a one-time read of a few small files at session start. */
export function loadProbePiecesSync(dir: string = PROBES_DIR): ProbePiece[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bt'))
    .sort();
  return files.map((f) => parsePiece(f, readFileSync(`${dir}/${f}`, 'utf8')));
}

const KNOWN_TRACEPOINTS = new Set<string>(TRACEPOINTS.map((t) => t.id));

/** Is one `sys:event[.field]` requirement met by this kernel's format files? */
export function requirementMet(caps: Capabilities, req: string): boolean {
  const [tp, field] = req.split('.') as [string, string | undefined];
  if (!KNOWN_TRACEPOINTS.has(tp)) return false;
  const info = caps.tracepoints[tp as TracepointId];
  if (!info.present) return false;
  return field === undefined || info.fields.includes(field);
}

export interface AssembledProgram {
  /** Full bpftrace program text (pieces + generated tick block). */
  text: string;
  /** Variant used per feature. */
  chosen: { feature: string; file: string }[];
  /** Features no variant of which this kernel supports, with what the best variant lacked. */
  unavailable: { feature: string; missing: string[] }[];
  /** Maps the tick block prints, in print order. */
  maps: string[];
}

/** Picks, for each feature, the highest-priority variant whose requirements all hold, and appends the tick block. */
export function assembleProgram(caps: Capabilities, pieces: readonly ProbePiece[]): AssembledProgram {
  const features = [...new Set(pieces.map((p) => p.feature))].sort();
  const chosen: ProbePiece[] = [];
  const unavailable: AssembledProgram['unavailable'] = [];
  for (const feature of features) {
    const variants = pieces
      .filter((p) => p.feature === feature)
      .sort((a, b) => b.priority - a.priority || a.file.localeCompare(b.file));
    const ok = variants.find((v) => v.requires.every((r) => requirementMet(caps, r)));
    if (ok) chosen.push(ok);
    else {
      const lowest = variants[variants.length - 1]!;
      unavailable.push({ feature, missing: lowest.requires.filter((r) => !requirementMet(caps, r)) });
    }
  }
  if (chosen.length === 0) {
    throw new TcpscopeError('no tcpscope probe can run on this kernel: none of its tracepoints has the fields needed', {
      exitCode: ExitCode.tracer,
      hint: `missing: ${unavailable.flatMap((u) => u.missing).join(', ')}`,
    });
  }
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  const maps = uniq(chosen.flatMap((p) => p.maps));
  const detail = uniq(chosen.flatMap((p) => p.detail)).filter((m) => !maps.includes(m));
  const scratch = uniq(chosen.flatMap((p) => p.scratch)).filter((m) => !maps.includes(m) && !detail.includes(m));
  const printed = [...maps, ...detail];
  const tick = [
    '// Generated: print every map, clear only the per-interval detail/scratch maps, then mark the end of the interval.',
    '// Count and gauge maps are never cleared: print() and clear() are async (bpftrace userspace runs them later), so',
    '// counts landing between the two were lost (the lab lost 8 of 16 SYN-ACKs, 1 of 1500 connections). They are',
    `// cumulative since attach ("${CUMULATIVE_FLAG}" on the tick line) and the decoder takes the differences.`,
    'interval:ms:$3',
    '{',
    ...printed.map((m) => `  print(${m});`),
    ...[...detail, ...scratch].map((m) => `  clear(${m});`),
    `  printf("${TICK_MARKER} %llu ${CUMULATIVE_FLAG}\\n", nsecs);`,
    '}',
    '',
  ].join('\n');
  const text = [...chosen.map((p) => `// ---- ${p.file}\n${p.text.trimEnd()}\n`), tick].join('\n');
  return {
    text,
    chosen: chosen.map((p) => ({ feature: p.feature, file: p.file })),
    unavailable,
    maps: printed,
  };
}

/** What the runner needs: the program text and its validated positional parameters. */
export interface ProbeProgram extends AssembledProgram {
  /** bpftrace positional parameters $1..$6 (see params.ts). */
  args: string[];
}

/** The program for this kernel and these filters (filters validated: a bad one throws a usage TcpscopeError). */
export function buildProgram(
  caps: Capabilities,
  params: ProbeParams,
  pieces: readonly ProbePiece[] = loadProbePiecesSync(),
): ProbeProgram {
  const args = programArgs(caps, params);
  return { ...assembleProgram(caps, pieces), args };
}

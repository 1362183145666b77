// Streams a recording (plain or gzip, told by magic bytes) entry by entry: never loads the file, tolerates a cut end.
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { recoverGzip } from './gzip-recover.js';
import type { Readable } from 'node:stream';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';
import { EntryDecoder, MAX_LINE_BYTES, checkHeader, type RecordingEntry, type RecordingHeader } from './format.js';
import { LineSplitter, LineTooLongError } from './lines.js';

/** What reading found besides entries; complete once the entries have been read to the end. */
export interface ReadStats {
  /** Lines read, header included. */
  lines: number;
  inputs: number;
  alerts: number;
  /** Lines that could not be decoded and were skipped (the recording still replays). */
  skipped: number;
  /** The first few skipped lines: `line 12: not valid JSON`. */
  skippedExamples: string[];
  /** The file ends mid-line or mid-gzip-block (recorder killed): what follows the last complete line is lost. */
  truncated: string | undefined;
  /** The end marker (of the last segment), when the recorder closed the file cleanly. */
  endReason: string | undefined;
  /** Recordings in the file: 1, more when recordings were concatenated. */
  segments: number;
}

export interface RecordingReader {
  path: string;
  header: RecordingHeader;
  gzip: boolean;
  stats: ReadStats;
  /** The entries after the header, a batch per read chunk (cheap for fast replay). Iterate once. */
  batches(): AsyncGenerator<RecordingEntry[], void, undefined>;
  /** Entry by entry (convenience over batches()). */
  [Symbol.asyncIterator](): AsyncGenerator<RecordingEntry, void, undefined>;
  close(): Promise<void>;
}

export interface ReadOptions {
  maxLineBytes?: number;
}

const EXAMPLES = 5;

interface Chunk {
  lines: string[];
  rest: string | undefined;
}
const GZIP_MAGIC = [0x1f, 0x8b] as const;

const recordingError = (path: string, message: string, cause?: unknown): TcpscopeError =>
  new TcpscopeError(`${path}: ${message}`, { exitCode: ExitCode.recording, cause });

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const code = errnoOf(err);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : messageOf(err);
    throw new TcpscopeError(`cannot open recording ${path}: ${why}`, { exitCode: ExitCode.io, cause: err });
  }
}

/** Opens a recording and validates its header; entries stream from batches() / async iteration. */
export async function readRecording(path: string, opts: ReadOptions = {}): Promise<RecordingReader> {
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const fh = await openFile(path);
  let source: Readable;
  let gzip = false;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
    const raw = fh.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: true });
    source = gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
    if (gzip) raw.on('error', (err) => source.destroy(err));
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw new TcpscopeError(`cannot read recording ${path}: ${messageOf(err)}`, { exitCode: ExitCode.io, cause: err });
  }
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const splitter = new LineSplitter(maxLineBytes);
  const stats: ReadStats = {
    lines: 0,
    inputs: 0,
    alerts: 0,
    skipped: 0,
    skippedExamples: [],
    truncated: undefined,
    endReason: undefined,
    segments: 1,
  };
  const close = async (): Promise<void> => {
    source.destroy();
    await fh.close().catch(() => undefined);
  };

  /** Next chunk of complete lines (plus the unterminated rest at the end); undefined once the stream is over. */
  let finished = false;
  let decompressed = 0;
  const nextLines = async (): Promise<Chunk | undefined> => {
    if (finished) return undefined;
    let res: IteratorResult<Buffer>;
    try {
      res = await chunks.next();
    } catch (err) {
      finished = true;
      const code = errnoOf(err);
      if (code !== undefined && code.startsWith('Z_')) {
        // A gzip stream cut mid-block (recorder killed) or damaged: the chunk zlib failed in is decoded again in small
        // slices, so everything before the damage replays; the warning names where it is (item 4).
        if (code === 'Z_BUF_ERROR') {
          stats.truncated = 'the gzip stream ends early (recording cut)';
          return { lines: [], rest: splitter.end() };
        }
        const r = await recoverGzip(path, decompressed);
        stats.truncated = r.afterEnd
          ? `junk after the end of the gzip data (${r.reason} near byte ${r.goodInputBytes} of ${r.fileBytes}): ignored`
          : `gzip data damaged (${r.reason}, noticed at byte ${r.goodInputBytes} of ${r.fileBytes}): replayed what decoded before it`;
        try {
          return { lines: splitter.push(r.tail), rest: splitter.end() };
        } catch (e) {
          if (e instanceof LineTooLongError) throw recordingError(path, `${e.message}: corrupt or not a recording`, e);
          throw e;
        }
      }
      throw new TcpscopeError(`cannot read recording ${path}: ${messageOf(err)}`, {
        exitCode: ExitCode.io,
        cause: err,
      });
    }
    if (res.done) {
      finished = true;
      return { lines: [], rest: splitter.end() };
    }
    decompressed += res.value.length;
    try {
      return { lines: splitter.push(res.value), rest: undefined };
    } catch (err) {
      if (err instanceof LineTooLongError)
        throw recordingError(path, `${err.message}: corrupt or not a recording`, err);
      throw err;
    }
  };

  // Header: the first line.
  let headerLine: string | undefined;
  let pendingLines: string[] = [];
  let pendingRest: string | undefined;
  try {
    while (headerLine === undefined) {
      const chunk = await nextLines();
      if (chunk === undefined) break;
      if (chunk.lines.length > 0) [headerLine, ...pendingLines] = chunk.lines;
      if (headerLine === undefined) headerLine = chunk.rest;
      else pendingRest = chunk.rest;
    }
  } catch (err) {
    await close();
    throw err;
  }
  if (headerLine === undefined) {
    await close();
    throw recordingError(
      path,
      stats.truncated ? `not a tcpscope recording (${stats.truncated})` : 'empty file: not a tcpscope recording',
    );
  }
  const checked = checkHeader(headerLine);
  if (!checked.ok) {
    await close();
    throw recordingError(path, checked.reason, undefined);
  }
  stats.lines = 1;
  const decoder = new EntryDecoder();

  const decodeOne = (text: string, out: RecordingEntry[], unterminated: boolean): void => {
    stats.lines++;
    if (text.length === 0) return;
    const probe = unterminated ? undefined : decoder.probeLine(text);
    if (probe) {
      stats.inputs++;
      out.push(probe);
      return;
    }
    const r = decoder.decode(text, unterminated);
    if (r.ok) {
      if (r.entry.kind === 'alert') stats.alerts++;
      else if (r.entry.kind === 'end') stats.endReason = r.entry.reason;
      else if (r.entry.kind === 'segment') {
        stats.segments++;
        stats.endReason = undefined;
      } else stats.inputs++;
      out.push(r.entry);
    } else if (unterminated) {
      // The unterminated last line of a file cut mid-write: expected after a kill, not corruption.
      stats.truncated ??= `the last line (${stats.lines}) is incomplete (recording cut mid-write)`;
    } else {
      stats.skipped++;
      if (stats.skippedExamples.length < EXAMPLES) stats.skippedExamples.push(`line ${stats.lines}: ${r.reason}`);
    }
  };
  const decodeAll = (lines: string[], rest: string | undefined): RecordingEntry[] => {
    const out: RecordingEntry[] = [];
    for (const text of lines) decodeOne(text, out, false);
    if (rest !== undefined) decodeOne(rest, out, true);
    return out;
  };

  let started = false;
  async function* batches(): AsyncGenerator<RecordingEntry[], void, undefined> {
    if (started) throw new Error('recording entries can be iterated only once');
    started = true;
    try {
      if (pendingLines.length > 0 || pendingRest !== undefined) {
        const first = decodeAll(pendingLines, pendingRest);
        pendingLines = [];
        pendingRest = undefined;
        if (first.length > 0) yield first;
      }
      for (;;) {
        const chunk = await nextLines();
        if (chunk === undefined) break;
        const entries = decodeAll(chunk.lines, chunk.rest);
        if (entries.length > 0) yield entries;
      }
    } finally {
      await close();
    }
  }

  async function* entries(): AsyncGenerator<RecordingEntry, void, undefined> {
    for await (const batch of batches()) yield* batch;
  }

  return { path, header: checked.header, gzip, stats, batches, [Symbol.asyncIterator]: entries, close };
}

// Writes one recording file: created 0600 and exclusively, every write reaches the file at once (gzip: Z_SYNC_FLUSH),
// so a killed recorder leaves a prefix that replays.
import { closeSync, constants, fchmodSync, fdatasyncSync, openSync, statSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { constants as zc, createGzip, type Gzip } from 'node:zlib';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';
import { EntryEncoder, encodeHeader, type RecordingEntry, type RecordingHeader } from './format.js';

/** Turns a failed write into the one-line error the user sees. */
export function writeError(path: string, err: unknown, bytes: number): TcpscopeError {
  const code = errnoOf(err);
  const kept = `${bytes} bytes written so far are kept and replay`;
  const message =
    code === 'ENOSPC'
      ? `disk full while writing ${path}: recording stopped (${kept})`
      : code === 'EDQUOT'
        ? `disk quota exceeded while writing ${path}: recording stopped (${kept})`
        : `cannot write ${path}: ${messageOf(err)} (recording stopped; ${kept})`;
  return new TcpscopeError(message, { exitCode: ExitCode.io, cause: err });
}

/** The true cause of a failed O_CREAT|O_EXCL open (EEXIST is also a directory; ENOENT also a file system like /proc). */
export function createFailure(path: string, err: unknown): string {
  const code = errnoOf(err);
  const dir = dirname(path);
  const statOf = (p: string): Stats | undefined => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  if (code === 'EEXIST') {
    return statOf(path)?.isDirectory()
      ? 'it is a directory (give a file name inside it)'
      : 'the file already exists (tcpscope never overwrites a recording: remove it or choose another name)';
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const d = statOf(dir);
    if (d === undefined) return `the directory ${dir} does not exist`;
    if (!d.isDirectory()) return `${dir} is not a directory`;
    return `the file system of ${dir} does not allow creating files there`;
  }
  if (code === 'EACCES' || code === 'EPERM') return `permission denied in ${dir}`;
  if (code === 'EROFS') return `${dir} is on a read-only file system`;
  if (code === 'EISDIR') return 'it is a directory (give a file name inside it)';
  return messageOf(err);
}

/** Creates the file 0600, refusing to overwrite (O_EXCL): a recording holds host details. */
export function createExclusive(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    throw new TcpscopeError(`cannot create recording ${path}: ${createFailure(path, err)}`, {
      exitCode: ExitCode.io,
      cause: err,
    });
  }
  // The umask can only remove bits, but make the mode explicit anyway (e.g. for a pre-set default ACL).
  fchmodSync(fd, 0o600);
  return fd;
}

export class RecordingWriter {
  /** Bytes on disk (compressed size with gzip). */
  bytes = 0;
  private readonly encoder = new EntryEncoder();
  private header: string | undefined;
  private failure: unknown;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly gz: Gzip | undefined,
  ) {}

  /** Creates the file (synchronously, so a bad path fails before anything starts); the header goes out on the first write(). */
  static create(path: string, header: RecordingHeader, gzip: boolean): RecordingWriter {
    const fd = createExclusive(path);
    const gz = gzip ? createGzip({ level: 6 }) : undefined;
    const w = new RecordingWriter(path, fd, gz);
    w.header = encodeHeader(header);
    gz?.on('data', (chunk: Buffer) => w.writeRaw(chunk));
    gz?.on('error', (err) => {
      w.failure ??= err;
    });
    return w;
  }

  /** Encodes and writes the entries; resolves once they are in the file (readable by another process). */
  async write(entries: readonly RecordingEntry[]): Promise<void> {
    if (this.closed) throw new Error('recording writer is closed');
    let text = this.header ?? '';
    this.header = undefined;
    for (const e of entries) text += this.encoder.encode(e);
    if (text.length === 0) return;
    if (!this.gz) {
      this.writeRaw(Buffer.from(text, 'utf8'));
    } else {
      const gz = this.gz;
      gz.write(text, 'utf8');
      await new Promise<void>((resolve) => gz.flush(zc.Z_SYNC_FLUSH, () => setImmediate(resolve)));
    }
    this.throwIfFailed();
  }

  /** Ends the gzip stream (its trailer makes the file a complete gzip) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.header) await this.writeHeaderOnly();
      if (this.gz) {
        const gz = this.gz;
        await new Promise<void>((resolve) => {
          gz.once('end', resolve);
          gz.once('error', () => resolve());
          gz.end();
          gz.resume();
        });
      }
      if (this.failure === undefined) {
        try {
          fdatasyncSync(this.fd);
        } catch {
          // not every file system supports it; the data is in the page cache either way
        }
      }
    } finally {
      closeSync(this.fd);
    }
    this.throwIfFailed();
  }

  private async writeHeaderOnly(): Promise<void> {
    this.closed = false;
    try {
      await this.write([]);
    } finally {
      this.closed = true;
    }
  }

  private writeRaw(buf: Buffer): void {
    if (this.failure !== undefined) return;
    try {
      let off = 0;
      while (off < buf.length) {
        const n = writeSync(this.fd, buf, off, buf.length - off);
        off += n;
        this.bytes += n;
      }
    } catch (err) {
      this.failure = err;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw writeError(this.path, this.failure, this.bytes);
  }
}

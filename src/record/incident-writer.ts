// One incident recording being written: the ring's past first, then live inputs until its end; valid at every moment.
import { ExitCode, TcpscopeError, messageOf } from '../errors.js';
import type { RawInput } from '../model/inputs.js';
import type { RecordingEntry, RecordingHeader } from './format.js';
import { RecordingWriter } from './writer.js';

export class IncidentWriter {
  private chain: Promise<void> = Promise.resolve();
  private buffer: RecordingEntry[] = [];
  private failure: TcpscopeError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly writer: RecordingWriter,
    readonly path: string,
  ) {}

  /** Creates the file (0600, exclusive) and queues the past; throws a one-line TcpscopeError when it cannot. */
  static open(path: string, header: RecordingHeader, past: RawInput[], gzip: boolean): IncidentWriter {
    const w = new IncidentWriter(RecordingWriter.create(path, header, gzip), path);
    w.buffer.push(...past);
    w.flush();
    return w;
  }

  get bytes(): number {
    return this.writer.bytes;
  }

  /** The first write error, if any: the incident is then abandoned (what was written still replays). */
  get error(): TcpscopeError | undefined {
    return this.failure;
  }

  add(entry: RecordingEntry): void {
    if (this.closing || this.failure) return;
    this.buffer.push(entry);
    // One write per interval, like `record`: a kill loses at most the current interval.
    if (entry.kind === 'host' || entry.kind === 'hosts' || entry.kind === 'alert') this.flush();
  }

  /** Writes the end marker and closes; resolves (never rejects) once the file is complete or has failed. */
  close(reason: string): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) this.buffer.push({ kind: 'end', t: Date.now(), reason });
      this.flushNow();
      await this.chain;
      await this.writer.close().catch((err: unknown) => {
        this.failure ??= asIoError(this.path, err);
      });
    })();
    return this.closing;
  }

  private flush(): void {
    if (!this.closing) this.flushNow();
  }

  private flushNow(): void {
    if (this.buffer.length === 0 || this.failure) return;
    const entries = this.buffer;
    this.buffer = [];
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await this.writer.write(entries);
      } catch (err) {
        this.failure = asIoError(this.path, err);
      }
    });
  }
}

function asIoError(path: string, err: unknown): TcpscopeError {
  return err instanceof TcpscopeError
    ? err
    : new TcpscopeError(`cannot write incident ${path}: ${messageOf(err)}`, { exitCode: ExitCode.io, cause: err });
}

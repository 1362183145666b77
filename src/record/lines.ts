// Splits a byte stream into lines with a hard length limit, so a hostile or corrupt file cannot make us buffer forever.

export class LineTooLongError extends Error {
  constructor(readonly lineNumber: number, readonly limit: number) {
    super(`line ${lineNumber} is longer than ${limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MiB` : `${limit} bytes`}`);
    this.name = 'LineTooLongError';
  }
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Lines completed so far (1-based number of the next line = lines + 1). */
  lines = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Complete lines of this chunk (without '\n'); the unterminated rest is kept for the next chunk. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      let line: string;
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(pos, nl));
        this.check(this.pendingBytes + (nl - pos));
        line = Buffer.concat(this.pending).toString('utf8');
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.check(nl - pos);
        line = chunk.toString('utf8', pos, nl);
      }
      this.lines++;
      out.push(line);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.pendingBytes += chunk.length - pos;
      this.check(this.pendingBytes);
      this.pending.push(chunk.subarray(pos));
    }
    return out;
  }

  /** The unterminated last line, if any (a recording cut mid-write ends like this). */
  end(): string | undefined {
    if (this.pendingBytes === 0) return undefined;
    const rest = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.lines++;
    return rest;
  }

  private check(bytes: number): void {
    if (bytes > this.maxLineBytes) throw new LineTooLongError(this.lines + 1, this.maxLineBytes);
  }
}

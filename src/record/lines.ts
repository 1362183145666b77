// Splits a byte stream into lines with a hard length limit, so a hostile or corrupt file cannot make us buffer forever.

export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(
      `line ${lineNumber} is longer than ${limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MiB` : `${limit} bytes`}`,
    );
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
    let first: string | undefined;
    if (this.pendingBytes > 0) {
      // Finish the line carried over from the previous chunk.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.pendingBytes += chunk.length;
        this.check(this.pendingBytes);
        this.pending.push(chunk);
        return [];
      }
      this.check(this.pendingBytes + nl);
      this.pending.push(chunk.subarray(0, nl));
      first = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.lines++;
      chunk = chunk.subarray(nl + 1);
    }
    const out = chunk.length <= this.maxLineBytes ? this.pushWhole(chunk) : this.pushEach(chunk);
    if (first !== undefined) out.unshift(first);
    return out;
  }

  /** Line by line, checking each length (a chunk larger than the line limit). */
  private pushEach(chunk: Buffer): string[] {
    const out: string[] = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      this.check(nl - pos);
      this.lines++;
      out.push(chunk.toString('utf8', pos, nl));
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.pendingBytes = chunk.length - pos;
      this.check(this.pendingBytes);
      this.pending.push(chunk.subarray(pos));
    }
    return out;
  }

  /**
   * Fast path (no carried-over bytes, chunk within the line limit, so no line of it can be too long): one UTF-8 decode
   * up to the last newline and a split, instead of a decode per line. Cutting at a newline byte never splits a
   * multi-byte character.
   */
  private pushWhole(chunk: Buffer): string[] {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      if (chunk.length > 0) {
        this.pendingBytes = chunk.length;
        this.pending.push(chunk);
      }
      return [];
    }
    const out = chunk.toString('utf8', 0, last).split('\n');
    this.lines += out.length;
    if (last + 1 < chunk.length) {
      this.pendingBytes = chunk.length - last - 1;
      this.pending.push(chunk.subarray(last + 1));
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

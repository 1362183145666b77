// Batched writes to stdout for fast replays: one write per ~64 KiB instead of one per snapshot, honouring backpressure.

export class BatchedOutput {
  private parts: string[] = [];
  private size = 0;
  /** Set when the reader went away (EPIPE: `| head`): further output is dropped. */
  closed = false;

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly limit = 64 * 1024,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  /** Queues a line; resolves at once unless a flush had to wait for the stream to drain. */
  async line(text: string): Promise<void> {
    if (this.closed) return;
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.stream.write(chunk)) return;
    await this.drained();
  }

  /** Waits for 'drain' (or the reader leaving), removing every listener it added: this runs once per full pipe. */
  private drained(): Promise<void> {
    const s = this.stream;
    return new Promise<void>((resolve, reject) => {
      const done = (err?: NodeJS.ErrnoException): void => {
        s.off('drain', onDrain);
        s.off('close', onClose);
        s.off('error', onError);
        // EPIPE means the reader left; anything else is real
        if (err && err.code !== 'EPIPE') reject(err);
        else {
          if (err) this.closed = true;
          resolve();
        }
      };
      const onDrain = (): void => done();
      const onClose = (): void => done();
      const onError = (err: NodeJS.ErrnoException): void => done(err);
      s.on('drain', onDrain);
      s.on('close', onClose);
      s.on('error', onError);
    });
  }
}

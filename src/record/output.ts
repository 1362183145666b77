// Batched writes to stdout for fast replays: one write per ~64 KiB instead of one per snapshot, honouring backpressure.
import { once } from 'node:events';

export class BatchedOutput {
  private parts: string[] = [];
  private size = 0;
  /** Set when the reader went away (EPIPE: `| head`): further output is dropped. */
  closed = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout, private readonly limit = 64 * 1024) {
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
    try {
      await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
    } catch (err) {
      // events.once rejects on 'error': EPIPE means the reader left, anything else is real
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      this.closed = true;
    }
  }
}

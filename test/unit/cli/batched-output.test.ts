// BatchedOutput (replay --json to stdout): batches lines, waits for a full pipe to drain without piling up
// listeners, and stops quietly when the reader leaves (EPIPE).
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedOutput } from '../../../src/cli/batched-output.js';

describe('BatchedOutput', () => {
  it('delivers every line in order through many backpressure waits, with no listener left behind', async () => {
    const sink = new PassThrough({ highWaterMark: 1024 });
    let got = '';
    // A slow reader: the pipe is full on most flushes.
    const reader = (async () => {
      for await (const c of sink) {
        got += String(c);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const out = new BatchedOutput(sink, 4096);
    const base = {
      drain: sink.listenerCount('drain'),
      close: sink.listenerCount('close'),
      error: sink.listenerCount('error'),
    };
    const lines = Array.from({ length: 5000 }, (_, i) => `{"seq":${i},"pad":"${'x'.repeat(40)}"}`);
    for (const l of lines) await out.line(l);
    await out.flush();
    expect({
      drain: sink.listenerCount('drain'),
      close: sink.listenerCount('close'),
      error: sink.listenerCount('error'),
    }).toEqual(base);
    sink.end();
    await reader;
    expect(got).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  it('a reader that went away (EPIPE) ends the output quietly; other errors are real', async () => {
    const gone = new Writable({
      highWaterMark: 16,
      write: (_c, _e, cb) => setImmediate(() => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))),
    });
    const out = new BatchedOutput(gone, 64);
    for (let i = 0; i < 20 && !out.closed; i++) await out.line(`line ${i} ${'y'.repeat(80)}`);
    expect(out.closed).toBe(true);
    await out.line('after');
    await out.flush();
  });
});

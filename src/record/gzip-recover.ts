// A damaged gzip recording (a flipped byte, junk after its end) still holds everything decoded before the damage:
// the streaming reader loses the chunk in which zlib failed, so the file is decoded again in small slices to recover
// the output up to the damage and the compressed offset where it happened (docs/recording.md, damage table).
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { messageOf } from '../errors.js';

export interface GzipRecovery {
  /** Decompressed bytes after the first `skip` ones, up to the damage. */
  tail: Buffer;
  /** Compressed bytes read without error: the damage is at this offset. */
  goodInputBytes: number;
  fileBytes: number;
  /** zlib's message for the damage. */
  reason: string;
  /** The damage is data after a complete gzip stream (junk appended), not inside it. */
  afterEnd: boolean;
}

const SLICE = 512;

interface Pass {
  out: Buffer[];
  good: number;
  failure: Error | undefined;
  producedAtFailure: number;
}

/** One decode of the file: SLICE-byte writes before `fineFrom`, single bytes after it; stops at the first error. */
async function pass(fh: FileHandle, size: number, skip: number, fineFrom: number): Promise<Pass> {
  const gunzip = createGunzip();
  const out: Buffer[] = [];
  let produced = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  gunzip.on('data', (b: Buffer) => {
    const start = Math.max(0, skip - produced);
    if (start < b.length) out.push(b.subarray(start));
    produced += b.length;
  });
  gunzip.on('error', (err: Error) => {
    failure = err;
    wake?.();
  });
  let good = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (let pos = 0; pos < size && failure === undefined;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead && failure === undefined;) {
      const step = pos + i >= fineFrom ? 1 : Math.min(SLICE, fineFrom - (pos + i));
      const slice = Buffer.from(buf.subarray(i, Math.min(bytesRead, i + step)));
      await new Promise<void>((resolve) => {
        wake = resolve;
        gunzip.write(slice, () => resolve());
      });
      if (failure === undefined) good += slice.length;
      i += slice.length;
    }
    pos += bytesRead;
  }
  const producedAtFailure = produced;
  gunzip.destroy();
  return { out, good, failure, producedAtFailure };
}

/** Decodes `path` from the start, keeping output beyond `skip` bytes, until zlib fails or the file ends. */
export async function recoverGzip(path: string, skip: number): Promise<GzipRecovery> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const coarse = await pass(fh, size, skip, Number.POSITIVE_INFINITY);
    // Again with single bytes from the slice that failed: every byte of output before the damage, its exact offset.
    const fine = coarse.failure ? await pass(fh, size, skip, coarse.good) : coarse;
    const reason = fine.failure ? messageOf(fine.failure) : 'unexpected end of file';
    // Junk appended after a complete stream: zlib read it as the header of a next member and refused it.
    const afterEnd =
      fine.failure !== undefined && /header check|unknown compression/i.test(reason) && fine.producedAtFailure > 0;
    return { tail: Buffer.concat(fine.out), goodInputBytes: fine.good, fileBytes: size, reason, afterEnd };
  } finally {
    await fh.close();
  }
}

// A child's NDJSON stdout as objects: lines split across chunks are joined, blank lines skipped.
import type { Readable } from 'node:stream';

/** Calls `onObject` with each JSON line of `stream` (a line not starting with `{` is ignored). */
export function onJsonLines<T>(stream: Readable | null | undefined, onObject: (value: T) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (c: string) => {
    const parts = (rest + c).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.startsWith('{')) onObject(JSON.parse(p) as T);
  });
}

// Guards the replay == live rule across refactors: the bundled demo must replay into exactly the snapshots it gave
// before (fixture captured with `tcpscope replay demo/incident.ndjson.gz --speed max --json` before issue #14).
import { readFile } from 'node:fs/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/index.js';

const DEMO = new URL('../../../demo/incident.ndjson.gz', import.meta.url).pathname;
const GOLDEN = new URL('../../fixtures/replay/demo-snapshots.ndjson', import.meta.url).pathname;

describe('replay of the bundled demo', () => {
  it('gives the same snapshots, byte for byte, as before the architecture change', async () => {
    const expected = (await readFile(GOLDEN, 'utf8')).trimEnd().split('\n');
    const snaps = await lastValueFrom(replay(DEMO).pipe(toArray()));
    expect(snaps.map((s) => JSON.stringify(s))).toEqual(expected);
  });
});

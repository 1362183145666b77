// The package root API: what `import { watch, replay, sysctls } from 'tcpscope'` gives a script.
import { describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import * as api from '../../src/index.js';
import { demoRecordingPath } from '../../src/record/index.js';

describe('library API', () => {
  it('replays the bundled demo through the current rules, as typed snapshots', async () => {
    const snaps = await lastValueFrom(api.replay(demoRecordingPath()).pipe(toArray()));
    expect(snaps.length).toBeGreaterThan(10);
    expect(snaps.every((s) => s.mode === 'replay' && s.schemaVersion === 1)).toBe(true);
    const ids = new Set(snaps.flatMap((s) => s.findings.map((f) => f.id)));
    expect([...ids]).toEqual(expect.arrayContaining(['accept-queue-overflow', 'syn-flood', 'close-wait-leak']));
    const overflow = snaps.flatMap((s) => s.findings).find((f) => f.id === 'accept-queue-overflow');
    expect(overflow?.sysctls.map((s) => s.name)).toContain('net.core.somaxconn');
  });

  it('reports a missing recording as a TcpscopeError, not a crash', async () => {
    await expect(lastValueFrom(api.replay('/nonexistent/rec.ndjson'))).rejects.toBeInstanceOf(api.TcpscopeError);
  });

  it('reads the sysctls of this netns with computed timelines', async () => {
    const r = await firstValueFrom(api.sysctls());
    expect(r.sysctls.find((s) => s.name === 'net.ipv4.tcp_syn_retries')?.value).toMatch(/^\d+$/);
    expect(r.timelines.synGiveUpMs).toBeGreaterThan(0);
  });

  it('exports the engines a script composes', () => {
    for (const name of [
      'watch',
      'replay',
      'sysctls',
      'startSession',
      'alerts',
      'parseAlertFlag',
      'createMetrics',
      'createRecorder',
      'createDiagnoser',
    ] as const) {
      expect(typeof api[name], name).toBe('function');
    }
  });
});

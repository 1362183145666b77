// The shutdown rule shared by headless commands and the dashboard: first interrupt stops, the next one forces.
import { describe, expect, it } from 'vitest';
import { SIGNAL_EXIT_CODES, createInterrupter, onTermSignals } from '../../src/shutdown.js';

describe('shutdown', () => {
  it('stops on the first interrupt and forces on the next, also after a stop begun another way', () => {
    const calls: string[] = [];
    const i = createInterrupter(
      (c) => calls.push(`stop ${c}`),
      (c) => calls.push(`force ${c}`),
    );
    i.interrupt(130);
    i.interrupt(143);
    expect(calls).toEqual(['stop 130', 'force 143']);
    const j = createInterrupter(
      (c) => calls.push(`stop ${c}`),
      (c) => calls.push(`force ${c}`),
    );
    j.markStopping();
    j.interrupt(129);
    expect(calls.at(-1)).toBe('force 129');
  });

  it('maps SIGINT/SIGTERM/SIGHUP to 128+n and removes its listeners', () => {
    expect(SIGNAL_EXIT_CODES).toEqual({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 });
    const before = process.listenerCount('SIGHUP');
    const codes: number[] = [];
    const off = onTermSignals((c) => codes.push(c));
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGTERM', 'SIGTERM');
    off();
    expect(codes).toEqual([129, 143]);
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});

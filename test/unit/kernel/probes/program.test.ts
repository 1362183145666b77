// The probe builder picks the right variant per kernel (format-file fixtures of 5 kernels, 5.10 and 6.1 captured from real
// Debian kernels) and never names a missing field.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { detectCapabilities, type Capabilities } from '../../../../src/kernel/capabilities.js';
import {
  assembleProgram,
  buildProgram,
  CUMULATIVE_FLAG,
  loadProbePieces,
  parsePiece,
  TICK_MARKER,
} from '../../../../src/kernel/probes/program.js';
import { programArgs } from '../../../../src/kernel/probes/params.js';
import { TcpscopeError, ExitCode } from '../../../../src/errors.js';

const fixture = (v: string): string => fileURLToPath(new URL(`../../../fixtures/kernels/${v}`, import.meta.url));

/** tracepoint id -> fields referenced as args->x in that probe's block. */
function fieldsUsed(text: string): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const probe = /^tracepoint:([a-z_0-9]+:[a-z_0-9]+)/.exec(line);
    if (probe) current = probe[1]!;
    else if (/^interval:/.test(line)) current = undefined;
    if (line.trimStart().startsWith('//')) continue;
    for (const m of line.matchAll(/args->([a-z_0-9]+)/g)) {
      expect(current, `args->${m[1]} outside a tracepoint probe`).toBeDefined();
      if (!used.has(current!)) used.set(current!, new Set());
      used.get(current!)!.add(m[1]!);
    }
  }
  return used;
}

const EXPECTED: Record<string, Record<string, string>> = {
  '5.4': { drops: 'drops-noreason.bt', 'reset-sent': 'reset-sent-noreason.bt', retrans: 'retrans.bt' },
  '5.10': { drops: 'drops-noreason.bt', 'reset-sent': 'reset-sent-noreason.bt', retrans: 'retrans.bt' },
  '5.15': { drops: 'drops-noreason.bt', 'reset-sent': 'reset-sent-noreason.bt', retrans: 'retrans.bt' },
  '6.1': { drops: 'drops.bt', 'reset-sent': 'reset-sent-noreason.bt', retrans: 'retrans.bt' },
  '6.18': { drops: 'drops.bt', 'reset-sent': 'reset-sent.bt', retrans: 'retrans.bt' },
};

describe('assembleProgram on format fixtures', async () => {
  const pieces = await loadProbePieces();

  for (const [version, expected] of Object.entries(EXPECTED)) {
    it(`kernel ${version}: picks the supported variants and uses only existing fields`, async () => {
      const caps = await detectCapabilities(fixture(version));
      const prog = assembleProgram(caps, pieces);
      const chosen = Object.fromEntries(prog.chosen.map((c) => [c.feature, c.file]));
      expect(chosen).toEqual({
        ...expected,
        states: 'states.bt',
        synack: 'synack.bt',
        'reset-received': 'reset-received.bt',
        connlat: 'connlat.bt',
      });
      expect(prog.unavailable).toEqual([]);
      const used = fieldsUsed(prog.text);
      expect(used.size).toBe(6);
      for (const [tp, fields] of used) {
        const info = caps.tracepoints[tp as keyof Capabilities['tracepoints']];
        expect(info.present, tp).toBe(true);
        for (const f of fields) expect(info.fields, `${tp} has no field ${f} on ${version}`).toContain(f);
      }
      // One tick block: prints each map once, never clears count/gauge maps (async clear loses counts: they are
      // cumulative, flagged on the tick line), clears only the per-interval detail cap, ends with the marker.
      expect(prog.text.match(/^interval:ms:\$3$/gm)).toHaveLength(1);
      for (const m of prog.maps) {
        expect(prog.text).toContain(`print(${m});`);
        // ...and the per-interval peaks of connlat.bt (a max cannot be differenced).
        if (['@suppressed', '@clx', '@cfx', '@rax'].includes(m)) expect(prog.text).toContain(`clear(${m});`);
        else expect(prog.text).not.toContain(`clear(${m});`);
      }
      expect(prog.maps.at(-1)).toBe('@suppressed');
      expect(prog.text).toContain(`printf("${TICK_MARKER} %llu ${CUMULATIVE_FLAG}\\n", nsecs);`);
      expect(prog.text).toContain('clear(@dn);');
      expect(prog.text).not.toContain('print(@dn)');
    });
  }

  it('a kernel without tcp_retransmit_skb.state gets the BTF variant', async () => {
    const caps = await detectCapabilities(fixture('5.4'));
    const tp = caps.tracepoints['tcp:tcp_retransmit_skb'];
    tp.fields = tp.fields.filter((f) => f !== 'state');
    const prog = assembleProgram(caps, pieces);
    expect(prog.chosen.find((c) => c.feature === 'retrans')?.file).toBe('retrans-nostate.bt');
    expect(fieldsUsed(prog.text).get('tcp:tcp_retransmit_skb')).not.toContain('state');
  });

  it('a kernel without kfree_skb leaves drops out and says what is missing', async () => {
    const caps = await detectCapabilities(fixture('6.18'));
    caps.tracepoints['skb:kfree_skb'] = { ...caps.tracepoints['skb:kfree_skb'], present: false, fields: [] };
    const prog = assembleProgram(caps, pieces);
    expect(prog.chosen.map((c) => c.feature)).not.toContain('drops');
    expect(prog.unavailable).toEqual([
      { feature: 'drops', missing: ['skb:kfree_skb.skbaddr', 'skb:kfree_skb.protocol'] },
    ]);
    expect(prog.text).not.toContain('kfree_skb');
    expect(prog.maps).not.toContain('@dr');
  });

  it('no usable tracepoint at all is a tracer error', async () => {
    const caps = await detectCapabilities('/nonexistent-tracefs');
    expect(() => assembleProgram(caps, pieces)).toThrow(TcpscopeError);
    try {
      assembleProgram(caps, pieces);
    } catch (err) {
      expect((err as TcpscopeError).exitCode).toBe(ExitCode.tracer);
    }
  });
});

describe('reason tables from print fmt', () => {
  it('decode per kernel, numbers differ between kernels', async () => {
    const k618 = await detectCapabilities(fixture('6.18'));
    const k61 = await detectCapabilities(fixture('6.1'));
    const k54 = await detectCapabilities(fixture('5.4'));
    expect(k618.dropReasons?.get(10)).toBe('TCP_CSUM');
    expect(k618.dropReasons?.get(40)).toBe('TCP_LISTEN_OVERFLOW');
    expect(k618.dropReasons?.has(0)).toBe(false);
    expect(k618.resetReasons?.get(1)).toBe('NO_SOCKET');
    expect(k618.resetReasons?.get(9)).toBe('TCP_TIMEWAIT_SOCKET');
    // 6.1 numbers checked against v6.1's include/net/dropreason.h (no SKB_CONSUMED yet: it came in 6.2), so
    // NOT_SPECIFIED = 1 and TCP_CSUM = 4 there; see test/fixtures/kernels/README.md.
    expect(k61.dropReasons?.get(4)).toBe('TCP_CSUM');
    expect(k61.dropReasons?.get(1)).toBe('NOT_SPECIFIED');
    expect(k61.resetReasons).toBeUndefined();
    expect(k54.dropReasons).toBeUndefined();
    expect(k54.resetReasons).toBeUndefined();
  });

  it('positional parameters carry the kernel-specific reason numbers', async () => {
    const p = { netnsInode: 4026531833, port: 8080, intervalMs: 1000, detailCap: 5 };
    expect(programArgs(await detectCapabilities(fixture('6.18')), p)).toEqual([
      '4026531833',
      '8080',
      '1000',
      '5',
      '40',
      '2',
      '104',
    ]);
    expect(programArgs(await detectCapabilities(fixture('6.1')), p)).toEqual([
      '4026531833',
      '8080',
      '1000',
      '5',
      '-1',
      '1',
      '-1',
    ]);
    expect(programArgs(await detectCapabilities(fixture('5.4')), { ...p, detailCap: undefined })).toEqual([
      '4026531833',
      '8080',
      '1000',
      '20',
      '-1',
      '0',
      '-1',
    ]);
  });

  it('rejects out-of-range filters with a usage error', async () => {
    const caps = await detectCapabilities(fixture('6.18'));
    const base = { netnsInode: 0, port: 0, intervalMs: 1000 };
    for (const bad of [
      { port: 65536 },
      { port: -1 },
      { netnsInode: 2 ** 32 },
      { intervalMs: 1.5 },
      { intervalMs: 0 },
      { detailCap: NaN },
    ]) {
      try {
        programArgs(caps, { ...base, ...bad });
        expect.unreachable(JSON.stringify(bad));
      } catch (err) {
        expect(err).toBeInstanceOf(TcpscopeError);
        expect((err as TcpscopeError).exitCode).toBe(ExitCode.usage);
      }
    }
  });
});

describe('parsePiece', () => {
  it('reads the header and rejects malformed ones', () => {
    const p = parsePiece(
      'x.bt',
      '// feature: f\n// priority: 3\n// requires: tcp:tcp_send_reset.reason sock:inet_sock_set_state\n// maps: @a @b\n// scratch: @dn\n// detail: @suppressed\n',
    );
    expect(p).toMatchObject({
      feature: 'f',
      priority: 3,
      requires: ['tcp:tcp_send_reset.reason', 'sock:inet_sock_set_state'],
      maps: ['@a', '@b'],
      scratch: ['@dn'],
      detail: ['@suppressed'],
    });
    expect(() => parsePiece('y.bt', '// maps: @a\n')).toThrow(/feature/);
    expect(() => parsePiece('z.bt', '// feature: f\n// maps: a;b\n')).toThrow(/map name/);
  });
});

describe('buildProgram', () => {
  it('loads probes/ synchronously and returns text plus validated positional parameters', async () => {
    const caps = await detectCapabilities(fixture('6.18'));
    const prog = buildProgram(caps, { netnsInode: 7, port: 443, intervalMs: 250 });
    expect(prog.args).toEqual(['7', '443', '250', '20', '40', '2', '104']);
    expect(prog.text).toBe(assembleProgram(caps, await loadProbePieces()).text);
    expect(() => buildProgram(caps, { netnsInode: 7, port: 1e6, intervalMs: 250 })).toThrow(/port/);
  });

  it('without --latency the session leaves the connlat feature (and only it) out', async () => {
    const caps = await detectCapabilities(fixture('6.18'));
    const all = buildProgram(caps, { netnsInode: 0, port: 0, intervalMs: 1000 });
    const without = buildProgram(caps, { netnsInode: 0, port: 0, intervalMs: 1000, exclude: ['connlat'] });
    expect(all.chosen.map((c) => c.feature)).toContain('connlat');
    expect(without.chosen.map((c) => c.feature)).toEqual(
      all.chosen.map((c) => c.feature).filter((f) => f !== 'connlat'),
    );
    expect(without.text).not.toContain('connlat.bt');
    expect(without.maps).not.toContain('@cl');
  });
});

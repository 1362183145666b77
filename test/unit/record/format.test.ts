import { describe, expect, it } from 'vitest';
import {
  EntryDecoder,
  EntryEncoder,
  RECORDING_VERSION,
  checkHeader,
  type RecordingEntry,
} from '../../../src/record/format.js';
import { LineSplitter, LineTooLongError } from '../../../src/record/lines.js';
import { description, hostSample, rawInputs, withoutHints } from './helpers.js';

const roundTrip = (entries: RecordingEntry[]): RecordingEntry[] => {
  const enc = new EntryEncoder();
  const dec = new EntryDecoder();
  const text = entries.map((e) => enc.encode(e)).join('');
  return text
    .trimEnd()
    .split('\n')
    .map((l) => {
      const r = dec.decode(l);
      if (!r.ok) throw new Error(r.reason);
      return r.entry;
    });
};

describe('recording line format', () => {
  it('round-trips every input kind, alerts and the end marker', () => {
    const entries: RecordingEntry[] = [
      ...rawInputs(8),
      { kind: 'alert', t: 5, alert: { rule: 'x', value: 3 } },
      { kind: 'end', t: 9, reason: 'stopped' },
    ];
    expect(withoutHints(roundTrip(entries))).toEqual(entries);
  });

  it('writes the sysctl table only when it changed, and restores it on read', () => {
    const enc = new EntryEncoder();
    const lines = [0, 1, 5, 6].map((i) => enc.encode({ kind: 'host', t: i, sample: hostSample(i) }));
    expect(lines.map((l) => l.includes('"y":'))).toEqual([true, false, true, false]);
    const dec = new EntryDecoder();
    const back = lines.map((l) => dec.decode(l.trimEnd()));
    expect(
      back.map((r) => (r.ok && r.entry.kind === 'host' ? r.entry.sample.sysctls['net.core.somaxconn'] : '?')),
    ).toEqual(['4096', '4096', '128', '128']);
  });

  it('writes only the counters that changed (and the ones that vanished), and restores them all on read', () => {
    const enc = new EntryEncoder();
    const dec = new EntryDecoder();
    const samples = [
      hostSample(1, { counters: { A: 1, B: 2, C: 3 } }),
      hostSample(1, { counters: { A: 1, B: 2, C: 3 } }),
      hostSample(1, { counters: { A: 5, B: 2, C: 3, D: 0 } }),
      hostSample(1, { counters: { A: 5, D: 0 } }),
    ];
    const lines = samples.map((sample, t) => enc.encode({ kind: 'host', t, sample }));
    const parsed = lines.map((l) => JSON.parse(l) as { c: Record<string, number>; cx?: string[] });
    expect(parsed.map((p) => p.c)).toEqual([{ A: 1, B: 2, C: 3 }, {}, { A: 5, D: 0 }, {}]);
    expect(parsed[3]!.cx).toEqual(['B', 'C']);
    const back = lines.map((l) => dec.decode(l.trimEnd()));
    expect(back.map((r) => (r.ok && r.entry.kind === 'host' ? r.entry.sample.counters : undefined))).toEqual(
      samples.map((x) => x.counters),
    );
  });

  it('keeps probe lines byte for byte, including ones that look like the line syntax', () => {
    const tricky = ['{"k":"p","t":1,"l":"x"}', ',"l":', 'tab\there', '\u0000\u2028 emoji 🚀', ''];
    const entries: RecordingEntry[] = tricky.map((line, i) => ({ kind: 'probe', t: i + 0.5, line }));
    expect(withoutHints(roundTrip(entries))).toEqual(entries);
  });

  it('embeds one-line JSON probe lines verbatim ("j") and strings otherwise ("l"), byte for byte both ways', () => {
    const enc = new EntryEncoder();
    const json = '{"type": "map",  "data": {"@k": {"1,2,3": 4}}}';
    const embedded = enc.encode({ kind: 'probe', t: 7, line: json });
    expect(embedded).toBe(`{"k":"p","t":7,"j":${json}}\n`);
    expect(enc.encode({ kind: 'probe', t: 7, line: '{"type": "pri' })).toContain('"l":');
    expect(enc.encode({ kind: 'probe', t: 7, line: '{"a":\n1}' })).toContain('"l":');
    for (const strict of [false, true]) {
      expect(new EntryDecoder().decode(embedded.trimEnd(), strict)).toEqual({
        ok: true,
        entry: { kind: 'probe', t: 7, line: json },
      });
    }
    // a cut embedded line is caught when decoded strictly (the reader does so for an unterminated last line)
    expect(
      new EntryDecoder().decode('{"k":"p","t":7,"j":{"type": "map", "data": {"@k": {"1": 4}}', true),
    ).toMatchObject({ ok: false });
  });

  it('names the problem of a bad line instead of throwing', () => {
    const dec = new EntryDecoder();
    expect(dec.decode('{"k":"p","t":1,"l":"unterminated')).toEqual({ ok: false, reason: 'not valid JSON' });
    expect(dec.decode('[1,2]')).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(dec.decode('{"k":"z","t":1}')).toMatchObject({ ok: false, reason: 'unknown line kind "z"' });
    expect(dec.decode('{"k":"h","t":1}')).toMatchObject({ ok: false });
    expect(dec.decode('{"k":"p","l":"x"}')).toMatchObject({ ok: false, reason: 'missing timestamp "t"' });
  });

  it('accepts its own header and rejects others, telling future versions apart', () => {
    const h = {
      type: 'header',
      format: 'tcpscope-recording',
      version: RECORDING_VERSION,
      tcpscopeVersion: '0.1.0',
      startedAt: 1,
      description: description(),
    };
    expect(checkHeader(JSON.stringify(h)).ok).toBe(true);
    expect(checkHeader('hello')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a tcpscope recording'),
    });
    expect(checkHeader('{"type":"header","format":"pcap"}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a tcpscope recording'),
    });
    expect(checkHeader(JSON.stringify({ ...h, version: 2 }))).toMatchObject({ ok: false, future: 2 });
    expect(checkHeader(JSON.stringify({ ...h, description: undefined }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('corrupt'),
    });
  });
});

describe('LineSplitter', () => {
  it('splits across chunk boundaries, even inside a multi-byte character', () => {
    const bytes = Buffer.from('ab\nçé🚀\n\nlast', 'utf8');
    const s = new LineSplitter(100);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...s.push(bytes.subarray(i, i + 1)));
    expect(out).toEqual(['ab', 'çé🚀', '']);
    expect(s.end()).toBe('last');
    expect(s.lines).toBe(4);
  });

  it('gives the same lines however the bytes are chunked (whole-chunk and per-line paths)', () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = ['{"k":"p","t":1,"j":{}}', 'çé', '🚀', '', 'x'.repeat(70), 'tab\there'];
    const lines = Array.from({ length: 300 }, () =>
      Array.from({ length: rnd(4) }, () => words[rnd(words.length)]).join(' '),
    );
    const bytes = Buffer.from(`${lines.join('\n')}\nunterminated`, 'utf8');
    for (const limit of [100_000, 300]) {
      const s = new LineSplitter(limit);
      const out: string[] = [];
      for (let pos = 0; pos < bytes.length;) {
        const n = 1 + rnd(700);
        out.push(...s.push(bytes.subarray(pos, pos + n)));
        pos += n;
      }
      expect(out).toEqual(lines);
      expect(s.end()).toBe('unterminated');
      expect(s.lines).toBe(lines.length + 1);
    }
  });

  it('refuses a line over the limit without buffering the rest', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('short\n0123456'))).toEqual(['short']);
    expect(() => s.push(Buffer.from('789abc'))).toThrow(LineTooLongError);
    let caught: unknown;
    try {
      new LineSplitter(4).push(Buffer.from('ok\n0123456789\n'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ lineNumber: 2, name: 'LineTooLongError' });
  });
});

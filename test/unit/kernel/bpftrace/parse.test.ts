// The bpftrace line parser types every real output line and survives any truncation; stderr maps to clear errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../../src/kernel/bpftrace/parse.js';
import { classifyStderrLine, stderrError } from '../../../../src/kernel/bpftrace/stderr.js';
import { ExitCode } from '../../../../src/errors.js';

const fx = (f: string): string => readFileSync(new URL(`../../../fixtures/bpftrace/${f}`, import.meta.url), 'utf8');

describe('parseLine', () => {
  const lines = fx('full-6.18.ndjson').split('\n');

  it('printf lines read without JSON.parse give what JSON.parse gives, escapes and broken lines included', () => {
    const viaJson = (line: string): unknown => {
      try {
        const o = JSON.parse(line.trim()) as { type: string; data: unknown };
        return typeof o.data === 'string' ? { type: 'printf', text: o.data } : 'not a printf';
      } catch {
        return 'bad';
      }
    };
    const cases = [
      ...lines.filter((l) => l.includes('"printf"')),
      '{"type": "printf", "data": "@@d reset-sent 1 10.0.0.1 80 10.0.0.2 5000 1 2 77 my \\"quoted\\" comm\\n"}',
      '{"type": "printf", "data": "@@d reset-sent 1 10.0.0.1 80 10.0.0.2 5000 1 2 77 caf\\u00e9\\n"}',
      '{"type": "printf", "data": "ends with a backslash n \\\\n"}',
      '{"type": "printf", "data": "no newline"}',
      '{"type": "printf", "data": "\\n"}',
      '{"type": "printf", "data": ""}',
      '{"type": "printf", "data": "cut"} tail"}',
      '{"type": "printf", "data": "@@tick 12',
    ];
    for (const line of cases) {
      const got = parseLine(line);
      expect(got.type === 'bad' ? 'bad' : got, line).toEqual(viaJson(line));
    }
    // A raw control character is not JSON; only the fast path (lines ending in \n) keeps it as text.
    expect(parseLine('{"type": "printf", "data": "raw\ttab"}').type).toBe('bad');
    expect(parseLine('{"type": "printf", "data": "raw\ttab\\n"}')).toEqual({ type: 'printf', text: 'raw\ttab\n' });
  });

  it('types every captured line', () => {
    const types = lines.map((l) => parseLine(l).type);
    expect(types).not.toContain('bad');
    expect(types[0]).toBe('attached_probes');
    expect(types.filter((t) => t === 'map').length).toBe(32);
    expect(types.filter((t) => t === 'printf').length).toBe(20);
    expect(types.filter((t) => t === 'blank').length).toBe(3);
    expect(parseLine(lines[0]!)).toEqual({ type: 'attached_probes', probes: 7 });
    expect(parseLine('{"type": "map", "data": {"@sa": {"4026532177,127.0.0.1,7002": 3}}}')).toEqual({
      type: 'map',
      name: '@sa',
      value: { '4026532177,127.0.0.1,7002': 3 },
    });
    expect(parseLine('{"type": "map", "data": {"@suppressed": 4}}')).toEqual({
      type: 'map',
      name: '@suppressed',
      value: 4,
    });
  });

  it('other bpftrace types', () => {
    expect(parseLine('{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 2}]}}')).toEqual({
      type: 'hist',
      name: '@h',
      value: [{ min: 4, max: 7, count: 2 }],
    });
    expect(parseLine('{"type": "lost_events", "data": {"events": 12}}')).toEqual({ type: 'lost_events', lost: 12 });
    expect(parseLine('{"type": "time", "data": "10:00:00\\n"}')).toEqual({ type: 'time', text: '10:00:00\n' });
    expect(parseLine('{"type": "stats", "data": {"@s": {"count": 1, "average": 2, "total": 2}}}')).toMatchObject({
      type: 'stats',
      name: '@s',
    });
    expect(parseLine('{"type": "warnf", "data": "careful"}')).toEqual({
      type: 'message',
      level: 'warning',
      text: 'careful',
    });
    expect(parseLine('{"type": "errorf", "data": {"msg": "bad"}}')).toEqual({
      type: 'message',
      level: 'error',
      text: 'bad',
    });
    expect(parseLine('{"type": "join", "data": "a b"}')).toEqual({ type: 'other', rawType: 'join', data: 'a b' });
  });

  it('never throws: every prefix of every captured line is typed or bad', () => {
    let bad = 0;
    for (const l of lines) {
      for (let i = 0; i < l.length; i += 3) {
        const r = parseLine(l.slice(0, i));
        if (r.type === 'bad') bad++;
      }
    }
    expect(bad).toBeGreaterThan(500);
    for (const junk of [
      '{',
      'null',
      '[]',
      '{"type": 3}',
      '{"type": "map", "data": {"@a": 1, "@b": 2}}',
      '{"type": "map", "data": {"@a": {"k": [1]}}}',
      '{"type": "attached_probes", "data": {}}',
      '{"type": "printf", "data": 5}',
      '\u0000\u0001',
      '{"type": "hist", "data": {"@h": [{"min": 1}]}}',
    ]) {
      expect(parseLine(junk).type, junk).toBe('bad');
    }
  });
});

describe('stderr', () => {
  it('classifies captured messages', () => {
    const first = (f: string): string =>
      fx(f)
        .split('\n')
        .filter((l) => classifyStderrLine(l).kind !== 'noise')[0]!;
    expect(classifyStderrLine(fx('full-6.18.stderr.txt').trim()).kind).toBe('noise');
    expect(classifyStderrLine(first('stderr-tracepoint-missing.txt')).kind).toBe('tracepoint-missing');
    expect(classifyStderrLine(first('stderr-bad-field.txt')).kind).toBe('struct-field');
    expect(classifyStderrLine(first('stderr-syntax.txt')).kind).toBe('syntax');
    expect(classifyStderrLine(first('stderr-not-root.txt')).kind).toBe('not-root');
    expect(classifyStderrLine('full.bt:43:24-26: WARNING: comparison of integers of different signs').kind).toBe(
      'warning',
    );
  });

  it('turns them into TcpscopeErrors with the right exit code and cause', () => {
    const lines = (f: string): string[] => fx(f).split('\n');
    const missing = stderrError(lines('stderr-tracepoint-missing.txt'), { tracefsMounted: true });
    expect(missing.exitCode).toBe(ExitCode.tracer);
    expect(missing.message).toContain('tcp:no_such_tp');
    const unmounted = stderrError(lines('stderr-tracepoint-missing.txt'), { tracefsMounted: false });
    expect(unmounted.message).toMatch(/tracefs is not mounted/);
    expect(unmounted.hint).toContain('mount -t tracefs');
    expect(stderrError(lines('stderr-not-root.txt'), { tracefsMounted: true }).exitCode).toBe(ExitCode.permission);
    expect(stderrError(lines('stderr-syntax.txt'), { tracefsMounted: true }).exitCode).toBe(ExitCode.internal);
    expect(stderrError(lines('stderr-bad-field.txt'), { tracefsMounted: true }).message).toContain('no_such_field');
    expect(stderrError(lines('full-6.18.stderr.txt'), { tracefsMounted: true, exitCode: 1 }).message).toContain(
      'exited with code 1',
    );
  });
});

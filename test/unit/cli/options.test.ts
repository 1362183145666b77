import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseInterval, parsePort, parseSize } from '../../../src/cli/parse-options.js';
import { formatError } from '../../../src/cli/output.js';
import { parsePosition } from '../../../src/record/position.js';
import { compileRule, parseAlertFlag } from '../../../src/alert/rule.js';
import { ExitCode, TcpscopeError } from '../../../src/errors.js';
import { VERSION } from '../../../src/version.js';

describe('flag values', () => {
  it('parses durations with units, bare seconds and decimals', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('3')).toBe(3000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });
  it('accepts one duration grammar everywhere: compounds from the largest unit down and days (issue 13 item 7)', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parsePosition('1m30s', '--from')).toBe(90_000);
    expect(parsePosition('1d', '--from')).toBe(86_400_000);
    expect(compileRule({ expr: 'census.CLOSE_WAIT > 5', for: '1m30s' }).forMs).toBe(90_000);
    expect(parseAlertFlag('census.CLOSE_WAIT > 5 for 1m30s').forMs).toBe(90_000);
    expect(parseAlertFlag('delta(TcpOutRsts[1d]) > 5').condition).toBeDefined();
    for (const bad of ['1s1m', '1m1m', '30s 1m']) {
      expect(() => parseDuration(bad)).toThrow(/invalid duration/);
      expect(() => parsePosition(bad, '--from')).toThrow(/invalid --from/);
    }
    expect(() => parseAlertFlag('census.CLOSE_WAIT > 5 for 1s1m')).toThrow(/bad duration "1s1m"/);
  });
  it.each(['', ' ', ' 1s', '1s ', 'abc', '-1s', '0', '1x', '1 s s', '1e3'])(
    'rejects duration %j as a usage error',
    (bad) => {
      expect(() => parseDuration(bad)).toThrow(TcpscopeError);
      try {
        parseDuration(bad);
      } catch (err) {
        expect((err as TcpscopeError).exitCode).toBe(ExitCode.usage);
      }
    },
  );
  it('bounds the interval', () => {
    expect(() => parseInterval('50ms')).toThrow(/smallest interval is 100ms/);
    expect(parseInterval('250ms')).toBe(250);
  });
  it('validates ports', () => {
    expect(parsePort('8080')).toBe(8080);
    for (const bad of ['0', '65536', '80a', '-1', ' ', '', ' 80', '80 '])
      expect(() => parsePort(bad)).toThrow(/invalid --port/);
    expect(() => parsePort('')).toThrow('invalid --port: empty value');
    expect(() => parsePort(' 80')).toThrow('invalid --port " 80": remove the spaces around the value');
  });
  it('parses sizes', () => {
    expect(parseSize('100M')).toBe(100 * 1024 * 1024);
    expect(parseSize('512K')).toBe(512 * 1024);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(() => parseSize('lots')).toThrow(/invalid --max-size/);
  });
});

describe('error output', () => {
  it('prints user errors as one line with the hint and their exit code, without a stack', () => {
    const r = formatError(
      new TcpscopeError('unknown netns "x"', { exitCode: ExitCode.netns, hint: 'see tcpscope netns' }),
    );
    expect(r).toEqual({ line: 'tcpscope: unknown netns "x" (see tcpscope netns)', exitCode: 6, stack: undefined });
  });
  it('marks anything else as an internal error with a stack', () => {
    const r = formatError(new TypeError('boom'));
    expect(r.exitCode).toBe(ExitCode.internal);
    expect(r.stack).toContain('TypeError');
  });
  it('keeps the cause', () => {
    const cause = new Error('EACCES');
    expect(new TcpscopeError('cannot read', { exitCode: ExitCode.io, cause }).cause).toBe(cause);
  });
});

describe('version', () => {
  it('equals package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});

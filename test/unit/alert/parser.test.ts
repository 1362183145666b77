// The alert expression grammar: what parses, and the exact column and suggestion of every kind of error.
import { describe, expect, it } from 'vitest';
import { compileRule, parseAlertFlag } from '../../../src/alert/rule.js';
import { TcpscopeError, ExitCode } from '../../../src/errors.js';

function errorOf(text: string, extraMetrics?: string[]): string {
  try {
    compileRule({ expr: text }, { where: (col) => `col ${col}`, ...(extraMetrics ? { extraMetrics } : {}) });
  } catch (err) {
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).exitCode).toBe(ExitCode.usage);
    return (err as Error).message;
  }
  throw new Error(`expected "${text}" to fail`);
}

describe('valid expressions', () => {
  it.each([
    'rate(TcpExtListenOverflows) > 10/s for 5s',
    'delta(TcpExtTCPReqQFullDrop[1m]) > 0',
    'census.CLOSE_WAIT > 500',
    'finding(accept-queue-overflow)',
    'events.resetsSent{reason="TCP_ABORT_ON_DATA"} > 0',
    'events.synackRetrans > 100',
    'listeners.maxFill > 0.9',
    'listeners.maxFill{port="8080"} >= 90%',
    'census.CLOSE_WAIT > 500 and not finding(close-wait-leak) or events.drops{reason="TCP_LISTEN_OVERFLOW"} > 0',
    'avg(census.TIME_WAIT[1m]) > 10000',
    'rate(TcpOutRsts[10s]) > max(5/s, rate(TcpOutRsts[1m] offset 10s)) * 20 clear max(5/s, rate(TcpOutRsts[1m] offset 10s))',
    'transitions{from="ESTABLISHED",to="CLOSE_WAIT"} > 10',
    'events.resetsReceived{state="SYN_SENT", port=443} > 0',
    'sysctl.net.ipv4.tcp_syncookies == 0 and rate(TcpExtTCPReqQFullDrop) > 0',
    '(TcpExtListenDrops - TcpExtListenOverflows) > 0',
    '-1 < TcpExtListenDrops',
    'rate(TcpExtListenOverflows[30s]) > 60/m cooldown 1m clear after 10s severity critical',
  ])('%s', (text) => {
    const r = compileRule({ expr: text });
    expect(r.expr).toBe(text);
  });

  it('reads for, cooldown, clear after, severity and the name prefix of a flag', () => {
    const r = parseAlertFlag(
      'overflow: rate(TcpExtListenOverflows[1m]) > 5/s clear 1/s for 5s cooldown 1m clear after 30s severity critical',
    );
    expect(r).toMatchObject({
      name: 'overflow',
      forMs: 5000,
      cooldownMs: 60_000,
      clearAfterMs: 30_000,
      severity: 'critical',
    });
    expect(r.clear).toEqual({ kind: 'num', value: 1, text: '1/s' });
    expect(r.expr).toBe(
      'rate(TcpExtListenOverflows[1m]) > 5/s clear 1/s for 5s cooldown 1m clear after 30s severity critical',
    );
  });

  it('turns rate units into per-second values', () => {
    const r = compileRule({ expr: 'rate(TcpExtListenOverflows) > 120/m' });
    expect(r.condition).toMatchObject({ kind: 'cmp', right: { kind: 'num', value: 2 } });
  });

  it('a label value with colons is not taken for a flag name', () => {
    expect(parseAlertFlag('listeners.maxFill{addr="::1"} > 0.5').name).toBe('listeners.maxFill{addr="::1"} > 0.5');
  });

  it('accepts counters only a live snapshot knows about', () => {
    expect(errorOf('TcpExtBrandNewCounter > 0')).toMatch(/unknown metric/);
    expect(compileRule({ expr: 'TcpExtBrandNewCounter > 0' }, { extraMetrics: ['TcpExtBrandNewCounter'] }).name).toBe(
      'TcpExtBrandNewCounter > 0',
    );
  });
});

describe('errors point at the column and suggest', () => {
  it.each<[string, string]>([
    [
      'rate(TcpExtListenOverflow) > 10/s',
      'col 6: unknown metric "TcpExtListenOverflow" — did you mean TcpExtListenOverflows?',
    ],
    ['census.CLOSE_WAIT > ', 'col 21: expected a number after ">"'],
    [
      'rate(TcpExtListenOverflows) > 5s',
      'col 31: expected a number after ">", got the duration "5s" (a rate is written 5/s)',
    ],
    [
      'census.CLOSE_WAI > 5',
      'col 1: unknown TCP state "CLOSE_WAI" in census.CLOSE_WAI — did you mean census.CLOSE_WAIT?',
    ],
    ['cens.CLOSE_WAIT > 5', 'col 1: unknown metric "cens.CLOSE_WAIT" — did you mean census.CLOSE_WAIT?'],
    ['events.resetSent > 0', 'col 1: unknown metric "events.resetSent" — did you mean events.resetsSent?'],
    [
      'events.resetsSent{reson="NO_SOCKET"} > 0',
      'col 19: unknown label "reson" — did you mean reason? (events.resetsSent takes reason)',
    ],
    ['transitions{to="CLOSE_WAT"} > 1', 'col 13: unknown TCP state to="CLOSE_WAT" — did you mean CLOSE_WAIT?'],
    ['listeners.maxFil > 0.9', 'col 1: unknown metric "listeners.maxFil" — did you mean listeners.maxFill?'],
    ['listeners.maxFill{port="99999"} > 0.9', 'col 19: port="99999" is not a port (1-65535)'],
    [
      'rat(TcpExtListenOverflows) > 1',
      'col 1: unknown function "rat" — did you mean rate? (functions: rate, delta, avg, max, min, p50, p90, p99, finding)',
    ],
    [
      'rate(census.CLOSE_WAIT) > 1',
      'col 6: rate() needs a counter; census.CLOSE_WAIT is a gauge (use avg(), max() or min())',
    ],
    [
      'census.CLOSE_WAIT[1m] > 1',
      'col 18: census.CLOSE_WAIT is a gauge: a window needs avg(), max() or min(), e.g. avg(census.CLOSE_WAIT[1m])',
    ],
    [
      'events.synackRetrans',
      'col 1: "events.synackRetrans" is a number, not a condition: compare it, e.g. events.synackRetrans > 0',
    ],
    ['rate(TcpExtListenOverflows) > 5 fr 5s', 'col 33: unexpected "fr" after the condition — did you mean for?'],
    [
      'rate(TcpExtListenOverflows) > 5 for 5',
      'col 37: expected a duration like 10s or 1m after "for" (add a unit: 5s)',
    ],
    ['rate(TcpExtListenOverflows[10]) > 5', 'col 28: expected a duration like 10s or 1m after "[" (add a unit: 10s)'],
    ['rate(TcpExtListenOverflows > 10', 'col 28: expected ")" to close rate(, got ">"'],
    ['TcpExtListenOverflows > 1 and', 'col 30: expected a condition after "and"'],
    [
      'TcpExtListenOverflows and census.LISTEN > 1',
      'col 1: "and" joins conditions: compare this value first, e.g. ... > 0',
    ],
    ['1 < 2 < 3', 'col 7: comparisons do not chain: join them with "and"'],
    ['census.LISTEN = 1', 'col 15: use "==" to compare'],
    ['finding(Accept_Queue)', 'col 9: finding id "Accept_Queue" must be kebab-case, e.g. accept-queue-overflow'],
    ['events.resetsSent{reason="X} > 0', 'col 26: unterminated string: add the closing "'],
    ['census.LISTEN > 1 # comment', 'col 19: unexpected character "#"'],
    [
      'finding(syn-flood) clear 1',
      'col 20: "clear <threshold>" needs the condition to be one comparison, e.g. rate(X[1m]) > 5/s clear 1/s',
    ],
    ['TcpExtListenOverflows > 1 for 1s for 2s', 'col 34: "for" given twice'],
    ['TcpExtListenOverflows > 1 severity urgent', 'col 36: expected info, warning or critical after "severity"'],
    ['TcpExtListenOverflows > 3x', 'col 25: bad number "3x": durations are written e.g. 500ms, 30s, 5m, 1m30s, 2h, 1d'],
    ['', 'col 1: empty expression: write a condition, e.g. rate(TcpExtListenOverflows) > 0'],
  ])('%s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('a flag error names the flag and counts columns in the whole flag text', () => {
    expect(() => parseAlertFlag('of: rate(TcpExtListenOverflow) > 1')).toThrow(
      '--alert "of: rate(TcpExtListenOverflow) > 1": col 10: unknown metric "TcpExtListenOverflow" — did you mean TcpExtListenOverflows?',
    );
  });
});

describe('issue 13: odd expressions get a clear usage error', () => {
  const err = (text: string): string => {
    try {
      parseAlertFlag(text);
    } catch (e) {
      expect(e).toBeInstanceOf(TcpscopeError);
      expect((e as TcpscopeError).exitCode).toBe(2);
      return (e as Error).message;
    }
    return 'accepted';
  };
  it('limits nesting depth (2000 parentheses, nots or minus signs) instead of overflowing the stack (item 2)', () => {
    expect(err(`${'('.repeat(2000)}TcpOutRsts > 0${')'.repeat(2000)}`)).toMatch(
      /col 65: expression nested too deeply \(more than 64 levels\)/,
    );
    expect(err(`${'not '.repeat(5000)}TcpOutRsts > 0`)).toMatch(/nested too deeply/);
    expect(err(`${'-'.repeat(5000)}TcpOutRsts > 0`)).toMatch(/nested too deeply/);
    expect(err(`${'('.repeat(10)}TcpOutRsts > 0${')'.repeat(10)}`)).toBe('accepted');
  });
  it('refuses unknown finding ids and reason labels with the column and a suggestion (item 3)', () => {
    expect(err('finding(nope)')).toMatch(/col 9: unknown finding "nope" \(findings: accept-queue-overflow, /);
    expect(err('finding(accept-queue-overflw)')).toMatch(
      /col 9: unknown finding "accept-queue-overflw" — did you mean accept-queue-overflow\?/,
    );
    expect(err('events.resetsSent{reason="NOPE"} > 0')).toMatch(/col 19: unknown reset reason "NOPE"/);
    expect(err('events.resetsSent{reason="TCP_ABORT_ON_DAT"} > 0')).toMatch(/did you mean TCP_ABORT_ON_DATA\?/);
    expect(err('events.drops{reason="TCP_LISTEN_OVERFLOWS"} > 0')).toMatch(
      /unknown skb drop reason .*did you mean TCP_LISTEN_OVERFLOW\?/,
    );
    expect(err('events.drops{reason="TCP_LISTEN_OVERFLOW"} > 0')).toBe('accepted');
    expect(err('events.resetsSent{reason="NO_SOCKET"} > 0')).toBe('accepted');
  });
  it('refuses a constant division by zero (item 3)', () => {
    expect(err('1/0 > 1')).toMatch(/col 3: division by zero/);
    expect(err('TcpOutRsts / (2 - 2) > 1')).toMatch(/col 14: division by zero/);
    expect(err('TcpOutRsts / 2 > 1')).toBe('accepted');
  });
  it('prints whole code points in messages (item 15)', () => {
    const m = err('💥: TcpOutRsts > 0');
    expect(m).toContain('unexpected character "💥"');
    expect(m).not.toMatch(/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

// The one-line meaning of each sysctl on this kernel, computed from live values.
import { describe, expect, it } from 'vitest';
import { meaningOnThisKernel } from '../../../src/diagnose/sysctl-meaning.js';
import { riskySettings } from '../../../src/diagnose/risky.js';
import { DEFAULT_SYSCTLS } from './factory.js';

const get =
  (over: Record<string, string | undefined> = {}) =>
  (n: string): string | undefined =>
    n in over ? over[n] : DEFAULT_SYSCTLS[n];

describe('meaningOnThisKernel', () => {
  it('computes timelines from the live values', () => {
    expect(meaningOnThisKernel('net.ipv4.tcp_syn_retries', get())).toBe(
      'connect() retransmits its SYN at 1,2,3,4,5,7,11,19,35,67 s and fails with ETIMEDOUT at 131 s',
    );
    expect(
      meaningOnThisKernel('net.ipv4.tcp_syn_retries', get({ 'net.ipv4.tcp_syn_linear_timeouts': undefined })),
    ).toBe(
      'connect() retransmits its SYN at 1,3,7,15,31,63 s and fails with ETIMEDOUT at 127 s (no linear SYN timeouts on this kernel)',
    );
    expect(meaningOnThisKernel('net.ipv4.tcp_synack_retries', get({ 'net.ipv4.tcp_synack_retries': '2' }))).toBe(
      'a half-open request gets SYN-ACKs at 1,3 s and is dropped at 7 s',
    );
    expect(meaningOnThisKernel('net.ipv4.tcp_keepalive_time', get())).toContain('7875 s (2 h 11 min 15 s)');
  });
  it('tells the truth about tcp_max_syn_backlog', () => {
    expect(meaningOnThisKernel('net.ipv4.tcp_max_syn_backlog', get())).toContain('no effect while tcp_syncookies=1');
    expect(meaningOnThisKernel('net.ipv4.tcp_max_syn_backlog', get({ 'net.ipv4.tcp_syncookies': '0' }))).toContain(
      'past 1536 (3/4)',
    );
  });
  it('has no risky warnings on defaults', () => {
    expect(riskySettings(get())).toEqual([]);
  });
});

// Computed kernel timelines with exact values (SYN give-up measured on 6.18 in a netns).
import { describe, expect, it } from 'vitest';
import {
  effectiveOrphanRetries,
  finWait2HoldMs,
  keepaliveDetectionMs,
  modelTimeoutMs,
  portCapacity,
  synackSchedule,
  synSchedule,
} from '../../../src/diagnose/timelines.js';
import { computeTimelines } from '../../../src/diagnose/kernel-timelines.js';
import { DEFAULT_SYSCTLS } from './factory.js';

describe('SYN schedule (tcp_retransmit_timer + tcp_write_timeout)', () => {
  it('classic kernels: syn_retries=6 retransmits up to 63 s and gives up at 127 s', () => {
    expect(synSchedule(6, 0)).toEqual({ retransmitsAtMs: [1000, 3000, 7000, 15000, 31000, 63000], giveUpMs: 127_000 });
  });
  it('linear timeouts (6.5+, default 4): syn_retries=6 gives up at 131 s', () => {
    const s = synSchedule(6, 4);
    expect(s.retransmitsAtMs).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67].map((x) => x * 1000));
    expect(s.giveUpMs).toBe(131_000);
  });
  // Measured here (kernel 6.18, loopback SYNs dropped by nft in a netns): 3.2 s, 19.6 s, 15.5 s.
  it('the time bound tcp_model_timeout(syn_retries) cuts linear schedules short', () => {
    expect(synSchedule(1, 4).giveUpMs).toBe(3000);
    expect(synSchedule(2, 4).giveUpMs).toBe(7000);
    expect(synSchedule(3, 4).giveUpMs).toBe(19_000);
    expect(synSchedule(3, 0).giveUpMs).toBe(15_000);
  });
  it('models the time bound like the kernel, past the 120 s RTO cap', () => {
    expect(modelTimeoutMs(6)).toBe(127_000);
    expect(modelTimeoutMs(8)).toBe(127_000 + 2 * 120_000);
  });
  it('caps the RTO at tcp_rto_max_ms', () => {
    expect(synSchedule(8, 0).giveUpMs).toBe(127_000 + 120_000 + 120_000);
  });
});

describe('other timelines', () => {
  it('SYN-ACK: synack_retries=5 retransmits at 1,3,7,15,31 s and gives up at 63 s', () => {
    expect(synackSchedule(5)).toEqual({ retransmitsAtMs: [1000, 3000, 7000, 15000, 31000], giveUpMs: 63_000 });
    expect(synackSchedule(2).giveUpMs).toBe(7000);
  });
  it('orphan retries 0 means 8; keepalive; FIN_WAIT2; port range', () => {
    expect(effectiveOrphanRetries(0)).toBe(8);
    expect(effectiveOrphanRetries(3)).toBe(3);
    expect(keepaliveDetectionMs(7200, 9, 75)).toBe(7_875_000);
    expect(finWait2HoldMs(60)).toBe(60_000);
    expect(portCapacity('32768\t60999')).toEqual({ low: 32768, high: 60999, ports: 28232, perSecond: 470 });
    expect(portCapacity('nonsense')).toBeUndefined();
  });
  it('computeTimelines reads the live values', () => {
    const t = computeTimelines((n) => DEFAULT_SYSCTLS[n]);
    expect(t.synGiveUpMs).toBe(131_000);
    expect(t.synackGiveUpMs).toBe(63_000);
    expect(t.orphanRetries).toBe(8);
    expect(t.keepaliveDetectionMs).toBe(7_875_000);
    expect(t.ports?.perSecond).toBe(470);
    const old = computeTimelines((n) => (n === 'net.ipv4.tcp_syn_linear_timeouts' ? undefined : DEFAULT_SYSCTLS[n]));
    expect(old.synGiveUpMs).toBe(127_000);
    expect(old.synLinearTimeouts).toBe(0);
  });
});

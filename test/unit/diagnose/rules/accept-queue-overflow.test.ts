// Rule accept-queue-overflow on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { acceptQueueOverflow } from '../../../../src/diagnose/rules/accept-queue-overflow.js';
import { ctxOf, listener, snap } from '../factory.js';

describe('accept-queue-overflow', () => {
  it('is silent without overflows or a full listener', () => {
    expect(acceptQueueOverflow.evaluate(ctxOf(snap({ listeners: [listener({ queue: 3 })] })))).toBeUndefined();
  });

  it('names the backlog as the limit when capacity < somaxconn, and what abort_on_overflow=0 does', () => {
    const f = acceptQueueOverflow.evaluate(
      ctxOf(
        snap({
          counters: { TcpExtListenOverflows: 37, TcpExtListenDrops: 37 },
          listeners: [
            listener({ queue: 129, capacity: 128, atCapacity: true }),
            listener({ port: 22, pid: 1, comm: 'sshd' }),
          ],
        }),
      ),
    );
    expect(f).toBeDefined();
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({
      listenOverflows: 37,
      listenDrops: 37,
      listener: '0.0.0.0:8080',
      pid: 812,
      comm: 'nginx',
      acceptQueue: 129,
      acceptCapacity: 128,
      somaxconn: 4096,
    });
    expect(f?.title).toBe(
      'accept queue overflow on 0.0.0.0:8080 of pid 812 (nginx): 37 connections dropped this interval',
    );
    expect(f?.sysctls).toContainEqual(expect.objectContaining({ name: 'net.core.somaxconn', value: '4096' }));
    expect(f?.sysctls).toContainEqual(expect.objectContaining({ name: 'net.ipv4.tcp_abort_on_overflow', value: '0' }));
    expect(f?.advice[0]).toMatch(
      /^raise the listen\(\) backlog of pid 812 \(nginx\) and restart it: the queue is min\(backlog, somaxconn\) = 128/,
    );
    expect(f?.explanation).toContain('min(128, 4096) = 128');
    expect(f?.explanation).toContain('tcp_abort_on_overflow=0 NOW');
    expect(f?.explanation).toContain('at 1,3,7,15,31 s, gives up at 63 s');
    expect(f?.explanation).toContain('even with syncookies');
  });

  it('names somaxconn as the limit when capacity == somaxconn, with the netns command', () => {
    const f = acceptQueueOverflow.evaluate(
      ctxOf(
        snap({
          netnsName: 'web1',
          sysctls: { 'net.core.somaxconn': '128', 'net.ipv4.tcp_abort_on_overflow': '1' },
          counters: { TcpExtListenOverflows: 5 },
          listeners: [listener({ queue: 129, capacity: 128, atCapacity: true })],
        }),
      ),
    );
    expect(f?.explanation).toContain('net.core.somaxconn is the limit');
    expect(f?.explanation).toContain('ECONNRESET');
    expect(f?.advice).toContain('ip netns exec web1 sysctl -w net.core.somaxconn=4096');
    expect(f?.advice.some((a) => a.startsWith('ip netns exec web1 sysctl -w net.ipv4.tcp_abort_on_overflow=0'))).toBe(
      true,
    );
  });

  it('warns (not critical) when a listener is merely at capacity', () => {
    const f = acceptQueueOverflow.evaluate(
      ctxOf(snap({ listeners: [listener({ queue: 4097, capacity: 4096, atCapacity: true })] })),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('accept queue full on 0.0.0.0:8080 of pid 812 (nginx)');
  });
});

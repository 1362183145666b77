// Lab scenarios around the handshake: accept queue, SYN queue, SYN/SYN-ACK retransmits. Each runs real traffic in its
// own netns pair and checks the kernel's own counters moved exactly as the kernel rules say.
import { describe, it } from 'vitest';
import { checkPrerequisites, runScenario } from '../../scripts/lab/index.js';
import { ctr, expectTornDown, m } from './helpers.js';

describe('lab prerequisites', () => {
  it('root, ip, nft, ss, hping3 and cc are available (the lab cannot run otherwise)', () => {
    checkPrerequisites({ hping3: true, cc: true }); // throws a message naming what is missing
  });
});

describe.concurrent('lab handshake scenarios', () => {
  it('accept-overflow: ACKs into a full accept queue are dropped and their SYN-ACKs retransmitted', async ({
    expect,
  }) => {
    const t = await runScenario('accept-overflow');
    expectTornDown(t);
    expect(m(t, 'acceptQueueCapacity')).toBe(2); // listen(fd, 2), somaxconn 4096
    expect(m(t, 'acceptQueueLen')).toBe(3); // full = ack_backlog > max: backlog + 1 fit
    expect(t.server.census.ESTABLISHED).toBe(3);
    expect(t.server.census.SYN_RECV).toBe(0); // requests expired after tcp_synack_retries
    expect(t.server.sysctls['net.ipv4.tcp_synack_retries']).toBe('2');
    expect(ctr(t, 'server', 'TcpExtTCPSynRetrans')).toBe(m(t, 'expectedSynAckRetrans'));
    expect(m(t, 'expectedSynAckRetrans')).toBe(5);
    // This kernel's SYN queue is full PAST the backlog: all backlog+1 burst SYNs got a request (5.10.223: at it, one
    // cookie; the matrix checks that guest through the same measured numbers).
    expect(m(t, 'synQueued')).toBe(3);
    expect(m(t, 'burstCookies')).toBe(0);
    expect(m(t, 'finalAcksDropped')).toBe(3); // the first ACK of each burst connection, never a re-ACK
    // every ListenOverflow here is either a re-sent final ACK or a SYN of a late client (initial or retransmitted)
    const lateSyns = m(t, 'lateConnects') + ctr(t, 'client', 'TcpExtTCPSynRetrans');
    expect(ctr(t, 'server', 'TcpExtListenOverflows')).toBe(m(t, 'expectedAckOverflows') + lateSyns);
    expect(ctr(t, 'server', 'TcpExtListenDrops')).toBe(ctr(t, 'server', 'TcpExtListenOverflows'));
    expect(ctr(t, 'server', 'TcpOutRsts')).toBe(0);
    expect(m(t, 'clientECONNRESET')).toBe(0);
    expect(ctr(t, 'client', 'TcpEstabResets')).toBe(0);
    expect(t.client.census.ESTABLISHED).toBe(5); // the client believes every completed handshake
  }, 45_000);

  it('accept-overflow --abort-on-overflow: overflowing ACKs get an RST, clients see ECONNRESET', async ({ expect }) => {
    const t = await runScenario('accept-overflow', { variant: { abortOnOverflow: true } });
    expectTornDown(t);
    expect(t.server.sysctls['net.ipv4.tcp_abort_on_overflow']).toBe('1');
    expect(ctr(t, 'server', 'TcpExtTCPSynRetrans')).toBe(3);
    expect(ctr(t, 'server', 'TcpOutRsts')).toBe(2);
    expect(m(t, 'clientECONNRESET')).toBe(2);
    expect(ctr(t, 'client', 'TcpEstabResets')).toBe(2);
    const lateSyns = m(t, 'lateConnects') + ctr(t, 'client', 'TcpExtTCPSynRetrans');
    expect(ctr(t, 'server', 'TcpExtListenOverflows')).toBe(2 + lateSyns);
  }, 45_000);

  it('synack-retrans: final ACK dropped → exactly requests × tcp_synack_retries SYN-ACK retransmits', async ({
    expect,
  }) => {
    const t = await runScenario('synack-retrans');
    expectTornDown(t);
    expect(m(t, 'requests')).toBe(8);
    expect(m(t, 'synRecvPeak')).toBe(8);
    expect(ctr(t, 'server', 'TcpExtTCPSynRetrans')).toBe(8 * 2);
    expect(ctr(t, 'server', 'TcpRetransSegs')).toBe(16);
    expect(ctr(t, 'server', 'TcpPassiveOpens')).toBe(0);
    expect(ctr(t, 'client', 'TcpExtTCPSynRetrans')).toBe(0);
    expect(ctr(t, 'client', 'TcpActiveOpens')).toBe(8);
    // 1 + 2 + 4 s: retransmits at 1 s and 3 s, the request is dropped at 7 s
    expect(m(t, 'requestLifetimeMs')).toBeGreaterThanOrEqual(6800);
    expect(m(t, 'requestLifetimeMs')).toBeLessThan(9500);
  }, 45_000);

  it('syn-timeout: SYN-ACKs dropped, tcp_syn_retries=2 → ETIMEDOUT after the computed schedule', async ({ expect }) => {
    const t = await runScenario('syn-timeout');
    expectTornDown(t);
    expect(t.client.sysctls['net.ipv4.tcp_syn_retries']).toBe('2');
    expect(m(t, 'clientETIMEDOUT')).toBe(2);
    expect(ctr(t, 'client', 'TcpAttemptFails')).toBe(2);
    expect(ctr(t, 'client', 'TcpExtTCPSynRetrans')).toBe(m(t, 'expectedSynRetrans'));
    if (t.measured.tcpSynLinearTimeouts === '4') {
      expect(m(t, 'expectedSynRetransPerConnect')).toBe(5); // 1,2,3,4,5 s (linear), then the 7 s budget ends it
      expect(m(t, 'expectedGiveUpMs')).toBe(7000);
    }
    expect(m(t, 'giveUpMsMin')).toBeGreaterThanOrEqual(m(t, 'expectedGiveUpMs') - 200);
    expect(m(t, 'giveUpMsMax')).toBeLessThan(m(t, 'expectedGiveUpMs') + 2500);
  }, 45_000);

  it('syn-timeout with tcp_syn_linear_timeouts=0: classic doubling, 2 retransmits, 7 s', async ({ expect }) => {
    const t = await runScenario('syn-timeout', { variant: { linearTimeouts: 0 } });
    expectTornDown(t);
    expect(ctr(t, 'client', 'TcpExtTCPSynRetrans')).toBe(2 * 2);
    expect(m(t, 'expectedGiveUpMs')).toBe(7000);
    expect(m(t, 'giveUpMsMin')).toBeGreaterThanOrEqual(6800);
    expect(m(t, 'giveUpMsMax')).toBeLessThan(9500);
  }, 45_000);

  it('syn-flood syncookies=1: SYN queue holds backlog+1 requests, the rest get cookies', async ({ expect }) => {
    const t = await runScenario('syn-flood', { variant: { syncookies: 1 } });
    expectTornDown(t);
    expect(m(t, 'synsSent')).toBe(1000);
    expect(t.server.census.SYN_RECV).toBe(65);
    expect(ctr(t, 'server', 'TcpExtSyncookiesSent')).toBe(935);
    expect(ctr(t, 'server', 'TcpExtTCPReqQFullDoCookies')).toBe(935);
    expect(ctr(t, 'server', 'TcpExtTCPReqQFullDrop')).toBe(0);
    expect(ctr(t, 'server', 'TcpExtListenDrops')).toBe(0);
  }, 45_000);

  it('syn-flood syncookies=0: past the SYN queue, SYNs are dropped (TCPReqQFullDrop)', async ({ expect }) => {
    const t = await runScenario('syn-flood', { variant: { syncookies: 0 } });
    expectTornDown(t);
    expect(t.server.census.SYN_RECV).toBe(65);
    expect(ctr(t, 'server', 'TcpExtTCPReqQFullDrop')).toBe(935);
    expect(ctr(t, 'server', 'TcpExtListenDrops')).toBe(935);
    expect(ctr(t, 'server', 'TcpExtSyncookiesSent')).toBe(0);
  }, 45_000);

  it('syn-flood syncookies=2: every SYN answered with a cookie, no request kept', async ({ expect }) => {
    const t = await runScenario('syn-flood', { variant: { syncookies: 2 } });
    expectTornDown(t);
    expect(t.server.census.SYN_RECV).toBe(0);
    expect(ctr(t, 'server', 'TcpExtSyncookiesSent')).toBe(1000);
    expect(ctr(t, 'server', 'TcpExtTCPReqQFullDrop')).toBe(0);
  }, 45_000);

  it('syn-flood syncookies=0 + tcp_max_syn_backlog=16: drops start at 3/4 of it (ListenDrops, no TCPReqQFullDrop)', async ({
    expect,
  }) => {
    const t = await runScenario('syn-flood', { variant: { syncookies: 0, maxSynBacklog: 16 } });
    expectTornDown(t);
    expect(m(t, 'expectedSynRecv')).toBe(13);
    expect(t.server.census.SYN_RECV).toBe(13);
    expect(ctr(t, 'server', 'TcpExtListenDrops')).toBe(1000 - 13);
    expect(ctr(t, 'server', 'TcpExtTCPReqQFullDrop')).toBe(0);
    expect(ctr(t, 'server', 'TcpExtSyncookiesSent')).toBe(0);
  }, 45_000);
});

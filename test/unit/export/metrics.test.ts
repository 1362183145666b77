// Prometheus text for synthetic snapshots: names, labels, counter accumulation, bounded listener series, stale series.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/export/metrics.js';
import { nstatMetricStem } from '../../../src/export/nstat-names.js';
import { snap } from '../alert/snapshots.js';
import type { Snapshot } from '../../../src/model/snapshot.js';

const listener = (port: number, queue: number, capacity = 128): Snapshot['census']['listeners'][number] => ({
  family: 4,
  addr: '127.0.0.1',
  port,
  queue,
  capacity,
  inode: port,
  pid: 1,
  comm: 'srv',
  atCapacity: queue > capacity,
});

function busy(seq: number): Snapshot {
  const s = snap(seq, {
    netns: { inode: 4026532000, name: 'web1' },
    counters: {
      TcpExtListenOverflows: 7,
      TcpExtListenDrops: 7,
      TcpOutRsts: 3,
      IcmpMsgInType3: 1,
      TcpCurrEstab: -2,
      Ip6InReceives: 10,
    },
    states: { ESTABLISHED: 12, CLOSE_WAIT: 3, LISTEN: 2 },
    listeners: [listener(8080, 129), listener(22, 0)],
    events: {
      resetsSent: 5,
      resetsSentByReason: { NO_SOCKET: 4 },
      resetsReceived: 2,
      resetsReceivedByStatePort: { 'SYN_SENT:80': 2 },
      synackRetrans: 9,
      synRetrans: 1,
      retransByState: { ESTABLISHED: 4 },
      drops: 3,
      dropsByReason: { TCP_LISTEN_OVERFLOW: 3 },
      lost: 0,
      suppressed: 2,
    },
    transitions: { 'SYN_RECV->ESTABLISHED': 40, 'ESTABLISHED->CLOSE_WAIT': 3 },
    sysctls: {
      'net.core.somaxconn': '4096',
      'net.ipv4.tcp_rmem': '4096 131072 6291456',
      'net.ipv4.tcp_congestion_control': 'cubic',
    },
    findings: ['accept-queue-overflow'],
  });
  s.census.sockstat = { 'TCP.tw': 5, 'TCP.inuse': 14 };
  return s;
}

describe('createMetrics', () => {
  it('exposes every family with bounded labels', async () => {
    const m = createMetrics();
    m.update(busy(0));
    m.update(busy(1));
    const text = await m.text();
    const has = (line: string) => expect(text.split('\n')).toContain(line);
    has('tcpscope_snapshots_total{netns="web1"} 2');
    has('tcpscope_mode{netns="web1",mode="ebpf"} 1');
    has('tcpscope_netstat_TcpExt_ListenOverflows_total{netns="web1"} 14');
    has('tcpscope_netstat_Tcp_OutRsts_total{netns="web1"} 6');
    has('tcpscope_netstat_IcmpMsg_InType3_total{netns="web1"} 2');
    has('tcpscope_netstat_Ip6_InReceives_total{netns="web1"} 20');
    expect(text).not.toContain('CurrEstab');
    has('tcpscope_transitions_total{netns="web1",from="SYN_RECV",to="ESTABLISHED"} 80');
    has('tcpscope_resets_sent_total{netns="web1",reason="NO_SOCKET"} 8');
    has('tcpscope_resets_sent_total{netns="web1",reason="UNKNOWN"} 2');
    has('tcpscope_resets_received_total{netns="web1",state="SYN_SENT"} 4');
    has('tcpscope_synack_retransmits_total{netns="web1"} 18');
    has('tcpscope_syn_retransmits_total{netns="web1"} 2');
    has('tcpscope_retransmits_total{netns="web1",state="ESTABLISHED"} 8');
    has('tcpscope_drops_total{netns="web1",reason="TCP_LISTEN_OVERFLOW"} 6');
    has('tcpscope_events_lost_total{netns="web1"} 0');
    has('tcpscope_events_suppressed_total{netns="web1"} 4');
    has('tcpscope_sockets{netns="web1",state="CLOSE_WAIT"} 3');
    has('tcpscope_sockets{netns="web1",state="TIME_WAIT"} 0');
    has('tcpscope_sockstat{netns="web1",name="TCP.tw"} 5');
    has('tcpscope_listener_queue{netns="web1",listener="127.0.0.1:8080"} 129');
    has('tcpscope_listener_queue_capacity{netns="web1",listener="127.0.0.1:8080"} 128');
    has('tcpscope_listeners{netns="web1"} 2');
    has('tcpscope_sysctl{netns="web1",name="net.core.somaxconn"} 4096');
    expect(text).not.toContain('tcp_rmem');
    expect(text).not.toContain('cubic');
    has('tcpscope_finding_active{netns="web1",id="accept-queue-overflow",severity="warning"} 1');
    has('# TYPE tcpscope_netstat_TcpExt_ListenOverflows_total counter');
    has('# TYPE tcpscope_sockets gauge');
  });

  it('caps listener series (top N by queue, the rest summed as "other") and removes stale ones', async () => {
    const m = createMetrics(undefined, { maxListenerSeries: 3 });
    const s = snap(0, { listeners: [1, 2, 3, 4, 5, 6].map((p) => listener(1000 + p, p * 10)) });
    m.update(s);
    let text = await m.text();
    const queues = text.split('\n').filter((l) => l.startsWith('tcpscope_listener_queue{'));
    expect(queues).toEqual([
      'tcpscope_listener_queue{netns="4026531840",listener="127.0.0.1:1006"} 60',
      'tcpscope_listener_queue{netns="4026531840",listener="127.0.0.1:1005"} 50',
      'tcpscope_listener_queue{netns="4026531840",listener="127.0.0.1:1004"} 40',
      'tcpscope_listener_queue{netns="4026531840",listener="other"} 60',
    ]);
    m.update(snap(1, { listeners: [listener(9000, 1)], findings: [] }));
    text = await m.text();
    expect(text.split('\n').filter((l) => l.startsWith('tcpscope_listener_queue{'))).toEqual([
      'tcpscope_listener_queue{netns="4026531840",listener="127.0.0.1:9000"} 1',
    ]);
  });

  it('a finding that stops is reported 0, a counter reset is not a negative increment', async () => {
    const m = createMetrics();
    m.update(snap(0, { findings: ['close-wait-leak'], counters: { TcpExtListenOverflows: 5 } }));
    m.update(snap(1, { counters: { TcpExtListenOverflows: -5 } }));
    const text = await m.text();
    expect(text).toContain('tcpscope_finding_active{netns="4026531840",id="close-wait-leak",severity="warning"} 0');
    expect(text).toContain('tcpscope_netstat_TcpExt_ListenOverflows_total{netns="4026531840"} 5');
  });

  it('names nstat counters like node_exporter (group_field)', () => {
    expect(nstatMetricStem('TcpExtTCPReqQFullDrop')).toBe('TcpExt_TCPReqQFullDrop');
    expect(nstatMetricStem('IpExtInOctets')).toBe('IpExt_InOctets');
    expect(nstatMetricStem('Icmp6InMsgs')).toBe('Icmp6_InMsgs');
    expect(nstatMetricStem('UdpLiteInErrors')).toBe('UdpLite_InErrors');
    expect(nstatMetricStem('MPTcpExtMPCapableSYNRX')).toBe('MPTcpExt_MPCapableSYNRX');
    expect(nstatMetricStem('TcpMaxConn')).toBeUndefined();
    expect(nstatMetricStem('weird-name')).toBeUndefined();
  });
});

// Listener-queue counters shown as rates (nstat names), in both eBPF and procfs modes.

export interface QueueCounterDef {
  key: string;
  counter: string;
  label: string;
  short: string;
  tone: 'crit' | 'warn';
}

export const QUEUE_COUNTERS: readonly QueueCounterDef[] = [
  {
    key: 'overflows',
    counter: 'TcpExtListenOverflows',
    label: 'accept-queue overflows',
    short: 'acc overflow',
    tone: 'crit',
  },
  {
    key: 'listenDrops',
    counter: 'TcpExtListenDrops',
    label: 'listen drops (all)',
    short: 'listen drops',
    tone: 'crit',
  },
  {
    key: 'reqQFullDrop',
    counter: 'TcpExtTCPReqQFullDrop',
    label: 'SYN-queue drops',
    short: 'SYNq drops',
    tone: 'crit',
  },
  { key: 'syncookies', counter: 'TcpExtSyncookiesSent', label: 'syncookies sent', short: 'syncookies', tone: 'warn' },
];

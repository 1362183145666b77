// Public API of the host (procfs + sock_diag + sysctl) half.
export type { HostSample, Listener, OwnerCount, NetnsRef } from '../../model/host-sample.js';
export { createHostPoller, countOwners, type HostPoller, type HostPollerOptions } from './poller.js';
export { parseSnmpPairs, parseSnmp6 } from './counters.js';
export { parseSockstat } from './sockstat.js';
export { counterDeltas } from './counter-deltas.js';
export { scanTcpTable, newTcpScan, type TcpScan, type TcpRow } from './tcp-table.js';
export { parseSsRows, splitSsAddr, ssRareArgs, SS_RARE_STATES, type SsRow } from './ss-table.js';
export { censusFromSs, censusFromScan } from './census.js';
export { listenersFromSs, listenersFromScan, listenerAtCapacity } from './listeners.js';
export { OwnerIndex, type Owner } from './owners.js';
export { ProcNetSource } from './proc-source.js';
export { ipv4FromHex, ipv6FromHex } from './proc-addr.js';

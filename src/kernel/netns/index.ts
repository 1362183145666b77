// Public API of network namespace resolution and listing.
export { parseNetnsSpec, isValidNetnsName, type NetnsSpec } from './spec.js';
export { resolveNetns, unknownNetns, type NetnsTarget } from './resolve.js';
export { listNetns, type NetnsSummary } from './list.js';
export { netnsCommand, runInNetns, type NetnsRun } from './exec.js';
export { startNetnsHolder, type NetnsHolder } from './holder.js';
export { pidsByNetns, namedNetns, netnsOfPid, nsfsInode, inodeFromNsLink, commOf, RUN_NETNS } from './scan.js';

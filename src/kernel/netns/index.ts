// Public API of network namespace resolution and listing.
export { parseNetnsSpec, isValidNetnsName, type NetnsSpec } from './spec.js';
export { resolveNetns, unknownNetns, ownedNetns, type NetnsTarget, type ResolveOptions } from './resolve.js';
export { listNetns, listNetnsNamed, type NetnsSummary, type NetnsListing } from './list.js';
export { netnsCommand, runInNetns, type NetnsRun } from './exec.js';
export { startNetnsHolder, type NetnsHolder } from './holder.js';
export { pidsByNetns, namedNetns, netnsOfPid, nsfsInode, inodeFromNsLink, commOf, RUN_NETNS } from './scan.js';

// The workloads `tcpscope advise` is tested on (one file each), registered in the lab's scenario table.
import { backlogBurst } from './scenario-backlog-burst.js';
import { healthy } from './scenario-healthy.js';
import { lossyHandshake } from './scenario-lossy-handshake.js';
import { portExhaustion } from './scenario-port-exhaustion.js';
import type { ScenarioDef } from './scenarios.js';

export const ADVISE_SCENARIOS: Record<
  'port-exhaustion' | 'backlog-burst' | 'lossy-handshake' | 'healthy',
  ScenarioDef
> = {
  'port-exhaustion': portExhaustion,
  'backlog-burst': backlogBurst,
  'lossy-handshake': lossyHandshake,
  healthy,
};

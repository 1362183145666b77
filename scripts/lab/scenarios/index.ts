// Every lab scenario by name, one file each (like src/diagnose/rules/): add a file, then its line here and in types.ts.
import type { ScenarioName } from '../types.js';
import type { ScenarioDef } from './helpers.js';
import { acceptOverflow } from './accept-overflow.js';
import { synackRetrans } from './synack-retrans.js';
import { synTimeout } from './syn-timeout.js';
import { synFlood } from './syn-flood.js';
import { rstClosedPort } from './rst-closed-port.js';
import { timeWait } from './time-wait.js';
import { closeWaitLeak } from './close-wait-leak.js';
import { finWait2Orphans } from './fin-wait2-orphans.js';
import { churn } from './churn.js';

export const DEFS: Record<ScenarioName, ScenarioDef> = {
  'accept-overflow': acceptOverflow,
  'synack-retrans': synackRetrans,
  'syn-timeout': synTimeout,
  'syn-flood': synFlood,
  'rst-closed-port': rstClosedPort,
  'time-wait': timeWait,
  'close-wait-leak': closeWaitLeak,
  'fin-wait2-orphans': finWait2Orphans,
  churn: churn,
};

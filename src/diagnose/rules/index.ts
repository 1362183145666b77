// The list of every diagnosis rule, in evaluation order.
import type { Rule } from '../rule.js';
import { acceptQueueOverflow } from './accept-queue-overflow.js';
import { closeWaitLeak } from './close-wait-leak.js';
import { finWait2Orphans } from './fin-wait2-orphans.js';
import { orphanPressure } from './orphan-pressure.js';
import { resetsAfterHandshake } from './resets-after-handshake.js';
import { riskySettingsRule } from './risky-settings.js';
import { synFlood } from './syn-flood.js';
import { synQueueOverflow } from './syn-queue-overflow.js';
import { synRetransmits } from './syn-retransmits.js';
import { synackRetransmits } from './synack-retransmits.js';
import { timeWaitPressure } from './time-wait-pressure.js';

export const RULES: Rule[] = [
  acceptQueueOverflow,
  synQueueOverflow,
  synFlood,
  synackRetransmits,
  synRetransmits,
  resetsAfterHandshake,
  timeWaitPressure,
  closeWaitLeak,
  finWait2Orphans,
  orphanPressure,
  riskySettingsRule,
];

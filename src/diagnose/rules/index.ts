// The list of every diagnosis rule, in evaluation order.
import type { Rule } from '../rule.js';
import { acceptQueueOverflow } from './accept-queue-overflow.js';
import { synFlood } from './syn-flood.js';
import { synQueueOverflow } from './syn-queue-overflow.js';
import { synackRetransmits } from './synack-retransmits.js';

export const RULES: Rule[] = [acceptQueueOverflow, synQueueOverflow, synFlood, synackRetransmits];

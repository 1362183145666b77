// The assembled product against the real kernel: `tcpscope watch --json` in each lab scenario's netns must report the
// kernel's own counts (counter deltas, probe counts, census) exactly, and the finding that explains the scenario.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, killLeftovers } from './helpers.js';
import { assertObserved, CASES, limited, observe } from './scenario-cases.js';

describe.concurrent('tcpscope watch --json in every lab scenario', () => {
  beforeAll(async () => {
    await requireKernelTracing();
    await requireLab();
  });
  afterAll(async () => {
    killLeftovers();
    await assertNothingLeft();
  }, 30_000);

  for (const c of CASES) {
    it(
      c.title,
      async ({ expect }) => {
        const o = await limited(() => observe(c));
        assertObserved(c, o, expect);
      },
      240_000,
    );
  }
});

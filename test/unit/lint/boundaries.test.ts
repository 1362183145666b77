// The floors are enforced, not just drawn: the repo's own ESLint config rejects an import that runs up a floor.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

/** Boundary messages ESLint gives `code` placed at `file` (a real file, so type-aware rules can parse it). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import floors (npm run lint)', () => {
  it('rejects kernel importing pipeline, pipeline importing diagnose, a sink importing session, model importing kernel', async () => {
    const cases: [string, string][] = [
      ['src/kernel/probes/decode.ts', "import { SnapshotAssembler } from '../../pipeline/assemble.js';"],
      ['src/pipeline/assemble.ts', "import { createDiagnoser } from '../diagnose/index.js';"],
      ['src/record/format.ts', "import { startSession } from '../session/live.js';"],
      ['src/ui/model/header.ts', "import { runReplay } from '../../cli/commands/replay.js';"],
      ['src/model/snapshot.ts', "import type { HostPoller } from '../kernel/host/poller.js';"],
    ];
    for (const [file, line] of cases) {
      const errors = await boundaryErrors(file, `${line}\nexport const x = 1;\n`);
      expect(errors, `${file}: ${line}`).toHaveLength(1);
      expect(errors[0]).toMatch(/floor/);
    }
  });

  it('accepts imports down the floors and within a floor', async () => {
    const cases: [string, string][] = [
      ['src/kernel/probes/decode.ts', "import type { ProbeBatch } from '../../model/probe-batch.js';"],
      ['src/pipeline/assemble.ts', "import { diffSysctls } from '../kernel/sysctl/diff.js';"],
      ['src/record/format.ts', "import type { Snapshot } from '../model/snapshot.js';"],
      ['src/session/replay.ts', "import { readRecording } from '../record/reader.js';"],
      ['src/cli/commands/replay.ts', "import { replaySession } from '../../session/replay.js';"],
      ['src/model/snapshot.ts', "import type { Finding } from './finding.js';"],
    ];
    for (const [file, line] of cases)
      expect(await boundaryErrors(file, `${line}\nexport const x = 1;\n`), file).toEqual([]);
  });
});

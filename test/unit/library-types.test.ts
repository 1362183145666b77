// The package's type declarations stand alone for a consumer without @types/node in its own project (issue 13 item
// 19: `Cannot find namespace 'NodeJS'` from ndjson.d.ts): the package declares @types/node and references it.
import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const ROOT = resolve(import.meta.dirname, '../..');

describe('library types', () => {
  it('type-check a strict consumer that has no @types/node of its own', { timeout: 120_000 }, async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toContain('@types/node');
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-consumer-'));
    try {
      await mkdir(join(dir, 'node_modules'));
      await symlink(ROOT, join(dir, 'node_modules', 'tcpscope'));
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            noEmit: true,
            skipLibCheck: false,
          },
          files: ['main.ts'],
        }),
      );
      await writeFile(
        join(dir, 'main.ts'),
        `import { watch, replay, alerts, parseAlertFlag, createRecorder, type Snapshot } from 'tcpscope';
const s: Promise<Snapshot[]> = new Promise(() => undefined);
void s; void createRecorder;
replay('x.ndjson').pipe(alerts([parseAlertFlag('TcpExtListenOverflows > 0')])).subscribe((e) => e.message.length);
watch({ netns: 'web1' }).subscribe((snap) => snap.census.states);
`,
      );
      const r = await execa(join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir], { reject: false, cwd: dir });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// bpftrace must never outlive tcpscope: a SIGKILLed Node process takes bpftrace and its BPF programs with it.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireKernelTracing } from '../../helpers/prereq.js';
import { alive, bpftracePids, loadedProgIds, progIdsOf, waitFor } from './helpers.js';

const HOLD = fileURLToPath(new URL('./hold-runner.ts', import.meta.url));

describe('runner lifecycle on the real kernel', () => {
  it('SIGKILL of the Node process running the runner: bpftrace exits within 2 s and its programs are unloaded', async () => {
    await requireKernelTracing();
    await execa('bpftool', ['version']);
    // One node process (tsx as a loader, no wrapper process): the pid we kill is the runner's parent.
    const child = execa(process.execPath, ['--import', 'tsx', HOLD], {
      buffer: false,
      reject: false,
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => void (out += c.toString()));
    try {
      await waitFor(() => out.includes('ATTACHED'), 30_000, 'bpftrace attached in the child');
      const m = /SPAWN (\d+) (\d+) (\w+)/.exec(out);
      expect(m).not.toBeNull();
      const [nodePid, bpfPid, guard] = [Number(m![1]), Number(m![2]), m![3]];
      expect(nodePid).toBe(child.pid);
      expect(guard).toBe('setpriv');
      expect(await bpftracePids()).toContain(bpfPid);
      const ours = await progIdsOf(bpfPid);
      expect(ours.length).toBeGreaterThanOrEqual(2); // the tracepoint program and the interval program
      const before = await loadedProgIds();
      for (const id of ours) expect(before.has(id)).toBe(true);

      const killedAt = Date.now();
      process.kill(nodePid, 'SIGKILL');
      await waitFor(() => !alive(bpfPid), 2_000, 'bpftrace to die after its parent was SIGKILLed');
      const tookMs = Date.now() - killedAt;
      expect(alive(bpfPid)).toBe(false);
      // Orphaned, it is reaped by init: then pgrep no longer lists it either.
      await waitFor(async () => !(await bpftracePids()).includes(bpfPid), 10_000, 'the dead bpftrace to be reaped');
      // The kernel frees the programs once the fds are closed (asynchronously, via RCU): allow a moment.
      await waitFor(
        async () => {
          const after = await loadedProgIds();
          return ours.every((id) => !after.has(id));
        },
        5_000,
        'our BPF programs to be unloaded',
      );
      console.log(`bpftrace gone ${tookMs} ms after SIGKILL of its parent; prog ids ${ours.join(',')} unloaded`);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });
});

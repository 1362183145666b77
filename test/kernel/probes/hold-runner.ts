// Fixture for the SIGKILL test: runs bpftrace through the runner and reports its pid, then waits to be killed.
import { runBpftrace } from '../../../src/kernel/bpftrace/runner.js';

const program =
  'tracepoint:sock:inet_sock_set_state { @tsx_hold = count(); } interval:ms:$1 { printf("@@tick %llu\\n", nsecs); }';
runBpftrace({ program, args: ['200'] }).subscribe({
  next: (ev) => {
    if (ev.kind === 'spawn') process.stdout.write(`SPAWN ${process.pid} ${String(ev.pid)} ${ev.guard}\n`);
    if (ev.kind === 'line' && ev.line.includes('attached_probes')) process.stdout.write('ATTACHED\n');
  },
  error: (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
});
setInterval(() => undefined, 1000);

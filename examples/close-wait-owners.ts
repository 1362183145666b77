// Example: log which processes own CLOSE_WAIT sockets when there are many (run: sudo npx tsx examples/close-wait-owners.ts [threshold]).
import { filter, map } from 'rxjs';
import { watch } from '../src/index.js';

const threshold = Number(process.argv[2] ?? 100);

// CLOSE_WAIT = the peer closed, this process never called close(): the owner is the one leaking.
const sub = watch({ intervalMs: 5000 })
  .pipe(
    filter((s) => (s.census.states.CLOSE_WAIT ?? 0) > threshold),
    map((s) => ({
      time: new Date(s.time).toISOString(),
      total: s.census.states.CLOSE_WAIT ?? 0,
      owners: s.census.owners
        .filter((o) => o.state === 'CLOSE_WAIT')
        .sort((a, b) => b.count - a.count)
        .slice(0, 5)
        .map((o) => `${o.comm}[${o.pid}]=${o.count}`),
    })),
  )
  .subscribe({
    next: (r) => console.log(`${r.time} CLOSE_WAIT ${r.total}: ${r.owners.join(' ') || '(no owner found)'}`),
    error: (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  });

// Unsubscribing stops bpftrace before exiting.
process.once('SIGINT', () => sub.unsubscribe());

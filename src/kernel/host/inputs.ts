// The host half as an RxJS source: one HostInput immediately, then one per interval, never two polls at once.
import { Observable } from 'rxjs';
import type { HostInput } from '../../model/inputs.js';
import type { NetnsTarget } from '../netns/resolve.js';
import { createHostPoller, type HostPollerOptions } from './poller.js';

/**
 * Ticks that arrive while a poll is still running are skipped and reported as a note on the next sample.
 * Errors (netns vanished) error the Observable; unsubscribing closes the poller (and any netns holder).
 */
export function hostInputs$(target: NetnsTarget, intervalMs: number, opts?: HostPollerOptions): Observable<HostInput> {
  return new Observable<HostInput>((sub) => {
    const poller = createHostPoller(target, opts);
    let busy = false;
    let skipped = 0;
    let done = false;
    const tick = async (): Promise<void> => {
      if (busy) {
        skipped++;
        return;
      }
      busy = true;
      try {
        const sample = await poller.poll();
        if (skipped > 0) {
          sample.notes.push(`host poll slower than the ${intervalMs} ms interval: ${skipped} tick(s) skipped`);
          skipped = 0;
        }
        if (!done) sub.next({ kind: 'host', t: Date.now(), sample });
      } catch (err) {
        if (!done) sub.error(err);
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      done = true;
      clearInterval(timer);
      void poller.close();
    };
  });
}

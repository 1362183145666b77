// What an alert action is: a non-blocking sink for AlertEvents that can be drained at the end of a run.
import type { AlertEvent } from '../event.js';

export interface AlertAction {
  /** Must return at once: slow work is queued (bounded) and never stalls the snapshot pipeline. */
  handle(event: AlertEvent): void;
  /** Stops accepting events and resolves when queued work has finished (each item bounded by its timeout). */
  close(): Promise<void>;
}

/** Sends every event to each action. */
export function combineActions(actions: readonly AlertAction[]): AlertAction {
  return {
    handle: (e) => {
      for (const a of actions) a.handle(e);
    },
    close: async () => {
      await Promise.all(actions.map((a) => a.close()));
    },
  };
}

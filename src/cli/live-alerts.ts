// Alert evaluation for live commands: a single-netns snapshot as is, a whole-host snapshot netns by netns.
import type { AlertEngine, AlertEvent } from '../alert/index.js';
import type { HostSnapshot } from '../model/host-snapshot.js';
import type { Snapshot } from '../model/snapshot.js';

export function evaluateAlerts(engine: AlertEngine, s: Snapshot | HostSnapshot): AlertEvent[] {
  if (!('namespaces' in s)) return engine.evaluate(s);
  const out: AlertEvent[] = [];
  for (const sec of s.namespaces) if (sec.snapshot) out.push(...engine.evaluate(sec.snapshot));
  return out;
}

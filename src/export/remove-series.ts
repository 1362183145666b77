// Removing some series of a prom-client registry by their labels: a vanished netns (all its series) or a renamed
// one (only its old-labelled series), without resetting anything else.
import type { Registry } from 'prom-client';

interface RemovableMetric {
  labelNames?: readonly string[];
  get(): Promise<{ values: { labels: Record<string, string | number> }[] }>;
  remove?(labels: Record<string, string | number>): void;
}

/**
 * Removes every series whose labels `match`. `ownerLabelled`: only metrics carrying the owner labels (`runtime`…):
 * the latency histograms are labelled by netns only, so an owner change leaves them alone.
 */
export async function removeSeries(
  registry: Registry,
  match: (labels: Record<string, string | number | undefined>) => boolean,
  ownerLabelled: boolean,
): Promise<void> {
  for (const metric of registry.getMetricsAsArray() as unknown as RemovableMetric[]) {
    if (typeof metric.remove !== 'function') continue; // a custom collector without per-series removal
    if (ownerLabelled && !metric.labelNames?.includes('runtime')) continue;
    const got = await metric.get();
    for (const v of got.values) if (match(v.labels)) metric.remove(v.labels);
  }
}

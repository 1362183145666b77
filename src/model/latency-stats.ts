// Log2-histogram arithmetic for the latency section: percentiles, merging, Prometheus-style cumulative buckets.

/**
 * Log2 histogram with 4 linear sub-buckets per power of two, microseconds: key k = 4*b + q counts values in
 * [2^b + q*2^(b-2), 2^b + (q+1)*2^(b-2)) for b >= 2; key 0 holds [0, 2) and key 4 holds [2, 4). The log2 bucket
 * of key k is k >> 2 (= floor(log2(us))).
 */
export type Log2Histogram = Record<string, number>;

export interface LatencyStats {
  count: number;
  sumUs: number;
  /** Largest value; for lifetimes and RTT (no in-kernel max) the upper bound of the highest bucket. */
  maxUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  buckets: Log2Histogram;
}

export function bucketLowUs(k: number): number {
  const b = k >> 2;
  if (b < 2) return b === 0 ? 0 : 2;
  return 2 ** b + (k & 3) * 2 ** (b - 2);
}
export function bucketHighUs(k: number): number {
  const b = k >> 2;
  if (b < 2) return 2 ** (b + 1);
  return 2 ** b + ((k & 3) + 1) * 2 ** (b - 2);
}

/** floor(log2(us)) (0 for us < 2): the plain log2 bucket. */
export function log2Of(us: number): number {
  return us < 2 ? 0 : Math.floor(Math.log2(us));
}

/** The histogram key a value in microseconds falls in (same rule as the probe). */
export function bucketOf(us: number): number {
  const b = log2Of(us);
  return b < 2 ? b * 4 : b * 4 + (Math.floor(us / 2 ** (b - 2)) & 3);
}

/**
 * The q-quantile (0..1) of a log2 histogram, interpolated linearly inside its bucket and capped by maxUs: always in
 * the same log2 bucket as the true value. 0 for an empty histogram.
 */
export function quantileUs(buckets: Log2Histogram, q: number, maxUs?: number): number {
  const entries = Object.entries(buckets)
    .map(([b, c]) => [Number(b), c] as const)
    .filter(([, c]) => c > 0)
    .sort(([a], [b]) => a - b);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [b, c] of entries) {
    if (seen + c >= rank) {
      const lo = bucketLowUs(b);
      const hi = bucketHighUs(b);
      let v = Math.min(hi - 1, lo + ((hi - lo) * (rank - seen)) / c);
      if (maxUs !== undefined && maxUs > 0) v = Math.min(v, maxUs);
      return Math.max(lo, Math.floor(v));
    }
    seen += c;
  }
  return 0;
}

export function addBuckets(into: Log2Histogram, from: Readonly<Record<string | number, number>>): void {
  for (const [b, c] of Object.entries(from)) into[b] = (into[b] ?? 0) + c;
}

/** Stats of a histogram; maxUs undefined = not measured (the top bucket's upper bound stands in). */
export function statsOf(buckets: Log2Histogram, sumUs: number, maxUs: number | undefined): LatencyStats {
  const count = Object.values(buckets).reduce((s, c) => s + c, 0);
  const top = Math.max(
    -1,
    ...Object.entries(buckets)
      .filter(([, c]) => c > 0)
      .map(([b]) => Number(b)),
  );
  const max = count === 0 ? 0 : (maxUs ?? bucketHighUs(top));
  return {
    count,
    sumUs,
    maxUs: max,
    p50Us: quantileUs(buckets, 0.5, max),
    p90Us: quantileUs(buckets, 0.9, max),
    p99Us: quantileUs(buckets, 0.99, max),
    buckets: { ...buckets },
  };
}

/**
 * Cumulative counts at each power-of-two upper bound 2^1..2^(lastLog2+1) µs, in seconds: Prometheus `le` buckets
 * (one per octave keeps the series count low; histogram_quantile interpolates inside them).
 */
export function cumulativeLe(buckets: Log2Histogram, lastLog2 = 27): { le: number; count: number }[] {
  const perLog2 = new Map<number, number>();
  for (const [k, c] of Object.entries(buckets)) perLog2.set(Number(k) >> 2, (perLog2.get(Number(k) >> 2) ?? 0) + c);
  const out: { le: number; count: number }[] = [];
  let acc = 0;
  for (let b = 0; b <= lastLog2; b++) {
    acc += perLog2.get(b) ?? 0;
    out.push({ le: 2 ** (b + 1) / 1e6, count: acc });
  }
  return out;
}

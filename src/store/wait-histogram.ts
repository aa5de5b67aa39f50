/**
 * Times waiting (send → first receive) as a log-scale histogram: bucket i
 * holds waits w (ms) with floor(log2(w + 1) × 8) = i, so a bucket spans
 * about 9% of its value and a day's waits need at most ~210 buckets. Kept
 * sparse ({ index: count }), merged by adding counts, persisted as JSON with
 * the queue history: percentiles over any span are exact to one bucket.
 */
export type WaitHistogram = Record<number, number>;

export interface WaitPercentiles {
  /** How many first receives the percentiles are of. */
  count: number;
  /** Milliseconds, each the upper edge of its bucket. */
  p50: number;
  p95: number;
  p99: number;
}

const STEPS_PER_DOUBLING = 8;

export const waitBucket = (ms: number): number =>
  Math.floor(Math.log2(Math.max(0, ms) + 1) * STEPS_PER_DOUBLING);

const upperEdge = (bucket: number): number => Math.round(2 ** ((bucket + 1) / STEPS_PER_DOUBLING) - 1);

export function addWait(h: WaitHistogram, ms: number): void {
  const b = waitBucket(ms);
  h[b] = (h[b] ?? 0) + 1;
}

/** Adds `from`'s counts into `into`. */
export function mergeWaits(into: WaitHistogram, from: WaitHistogram): WaitHistogram {
  for (const [b, n] of Object.entries(from)) into[Number(b)] = (into[Number(b)] ?? 0) + n;
  return into;
}

/** p50/p95/p99 of a histogram; null when it is empty. */
export function waitPercentiles(h: WaitHistogram): WaitPercentiles | null {
  const buckets = Object.entries(h)
    .map(([b, n]) => [Number(b), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const count = buckets.reduce((s, [, n]) => s + n, 0);
  if (count === 0) return null;
  const at = (p: number) => {
    const rank = Math.ceil(p * count);
    let seen = 0;
    for (const [b, n] of buckets) {
      seen += n;
      if (seen >= rank) return upperEdge(b);
    }
    return upperEdge(buckets[buckets.length - 1]![0]);
  };
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Small helpers shared by benchmarks: timing, concurrent loops, env parsing. */

/** Runs `loops` copies of `step` concurrently until each returns false. */
export async function runLoops(loops: number, step: () => Promise<boolean>): Promise<void> {
  const loop = async (): Promise<void> => {
    while (await step()) {
      // step does the work
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
}

/** Wall time of `fn` in seconds. */
export async function timed(fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Messages per second, rounded. */
export const rate = (messages: number, seconds: number): number => Math.round(messages / seconds);

/** `n` messages that each went in taking `tIn` s and came out taking `tOut` s. */
export const lifecycleRate = (messages: number, tIn: number, tOut: number): number =>
  rate(messages, tIn + tOut);

/** A fixed-size message body, unique per `i`. */
export function body(i: number, bytes: number): string {
  const head = `m${i}:`;
  return head.length >= bytes ? head : head + 'x'.repeat(bytes - head.length);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function envIntList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(`${name} must be a comma-separated list of non-negative integers, got "${raw}"`);
  }
  return list;
}

export const fmtInt = (n: number): string => n.toLocaleString('en-US');
export const fmtPct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * The file store's sync levels to measure (BENCH_SYNC, e.g. `full,normal`), each
 * once, in the order given; both by default, so the two compare within one run.
 */
export function envSyncLevels(name = 'BENCH_SYNC'): ('FULL' | 'NORMAL')[] {
  const raw = process.env[name];
  const list = (raw === undefined || raw === '' ? 'full,normal' : raw).split(',').map((s) => s.trim());
  const levels = list.map((s) => ({ full: 'FULL', normal: 'NORMAL' })[s.toLowerCase()]);
  if (levels.some((l) => l === undefined))
    throw new Error(`${name} must be a comma-separated list of full and normal, got "${raw}"`);
  return [...new Set(levels as ('FULL' | 'NORMAL')[])];
}

/**
 * The anomaly rule: yesterday's cost is an anomaly when it deviates from the
 * average of the 30 days before it by MORE than 50% (exactly 50% is not).
 * Costs are integer cents and the comparison is done in integers
 * (2·|y·n − Σ| > Σ), so "exactly 50%" is exact, not a float that lands either side.
 */
export interface Verdict {
  readonly anomaly: boolean;
  /** Average of the history, in cents (fractional). */
  readonly averageCents: number;
  /** |yesterday − average| / average; Infinity when the average is 0 and yesterday is not. */
  readonly deviation: number;
}

export const THRESHOLD = 0.5;
export const WINDOW_DAYS = 30;

/**
 * @example
 * judge(150_00, Array(30).fill(100_00)).anomaly; // false: exactly 50%
 * judge(151_00, Array(30).fill(100_00)).anomaly; // true: 51%
 */
export function judge(yesterdayCents: number, historyCents: readonly number[]): Verdict {
  const n = historyCents.length;
  if (n === 0) return { anomaly: false, averageCents: Number.NaN, deviation: Number.NaN }; // no baseline yet
  const sum = historyCents.reduce((a, b) => a + b, 0);
  const gap = Math.abs(yesterdayCents * n - sum);
  const averageCents = sum / n;
  if (sum === 0) return { anomaly: gap > 0, averageCents, deviation: gap > 0 ? Number.POSITIVE_INFINITY : 0 };
  return { anomaly: 2 * gap > sum, averageCents, deviation: gap / sum };
}

/**
 * Delays with "full jitter" (a uniform draw in [0, capped exponential]), as
 * AWS's architecture blog recommends: retries of many messages or many
 * workers spread out instead of arriving together.
 */

export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

/** The ceiling before jitter for the `attempt`-th try (1-based): min(max, base × 2^(attempt − 1)). */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 60);
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** exponent);
}

/**
 * Whole seconds before a message that failed on its `receiveCount`-th
 * delivery is visible again (SQS visibility timeouts are integers).
 * @example retryDelaySeconds({ baseSeconds: 1, maxSeconds: 900 }, 3, () => 0.5); // 2
 */
export function retryDelaySeconds(policy: BackoffPolicy, receiveCount: number, random: () => number): number {
  return Math.round(random() * backoffCeiling(policy, receiveCount));
}

/** Receive errors: base 100 ms doubling to 20 s, full jitter, at least 50 ms (never a hot loop). */
export function receiveErrorDelayMs(consecutiveErrors: number, random: () => number): number {
  const ceiling = Math.min(20_000, 100 * 2 ** Math.min(consecutiveErrors - 1, 20));
  return Math.max(50, Math.round(random() * ceiling));
}

/**
 * ReceiveMessage and ChangeMessageVisibility parameters. Checked in the order
 * SQS is seen to apply them: WaitTimeSeconds, MaxNumberOfMessages,
 * VisibilityTimeout.
 */
import { errors } from './errors.ts';
import { MAX_RECEIVE, MAX_VISIBILITY_TIMEOUT, MAX_WAIT_SECONDS } from './limits.ts';

/** An integer from a number or (query protocol) a decimal string; undefined otherwise. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  return undefined;
}

const inRange = (value: unknown, min: number, max: number): boolean => {
  const n = integerOf(value);
  return n !== undefined && n >= min && n <= max;
};

/**
 * Throws for a MaxNumberOfMessages, WaitTimeSeconds or VisibilityTimeout out of range.
 * @example validateReceiveParams({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
 */
export function validateReceiveParams(p: {
  MaxNumberOfMessages?: number;
  WaitTimeSeconds?: number;
  VisibilityTimeout?: number;
}): void {
  const { MaxNumberOfMessages: max, WaitTimeSeconds: wait, VisibilityTimeout: visibility } = p;
  if (wait !== undefined && !inRange(wait, 0, MAX_WAIT_SECONDS)) throw errors.invalidWaitTimeSeconds(wait);
  if (max !== undefined && !inRange(max, 1, MAX_RECEIVE)) throw errors.invalidMaxNumberOfMessages(max);
  if (visibility !== undefined && !inRange(visibility, 0, MAX_VISIBILITY_TIMEOUT)) {
    throw errors.invalidVisibilityTimeout(visibility);
  }
}

/**
 * ChangeMessageVisibility's VisibilityTimeout as a number of seconds. Above
 * 12 hours SQS answers "beyond the limit"; the store must also refuse a value
 * that takes the message past 12 hours since it was received
 * (errors.visibilityTimeoutBeyondLimit).
 * @example validateVisibilityTimeout(60); // 60
 */
export function validateVisibilityTimeout(value: unknown): number {
  if (value === undefined || value === null) throw errors.missingParameter('VisibilityTimeout');
  const n = integerOf(value);
  if (n === undefined || n < 0) throw errors.invalidVisibilityTimeout(value);
  if (n > MAX_VISIBILITY_TIMEOUT) throw errors.visibilityTimeoutBeyondLimit(value);
  return n;
}

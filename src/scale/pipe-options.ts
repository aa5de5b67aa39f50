/**
 * The limits of a pipe's batching, as EventBridge Pipes has them for an SQS
 * source (PipeSourceSqsQueueParameters): BatchSize 1–10000, default 10;
 * MaximumBatchingWindowInSeconds 0–300, default 0. A batch of more than 10
 * records needs a window of at least 1 s, the rule Lambda's SQS event source
 * mapping states ("When you set BatchSize to a value greater than 10, you
 * must set MaximumBatchingWindowInSeconds to at least 1"): one receive brings
 * at most 10 messages, so a bigger batch is gathered over time.
 *
 * The checks and their wording live here once, for the CLI and for runPipe.
 */
import { MAX_RECEIVE, MAX_VISIBILITY_TIMEOUT } from '../sqs/limits.ts';

export const BATCH_SIZE = { min: 1, max: 10_000, default: 10 } as const;
export const WINDOW_SECONDS = { min: 0, max: 300, default: 0 } as const;
/** Pipes processes at most 1,000 batches at once; so may a pipe's children be. */
export const MAX_CHILDREN = { min: 1, max: 1000, default: 1 } as const;
/** The receive's VisibilityTimeout: at least 1 s, so the heartbeat has a window to extend. */
export const VISIBILITY_TIMEOUT = { min: 1, max: MAX_VISIBILITY_TIMEOUT } as const;

/** Why a batch size and window cannot go together, or undefined when they can. */
export function batchingProblem(batchSize: number, windowSeconds: number): string | undefined {
  if (batchSize <= MAX_RECEIVE || windowSeconds >= 1) return undefined;
  return `--batch-size above ${MAX_RECEIVE} needs --window of 1 second or more (as for Lambda's and Pipes' SQS sources), got --batch-size ${batchSize} and --window ${windowSeconds}`;
}

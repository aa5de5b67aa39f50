/**
 * Shapes of the Store port beyond the SQS API's own (those are in
 * src/sqs/types.ts): per-call options, and the counts the scaler and the
 * dashboard read.
 */

/** Per-call options that are not part of the SQS request. */
export interface ReceiveOptions {
  /** Aborting ends a long poll at once with no message claimed. */
  signal?: AbortSignal;
}

/** What the scaler and the dashboard read: counts plus the age of the oldest message. */
export interface QueueStats {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  /** ApproximateNumberOfMessages: ready to be received now. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received and not yet deleted or released. */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed: sent with a delay that has not yet passed. */
  delayed: number;
  /** Age in seconds of the oldest message in the queue (CloudWatch's ApproximateAgeOfOldestMessage); 0 if empty. */
  oldestAgeSeconds: number;
  /** Name of the queue's dead-letter queue, if it has a redrive policy. */
  deadLetterQueue?: string;
}

/**
 * Amazon SQS's numeric limits and queue attribute defaults, declared once.
 * Values are those in the SQS API reference; the defaults are what
 * GetQueueAttributes reports for a fresh queue (recorded in
 * test_set_queue_attributes_default_values and test_fifo_set_content_based_deduplication_strategy).
 */

export interface AttributeRange {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Integer queue attributes: valid range and the value a new queue gets. */
export const QUEUE_ATTRIBUTE_RANGES = {
  VisibilityTimeout: { min: 0, max: 43_200, default: 30 },
  DelaySeconds: { min: 0, max: 900, default: 0 },
  MaximumMessageSize: { min: 1024, max: 1_048_576, default: 1_048_576 },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, default: 345_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20, default: 0 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400, default: 300 },
} as const satisfies Record<string, AttributeRange>;

export type IntegerAttribute = keyof typeof QUEUE_ATTRIBUTE_RANGES;

/** What AWS reports for every queue that did not set these attributes. */
export const QUEUE_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
  VisibilityTimeout: '30',
});

/** Added for FIFO queues. */
export const FIFO_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoQueue: 'true',
  FifoThroughputLimit: 'perQueue',
});

export const MAX_BATCH_ENTRIES = 10;
export const MAX_MESSAGE_ATTRIBUTES = 10;
/** Sum of all entries' sizes in one SendMessageBatch (counted like a message's size). */
export const MAX_BATCH_BYTES = 1_048_576;
/** FIFO deduplication interval. */
export const DEDUP_WINDOW_MS = 300_000;
/** ReceiveMessage MaxNumberOfMessages. */
export const MAX_RECEIVE = 10;
export const MAX_WAIT_SECONDS = 20;
export const MAX_VISIBILITY_TIMEOUT = 43_200;
export const MAX_DELAY_SECONDS = 900;
/** RedrivePolicy maxReceiveCount is 1..1000. */
export const MAX_RECEIVE_COUNT = 1000;
export const MAX_QUEUE_NAME_LENGTH = 80;
export const MAX_BATCH_ENTRY_ID_LENGTH = 80;
/** MessageGroupId and MessageDeduplicationId. */
export const MAX_FIFO_ID_LENGTH = 128;
/** Message attribute names and data types. */
export const MAX_ATTRIBUTE_NAME_LENGTH = 256;
/** Number attributes: up to 38 significant digits. */
export const MAX_NUMBER_DIGITS = 38;
/** RedriveAllowPolicy byQueue: sourceQueueArns. */
export const MAX_REDRIVE_SOURCES = 10;

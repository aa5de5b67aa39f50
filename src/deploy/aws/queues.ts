/**
 * The config's queues as AWS creates them: SQS's defaults made explicit,
 * server-side encryption with SQS-managed keys, a queue policy refusing
 * anything but TLS, and each dead-letter queue (kept 14 days, SQS's longest,
 * as `sluice dev` keeps it) with the redrive policy pointing at it.
 */
import type { QueueConfig } from '../../config/config-file.ts';

export interface AwsDeadLetterQueue {
  readonly name: string;
  readonly fifo: boolean;
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
}

export interface AwsQueue {
  readonly name: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly delaySeconds: number;
  /** FIFO only; undefined for a standard queue. */
  readonly contentBasedDeduplication: boolean | undefined;
  /** SSE-SQS: encrypted at rest with keys SQS manages (no KMS grants needed). */
  readonly encryption: 'sqs-managed';
  /** A queue policy denying every request not made over TLS (aws:SecureTransport false). */
  readonly enforceSSL: true;
  readonly dlq: AwsDeadLetterQueue | undefined;
}

/** SQS's own defaults, written out so every renderer sets the same. */
export const SQS_DEFAULTS = Object.freeze({
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 345_600,
  delaySeconds: 0,
  dlqRetentionSeconds: 1_209_600,
});

/**
 * @example
 * awsQueue({ name: 'jobs', fifo: false, dlq: { name: 'jobs-dlq', maxReceiveCount: 3 } }).dlq?.retentionSeconds; // 1209600
 */
export function awsQueue(q: QueueConfig): AwsQueue {
  return Object.freeze({
    name: q.name,
    fifo: q.fifo,
    visibilityTimeoutSeconds: q.visibilityTimeout ?? SQS_DEFAULTS.visibilityTimeoutSeconds,
    retentionSeconds: q.retentionSeconds ?? SQS_DEFAULTS.retentionSeconds,
    delaySeconds: q.delaySeconds ?? SQS_DEFAULTS.delaySeconds,
    contentBasedDeduplication: q.fifo ? (q.contentBasedDeduplication ?? false) : undefined,
    encryption: 'sqs-managed',
    enforceSSL: true,
    dlq: q.dlq
      ? Object.freeze({
          name: q.dlq.name,
          fifo: q.fifo,
          maxReceiveCount: q.dlq.maxReceiveCount,
          retentionSeconds: SQS_DEFAULTS.dlqRetentionSeconds,
        })
      : undefined,
  });
}

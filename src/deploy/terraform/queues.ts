/**
 * queues.tf.json: each queue of the model and its dead-letter queue
 * (aws_sqs_queue: SQS's defaults written out, SSE-SQS, the redrive policy),
 * and on each a queue policy that denies any request not made over TLS.
 */
import type { AwsModel } from '../aws/model.ts';
import type { QueueLabels } from './names.ts';
import { jsonDocument, type Value } from './template.ts';

/** Denies every request to the queue that does not come over TLS (aws:SecureTransport false). */
function tlsOnly(name: string, queues: QueueLabels): Value {
  return {
    queue_url: queues.attr(name, 'id'),
    policy: jsonDocument({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: queues.attr(name, 'arn'),
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  };
}

export function queuesFile(model: AwsModel, queues: QueueLabels): Record<string, Value> {
  const sqs: Record<string, Value> = {};
  const policies: Record<string, Value> = {};
  for (const q of model.queues) {
    if (q.dlq) {
      sqs[queues.of(q.dlq.name)] = {
        name: q.dlq.name,
        fifo_queue: q.dlq.fifo || undefined,
        message_retention_seconds: q.dlq.retentionSeconds,
        sqs_managed_sse_enabled: q.encryption === 'sqs-managed',
      };
      if (q.enforceSSL) policies[queues.of(q.dlq.name)] = tlsOnly(q.dlq.name, queues);
    }
    sqs[queues.of(q.name)] = {
      name: q.name,
      fifo_queue: q.fifo || undefined,
      content_based_deduplication: q.contentBasedDeduplication,
      visibility_timeout_seconds: q.visibilityTimeoutSeconds,
      message_retention_seconds: q.retentionSeconds,
      delay_seconds: q.delaySeconds,
      sqs_managed_sse_enabled: q.encryption === 'sqs-managed',
      redrive_policy: q.dlq
        ? jsonDocument({
            deadLetterTargetArn: queues.attr(q.dlq.name, 'arn'),
            maxReceiveCount: q.dlq.maxReceiveCount,
          })
        : undefined,
    };
    if (q.enforceSSL) policies[queues.of(q.name)] = tlsOnly(q.name, queues);
  }
  return { resource: { aws_sqs_queue: sqs, aws_sqs_queue_policy: policies } };
}

/**
 * Creates a config's queues: each dead-letter queue first, then its source
 * queue with a RedrivePolicy pointing at it. Idempotent: a queue that exists
 * with other attributes gets them set instead (SQS refuses CreateQueue then).
 */
import type { QueueClient } from '../client/queue-client.ts';
import { isSqsError } from '../sqs/registry.ts';
import type { QueueConfig } from './config-file.ts';

export interface EnsuredQueue {
  readonly name: string;
  readonly url: string;
  readonly dlqUrl?: string;
}

async function ensure(
  client: QueueClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    return (await client.createQueue({ QueueName: name, Attributes: attributes })).QueueUrl;
  } catch (e) {
    if (!isSqsError(e) || e.errorName !== 'QueueAlreadyExists') throw e;
    const { QueueUrl } = await client.getQueueUrl({ QueueName: name });
    const { FifoQueue: _fifo, ...settable } = attributes;
    await client.setQueueAttributes({ QueueUrl, Attributes: settable });
    return QueueUrl;
  }
}

function attributesOf(q: QueueConfig): Record<string, string> {
  const a: Record<string, string> = {};
  if (q.fifo) a.FifoQueue = 'true';
  if (q.visibilityTimeout !== undefined) a.VisibilityTimeout = String(q.visibilityTimeout);
  if (q.delaySeconds !== undefined) a.DelaySeconds = String(q.delaySeconds);
  if (q.retentionSeconds !== undefined) a.MessageRetentionPeriod = String(q.retentionSeconds);
  if (q.contentBasedDeduplication !== undefined)
    a.ContentBasedDeduplication = String(q.contentBasedDeduplication);
  return a;
}

/**
 * Creates (or updates) every queue and its DLQ; returns their URLs in config order.
 *
 * @example
 * await ensureQueues(client, [{ name: 'emails', fifo: false, dlq: { name: 'emails-dlq', maxReceiveCount: 3 } }]);
 */
export async function ensureQueues(
  client: QueueClient,
  queues: readonly QueueConfig[],
): Promise<EnsuredQueue[]> {
  const out: EnsuredQueue[] = [];
  for (const q of queues) {
    const attributes = attributesOf(q);
    if (!q.dlq) {
      out.push({ name: q.name, url: await ensure(client, q.name, attributes) });
      continue;
    }
    const dlqAttributes: Record<string, string> = q.fifo ? { FifoQueue: 'true' } : {};
    dlqAttributes.MessageRetentionPeriod = '1209600'; // 14 days, to inspect and redrive at leisure
    const dlqUrl = await ensure(client, q.dlq.name, dlqAttributes);
    const { Attributes } = await client.getQueueAttributes({
      QueueUrl: dlqUrl,
      AttributeNames: ['QueueArn'],
    });
    const arn = Attributes?.QueueArn;
    if (!arn) throw new Error(`queue ${q.dlq.name} has no QueueArn`);
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: arn,
      maxReceiveCount: q.dlq.maxReceiveCount,
    });
    out.push({ name: q.name, url: await ensure(client, q.name, attributes), dlqUrl });
  }
  return out;
}

/** The names of the config's queues (DLQs included) that the service does not have. */
export function missingQueues(client: QueueClient, queues: readonly QueueConfig[]): Promise<string[]> {
  return missingOf(
    client,
    queues.flatMap((q) => (q.dlq ? [q.name, q.dlq.name] : [q.name])),
  );
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * The queues (names or URLs) the service does not have, each once, in order.
 * Anything but "does not exist" (a network error, access denied) is thrown.
 */
export async function missingOf(client: QueueClient, queues: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const queue of new Set(queues)) {
    try {
      if (isUrl(queue)) await client.getQueueAttributes({ QueueUrl: queue, AttributeNames: ['QueueArn'] });
      else await client.getQueueUrl({ QueueName: queue });
    } catch (e) {
      if (!isSqsError(e) || e.errorName !== 'NonExistentQueue') throw e;
      missing.push(queue);
    }
  }
  return missing;
}

/**
 * The one refusal for queues that are not there, for `sluice start` and `sluice worker`:
 * `no such queue at http://127.0.0.1:9324: emails (create it, …)`.
 */
export function noSuchQueues(missing: readonly string[], where: string | undefined, hint: string): Error {
  const s = missing.length > 1 ? 's' : '';
  return new Error(`no such queue${s} at ${where ?? 'Amazon SQS'}: ${missing.join(', ')} (${hint})`);
}

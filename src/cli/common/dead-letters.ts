/**
 * Dead-letter queues as `sluice dlq` sees them: which queue is the DLQ (the
 * operator may name it or one of its sources), and a non-consuming peek.
 *
 * The peek: receive with a 30 s visibility timeout (so one pass does not see
 * a message twice), then hand every message back at once with
 * ChangeMessageVisibility 0 — also when the pass fails half-way. Nothing is
 * deleted. A receive counts as one, so each peek adds 1 to the messages'
 * ApproximateReceiveCount: harmless on a DLQ without its own RedrivePolicy;
 * on a DLQ that has one, repeated peeks move messages on towards its DLQ. If
 * the process is killed mid-peek, the messages reappear after 30 s.
 */
import type { QueueClient } from '../../client/queue-client.ts';
import type { Message } from '../../sqs/types.ts';
import { deadLetterSources, describeQueue, type ResolvedQueue, resolveQueue } from './queue.ts';

export interface DeadLetterSetup {
  dlq: ResolvedQueue;
  sources: ResolvedQueue[];
}

/** The DLQ `ref` is, or the DLQ of the source queue `ref`; throws if neither. */
export async function deadLetterSetup(client: QueueClient, ref: string): Promise<DeadLetterSetup> {
  const queue = await resolveQueue(client, ref);
  let sourceUrls = await deadLetterSources(client, queue.url);
  let dlq = queue;
  if (sourceUrls.length === 0) {
    if (!queue.redrive)
      throw new Error(
        `${ref} is not a dead-letter queue and has none (no RedrivePolicy names it or is set on it)`,
      );
    const { QueueUrl } = await client.getQueueUrl({ QueueName: queue.redrive.dlqName });
    dlq = await describeQueue(client, QueueUrl);
    sourceUrls = await deadLetterSources(client, dlq.url);
  }
  const sources = await Promise.all(sourceUrls.map((url) => describeQueue(client, url)));
  return { dlq, sources };
}

const PEEK_VISIBILITY_SECONDS = 30;

/** Up to `max` messages of the queue, with all attributes, left in the queue and visible. */
export async function peek(client: QueueClient, queueUrl: string, max: number): Promise<Message[]> {
  const held: Message[] = [];
  try {
    while (held.length < max) {
      const { Messages = [] } = await client.receiveMessage({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - held.length),
        VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
        WaitTimeSeconds: 1, // queries every SQS server, not a sample
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      });
      if (Messages.length === 0) break;
      held.push(...Messages);
    }
  } finally {
    for (let i = 0; i < held.length; i += 10) {
      await client.changeMessageVisibilityBatch({
        QueueUrl: queueUrl,
        Entries: held
          .slice(i, i + 10)
          .map((m, j) => ({ Id: String(i + j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      });
    }
  }
  return held;
}

/** What `dlq show` reports of one message. */
export interface FailedMessage {
  messageId: string;
  /** sluice.messageId: the id the message had in its source queue, when a sluice worker moved it. */
  originalMessageId: string | null;
  sourceQueue: string | null;
  /** sluice.error: what the worker recorded; null when SQS's redrive moved it (no worker record). */
  error: string | null;
  /** sluice.receiveCount: receives in the source queue when the worker gave up. */
  workerReceiveCount: number | null;
  /** ApproximateReceiveCount as read, this peek included. */
  receiveCount: number;
  sentAt: string | null;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, string>;
}

export function describeFailed(m: Message): FailedMessage {
  const own: Record<string, string> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {}))
    own[name] = v.StringValue ?? (v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : '');
  const sent = Number(m.Attributes?.SentTimestamp);
  const sourceArn = m.Attributes?.DeadLetterQueueSourceArn;
  return {
    messageId: m.MessageId,
    originalMessageId: own['sluice.messageId'] ?? null,
    sourceQueue: own['sluice.sourceQueue'] ?? (sourceArn ? (sourceArn.split(':').at(-1) ?? null) : null),
    error: own['sluice.error'] ?? null,
    workerReceiveCount: own['sluice.receiveCount'] ? Number(own['sluice.receiveCount']) : null,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
    body: m.Body,
    attributes: m.Attributes ?? {},
    messageAttributes: own,
  };
}

/** How many messages a queue holds, by state, over the SQS API (approximate on Amazon SQS). */
import type { QueueClient } from './queue-client.ts';

export interface QueueDepth {
  /** ApproximateNumberOfMessages: ready to be received. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted or released. */
  readonly inFlight: number;
  /** ApproximateNumberOfMessagesDelayed: sent with a delay not yet passed. */
  readonly delayed: number;
}

/**
 * @example
 * const { visible, inFlight, delayed } = await queueDepth(client, QueueUrl);
 */
export async function queueDepth(client: QueueClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await client.getQueueAttributes({
    QueueUrl: queueUrl,
    AttributeNames: [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ],
  });
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

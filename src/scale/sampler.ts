/**
 * Reads one queue's observation for the policy: messages visible, in flight
 * and delayed (the SQS attributes every SQS speaks), and the age of the
 * oldest message where it can be known: in-process from the store, or from a
 * sluice server's GET /stats. Over Amazon SQS the age is a CloudWatch metric
 * only; there it is reported as unknown (undefined) and age steps cannot fire.
 */
import type { QueueClient } from '../client/queue-client.ts';
import { oldestAges } from '../client/server-stats.ts';
import type { Store } from '../store/store.ts';

export interface QueueObservation {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Undefined when the source cannot tell (Amazon SQS without CloudWatch). */
  readonly oldestAgeSeconds: number | undefined;
}

export type QueueSource =
  /** Over the SQS API; `endpoint`, if a sluice server, also gives the age. */
  | { readonly client: QueueClient; readonly queueUrl: string; readonly endpoint?: string }
  /** In-process: the store's own stats. */
  | { readonly store: Store; readonly queueUrl: string };

const nameOf = (url: string) => url.split('/').filter(Boolean).at(-1) ?? url;

/**
 * Observes the queue once.
 *
 * @example
 * const o = await observeQueue({ client, queueUrl, endpoint: 'http://127.0.0.1:9324' });
 * // { visible: 120, inFlight: 20, delayed: 0, oldestAgeSeconds: 14 }
 */
export async function observeQueue(source: QueueSource): Promise<QueueObservation> {
  const name = nameOf(source.queueUrl);
  if ('store' in source) {
    const row = (await source.store.stats(name)).find((q) => q.name === name);
    if (!row) throw new Error(`${name}: The specified queue does not exist.`);
    return {
      visible: row.visible,
      inFlight: row.inFlight,
      delayed: row.delayed,
      oldestAgeSeconds: row.oldestAgeSeconds,
    };
  }
  const [{ Attributes = {} }, ages] = await Promise.all([
    source.client.getQueueAttributes({
      QueueUrl: source.queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
    oldestAges(source.endpoint),
  ]);
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    oldestAgeSeconds: ages.get(name),
  };
}

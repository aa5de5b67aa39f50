/**
 * The scheduler's three conversations with the queue service: send a tick
 * (deduplicated), remember the last tick (a queue tag), and ask whether the
 * queue is still busy (for `noOverlap`). Each is one SQS call.
 */
import { randomUUID } from 'node:crypto';
import type { QueueClient } from '../client/queue-client.ts';
import { queueDepth } from '../client/queue-depth.ts';
import { currentTracing, traceHeaderAttribute } from '../observe/tracing.ts';
import { queueNameOf, type Schedule } from './define.ts';
import { bodyFor, dedupId } from './ticks.ts';

/** The queue tag holding a schedule's last handled tick (ISO 8601). */
export const tagKey = (name: string): string => `sluice:schedule:${name}`;

export async function queueUrlOf(client: QueueClient, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  const { QueueUrl } = await client.getQueueUrl({ QueueName: queueNameOf(queue) });
  return QueueUrl;
}

export interface Sent {
  messageId: string;
  scheduledAt: Date;
}

/**
 * Sends the message for one tick. `scheduledAt` undefined means a manual
 * trigger: the tick is "now" and its deduplication id is unique, so it is
 * never mistaken for (or swallowed by) a cron tick. With OpenTelemetry, the
 * send is a PRODUCER span (in the current trace, if any) that the worker's
 * span continues (src/observe/tracing.ts).
 */
export async function sendTick(
  client: QueueClient,
  queueUrl: string,
  schedule: Schedule,
  at: number,
  manual = false,
): Promise<Sent> {
  const scheduledAt = new Date(at);
  let MessageBody: string;
  try {
    MessageBody = bodyFor(schedule, { name: schedule.name, scheduledAt, zone: schedule.timezone });
  } catch (e) {
    throw new BuildError(`schedule ${schedule.name}: build() threw`, { cause: e });
  }
  const tracing = currentTracing();
  const { MessageId } = await tracing.sending(queueNameOf(schedule.queue), (traceHeader) =>
    client.sendMessage({
      QueueUrl: queueUrl,
      MessageBody,
      MessageGroupId: schedule.name,
      MessageDeduplicationId: manual
        ? dedupId(`${schedule.name}\nmanual\n${randomUUID()}`, at)
        : dedupId(schedule.name, at),
      MessageAttributes: {
        'sluice.schedule': { DataType: 'String', StringValue: schedule.name },
        'sluice.scheduledAt': { DataType: 'String', StringValue: scheduledAt.toISOString() },
        'sluice.trigger': { DataType: 'String', StringValue: manual ? 'manual' : 'cron' },
      },
      ...traceHeaderAttribute(traceHeader),
    }),
  );
  return { messageId: MessageId ?? '', scheduledAt };
}

/** The last tick some replica handled, from the queue's tags; undefined when none has (or the tag is unreadable). */
export async function readLastTick(
  client: QueueClient,
  queueUrl: string,
  name: string,
): Promise<number | undefined> {
  const { Tags } = await client.listQueueTags({ QueueUrl: queueUrl });
  const value = Tags?.[tagKey(name)];
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export async function writeLastTick(
  client: QueueClient,
  queueUrl: string,
  name: string,
  at: number,
): Promise<void> {
  await client.tagQueue({ QueueUrl: queueUrl, Tags: { [tagKey(name)]: new Date(at).toISOString() } });
}

/** Messages in the queue that some consumer has not finished: visible, delayed or in flight (approximate on SQS). */
export async function pendingMessages(client: QueueClient, queueUrl: string): Promise<number> {
  const { visible, inFlight, delayed } = await queueDepth(client, queueUrl);
  return visible + inFlight + delayed;
}

/** A `build` that threw: the scheduler skips the tick rather than retrying it (it would throw again). */
export class BuildError extends Error {}

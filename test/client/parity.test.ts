/**
 * The two adapters answer alike, value for value: one scenario touching every
 * action runs through each, and the recorded results must deep-equal (no
 * `$metadata`, `undefined` for actions without output, binaries as plain
 * Uint8Array). Only identifiers a store draws at random are replaced by the
 * order in which they first appear.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { arnOf } from '../store/contract/harness.ts';
import { awsFactory, localFactory } from './harness.ts';

const RANDOM = new Set(['MessageId', 'ReceiptHandle', 'TaskHandle']);

/** Runs every action once (plus the failures a batch reports) and returns what each call answered. */
async function scenario(c: QueueClient): Promise<unknown[]> {
  const out: unknown[] = [];
  const log = async (p: Promise<unknown>) => out.push(await p);
  const { QueueUrl: dlq } = await c.createQueue({ QueueName: 'dlq' });
  const { QueueUrl } = await c.createQueue({
    QueueName: 'work',
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 1 }) },
    tags: { team: 'core' },
  });
  await log(c.createQueue({ QueueName: 'work.fifo', Attributes: { FifoQueue: 'true' } }));
  await log(c.getQueueUrl({ QueueName: 'work' }));
  await log(c.listQueues({}));
  await log(c.listQueues({ QueueNamePrefix: 'w', MaxResults: 1 }));
  await log(c.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: '10' } }));
  await log(c.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] }));
  await log(c.tagQueue({ QueueUrl, Tags: { env: 'test' } }));
  await log(c.untagQueue({ QueueUrl, TagKeys: ['team'] }));
  await log(c.listQueueTags({ QueueUrl }));
  await log(
    c.addPermission({ QueueUrl, Label: 'p', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }),
  );
  await log(c.removePermission({ QueueUrl, Label: 'p' }));
  const bin = { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) };
  await log(
    c.sendMessage({
      QueueUrl,
      MessageBody: 'one',
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v' },
        b: bin,
        n: { DataType: 'Number', StringValue: '7' },
      },
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
      },
    }),
  );
  await log(
    c.sendMessageBatch({
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'two' },
        { Id: 'b', MessageBody: 'x', DelaySeconds: 901 },
      ],
    }),
  );
  const received = await c.receiveMessage({
    QueueUrl,
    MaxNumberOfMessages: 10,
    MessageSystemAttributeNames: ['All'],
    MessageAttributeNames: ['All'],
  });
  out.push(received);
  const [first, second] = received.Messages ?? [];
  assert.ok(first && second);
  await log(
    c.changeMessageVisibility({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }),
  );
  const entries = [
    { Id: 'ok', ReceiptHandle: second.ReceiptHandle },
    { Id: 'bad', ReceiptHandle: 'not-a-handle' },
  ];
  await log(
    c.changeMessageVisibilityBatch({
      QueueUrl,
      Entries: entries.map((e) => ({ ...e, VisibilityTimeout: 0 })),
    }),
  );
  await log(c.deleteMessageBatch({ QueueUrl, Entries: entries }));
  await log(c.receiveMessage({ QueueUrl, MessageAttributeNames: ['All'] })); // "one" again: its second receive moves it to the DLQ
  await log(
    c.receiveMessage({
      QueueUrl: dlq,
      MessageAttributeNames: ['b'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  await log(c.listDeadLetterSourceQueues({ QueueUrl: dlq }));
  const task = await c.startMessageMoveTask({ SourceArn: arnOf('dlq'), MaxNumberOfMessagesPerSecond: 1 });
  out.push(task);
  await log(c.listMessageMoveTasks({ SourceArn: arnOf('dlq') }));
  await log(c.cancelMessageMoveTask(task));
  await log(c.purgeQueue({ QueueUrl }));
  await log(c.deleteMessage({ QueueUrl, ReceiptHandle: first.ReceiptHandle }).catch((e: Error) => e.message));
  await log(c.deleteQueue({ QueueUrl: dlq }));
  return out;
}

/** Replaces random identifiers by `#n`, n counting distinct values in order of appearance. */
function mask(value: unknown, seen = new Map<string, string>(), key = ''): unknown {
  if (typeof value === 'string' && RANDOM.has(key)) {
    if (!seen.has(value)) seen.set(value, `#${seen.size}`);
    return seen.get(value);
  }
  if (Array.isArray(value)) return value.map((v) => mask(v, seen, key));
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, seen, k)]));
  return value;
}

describe('QueueClient parity: local and AWS adapters answer alike', () => {
  it('every action, value for value', async () => {
    const results: unknown[][] = [];
    for (const make of [localFactory, awsFactory]) {
      const made = await make({ clock: new ManualClock() });
      try {
        results.push(mask(await scenario(made.store as QueueClient)) as unknown[]);
      } finally {
        await made.cleanup();
      }
    }
    const [local, aws] = results;
    assert.deepEqual(aws, local);
  });
});

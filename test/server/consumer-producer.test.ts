/**
 * Existing SQS libraries, unchanged, against sluice: sqs-producer sends in
 * batches, sqs-consumer long-polls, deletes what its handler finished, hands
 * back (visibility 0) what failed, and keeps a slow message invisible with
 * heartbeats.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { Producer } from 'sqs-producer';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const counts = async (QueueUrl: string) => {
  const { Attributes = {} } = await t.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return [
    Number(Attributes.ApproximateNumberOfMessages),
    Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  ];
};

describe('sqs-producer and sqs-consumer against sluice', () => {
  it('produces, consumes, retries a failure and heartbeats a slow message', async () => {
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'libs' }));
    const producer = Producer.create({ queueUrl: QueueUrl!, sqs: t.sqs, batchSize: 10 });
    const sent = Array.from({ length: 25 }, (_, i) => ({
      id: `m${i}`,
      body: JSON.stringify({ n: i }),
      messageAttributes: { kind: { DataType: 'String', StringValue: i === 7 ? 'slow' : 'fast' } },
    }));
    const results = await producer.send(sent);
    assert.equal(results.length, 25);
    assert.equal(await producer.queueSize(), 25);

    const seen = new Map<number, number>();
    let failedOnce = false;
    const done = new Promise<void>((resolve, reject) => {
      const consumer = Consumer.create({
        queueUrl: QueueUrl!,
        sqs: t.sqs,
        batchSize: 10,
        waitTimeSeconds: 1,
        visibilityTimeout: 2,
        heartbeatInterval: 1,
        terminateVisibilityTimeout: true,
        messageAttributeNames: ['All'],
        handleMessage: async (message) => {
          const { n } = JSON.parse(message.Body ?? '{}') as { n: number };
          seen.set(n, (seen.get(n) ?? 0) + 1);
          if (n === 3 && !failedOnce) {
            failedOnce = true;
            throw new Error('transient');
          }
          // Longer than the 2 s visibility timeout: only heartbeats keep it from a second delivery.
          if (message.MessageAttributes?.kind?.StringValue === 'slow')
            await new Promise((r) => setTimeout(r, 3500));
          if ([...seen.keys()].length === 25 && (seen.get(3) ?? 0) >= 2)
            setTimeout(() => consumer.stop({ abort: false }), 500);
          return message;
        },
      });
      consumer.on('processing_error', () => {}); // the one planned failure
      consumer.on('error', reject);
      consumer.on('stopped', () => resolve());
      consumer.start();
    });
    await done;
    assert.equal(seen.size, 25);
    assert.equal(seen.get(3), 2, 'the failed message came back at once and was handled again');
    assert.equal(seen.get(7), 1, 'heartbeats kept the slow message invisible');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await counts(QueueUrl!), [0, 0]);
  });
});

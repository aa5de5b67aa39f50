/**
 * `sluice plan --measure` reports what it measured: the depth's fall over the
 * window, never topped up with the assumed --incoming rate (which came back
 * as throughput: `--incoming 190M` made one worker do 190M/day).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { measureQueue } from '../../src/cli/plan.ts';
import { createClient } from '../../src/client/index.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fails } from './ops-harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

async function queueWith(name: string, count: number): Promise<string> {
  const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: name }));
  for (let i = 0; i < count; i += 10)
    await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `m${i + j}` })),
      }),
    );
  return QueueUrl!;
}

/** Receives and deletes exactly `count` messages. */
async function consume(QueueUrl: string, count: number): Promise<void> {
  for (let left = count; left > 0; ) {
    const { Messages = [] } = await t.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: Math.min(10, left) }),
    );
    if (Messages.length === 0) continue;
    await t.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    left -= Messages.length;
  }
}

describe('plan --measure', () => {
  it('counts the messages that left the queue in the window, whatever rate is assumed to arrive', async () => {
    const url = await queueWith('measure-known', 100);
    const client = createClient({ endpoint: t.url, region: 'us-east-1' });
    let clock = 0;
    try {
      // The window: 30 messages are consumed, and 60 s pass on the injected clock.
      const m = await measureQueue(client, { queue: 'measure-known', running: 2, windowSeconds: 60 }, true, {
        now: () => clock,
        sleep: async (ms) => {
          await consume(url, 30);
          clock += ms;
        },
      });
      assert.equal(m.depthBefore, 100);
      assert.equal(m.depthAfter, 70);
      assert.equal(m.processed, 30);
      assert.equal(m.windowSeconds, 60);
      assert.equal(m.perWorkerPerSecond, 0.25); // 30 ÷ 2 workers ÷ 60 s
      assert.equal(m.perWorkerPerDay, 21_600);
      assert.equal(m.lowerBound, true, 'arrivals during the window are not seen');
      assert.equal(
        m.reason,
        '(100 − 70) ÷ 2 workers ÷ 60 s = 0.25/s = 21600/day per worker (at least: messages that arrived meanwhile are not seen)',
      );
    } finally {
      await client.close();
    }
  });

  it('a queue nobody consumes measured nothing, however many messages are assumed to arrive', async () => {
    await queueWith('measure-idle', 20);
    await fails(
      t,
      /^sluice: --measure measure-idle: nothing measurably processed in [\d.]+ s \(depth 20 → 20; arrivals kept pace or outran the workers\); measure longer \(--window\) or with the producers paused, or give --per-worker$/,
      ...['plan', '--measure', 'measure-idle', '--running', '1', '--window', '1'],
      ...['--incoming', '190M', '--deadline', '1'],
    );
  });
});

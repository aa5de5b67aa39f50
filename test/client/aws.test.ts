import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { apiContract } from '../store/contract/index.ts';
import { awsFactory, CREDENTIALS } from './harness.ts';

describe('QueueClient contract: AWS SDK over HTTP to sluice server', () => {
  apiContract(awsFactory);
});

/** Waits (real time, a few ms at a step) for `done`, failing after 2 s. */
async function eventually(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!done()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('AWS adapter: aborting and closing', () => {
  let server: RunningServer;
  let client: QueueClient;
  let QueueUrl: string;
  let receives = 0;
  before(async () => {
    server = await startServer({
      port: 0,
      openStore: (baseUrl) => openSqliteStore({ path: ':memory:', identity: { baseUrl } }),
      log: () => {},
    });
    server.http.on('request', (req) => {
      if (req.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage') receives++;
    });
    client = awsClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS });
    ({ QueueUrl } = await client.createQueue({ QueueName: 'aborts' }));
  });
  after(async () => {
    await client.close();
    await server.shutdown();
  });

  it('an aborted long poll resolves with no messages and is never sent again', async () => {
    const before = receives;
    const controller = new AbortController();
    const poll = client.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 }, { signal: controller.signal });
    await eventually(() => receives === before + 1, 'the poll reaches the server');
    controller.abort();
    assert.deepEqual(await poll, {});
    // Longer than the SDK's first retry delay (at most 100 ms in standard mode).
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receives, before + 1, 'no retry of the aborted poll');
  });

  it('an abort while the answer is on its way returns the messages instead of stranding them invisible', async () => {
    const before = receives;
    const controller = new AbortController();
    const poll = client.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 }, { signal: controller.signal });
    await eventually(() => receives === before + 1, 'the poll reaches the server');
    await client.sendMessage({ QueueUrl, MessageBody: 'just in time' }); // wakes the poll: its answer is sent
    controller.abort();
    const { Messages = [] } = await poll;
    assert.deepEqual(
      Messages.map((m) => m.Body),
      ['just in time'],
      'the caller holds the message it was sent, and can hand it back',
    );
    await client.deleteMessage({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle! });
  });

  it('a signal aborted beforehand sends nothing', async () => {
    const before = receives;
    assert.deepEqual(await client.receiveMessage({ QueueUrl }, { signal: AbortSignal.abort() }), {});
    assert.equal(receives, before);
  });

  it('close() ends open polls and leaves an SDK client it was given usable', async () => {
    const sqs = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS });
    try {
      const given = awsClient({ sqs });
      const before = receives;
      const poll = given.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
      await eventually(() => receives === before + 1, 'the poll reaches the server');
      await given.close();
      assert.deepEqual(await poll, {});
      assert.ok((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.includes(QueueUrl));
    } finally {
      sqs.destroy();
    }
  });
});

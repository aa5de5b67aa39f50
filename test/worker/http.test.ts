/**
 * The worker over real HTTP: `awsClient` (@aws-sdk/client-sqs) against a
 * real sluice server on an ephemeral port, on the wall clock. A
 * representative subset of the in-process suite, plus what only a network
 * has: a server that goes away and comes back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { PermanentError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, memoryLogger, recording } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('worker over HTTP (awsClient → sluice server)', () => {
  let dir: string;
  let server: RunningServer;
  let client: QueueClient;
  const log = memoryLogger();

  const start = (port = 0) =>
    startServer({
      port,
      openStore: (baseUrl) => openSqliteStore({ path: join(dir, 'sluice.db'), identity: { baseUrl } }),
      log: () => {},
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-worker-'));
    server = await start();
    client = awsClient({ endpoint: server.url, region: 'us-east-1' });
  });
  afterEach(async () => {
    await client.close();
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function queue(name: string, attributes?: Record<string, string>) {
    return (await client.createQueue({ QueueName: name, Attributes: attributes })).QueueUrl;
  }
  async function counts(url: string) {
    const { Attributes = {} } = await client.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
    return [
      Number(Attributes.ApproximateNumberOfMessages),
      Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    ] as const;
  }
  async function send(url: string, items: string[]) {
    for (let i = 0; i < items.length; i += 10) {
      const Entries = items.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody }));
      await client.sendMessageBatch({ QueueUrl: url, Entries });
    }
  }

  it('processes within the concurrency bound, deleting in batches', async () => {
    const url = await queue('jobs');
    await send(url, bodies(200));
    const rec = recording(client);
    let running = 0;
    let max = 0;
    let done = 0;
    // The first handlers wait until 25 run at once (as many as the bound allows, however slow the machine).
    let open = () => {};
    const full = new Promise<void>((resolve) => (open = resolve));
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 25,
        handler: async () => {
          running++;
          max = Math.max(max, running);
          if (running === 25) open();
          await full;
          await sleep(5);
          running--;
          done++;
        },
      }),
      { client: rec.client, logger: log.logger },
    );
    await eventually(() => done === 200, '200 messages');
    await eventually(async () => (await counts(url)).join() === '0,0', 'deletes');
    await worker.stop();
    assert.equal(max, 25);
    const sizes = rec.calls
      .filter((c) => c.action === 'deleteMessageBatch')
      .map((c) => (c.input.Entries as []).length);
    assert.ok(sizes.length < 60 && sizes.every((n) => n <= 10), `delete batches: ${sizes}`);
  });

  it('stops at once during a long poll, drains in-flight handlers, hands the rest back', async () => {
    const url = await queue('jobs');
    await send(url, bodies(30));
    let started = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 10,
        shutdownTimeoutMs: 300,
        handler: async (m) => {
          started++;
          // Most finish in time; those ending in 1 ignore the stop until well after the timeout.
          await sleep(m.body.endsWith('1') ? 2_000 : 50);
        },
      }),
      { client, logger: log.logger },
    );
    await eventually(() => started >= 10, 'ten running');
    const t0 = Date.now();
    await worker.stop();
    assert.ok(Date.now() - t0 < 1500, `stop took ${Date.now() - t0} ms`);
    const [visible, inFlight] = await counts(url);
    assert.equal(inFlight, 0);
    assert.ok(visible >= 20 && visible < 30, `visible ${visible}`);
  });

  it('heartbeat: a job running 3× its visibility timeout stays invisible to another receiver', async () => {
    const url = await queue('jobs');
    await send(url, ['slow']);
    let done = false;
    let aborted = false;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 1,
        handler: async (_m, ctx) => {
          await sleep(3_200);
          aborted = ctx.signal.aborted;
          done = true;
        },
      }),
      { client, logger: log.logger },
    );
    await eventually(async () => (await counts(url))[1] === 1, 'received');
    while (!done) {
      const { Messages = [] } = await client.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
      assert.deepEqual(Messages, []);
      await sleep(200);
    }
    assert.equal(aborted, false);
    await eventually(async () => (await counts(url)).join() === '0,0', 'deleted');
    await worker.stop();
  });

  it('PermanentError: to the DLQ with the error attribute', async () => {
    const dlqUrl = await queue('jobs-dlq');
    const url = await queue('jobs', {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq',
        maxReceiveCount: 5,
      }),
    });
    await send(url, ['bad']);
    const worker = startWorker(
      defineWorker({
        queue: url,
        handler: () => {
          throw new PermanentError('no such order');
        },
      }),
      { client, logger: log.logger },
    );
    let copy: { Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> } | undefined;
    await eventually(async () => {
      const { Messages = [] } = await client.receiveMessage({
        QueueUrl: dlqUrl,
        MessageAttributeNames: ['All'],
      });
      copy = Messages[0];
      return copy !== undefined;
    }, 'the DLQ copy');
    assert.equal(copy?.Body, 'bad');
    assert.equal(copy?.MessageAttributes?.['sluice.error']?.StringValue, 'PermanentError: no such order');
    await eventually(async () => (await counts(url)).join() === '0,0', 'original deleted');
    await worker.stop();
  });

  it('out of retries: the worker dead-letters it on the last receive, with the error attribute', async () => {
    const dlqUrl = await queue('tired-dlq');
    const url = await queue('tired', {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:tired-dlq',
        maxReceiveCount: 2,
      }),
    });
    await send(url, ['flaky']);
    let attempts = 0;
    const worker = startWorker(
      defineWorker({
        queue: url,
        handler: () => {
          attempts++;
          throw new Error(`attempt ${attempts} failed`);
        },
      }),
      { client, logger: log.logger, random: () => 0 }, // no backoff: retried at once
    );
    let copy: { Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> } | undefined;
    await eventually(async () => {
      const { Messages = [] } = await client.receiveMessage({
        QueueUrl: dlqUrl,
        MessageAttributeNames: ['All'],
      });
      copy = Messages[0];
      return copy !== undefined;
    }, 'the DLQ copy');
    assert.equal(copy?.Body, 'flaky');
    assert.equal(copy?.MessageAttributes?.['sluice.error']?.StringValue, 'Error: attempt 2 failed');
    assert.equal(copy?.MessageAttributes?.['sluice.receiveCount']?.StringValue, '2');
    assert.equal(attempts, 2);
    await eventually(async () => (await counts(url)).join() === '0,0', 'original deleted');
    await worker.stop();
  });

  it('survives the server going away and coming back', async () => {
    const url = await queue('jobs');
    let done = 0;
    const lines = memoryLogger();
    const worker = startWorker(
      defineWorker({ queue: 'jobs', waitTimeSeconds: 1, handler: () => void done++ }),
      {
        client,
        logger: lines.logger,
      },
    );
    await send(url, bodies(10));
    await eventually(() => done === 10, 'first 10');
    const port = Number(new URL(server.url).port);
    await server.shutdown();
    await eventually(
      () => lines.lines.some((l) => l.msg === 'receive failed; backing off'),
      'a failed receive',
    );
    server = await start(port);
    await send(url, bodies(10));
    await eventually(() => done === 20, 'next 10 after the restart', 30_000);
    await worker.stop();
    assert.equal(worker.state, 'stopped');
  });
});

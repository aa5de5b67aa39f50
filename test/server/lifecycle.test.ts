/**
 * Long polls and shutdown: a client that disconnects mid-poll loses no
 * message, and shutdown ends open polls at once, lets requests in flight
 * finish and closes the store.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The real store (every region of it), but its receive answers only `ms` after claiming (so the client is gone by then). */
const slowReceive =
  (ms: number) =>
  (store: Store): Store =>
    new Proxy(store, {
      get(target, p) {
        if (p === 'inRegion') return (region: string) => slowReceive(ms)(target.inRegion(region));
        if (p === 'receiveMessage')
          return async (input: Parameters<Store['receiveMessage']>[0]) => {
            const out = await target.receiveMessage(input);
            await sleep(ms);
            return out;
          };
        const v = Reflect.get(target, p);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });

describe('long polls and shutdown', () => {
  it('a poll abandoned by its client claims nothing', async () => {
    t = await startTestServer();
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'life-abandon' }));
    const abort = new AbortController();
    const poll = t.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), {
      abortSignal: abort.signal,
    });
    await sleep(100);
    abort.abort();
    await assert.rejects(poll);
    await sleep(50);
    await t.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
    const { Messages } = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(Messages?.[0]?.Body, 'kept');
  });

  it('messages claimed for a client that has gone are visible again at once', async () => {
    t = await startTestServer({ wrapStore: slowReceive(300) });
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'life-release' }));
    await t.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'handed back' }));
    const abort = new AbortController();
    const poll = t.sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600 }), {
      abortSignal: abort.signal,
    });
    await sleep(100);
    abort.abort(); // the store has claimed the message; its answer is 200 ms away
    await assert.rejects(poll);
    await sleep(400);
    const { Messages } = await t.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    assert.equal(Messages?.[0]?.Body, 'handed back');
    assert.equal(Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
  });

  it('shutdown ends open long polls empty, finishes requests in flight, then refuses connections', async () => {
    t = await startTestServer();
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'life-shutdown' }));
    // Shutdown waits until both requests have reached the server, however loaded the machine is.
    const arrived = (target: string) =>
      new Promise<void>((resolve) =>
        t?.server.http.on('request', (r) => r.headers['x-amz-target'] === `AmazonSQS.${target}` && resolve()),
      );
    const pollArrived = arrived('ReceiveMessage');
    const sendArrived = arrived('SendMessage');
    const started = Date.now();
    const poll = t.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    // A request in flight: headers and half its body have arrived when shutdown begins.
    const body = JSON.stringify({ QueueUrl, MessageBody: 'in flight' });
    const req = request(`${t.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.SendMessage',
        'content-length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await Promise.all([pollArrived, sendArrived]);
    const shutdown = t.server.shutdown();
    await sleep(100);
    req.end(body.slice(10));
    const [polled, sent] = await Promise.all([poll, answered]);
    await shutdown;
    assert.deepEqual(polled.Messages ?? [], []);
    assert.equal(sent.status, 200, sent.text);
    assert.ok(JSON.parse(sent.text).MessageId);
    assert.ok(Date.now() - started < 5000, 'the poll did not wait out its 20 s');
    await assert.rejects(fetch(`${t.url}/health`));
  });
});

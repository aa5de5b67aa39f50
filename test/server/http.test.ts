/**
 * What no SQS client exercises, over plain HTTP: the move-task actions in the
 * query protocol (botocore 1.29 predates them), query requests posted to the
 * queue URL or sent as GET, /health, request ids, unknown actions and the
 * body-size bound.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer({ maxBodyBytes: 64 * 1024 });
});
after(() => t.close());

const form = (path: string, body: Record<string, string>) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2012-11-05', ...body }).toString(),
  });

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('HTTP endpoint', () => {
  it('answers /health with 200 JSON', async () => {
    const res = await fetch(`${t.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', sync: 'full' }); // the file store's level, as its connection reports it
    assert.ok(res.headers.get('x-amzn-requestid'));
  });

  it('runs the move-task actions over the query protocol', async () => {
    const dlq = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'http-dlq' }))).QueueUrl!;
    const RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:http-dlq',
      maxReceiveCount: 1,
    });
    await t.sqs.send(new CreateQueueCommand({ QueueName: 'http-src', Attributes: { RedrivePolicy } }));
    await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq,
        Entries: [0, 1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: 'x' })),
      }),
    );
    const SourceArn = 'arn:aws:sqs:us-east-1:000000000000:http-dlq';
    const start = await form('/', {
      Action: 'StartMessageMoveTask',
      SourceArn,
      DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:http-src',
      MaxNumberOfMessagesPerSecond: '1',
    });
    const startXml = await start.text();
    assert.equal(start.status, 200, startXml);
    const handle = tag(startXml, 'TaskHandle');
    assert.ok(handle);
    const list = await (await form('/', { Action: 'ListMessageMoveTasks', SourceArn })).text();
    assert.match(list, /<ListMessageMoveTasksResult><ListMessageMoveTasksResultEntry><TaskHandle>/);
    assert.equal(tag(list, 'Status'), 'RUNNING');
    const cancel = await (await form('/', { Action: 'CancelMessageMoveTask', TaskHandle: handle })).text();
    assert.match(
      cancel,
      /<CancelMessageMoveTaskResult><ApproximateNumberOfMessagesMoved>\d+<\/ApproximateNumberOfMessagesMoved>/,
    );
  });

  it('takes the queue from the URL path, and accepts GET with the query in the URL', async () => {
    await t.sqs.send(new CreateQueueCommand({ QueueName: 'http-path' }));
    const sent = await form('/000000000000/http-path', { Action: 'SendMessage', MessageBody: 'by path' });
    assert.equal(sent.status, 200);
    const got = await fetch(`${t.url}/000000000000/http-path?Action=ReceiveMessage&Version=2012-11-05`);
    const xml = await got.text();
    assert.equal(tag(xml, 'Body'), 'by path');
    assert.equal(tag(xml, 'RequestId'), got.headers.get('x-amzn-requestid'));
  });

  it('leaves out an empty Failed of a JSON batch answer, as AWS does', async () => {
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'http-batch' }));
    const res = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
      body: JSON.stringify({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }] }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['Successful']);
  });

  it('refuses unknown actions in either protocol with InvalidAction', async () => {
    const q = await form('/', { Action: 'FlyToTheMoon' });
    assert.equal(q.status, 400);
    assert.equal(tag(await q.text(), 'Code'), 'InvalidAction');
    const j = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.FlyToTheMoon' },
      body: '{}',
    });
    assert.equal(j.status, 400);
    assert.equal(j.headers.get('x-amzn-query-error'), 'InvalidAction;Sender');
    assert.deepEqual(await j.json(), {
      __type: 'com.amazonaws.sqs#InvalidAction',
      message: 'The action FlyToTheMoon is not valid for this endpoint.',
    });
  });

  it('refuses bodies over the bound with 413, declared or chunked, without buffering them', async () => {
    const big = 'x'.repeat(100 * 1024);
    const declared = await form('/', { Action: 'ListQueues', Pad: big });
    assert.equal(declared.status, 413);
    assert.equal(tag(await declared.text(), 'Code'), 'RequestEntityTooLarge');
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal(
      ((await chunked.json()) as { __type: string }).__type,
      'com.amazonaws.sqs#RequestEntityTooLarge',
    );
  });
});

/**
 * AWS JSON 1.0 through @aws-sdk/client-sqs v3: every action against a real
 * server over a durable store. The SDK checks MD5s of what it sends and
 * receives, so a wrong digest fails these tests too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as S from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const rejectsWith = (p: Promise<unknown>, name: string, status: number, message?: string | RegExp) =>
  assert.rejects(p, (e: S.SQSServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    assert.ok(e.$metadata.requestId, 'x-amzn-RequestId on errors');
    return true;
  });

describe('JSON protocol via @aws-sdk/client-sqs', () => {
  it('manages queues: create, get URL, list, attributes, tags, permissions, delete', async () => {
    const { sqs } = t;
    const { QueueUrl } = await sqs.send(
      new S.CreateQueueCommand({
        QueueName: 'sdk-q',
        Attributes: { DelaySeconds: '1' },
        tags: { team: 'a' },
      }),
    );
    assert.equal(QueueUrl, `${t.url}/000000000000/sdk-q`);
    assert.equal((await sqs.send(new S.GetQueueUrlCommand({ QueueName: 'sdk-q' }))).QueueUrl, QueueUrl);
    const listed = await sqs.send(new S.ListQueuesCommand({ QueueNamePrefix: 'sdk-' }));
    assert.deepEqual(listed.QueueUrls, [QueueUrl]);
    await sqs.send(new S.SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '45' } }));
    const { Attributes } = await sqs.send(
      new S.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    assert.equal(Attributes?.VisibilityTimeout, '45');
    assert.equal(Attributes?.DelaySeconds, '1');
    assert.equal(Attributes?.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:sdk-q');
    await sqs.send(new S.TagQueueCommand({ QueueUrl, Tags: { env: 'test' } }));
    await sqs.send(new S.UntagQueueCommand({ QueueUrl, TagKeys: ['team'] }));
    assert.deepEqual((await sqs.send(new S.ListQueueTagsCommand({ QueueUrl }))).Tags, { env: 'test' });
    await sqs.send(
      new S.AddPermissionCommand({
        QueueUrl,
        Label: 'p',
        AWSAccountIds: ['111122223333'],
        Actions: ['SendMessage'],
      }),
    );
    await rejectsWith(
      sqs.send(new S.RemovePermissionCommand({ QueueUrl, Label: 'nope' })),
      'InvalidParameterValue',
      400,
      "Value nope for parameter Label is invalid. Reason: can't find label.",
    );
    await sqs.send(new S.RemovePermissionCommand({ QueueUrl, Label: 'p' }));
    await sqs.send(new S.DeleteQueueCommand({ QueueUrl }));
    await rejectsWith(
      sqs.send(new S.GetQueueUrlCommand({ QueueName: 'sdk-q' })),
      'QueueDoesNotExist',
      400,
      'The specified queue does not exist.',
    );
  });

  it('sends, receives, changes visibility and deletes, singly and in batches', async () => {
    const { sqs } = t;
    const { QueueUrl } = await sqs.send(new S.CreateQueueCommand({ QueueName: 'sdk-msgs' }));
    const sent = await sqs.send(
      new S.SendMessageCommand({
        QueueUrl,
        MessageBody: 'héllo\r\n<world>',
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'v' },
          n: { DataType: 'Number', StringValue: '42' },
          b: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
        },
      }),
    );
    assert.ok(sent.MessageId && sent.MD5OfMessageAttributes);
    const batch = await sqs.send(
      new S.SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'bad', MessageBody: 'x\u0001' },
        ],
      }),
    );
    assert.deepEqual(batch.Successful?.map((s) => s.Id).sort(), ['a', 'b']);
    assert.equal(batch.Failed?.[0]?.Id, 'bad');
    assert.equal(batch.Failed?.[0]?.Code, 'InvalidMessageContents');
    assert.equal(batch.Failed?.[0]?.SenderFault, true);

    const got = await sqs.send(
      new S.ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = got.Messages ?? [];
    assert.equal(messages.length, 3);
    const first = messages.find((m) => m.MessageId === sent.MessageId)!;
    assert.equal(first.Body, 'héllo\r\n<world>');
    assert.deepEqual([...(first.MessageAttributes?.b?.BinaryValue ?? [])], [0, 1, 254, 255]);
    assert.equal(first.MessageAttributes?.n?.StringValue, '42');
    assert.equal(first.Attributes?.ApproximateReceiveCount, '1');

    const [m1, m2, m3] = messages as [S.Message, S.Message, S.Message];
    await sqs.send(
      new S.ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: m1.ReceiptHandle,
        VisibilityTimeout: 60,
      }),
    );
    const cv = await sqs.send(
      new S.ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'x', ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 60 },
          { Id: 'y', ReceiptHandle: 'garbage', VisibilityTimeout: 60 },
        ],
      }),
    );
    assert.deepEqual(
      cv.Successful?.map((s) => s.Id),
      ['x'],
    );
    assert.equal(cv.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
    await sqs.send(new S.DeleteMessageCommand({ QueueUrl, ReceiptHandle: m1.ReceiptHandle }));
    const del = await sqs.send(
      new S.DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'p', ReceiptHandle: m2.ReceiptHandle },
          { Id: 'q', ReceiptHandle: m3.ReceiptHandle },
        ],
      }),
    );
    assert.deepEqual(del.Successful?.map((s) => s.Id).sort(), ['p', 'q']);
    const { Attributes } = await sqs.send(
      new S.GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    assert.deepEqual(Attributes, {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('answers with AWS codes, statuses and wording (batch limits, purge, bad values)', async () => {
    const { sqs } = t;
    const { QueueUrl } = await sqs.send(new S.CreateQueueCommand({ QueueName: 'sdk-errors' }));
    await rejectsWith(
      sqs.send(
        new S.SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 20 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
      ),
      'TooManyEntriesInBatchRequest',
      400,
      'Maximum number of entries per request are 10. You have sent 20.',
    );
    await rejectsWith(
      sqs.send(new S.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
      'InvalidParameterValue',
      400,
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    await rejectsWith(
      sqs.send(new S.DeleteMessageBatchCommand({ QueueUrl, Entries: [] })),
      'EmptyBatchRequest',
      400,
    );
    await sqs.send(new S.PurgeQueueCommand({ QueueUrl }));
    await rejectsWith(
      sqs.send(new S.PurgeQueueCommand({ QueueUrl })),
      'PurgeQueueInProgress',
      403,
      'Only one PurgeQueue operation on sdk-errors is allowed every 60 seconds.',
    );
  });

  it('ends a long poll as soon as a message arrives', async () => {
    const { sqs } = t;
    const { QueueUrl } = await sqs.send(new S.CreateQueueCommand({ QueueName: 'sdk-poll' }));
    const started = Date.now();
    const poll = sqs.send(new S.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 200));
    await sqs.send(new S.SendMessageCommand({ QueueUrl, MessageBody: 'wake' }));
    const { Messages } = await poll;
    assert.equal(Messages?.[0]?.Body, 'wake');
    assert.ok(Date.now() - started < 3000, 'woken early');
  });
});

/**
 * Dead-letter queues and message move tasks over AWS JSON, via
 * @aws-sdk/client-sqs (the three move-task actions exist only in newer SDKs).
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

const rejectsWith = (p: Promise<unknown>, name: string, status: number, message: string) =>
  assert.rejects(p, (e: S.SQSServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    assert.equal(e.message, message);
    return true;
  });

describe('DLQ and move tasks via @aws-sdk/client-sqs', () => {
  it('finds dead-letter sources and moves messages back with a move task', async () => {
    const { sqs } = t;
    const dlq = (await sqs.send(new S.CreateQueueCommand({ QueueName: 'sdk-dlq' }))).QueueUrl!;
    const RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:sdk-dlq',
      maxReceiveCount: 1,
    });
    const src = (
      await sqs.send(new S.CreateQueueCommand({ QueueName: 'sdk-src', Attributes: { RedrivePolicy } }))
    ).QueueUrl!;
    const sources = await sqs.send(new S.ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(sources.queueUrls, [src]);
    await sqs.send(
      new S.SendMessageBatchCommand({
        QueueUrl: dlq,
        Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `d${i}`, MessageBody: 'dead' })),
      }),
    );
    const SourceArn = 'arn:aws:sqs:us-east-1:000000000000:sdk-dlq';
    // One message a second keeps the task running while it is listed and cancelled.
    const started = await sqs.send(
      new S.StartMessageMoveTaskCommand({
        SourceArn,
        DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:sdk-src',
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );
    assert.ok(started.TaskHandle);
    const tasks = await sqs.send(new S.ListMessageMoveTasksCommand({ SourceArn }));
    assert.equal(tasks.Results?.[0]?.Status, 'RUNNING');
    assert.equal(tasks.Results?.[0]?.TaskHandle, started.TaskHandle);
    const cancelled = await sqs.send(new S.CancelMessageMoveTaskCommand({ TaskHandle: started.TaskHandle }));
    assert.equal(typeof cancelled.ApproximateNumberOfMessagesMoved, 'number');
    await rejectsWith(
      sqs.send(new S.CancelMessageMoveTaskCommand({ TaskHandle: 'garbage' })),
      'InvalidParameterValue',
      400,
      'Value for parameter TaskHandle is invalid.',
    );
  });
});

/**
 * The query protocol through Debian's awscli 2.9 (/usr/bin/aws): the 20 SQS
 * commands it has, run as a user would run them. Independent commands run
 * concurrently to keep the suite quick (each CLI start costs ~0.5 s).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aws, json, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('query protocol via awscli', () => {
  it('manages queues and messages with every command', async () => {
    const created = json(
      await aws(t, [
        'create-queue',
        '--queue-name',
        'cli-q',
        '--attributes',
        'VisibilityTimeout=40',
        '--tags',
        'team=a',
      ]),
    );
    const url = `${t.url}/000000000000/cli-q`;
    assert.equal(created.QueueUrl, url);
    const dlq = json(await aws(t, ['create-queue', '--queue-name', 'cli-dlq'])).QueueUrl as string;
    const policy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:cli-dlq',
      maxReceiveCount: 3,
    });
    const [got, listed, , , , sent] = await Promise.all([
      aws(t, ['get-queue-url', '--queue-name', 'cli-q']).then(json),
      aws(t, ['list-queues', '--queue-name-prefix', 'cli-']).then(json),
      aws(t, [
        'set-queue-attributes',
        '--queue-url',
        url,
        '--attributes',
        JSON.stringify({ RedrivePolicy: policy }),
      ]).then(json),
      aws(t, ['tag-queue', '--queue-url', url, '--tags', 'env=test']).then(json),
      aws(t, [
        'add-permission',
        '--queue-url',
        url,
        '--label',
        'p',
        '--aws-account-ids',
        '111122223333',
        '--actions',
        'SendMessage',
      ]).then(json),
      aws(t, [
        'send-message',
        '--queue-url',
        url,
        '--message-body',
        'héllo <&> world',
        '--message-attributes',
        JSON.stringify({
          k: { DataType: 'String', StringValue: 'v' },
          b: { DataType: 'Binary', BinaryValue: 'AAH+/w==' },
        }),
      ]).then(json),
    ]);
    assert.equal(got.QueueUrl, url);
    assert.deepEqual(listed.QueueUrls, [dlq, url].sort());
    assert.ok(sent.MessageId && sent.MD5OfMessageAttributes);

    const [attrs, , , sources, batch] = await Promise.all([
      aws(t, ['get-queue-attributes', '--queue-url', url, '--attribute-names', 'All']).then(json),
      aws(t, ['untag-queue', '--queue-url', url, '--tag-keys', 'team']).then(json),
      aws(t, ['remove-permission', '--queue-url', url, '--label', 'p']).then(json),
      aws(t, ['list-dead-letter-source-queues', '--queue-url', dlq]).then(json),
      aws(t, [
        'send-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ]),
      ]).then(json),
    ]);
    const attributes = attrs.Attributes as Record<string, string>;
    assert.equal(attributes.VisibilityTimeout, '40');
    assert.equal(JSON.parse(attributes.RedrivePolicy ?? '{}').maxReceiveCount, 3);
    assert.deepEqual(sources.queueUrls, [url]);
    assert.equal((batch.Successful as unknown[]).length, 2);
    assert.deepEqual(json(await aws(t, ['list-queue-tags', '--queue-url', url])).Tags, { env: 'test' });

    const received = json(
      await aws(t, [
        'receive-message',
        '--queue-url',
        url,
        '--max-number-of-messages',
        '10',
        '--message-attribute-names',
        'All',
      ]),
    );
    const messages = received.Messages as {
      Body: string;
      ReceiptHandle: string;
      MessageAttributes?: Record<string, { BinaryValue?: string }>;
    }[];
    assert.equal(messages.length, 3);
    const first = messages.find((m) => m.Body === 'héllo <&> world');
    assert.equal(first?.MessageAttributes?.b?.BinaryValue, 'AAH+/w==');
    const [m1, m2, m3] = messages as [(typeof messages)[0], (typeof messages)[0], (typeof messages)[0]];
    const [, cv] = await Promise.all([
      aws(t, [
        'change-message-visibility',
        '--queue-url',
        url,
        '--receipt-handle',
        m1.ReceiptHandle,
        '--visibility-timeout',
        '60',
      ]).then(json),
      aws(t, [
        'change-message-visibility-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([{ Id: 'x', ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 60 }]),
      ]).then(json),
    ]);
    const [, dm] = await Promise.all([
      aws(t, ['delete-message', '--queue-url', url, '--receipt-handle', m1.ReceiptHandle]).then(json),
      aws(t, [
        'delete-message-batch',
        '--queue-url',
        url,
        '--entries',
        JSON.stringify([
          { Id: 'p', ReceiptHandle: m3.ReceiptHandle },
          { Id: 'q', ReceiptHandle: 'garbage' },
        ]),
      ]).then(json),
    ]);
    assert.deepEqual(cv.Successful, [{ Id: 'x' }]);
    assert.deepEqual(dm.Successful, [{ Id: 'p' }]);
    assert.equal((dm.Failed as { Code: string }[])[0]?.Code, 'ReceiptHandleIsInvalid');

    json(await aws(t, ['purge-queue', '--queue-url', url]));
    const again = await aws(t, ['purge-queue', '--queue-url', url]);
    assert.equal(again.code, 254);
    assert.match(
      again.stderr,
      /An error occurred \(AWS\.SimpleQueueService\.PurgeQueueInProgress\) when calling the PurgeQueue operation.*: Only one PurgeQueue operation on cli-q is allowed every 60 seconds\./,
    );
    await Promise.all([
      aws(t, ['delete-queue', '--queue-url', url]).then(json),
      aws(t, ['delete-queue', '--queue-url', dlq]).then(json),
    ]);
    const gone = await aws(t, ['get-queue-url', '--queue-name', 'cli-q']);
    assert.match(
      gone.stderr,
      /AWS\.SimpleQueueService\.NonExistentQueue.*The specified queue does not exist for this wsdl version\./,
    );
  });
});

/**
 * How a request names its queue, on the wire, as Amazon SQS resolves it:
 * a bare queue name where a QueueUrl is expected, and the caller's region
 * (from its SigV4 credential scope; the server's default region when
 * unsigned) as the namespace of queue names, with ARNs in that region.
 * Queue URLs stay region-free (README, Compatibility).
 * JSON through @aws-sdk/client-sqs, query through Debian's awscli and raw HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { aws, json, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const arn = (region: string, name: string) => `arn:aws:sqs:${region}:000000000000:${name}`;
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const unsigned = (params: Record<string, string>) =>
  fetch(`${t.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
  }).then((r) => r.text());

describe('a bare queue name where a QueueUrl is expected', () => {
  it('is accepted over JSON (SDK v3) by every queue action', async () => {
    await t.sqs.send(new CreateQueueCommand({ QueueName: 'probe-q1' }));
    const sent = await t.sqs.send(new SendMessageCommand({ QueueUrl: 'probe-q1', MessageBody: 'by name' }));
    assert.ok(sent.MessageId);
    const { Attributes } = await t.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: 'probe-q1',
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, '1');
    const got = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: 'probe-q1' }));
    assert.equal(got.Messages?.[0]?.Body, 'by name');
  });

  it('is accepted over query (awscli, and raw HTTP)', async () => {
    json(await aws(t, ['create-queue', '--queue-name', 'probe-q2']));
    json(await aws(t, ['send-message', '--queue-url', 'probe-q2', '--message-body', 'cli by name']));
    const got = json(await aws(t, ['receive-message', '--queue-url', 'probe-q2']));
    assert.equal((got.Messages as { Body: string }[])[0]?.Body, 'cli by name');
    const xml = await unsigned({
      Action: 'GetQueueAttributes',
      QueueUrl: 'probe-q2',
      'AttributeName.1': 'QueueArn',
    });
    assert.equal(tag(xml, 'Value'), arn('us-east-1', 'probe-q2'));
  });
});

describe('regions are separate namespaces', () => {
  it('makes one queue per region for one name over JSON; ARNs carry the caller’s region', async () => {
    const eu = t.client({ region: 'eu-central-1' });
    const us = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'p-reg' }))).QueueUrl!;
    const there = (
      await eu.send(new CreateQueueCommand({ QueueName: 'p-reg', Attributes: { DelaySeconds: '5' } }))
    ).QueueUrl!;
    assert.equal(there, us, 'queue URLs are region-free on a local server');
    const arnOf = async (client: typeof eu, QueueUrl: string) =>
      (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn;
    assert.equal(await arnOf(t.sqs, us), arn('us-east-1', 'p-reg'));
    assert.equal(await arnOf(eu, there), arn('eu-central-1', 'p-reg'));
    await t.sqs.send(new SendMessageCommand({ QueueUrl: us, MessageBody: 'stays in us-east-1' }));
    assert.equal((await eu.send(new ReceiveMessageCommand({ QueueUrl: there }))).Messages, undefined);
    const listed = await t.client({ region: 'ap-south-1' }).send(new ListQueuesCommand({}));
    assert.equal(listed.QueueUrls, undefined);
  });

  it('makes one queue per region over query; an unsigned request is in the default region', async () => {
    const eu = { ...t.env(), AWS_DEFAULT_REGION: 'eu-central-1' };
    json(await aws(t, ['create-queue', '--queue-name', 'p-reg-q', '--attributes', 'DelaySeconds=5'], eu));
    json(await aws(t, ['create-queue', '--queue-name', 'p-reg-q']));
    const attrs = (env?: NodeJS.ProcessEnv) =>
      aws(t, ['get-queue-attributes', '--queue-url', 'p-reg-q', '--attribute-names', 'All'], env).then(
        (r) => json(r).Attributes as Record<string, string>,
      );
    const [inEu, inUs] = await Promise.all([attrs(eu), attrs()]);
    assert.deepEqual([inEu.QueueArn, inEu.DelaySeconds], [arn('eu-central-1', 'p-reg-q'), '5']);
    assert.deepEqual([inUs.QueueArn, inUs.DelaySeconds], [arn('us-east-1', 'p-reg-q'), '0']);
    const xml = await unsigned({
      Action: 'GetQueueAttributes',
      QueueUrl: 'p-reg-q',
      'AttributeName.1': 'All',
    });
    assert.match(xml, /<Name>DelaySeconds<\/Name><Value>0<\/Value>/);
  });
});

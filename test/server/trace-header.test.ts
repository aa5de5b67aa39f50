/**
 * X-Amzn-Trace-Id on SendMessage / SendMessageBatch is kept as the message's
 * AWSTraceHeader system attribute and returned on receive, as Amazon SQS does
 * for X-Ray (recorded: test_aws_trace_header_propagation). JSON through the
 * AWS SDK v3 (a middleware sets the header, as the X-Ray SDK does); query over
 * raw HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from './harness.ts';

const TRACE = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1';
const OTHER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

let t: TestServer;
let traced: SQSClient;
before(async () => {
  t = await startTestServer();
  traced = t.client();
  traced.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] = TRACE;
      return next(args);
    },
    { step: 'build', name: 'xrayTraceHeader' },
  );
});
after(() => t.close());

async function tracesOf(QueueUrl: string): Promise<Record<string, string | undefined>> {
  const { Messages = [] } = await t.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['AWSTraceHeader'],
    }),
  );
  return Object.fromEntries(Messages.map((m) => [m.Body, m.Attributes?.AWSTraceHeader]));
}

describe('X-Amzn-Trace-Id', () => {
  it('is returned as AWSTraceHeader over JSON, for single and batch sends; the system attribute wins', async () => {
    const QueueUrl = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'trace-json' }))).QueueUrl!;
    await traced.send(new SendMessageCommand({ QueueUrl, MessageBody: 'single' }));
    await traced.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'batch' },
          {
            Id: 'b',
            MessageBody: 'own',
            MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: OTHER } },
          },
        ],
      }),
    );
    await t.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'untraced' }));
    assert.deepEqual(await tracesOf(QueueUrl), {
      single: TRACE,
      batch: TRACE,
      own: OTHER,
      untraced: undefined,
    });
  });

  it('is returned as AWSTraceHeader over query', async () => {
    const QueueUrl = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'trace-query' }))).QueueUrl!;
    const res = await fetch(QueueUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-amzn-trace-id': TRACE },
      body: 'Action=SendMessage&MessageBody=test&Version=2012-11-05',
    });
    assert.equal(res.status, 200, await res.text());
    const xml = await (
      await fetch(`${QueueUrl}?Action=ReceiveMessage&AttributeName.1=AWSTraceHeader&Version=2012-11-05`)
    ).text();
    assert.match(
      xml,
      new RegExp(`<Attribute><Name>AWSTraceHeader</Name><Value>${TRACE}</Value></Attribute>`),
    );
  });
});

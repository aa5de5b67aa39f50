/**
 * The query protocol at its edges, over raw HTTP as Amazon SQS answers it:
 * actions about no one queue posted to a queue's URL, a GET that names no
 * action, JSON answers for `Accept: application/json`, and the exact bytes of
 * an empty receive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
let queuePath = '';
before(async () => {
  t = await startTestServer();
  await t.sqs.send(new CreateQueueCommand({ QueueName: 'edge-q' }));
  queuePath = '/000000000000/edge-q';
});
after(() => t.close());

const get = (path: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) => {
  const query = new URLSearchParams(params).toString();
  return fetch(`${t.url}${path}${query ? `?${query}` : ''}`, { headers });
};
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('query protocol edges', () => {
  it('refuses CreateQueue and ListQueues posted to a queue’s URL with InvalidAction', async () => {
    for (const Action of ['CreateQueue', 'ListQueues']) {
      const res = await get(queuePath, { Action, QueueName: 'edge-other', Version: '2012-11-05' });
      const xml = await res.text();
      assert.equal(res.status, 400, xml);
      assert.equal(tag(xml, 'Code'), 'InvalidAction');
      assert.equal(tag(xml, 'Type'), 'Sender');
      assert.equal(tag(xml, 'Message'), `The action ${Action} is not valid for this endpoint.`);
    }
    const post = await fetch(`${t.url}${queuePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateQueue&QueueName=edge-other&Version=2012-11-05',
    });
    assert.equal(post.status, 400);
    const listed = await (await get('/', { Action: 'ListQueues' })).text();
    assert.ok(!listed.includes('edge-other'), 'no queue was created');
  });

  it('answers GetQueueUrl at a queue’s URL, for that queue or another, as SQS does', async () => {
    const xml = await (await get(queuePath, { Action: 'GetQueueUrl', QueueName: 'edge-q' })).text();
    assert.equal(tag(xml, 'QueueUrl'), `${t.url}${queuePath}`);
  });

  it('answers a GET without an Action 404 <UnknownOperationException/>, in XML whatever is accepted', async () => {
    for (const headers of [{}, { accept: 'application/json' }] as Record<string, string>[]) {
      for (const path of [queuePath, '/']) {
        const res = await get(path, {}, headers);
        assert.equal(res.status, 404);
        assert.equal(res.headers.get('content-type'), 'text/xml');
        assert.equal(await res.text(), '<UnknownOperationException/>');
      }
    }
  });

  it('answers in JSON when the client accepts JSON', async () => {
    const res = await get(
      '/',
      { Action: 'ListQueues', QueueNamePrefix: 'edge-' },
      { accept: 'application/json' },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {
      ListQueuesResponse: {
        ListQueuesResult: { queueUrls: [`${t.url}${queuePath}`], NextToken: null },
        ResponseMetadata: { RequestId: res.headers.get('x-amzn-requestid') },
      },
    });

    const empty = await get(queuePath, { Action: 'ReceiveMessage' }, { accept: 'application/json' });
    assert.deepEqual(
      ((await empty.json()) as Record<string, Record<string, unknown>>).ReceiveMessageResponse
        ?.ReceiveMessageResult,
      { messages: null },
    );

    const attrs = await get(
      queuePath,
      { Action: 'GetQueueAttributes', 'AttributeName.1': 'QueueArn' },
      { accept: 'application/json' },
    );
    const doc = (await attrs.json()) as {
      GetQueueAttributesResponse: {
        GetQueueAttributesResult: { Attributes: { Name: string; Value: string }[] };
      };
    };
    assert.deepEqual(doc.GetQueueAttributesResponse.GetQueueAttributesResult.Attributes, [
      { Name: 'QueueArn', Value: 'arn:aws:sqs:us-east-1:000000000000:edge-q' },
    ]);

    const refused = await get(queuePath, { Action: 'ListQueues' }, { accept: 'application/json' });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), {
      Error: {
        Type: 'Sender',
        Code: 'InvalidAction',
        Message: 'The action ListQueues is not valid for this endpoint.',
        Detail: null,
      },
      RequestId: refused.headers.get('x-amzn-requestid'),
    });
  });

  it('answers an empty receive with a self-closing <ReceiveMessageResult/>, byte for byte', async () => {
    const res = await get(queuePath, { Action: 'ReceiveMessage', Version: '2012-11-05' });
    const id = res.headers.get('x-amzn-requestid');
    assert.equal(
      await res.text(),
      '<?xml version="1.0"?><ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">' +
        `<ReceiveMessageResult/><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></ReceiveMessageResponse>`,
    );
  });
});

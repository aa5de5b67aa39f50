import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from '../../src/protocol/actions.ts';
import { jsonError, jsonResult, parseJsonRequest } from '../../src/protocol/json.ts';
import { errors, SqsError } from '../../src/sqs/errors.ts';

const parse = (action: string, body: unknown) =>
  parseJsonRequest(`AmazonSQS.${action}`, typeof body === 'string' ? body : JSON.stringify(body));

const rejects = (fn: () => unknown, code: string, message?: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SqsError, String(e));
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });

describe('JSON protocol: requests', () => {
  it('knows all 23 actions', () => {
    assert.equal(ACTIONS.size, 23);
  });

  it('passes members through under their API names', () => {
    const { action, input } = parse('ReceiveMessage', {
      QueueUrl: 'http://h/0/q',
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      Unknown: 'ignored',
    });
    assert.equal(action.name, 'ReceiveMessage');
    assert.deepEqual(input, {
      QueueUrl: 'http://h/0/q',
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
    });
  });

  it('decodes base64 binary attribute values, single and in lists', () => {
    const { input } = parse('SendMessageBatch', {
      QueueUrl: 'q',
      Entries: [
        {
          Id: 'a',
          MessageBody: 'b',
          MessageAttributes: {
            bin: { DataType: 'Binary', BinaryValue: 'AQID' },
            list: { DataType: 'Binary', BinaryListValues: ['AA==', '/w=='] },
          },
        },
      ],
    });
    const attrs = (input.Entries as { MessageAttributes: Record<string, Record<string, unknown>> }[])[0]!
      .MessageAttributes;
    assert.deepEqual([...(attrs.bin!.BinaryValue as Uint8Array)], [1, 2, 3]);
    assert.deepEqual(
      (attrs.list!.BinaryListValues as Uint8Array[]).map((b) => [...b]),
      [[0], [255]],
    );
  });

  it('treats null as absent and leaves missing members to the store', () => {
    const { input } = parse('SendMessage', { QueueUrl: 'q', MessageBody: null, DelaySeconds: null });
    assert.deepEqual(input, { QueueUrl: 'q' });
  });

  it('refuses members of the wrong type as SerializationException', () => {
    rejects(
      () => parse('ReceiveMessage', { QueueUrl: 'q', MaxNumberOfMessages: '10' }),
      'MalformedInput',
      /STRING_VALUE can not be converted to an Integer/,
    );
    rejects(() => parse('ReceiveMessage', { QueueUrl: 'q', MaxNumberOfMessages: 1.5 }), 'MalformedInput');
    rejects(() => parse('ReceiveMessage', { QueueUrl: 'q', WaitTimeSeconds: 2 ** 31 }), 'MalformedInput');
    rejects(() => parse('SendMessage', { QueueUrl: 5, MessageBody: 'x' }), 'MalformedInput', /NUMBER_VALUE/);
    rejects(() => parse('GetQueueAttributes', { QueueUrl: 'q', AttributeNames: 'All' }), 'MalformedInput');
    rejects(() => parse('CreateQueue', { QueueName: 'q', Attributes: ['x'] }), 'MalformedInput');
    rejects(
      () => parse('CreateQueue', { QueueName: 'q', Attributes: { DelaySeconds: 1 } }),
      'MalformedInput',
    );
    rejects(() => parse('SendMessageBatch', { QueueUrl: 'q', Entries: [5] }), 'MalformedInput');
  });

  it('refuses bodies that are not a JSON object, and invalid base64', () => {
    for (const body of ['{', '[]', '"x"', '12', 'null', '{"QueueUrl":']) {
      rejects(() => parse('ListQueues', body), 'MalformedInput');
    }
    rejects(
      () =>
        parse('SendMessage', {
          QueueUrl: 'q',
          MessageBody: 'b',
          MessageAttributes: { a: { DataType: 'Binary', BinaryValue: 'not base64!' } },
        }),
      'InvalidParameterValue',
    );
  });

  it('accepts an empty body as no members', () => {
    assert.deepEqual(parse('ListQueues', '').input, {});
  });

  it('refuses unknown, missing or unprefixed targets with InvalidAction', () => {
    rejects(() => parse('Nope', {}), 'InvalidAction', /The action Nope is not valid for this endpoint/);
    rejects(() => parse('__proto__', {}), 'InvalidAction');
    rejects(() => parseJsonRequest(undefined, '{}'), 'InvalidAction');
    rejects(() => parseJsonRequest('SendMessage', '{}'), 'InvalidAction');
  });

  it('keeps a map key named __proto__ as data', () => {
    const { input } = parse('TagQueue', JSON.parse('{"QueueUrl":"q","Tags":{"__proto__":"v"}}'));
    assert.equal(Object.getOwnPropertyDescriptor(input.Tags, '__proto__')?.value, 'v');
    assert.equal(Object.getPrototypeOf(input.Tags), Object.prototype);
  });
});

describe('JSON protocol: answers', () => {
  it('encodes binary values of received messages as base64', () => {
    const out = jsonResult(ACTIONS.get('ReceiveMessage')!, {
      Messages: [
        {
          MessageId: 'm',
          Body: 'b',
          MessageAttributes: { a: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } },
        },
      ],
    });
    assert.deepEqual(JSON.parse(out), {
      Messages: [
        { MessageId: 'm', Body: 'b', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: 'AQID' } } },
      ],
    });
  });

  it('leaves out an empty Failed of every batch action, as AWS does, and keeps one with entries', () => {
    const ok = { Successful: [{ Id: 'a' }], Failed: [] };
    for (const name of ['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch']) {
      assert.equal(jsonResult(ACTIONS.get(name)!, ok), '{"Successful":[{"Id":"a"}]}', name);
    }
    const failed = { Id: 'b', SenderFault: true, Code: 'ReceiptHandleIsInvalid' };
    assert.deepEqual(
      JSON.parse(jsonResult(ACTIONS.get('DeleteMessageBatch')!, { Successful: [], Failed: [failed] })),
      {
        Successful: [],
        Failed: [failed],
      },
    );
  });

  it('answers actions without output with {}', () => {
    assert.equal(jsonResult(ACTIONS.get('DeleteQueue')!, undefined), '{}');
  });

  it('writes errors with __type, message and the x-amzn-query-error header', () => {
    const wire = jsonError(errors.queueDoesNotExist());
    assert.equal(wire.status, 400);
    assert.equal(wire.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    assert.deepEqual(JSON.parse(wire.body), {
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
    assert.equal(jsonError(errors.purgeInProgress('q')).status, 403);
  });
});

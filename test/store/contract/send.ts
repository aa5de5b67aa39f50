/** SendMessage / SendMessageBatch: bodies, sizes, characters, message attributes, delays, batch rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as T from '../../../src/sqs/types.ts';
import {
  type ApiFactory,
  bodies,
  counts,
  createQueue,
  expectAwsError,
  expectSqsError,
  md5,
  md5OfAttributes,
  receive,
  receiveAll,
  receiveOne,
  recorded,
  useStore,
} from './harness.ts';

const MiB = 1048576;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const K_X: T.MessageAttributeMap = { k: { DataType: 'String', StringValue: 'x' } }; // counts 1+6+1 = 8 bytes
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

export function sendContract(make: ApiFactory): void {
  describe('send', () => {
    const t = useStore(make);

    it('answers a UUID MessageId and the MD5 of the body; the body comes back byte for byte', async () => {
      const url = await createQueue(t.store, 'send');
      const sent = await t.store.sendMessage({ QueueUrl: url, MessageBody: 'message' });
      assert.match(sent.MessageId, UUID);
      assert.equal(sent.MD5OfMessageBody, '78e731027d8fd50ed642340b7c9a63b3');
      assert.equal(sent.MD5OfMessageAttributes, undefined);
      assert.equal(sent.SequenceNumber, undefined, 'standard queues have no sequence numbers');
      const got = await receiveOne(t.store, url);
      assert.equal(got.MessageId, sent.MessageId);
      assert.equal(got.MD5OfBody, sent.MD5OfMessageBody);
      for (const body of [
        '"&quot;&quot;\r',
        '{\r\n"machineID" : "d357"}',
        'tab\there ünïcødé 😀 \u{10FFFF}',
      ]) {
        const s = await t.store.sendMessage({ QueueUrl: url, MessageBody: body });
        assert.equal(s.MD5OfMessageBody, md5(body));
        const m = await receiveOne(t.store, url);
        assert.equal(m.Body, body);
        assert.equal(m.MD5OfBody, md5(body));
      }
    });

    it('refuses an empty body and characters outside the XML range', async () => {
      const url = await createQueue(t.store, 'chars');
      await expectAwsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: '' }),
        'test_send_empty_message',
        'send_empty_message',
      );
      for (const bad of ['nul\u0000', 'bs\u0008', 'x\u0013', 'ffff\uffff', 'lone\ud800']) {
        await expectSqsError(
          t.store.sendMessage({ QueueUrl: url, MessageBody: bad }),
          'InvalidMessageContents',
          /^Invalid characters found/,
        );
      }
    });

    it('accepts exactly MaximumMessageSize bytes, attributes included, and refuses one more', async () => {
      const url = await createQueue(t.store, 'size');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'a'.repeat(MiB) });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'a'.repeat(MiB - 8), MessageAttributes: K_X });
      await expectAwsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'a'.repeat(MiB - 7), MessageAttributes: K_X }),
        'test_send_oversized_message',
        'send_oversized_message',
      );
      await expectSqsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'é'.repeat(MiB / 2 + 1) }),
        'InvalidParameterValue',
      );
      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'a'.repeat(1024) });
      await expectAwsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'a'.repeat(1024 - 7), MessageAttributes: K_X }),
        'test_send_message_with_updated_maximum_message_size',
        'send_oversized_message',
      );
    });

    it('keeps String, Number, Binary and custom-typed attributes with their MD5', async () => {
      const url = await createQueue(t.store, 'attrs');
      const attrs: T.MessageAttributeMap = {
        str: { DataType: 'String', StringValue: 'Bar' },
        num: { DataType: 'Number', StringValue: '1614717034367' },
        bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
        custom: { DataType: 'String.custom', StringValue: 'c' },
        float: { DataType: 'Number.float', StringValue: '1.5' },
        gif: { DataType: 'Binary.gif', BinaryValue: new Uint8Array([71, 73, 70]) },
        'attr.1øßä': { DataType: 'String', StringValue: 'Valida' },
      };
      const sent = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'test',
        MessageAttributes: attrs,
      });
      assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
      const got = await receiveOne(t.store, url, { MessageAttributeNames: ['All'] });
      assert.equal(got.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
      const norm = (m: T.MessageAttributeMap | undefined) =>
        Object.fromEntries(
          Object.entries(m ?? {}).map(([k, v]) => [
            k,
            {
              DataType: v.DataType,
              StringValue: v.StringValue,
              BinaryValue: v.BinaryValue && [...v.BinaryValue],
            },
          ]),
        );
      assert.deepEqual(norm(got.MessageAttributes), norm(attrs));
    });

    it('computes the attribute MD5s AWS recorded', async () => {
      const url = await createQueue(t.store, 'md5');
      const foo = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'msg',
        MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } },
      });
      assert.equal(foo.MD5OfMessageAttributes, 'ae7155c6026991b6d54b11589678bf9c');
      const value = Buffer.from(
        'traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01',
        'latin1',
      );
      const bin = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'test',
        MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: new Uint8Array(value) } },
      });
      const rec = recorded('test_send_message_with_binary_attributes', 'binary-attrs-msg') as {
        Messages: { MD5OfMessageAttributes: string }[];
      };
      assert.equal(bin.MD5OfMessageAttributes, rec.Messages[0]?.MD5OfMessageAttributes);
    });

    it('keeps AWSTraceHeader apart from the message attributes and their MD5', async () => {
      const url = await createQueue(t.store, 'trace');
      const MessageAttributes = { timestamp: { DataType: 'Number', StringValue: '1493147359900' } };
      const plain = await t.store.sendMessage({ QueueUrl: url, MessageBody: 'test', MessageAttributes });
      const traced = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'test',
        MessageAttributes,
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      });
      assert.equal(traced.MD5OfMessageAttributes, plain.MD5OfMessageAttributes);
      assert.equal(plain.MD5OfMessageSystemAttributes, undefined);
      assert.equal(traced.MD5OfMessageSystemAttributes, '5ae4d5d7636402d80f4eb6d213245a88');
      const got = await receiveAll(t.store, url, { AttributeNames: ['All'] });
      assert.deepEqual(got.map((m) => m.Attributes?.AWSTraceHeader).sort(), [TRACE, undefined]);
    });

    it('refuses bad message attributes', async () => {
      const url = await createQueue(t.store, 'badattrs');
      const send = (MessageAttributes: T.MessageAttributeMap) =>
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'test', MessageAttributes });
      await expectAwsError(
        send({ ErrorDetails: { DataType: 'String', StringValue: '' } }),
        'test_send_message_with_empty_string_attribute',
        'empty-string-attr',
      );
      const eleven = Object.fromEntries(
        Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
      );
      await expectSqsError(send(eleven), 'InvalidParameterValue', /10/);
      const ten = Object.fromEntries(Object.entries(eleven).slice(0, 10));
      await send(ten);
      const v = { DataType: 'String', StringValue: 'Valid' };
      for (const name of [
        'aWs.x',
        'AMAZON.x',
        '.x',
        'Invalid-!-attr',
        'Invalid-(-attr',
        'L'.repeat(257),
        'Invalid.',
      ]) {
        await expectSqsError(send({ [name]: v }), 'InvalidParameterValue');
      }
      await expectSqsError(send({ a: { DataType: 'Invalid', StringValue: 'v' } }), 'InvalidParameterValue');
      await expectSqsError(
        send({ a: { DataType: `Number.${'L'.repeat(256)}`, StringValue: '1' } }),
        'InvalidParameterValue',
      );
      await expectSqsError(
        send({ a: { DataType: 'String', StringValue: 'Invalid-\u0008,\u000b' } }),
        'InvalidParameterValue',
      );
      await expectSqsError(send({ a: { DataType: 'Number', StringValue: 'abc' } }), 'InvalidParameterValue');
    });

    it('delays a message per send or by the queue default; delayed messages are counted apart', async () => {
      const url = await createQueue(t.store, 'delay');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'now' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 5 });
      assert.deepEqual(await counts(t.store, url), { visible: 1, inFlight: 0, delayed: 1 });
      assert.deepEqual(
        bodies(await receive(t.store, url, { MaxNumberOfMessages: 10, VisibilityTimeout: 600 })),
        ['now'],
      );
      await t.clock.advance(4_000);
      assert.deepEqual(await receive(t.store, url), []);
      await t.clock.advance(1_000);
      assert.deepEqual(await counts(t.store, url), { visible: 1, inFlight: 1, delayed: 0 });
      assert.deepEqual(bodies(await receive(t.store, url)), ['later']);

      const slow = await createQueue(t.store, 'slow', { DelaySeconds: '10' });
      await t.store.sendMessage({ QueueUrl: slow, MessageBody: 'queue-delay' });
      await t.store.sendMessage({ QueueUrl: slow, MessageBody: 'no-delay', DelaySeconds: 0 });
      assert.deepEqual(bodies(await receive(t.store, slow)), ['no-delay']);
      await t.clock.advance(10_000);
      assert.deepEqual(bodies(await receive(t.store, slow)), ['queue-delay']);
      for (const bad of [-1, 901]) {
        await expectSqsError(
          t.store.sendMessage({ QueueUrl: url, MessageBody: 'x', DelaySeconds: bad }),
          'InvalidParameterValue',
        );
      }
    });

    it('accepts a MessageGroupId on a standard queue and refuses a malformed one', async () => {
      const url = await createQueue(t.store, 'fair');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'message', MessageGroupId: 'test' });
      const got = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      assert.equal(got.Attributes?.MessageGroupId, 'test');
      const test = 'test_send_message_to_standard_queue_with_invalid_message_group_id';
      for (const [variant, id] of [
        ['empty', ''],
        ['too_long', 'a'.repeat(129)],
        ['spaces', 'group 123'],
      ] as const) {
        await expectAwsError(
          t.store.sendMessage({ QueueUrl: url, MessageBody: 'x', MessageGroupId: id }),
          `${test}[${variant}]`,
          'error-response',
        );
      }
    });
  });
}

/** ReceiveMessage: counts, visibility, system attributes, attribute-name filters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACCOUNT,
  type ApiFactory,
  bodies,
  createQueue,
  expectAwsError,
  expectSqsError,
  receive,
  receiveAll,
  receiveOne,
  recorded,
  recordedError,
  sendN,
  useStore,
} from './harness.ts';

const STANDARD_ALL = [
  'ApproximateFirstReceiveTimestamp',
  'ApproximateReceiveCount',
  'SenderId',
  'SentTimestamp',
];

export function receiveContract(make: ApiFactory): void {
  describe('receive', () => {
    const t = useStore(make);

    it('answers no messages on an empty queue, and one message by default', async () => {
      const url = await createQueue(t.store, 'r');
      assert.deepEqual(await receive(t.store, url), []);
      await sendN(t.store, url, 3);
      assert.equal((await receive(t.store, url)).length, 1);
    });

    it('answers 1–10 messages, each message once while invisible', async () => {
      const url = await createQueue(t.store, 'r10');
      const ids = await sendN(t.store, url, 15);
      const first = await receive(t.store, url, { MaxNumberOfMessages: 10 });
      assert.ok(first.length >= 1 && first.length <= 10, `got ${first.length}`);
      const rest = await receiveAll(t.store, url);
      const got = [...first, ...rest].map((m) => m.MessageId);
      assert.equal(got.length, 15);
      assert.deepEqual([...got].sort(), [...ids].sort());
      assert.equal(new Set([...first, ...rest].map((m) => m.ReceiptHandle)).size, 15);
    });

    it('refuses MaxNumberOfMessages outside 1–10 and WaitTimeSeconds outside 0–20', async () => {
      const url = await createQueue(t.store, 'rbad');
      await expectAwsError(
        t.store.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 11 }),
        'test_send_receive_max_number_of_messages',
        'send_max_number_of_messages',
      );
      const zero = recordedError('test_send_receive_max_number_of_messages', 'send_max_number_of_messages', {
        'Value 11': 'Value 0',
      });
      await expectSqsError(
        t.store.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 0 }),
        zero.code,
        zero.message,
      );
      const test = 'test_send_receive_wait_time_seconds';
      await expectAwsError(
        t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 21 }),
        test,
        'recieve_message_error_too_large',
      );
      await expectAwsError(
        t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: -1 }),
        test,
        'recieve_message_error_too_small',
      );
      for (const bad of [-1, 43201]) {
        await expectSqsError(
          t.store.receiveMessage({ QueueUrl: url, VisibilityTimeout: bad }),
          'InvalidParameterValue',
        );
      }
    });

    it('hides a received message for the queue VisibilityTimeout, then redelivers it with a new handle', async () => {
      const url = await createQueue(t.store, 'vis', { VisibilityTimeout: '10' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'again' });
      const first = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      const firstReceive = t.clock.now();
      assert.equal(first.Attributes?.ApproximateReceiveCount, '1');
      await t.clock.advance(9_000);
      assert.deepEqual(await receive(t.store, url), []);
      await t.clock.advance(1_000);
      const second = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      assert.equal(second.MessageId, first.MessageId);
      assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
      assert.equal(second.Attributes?.ApproximateReceiveCount, '2');
      assert.equal(second.Attributes?.ApproximateFirstReceiveTimestamp, String(firstReceive));
    });

    it('takes a per-receive VisibilityTimeout; 0 leaves the message visible', async () => {
      const url = await createQueue(t.store, 'visover');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      await receiveOne(t.store, url, { VisibilityTimeout: 0 });
      await receiveOne(t.store, url, { VisibilityTimeout: 3 });
      assert.deepEqual(await receive(t.store, url), []);
      await t.clock.advance(3_000);
      await receiveOne(t.store, url, { VisibilityTimeout: 100 });
      await t.clock.advance(60_000);
      assert.deepEqual(
        await receive(t.store, url),
        [],
        'the per-receive timeout overrides the queue default of 30 s',
      );
    });

    it('delivers a message visible again before messages sent while it was in flight (send order)', async () => {
      const url = await createQueue(t.store, 'resend-order');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'test1' });
      assert.deepEqual(bodies(await receive(t.store, url, { VisibilityTimeout: 3 })), ['test1']);
      await t.clock.advance(1_000);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'test2' });
      await t.clock.advance(2_000); // test1 is visible again
      assert.deepEqual(bodies(await receive(t.store, url, { VisibilityTimeout: 0 })), ['test1']);
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), ['test1', 'test2']);
    });

    it('answers the system attributes asked for: All, or a list', async () => {
      const url = await createQueue(t.store, 'sysattrs', { VisibilityTimeout: '0' });
      const sentAt = t.clock.now();
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'msg' });
      await t.clock.advance(1_500);
      const all = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      const want = recorded('test_receive_message_attribute_names_filters', 'all_attributes') as {
        Messages: { Attributes: Record<string, string> }[];
      };
      assert.deepEqual(
        Object.keys(all.Attributes ?? {}).sort(),
        Object.keys(want.Messages[0]!.Attributes).sort(),
      );
      assert.deepEqual(Object.keys(all.Attributes ?? {}).sort(), STANDARD_ALL);
      assert.equal(all.Attributes?.SentTimestamp, String(sentAt));
      assert.equal(all.Attributes?.ApproximateFirstReceiveTimestamp, String(sentAt + 1_500));
      // A principal id (an access key id, or an IAM user id such as AIDA…), never the account number.
      assert.match(all.Attributes?.SenderId ?? '', /^A[A-Z]{3}[A-Z0-9]{10,}$/);
      assert.notEqual(all.Attributes?.SenderId, ACCOUNT);

      const viaNew = await receiveOne(t.store, url, { MessageSystemAttributeNames: ['All'] });
      assert.deepEqual(Object.keys(viaNew.Attributes ?? {}).sort(), STANDARD_ALL);
      assert.equal(viaNew.Attributes?.ApproximateReceiveCount, '2');

      const single = await receiveOne(t.store, url, { AttributeNames: ['SenderId'] });
      assert.deepEqual(Object.keys(single.Attributes ?? {}), ['SenderId']);
      const multiple = await receiveOne(t.store, url, {
        MessageSystemAttributeNames: ['SenderId', 'SequenceNumber'],
      });
      assert.deepEqual(
        Object.keys(multiple.Attributes ?? {}),
        ['SenderId'],
        'no SequenceNumber on a standard queue',
      );
      const none = await receiveOne(t.store, url);
      assert.deepEqual(none.Attributes ?? {}, {});
      assert.equal(none.MessageAttributes, undefined);
    });

    it('filters message attributes by name, All, * / .* and prefix.*, with the MD5 of what is answered', async () => {
      const test = 'test_receive_message_message_attribute_names_filters';
      const url = await createQueue(t.store, 'msgattrs', { VisibilityTimeout: '0' });
      const sent = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'msg',
        MessageAttributes: {
          'Help.Me': { DataType: 'String', StringValue: 'Me' },
          Hello: { DataType: 'String', StringValue: 'There' },
          General: { DataType: 'String', StringValue: 'Kenobi' },
        },
      });
      const sendRec = recorded(test, 'send_message_response') as { MD5OfMessageAttributes: string };
      assert.equal(sent.MD5OfMessageAttributes, sendRec.MD5OfMessageAttributes);

      type Rec = { MD5OfMessageAttributes?: string; MessageAttributes?: Record<string, unknown> };
      const cases: [string[], string][] = [
        [['All'], 'all_name'],
        [['*'], 'all_wildcard_asterisk'],
        [['.*'], 'all_wildcard'],
        [['Foo', 'Help'], 'only_non_existing_names'],
        [['Hello', 'General'], 'only_existing'],
        [['Foo', 'Hello'], 'existing_and_non_existing'],
        [['Hel.*'], 'prefix_filter'],
        [[], 'empty_filter'],
        [['AWS.'], 'illegal_name_1'],
        [['..foo'], 'illegal_name_2'],
      ];
      for (const [names, key] of cases) {
        const raw = recorded(test, key) as Rec & { Messages?: Rec[] };
        const want = raw.Messages?.[0] ?? raw;
        const got = await receiveOne(t.store, url, { MessageAttributeNames: names });
        assert.equal(
          got.MD5OfMessageAttributes,
          want.MD5OfMessageAttributes,
          `MD5 for ${JSON.stringify(names)}`,
        );
        assert.deepEqual(
          Object.keys(got.MessageAttributes ?? {}).sort(),
          Object.keys(want.MessageAttributes ?? {}).sort(),
          `attributes for ${JSON.stringify(names)}`,
        );
      }
    });

    it('answers system and message attributes together', async () => {
      const url = await createQueue(t.store, 'both', { VisibilityTimeout: '0' });
      await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'msg',
        MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } },
      });
      const got = await receiveOne(t.store, url, { AttributeNames: ['All'], MessageAttributeNames: ['All'] });
      assert.deepEqual(Object.keys(got.Attributes ?? {}).sort(), STANDARD_ALL);
      assert.equal(got.MD5OfMessageAttributes, 'ae7155c6026991b6d54b11589678bf9c');
      assert.deepEqual(JSON.parse(JSON.stringify(got.MessageAttributes)), {
        Foo: { DataType: 'String', StringValue: 'Bar' },
      });
    });
  });
}

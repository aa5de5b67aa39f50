/**
 * Queue semantics AWS shows on the wire (issue 18), on both protocols: the
 * AWS SDK for JavaScript (JSON) and boto3 (query), against a real server
 * whose store runs on a ManualClock the test moves between calls. The rules
 * themselves are the store's (test/store/contract); this checks they reach
 * clients unchanged through either protocol.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as S from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/time/clock.ts';
import { type Boto3Session, startBoto3Session } from './boto3-session.ts';
import { startTestServer, type TestServer } from './harness.ts';

const clock = new ManualClock();
let t: TestServer;
let boto3: Boto3Session;
before(async () => {
  t = await startTestServer({ clock });
  boto3 = startBoto3Session(t.env());
});
after(async () => {
  await boto3?.close();
  await t?.close();
});

const COMMANDS = {
  CreateQueue: S.CreateQueueCommand,
  SendMessage: S.SendMessageCommand,
  ReceiveMessage: S.ReceiveMessageCommand,
  ChangeMessageVisibility: S.ChangeMessageVisibilityCommand,
  DeleteMessage: S.DeleteMessageCommand,
  SetQueueAttributes: S.SetQueueAttributesCommand,
  GetQueueAttributes: S.GetQueueAttributesCommand,
} as const;
type Action = keyof typeof COMMANDS;
type Answer = Record<string, unknown>;

/** One protocol, as a client library speaks it: an action with its input, AWS's shapes in and out. */
interface Wire {
  protocol: 'json' | 'query';
  call(action: Action, input: Record<string, unknown>): Promise<Answer>;
}

const snake = (action: string) => action.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();

const WIRES: Wire[] = [
  {
    protocol: 'json',
    call: async (action, input) => {
      const command = new (COMMANDS[action] as new (input: never) => unknown)(input as never);
      return (await t.sqs.send(command as never)) as unknown as Answer;
    },
  },
  { protocol: 'query', call: (action, input) => boto3.call(snake(action), input) },
];

interface Received {
  Body: string;
  ReceiptHandle: string;
  MessageId: string;
  Attributes?: Record<string, string>;
}
const messagesOf = (answer: Answer) => (answer.Messages ?? []) as Received[];
const bodiesOf = (answer: Answer) => messagesOf(answer).map((m) => m.Body);

for (const wire of WIRES) {
  describe(`queue semantics over the ${wire.protocol} protocol`, () => {
    const name = (base: string) => `${wire.protocol}-${base}`;
    const create = async (QueueName: string, Attributes: Record<string, string> = {}) =>
      (await wire.call('CreateQueue', { QueueName, Attributes })).QueueUrl as string;
    const receive = (QueueUrl: string, extra: Record<string, unknown> = {}) =>
      wire.call('ReceiveMessage', { QueueUrl, ...extra });

    it('FIFO: a group made visible again goes behind the groups already waiting', async () => {
      const QueueUrl = await create(name('requeue.fifo'), {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
      });
      for (const [MessageBody, MessageGroupId] of [
        ['g1-m1', 'g1'],
        ['g1-m2', 'g1'],
        ['g2-m1', 'g2'],
      ]) {
        await wire.call('SendMessage', { QueueUrl, MessageBody, MessageGroupId });
      }
      const held = messagesOf(await receive(QueueUrl, { MaxNumberOfMessages: 2 }));
      assert.deepEqual(
        held.map((m) => m.Body),
        ['g1-m1', 'g1-m2'],
      );
      await wire.call('ChangeMessageVisibility', {
        QueueUrl,
        ReceiptHandle: held[0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      assert.deepEqual(bodiesOf(await receive(QueueUrl, { MaxNumberOfMessages: 3 })), ['g2-m1', 'g1-m1']);
    });

    it('standard: a message visible again after its timeout comes before those sent meanwhile', async () => {
      const QueueUrl = await create(name('resend-order'));
      await wire.call('SendMessage', { QueueUrl, MessageBody: 'test1' });
      assert.deepEqual(bodiesOf(await receive(QueueUrl, { VisibilityTimeout: 3 })), ['test1']);
      await clock.advance(1_000);
      await wire.call('SendMessage', { QueueUrl, MessageBody: 'test2' });
      await clock.advance(2_000);
      assert.deepEqual(bodiesOf(await receive(QueueUrl)), ['test1']);
    });

    it('an older receipt handle of a message received again still changes visibility and deletes', async () => {
      const QueueUrl = await create(name('older-handle'));
      await wire.call('SendMessage', { QueueUrl, MessageBody: 'x' });
      const [r1] = messagesOf(await receive(QueueUrl, { VisibilityTimeout: 0 }));
      const [r2] = messagesOf(await receive(QueueUrl));
      assert.ok(r1 && r2 && r1.MessageId === r2.MessageId && r1.ReceiptHandle !== r2.ReceiptHandle);
      await wire.call('ChangeMessageVisibility', {
        QueueUrl,
        ReceiptHandle: r1.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      assert.deepEqual(bodiesOf(await receive(QueueUrl)), ['x'], 'visible again by the older handle');
      await wire.call('DeleteMessage', { QueueUrl, ReceiptHandle: r1.ReceiptHandle });
      const { Attributes } = (await wire.call('GetQueueAttributes', {
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      })) as { Attributes: Record<string, string> };
      assert.deepEqual(Attributes, {
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      });
    });

    it('FIFO: a deduplication id seen under queue scope still counts after switching to messageGroup', async () => {
      const QueueUrl = await create(name('to-high.fifo'), { FifoQueue: 'true' });
      const send = (MessageBody: string, MessageGroupId: string) =>
        wire.call('SendMessage', { QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId: 'd' });
      await send('Test1', 'g1');
      assert.deepEqual(bodiesOf(await receive(QueueUrl)), ['Test1']);
      await wire.call('SetQueueAttributes', {
        QueueUrl,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      await send('Test3', 'g3');
      assert.deepEqual(bodiesOf(await receive(QueueUrl)), []);
    });

    it('FIFO: 20-digit sequence numbers, increasing; SenderId a principal id, not the account', async () => {
      const QueueUrl = await create(name('seq.fifo'), {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
      });
      const sent: string[] = [];
      for (const MessageBody of ['a', 'b']) {
        const out = await wire.call('SendMessage', { QueueUrl, MessageBody, MessageGroupId: 'g' });
        sent.push(out.SequenceNumber as string);
      }
      for (const s of sent) assert.match(s, /^[1-9]\d{19}$/);
      assert.ok(BigInt(sent[1]!) > BigInt(sent[0]!));
      const got = messagesOf(await receive(QueueUrl, { MaxNumberOfMessages: 2, AttributeNames: ['All'] }));
      assert.deepEqual(
        got.map((m) => m.Attributes?.SequenceNumber),
        sent,
      );
      for (const m of got) {
        assert.match(m.Attributes?.SenderId ?? '', /^A[A-Z]{3}[A-Z0-9]{10,}$/);
        assert.notEqual(m.Attributes?.SenderId, '000000000000');
      }
    });
  });
}

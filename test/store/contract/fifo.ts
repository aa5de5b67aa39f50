/** FIFO queues: order within a group, group locking, redelivery, system attributes, sequence numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  bodies,
  createFifo,
  receive,
  receiveOne,
  recorded,
  sendToGroup,
  useStore,
} from './harness.ts';

const FIFO_ALL = [
  'ApproximateFirstReceiveTimestamp',
  'ApproximateReceiveCount',
  'MessageDeduplicationId',
  'MessageGroupId',
  'SenderId',
  'SentTimestamp',
  'SequenceNumber',
];

export function fifoContract(make: ApiFactory): void {
  describe('FIFO', () => {
    const t = useStore(make);
    const cbd = (name: string, extra: Record<string, string> = {}) =>
      createFifo(t.store, name, { ContentBasedDeduplication: 'true', ...extra });

    it('delivers a group in send order, whole groups at a time', async () => {
      const url = await cbd('order.fifo');
      await sendToGroup(t.store, url, 'group-1', 'g1-m1');
      await sendToGroup(t.store, url, 'group-2', 'g2-m1');
      await sendToGroup(t.store, url, 'group-1', 'g1-m2', 'g1-m3');
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), [
        'g1-m1',
        'g1-m2',
        'g1-m3',
        'g2-m1',
      ]);
    });

    it('locks a group while any of its messages is in flight; other groups flow', async () => {
      const url = await cbd('lock.fifo', { VisibilityTimeout: '30' });
      await sendToGroup(t.store, url, 'group-1', 'g1-m1', 'g1-m2', 'g1-m3', 'g1-m4');
      await sendToGroup(t.store, url, 'group-2', 'g2-m1');
      await sendToGroup(t.store, url, 'group-3', 'g3-m1');
      const held = await receive(t.store, url, { MaxNumberOfMessages: 2 });
      assert.deepEqual(bodies(held), ['g1-m1', 'g1-m2']);
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 1 })), ['g2-m1']);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: held[0]!.ReceiptHandle });
      assert.deepEqual(
        bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })),
        ['g3-m1'],
        'partial delete keeps group-1 locked',
      );
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: held[1]!.ReceiptHandle });
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), ['g1-m3', 'g1-m4']);
    });

    it('redelivers an expired group from its first message, in order', async () => {
      const url = await cbd('expire.fifo', { VisibilityTimeout: '1' });
      await sendToGroup(t.store, url, '1', 'message-0', 'message-1', 'message-2');
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), [
        'message-0',
        'message-1',
        'message-2',
      ]);
      await t.clock.advance(2_000);
      const again = await receive(t.store, url, {
        MaxNumberOfMessages: 10,
        AttributeNames: ['ApproximateReceiveCount'],
      });
      assert.deepEqual(bodies(again), ['message-0', 'message-1', 'message-2']);
      assert.deepEqual(
        again.map((m) => m.Attributes?.ApproximateReceiveCount),
        ['2', '2', '2'],
      );
    });

    it('makes a group visible again when one of its messages is made visible', async () => {
      const url = await cbd('release.fifo', { VisibilityTimeout: '30' });
      await sendToGroup(t.store, url, 'group-1', 'g1-m1', 'g1-m2');
      await sendToGroup(t.store, url, 'group-2', 'g2-m1');
      const held = await receive(t.store, url, { MaxNumberOfMessages: 2 });
      assert.deepEqual(bodies(held), ['g1-m1', 'g1-m2']);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: held[0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      const got = await receive(t.store, url, { MaxNumberOfMessages: 3 });
      assert.deepEqual(bodies(got).sort(), ['g1-m1', 'g2-m1'], 'g1-m2 stays hidden for its own 30 s');
    });

    it('puts a group made visible again behind the groups already waiting', async () => {
      const url = await cbd('requeue.fifo', { VisibilityTimeout: '30' });
      await sendToGroup(t.store, url, 'group-1', 'g1-m1', 'g1-m2');
      await sendToGroup(t.store, url, 'group-2', 'g2-m1');
      const held = await receive(t.store, url, { MaxNumberOfMessages: 2 });
      assert.deepEqual(bodies(held), ['g1-m1', 'g1-m2']);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: held[0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      // AWS's answer (issue 18): group-2 was waiting; group-1 rejoins the line behind it.
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 3 })), ['g2-m1', 'g1-m1']);
    });

    it('puts a group whose visibility timeout ran out behind the groups sent before, ahead of those sent after', async () => {
      const url = await cbd('timeout-requeue.fifo', { VisibilityTimeout: '10' });
      await sendToGroup(t.store, url, 'group-1', 'g1-m1');
      assert.deepEqual(bodies(await receive(t.store, url)), ['g1-m1']);
      await t.clock.advance(5_000);
      await sendToGroup(t.store, url, 'group-2', 'g2-m1');
      await t.clock.advance(5_000); // group-1 is visible again from now on
      await t.clock.advance(1_000);
      await sendToGroup(t.store, url, 'group-3', 'g3-m1');
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), [
        'g2-m1',
        'g1-m1',
        'g3-m1',
      ]);
    });

    for (const visible of [0, 1, 2]) {
      it(`answers the first ${visible} of a group made visible again, the rest staying hidden (recorded)`, async () => {
        const url = await cbd(`cmv-${visible}.fifo`, { VisibilityTimeout: '30' });
        await sendToGroup(t.store, url, 'group-1', 'foo', 'bar', 'baz');
        const test = `test_fifo_group_visibility_extends_with_change_message_visibility[sqs-${visible}-visible]`;
        const all = recorded(test, 'receive_all_messages') as { Messages: { Body: string }[] };
        const held = await receive(t.store, url, { MaxNumberOfMessages: 10 });
        assert.deepEqual(
          bodies(held),
          all.Messages.map((m) => m.Body),
        );
        for (const m of held.slice(0, visible)) {
          await t.store.changeMessageVisibility({
            QueueUrl: url,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          });
        }
        const want = recorded(test, 'some-messages-invisible') as { Messages?: { Body: string }[] };
        assert.deepEqual(
          bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })),
          (want.Messages ?? []).map((m) => m.Body),
        );
      });
    }

    it('with VisibilityTimeout 0 on receive, keeps order and leaves the groups open', async () => {
      const url = await cbd('zero.fifo');
      await sendToGroup(t.store, url, 'group-1', 'g1-m1');
      await sendToGroup(t.store, url, 'group-2', 'g2-m1', 'g2-m2');
      await sendToGroup(t.store, url, 'group-3', 'g3-m1');
      await sendToGroup(t.store, url, 'group-1', 'g1-m2');
      const first = await receive(t.store, url, { MaxNumberOfMessages: 3, VisibilityTimeout: 0 });
      assert.deepEqual(bodies(first), ['g1-m1', 'g1-m2', 'g2-m1']);
      const all = bodies(await receive(t.store, url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      assert.deepEqual([...all].sort(), ['g1-m1', 'g1-m2', 'g2-m1', 'g2-m2', 'g3-m1']);
      assert.ok(all.indexOf('g1-m1') < all.indexOf('g1-m2') && all.indexOf('g2-m1') < all.indexOf('g2-m2'));
    });

    it('answers the FIFO system attributes; a second receive counts 2 with a new handle', async () => {
      const url = await cbd('attrs.fifo', { VisibilityTimeout: '0' });
      const sent = await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'message-body-1',
        MessageGroupId: 'group-1',
        MessageDeduplicationId: 'dedup-1',
      });
      const rec = recorded('test_fifo_message_attributes', 'send_message') as { MD5OfMessageBody: string };
      assert.equal(sent.MD5OfMessageBody, rec.MD5OfMessageBody);
      assert.match(sent.SequenceNumber ?? '', /^\d+$/);
      const a = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      assert.deepEqual(Object.keys(a.Attributes ?? {}).sort(), FIFO_ALL);
      assert.equal(a.Attributes?.MessageGroupId, 'group-1');
      assert.equal(a.Attributes?.MessageDeduplicationId, 'dedup-1');
      assert.equal(a.Attributes?.SequenceNumber, sent.SequenceNumber);
      assert.equal(a.Attributes?.ApproximateReceiveCount, '1');
      const b = await receiveOne(t.store, url, { AttributeNames: ['All'] });
      assert.equal(b.Attributes?.ApproximateReceiveCount, '2');
      assert.notEqual(b.ReceiptHandle, a.ReceiptHandle);
    });

    it('numbers messages with increasing sequence numbers, in batches too', async () => {
      const url = await createFifo(t.store, 'seq.fifo');
      const seqs: bigint[] = [];
      for (const i of [1, 2, 3]) {
        const out = await t.store.sendMessage({
          QueueUrl: url,
          MessageBody: `message-${i}`,
          MessageGroupId: 'group',
          MessageDeduplicationId: `m${i}`,
        });
        seqs.push(BigInt(out.SequenceNumber ?? '-1'));
      }
      const batch = await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [4, 5].map((i) => ({
          Id: `e${i}`,
          MessageBody: `m${i}`,
          MessageGroupId: 'group',
          MessageDeduplicationId: `m${i}`,
        })),
      });
      for (const s of batch.Successful) seqs.push(BigInt(s.SequenceNumber ?? '-1'));
      assert.equal(seqs.length, 5);
      for (const s of seqs) assert.match(String(s), /^[1-9]\d{19}$/, 'AWS-style: 20 digits, no zero padding');
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `sequence ${i} increases`);
    });
  });
}

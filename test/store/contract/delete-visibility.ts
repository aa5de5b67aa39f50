/** DeleteMessage(Batch), ChangeMessageVisibility(Batch), receipt handles, and retention expiry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  counts,
  createFifo,
  createQueue,
  expectAwsError,
  expectSqsError,
  receive,
  receiveOne,
  sendN,
  useStore,
} from './harness.ts';

const BAD_HANDLE = 'ReceiptHandleIsInvalid';
const notInFlight = (handle: string) =>
  `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`;

export function deleteVisibilityContract(make: ApiFactory): void {
  describe('delete and visibility', () => {
    const t = useStore(make);

    it('deletes a received message; deleting again with the same handle still succeeds', async () => {
      const url = await createQueue(t.store, 'del', { VisibilityTimeout: '0' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      const m = await receiveOne(t.store, url);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      assert.deepEqual(await receive(t.store, url), []);
      assert.deepEqual(await counts(t.store, url), { visible: 0, inFlight: 0, delayed: 0 });
    });

    it('never lets a stale handle delete a later message, even one that reuses the row', async () => {
      const url = await createQueue(t.store, 'reuse');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'first' });
      const first = await receiveOne(t.store, url);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'second' });
      const second = await receiveOne(t.store, url, { VisibilityTimeout: 0 });
      assert.equal(second.Body, 'second');
      // A retried delete of the first message: succeeds, and leaves the second alone.
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle });
      await t.store.deleteMessageBatch({
        QueueUrl: url,
        Entries: [{ Id: 'a', ReceiptHandle: first.ReceiptHandle }],
      });
      assert.deepEqual(await counts(t.store, url), { visible: 1, inFlight: 0, delayed: 0 });
    });

    it('accepts an older handle of a message received again: it changes visibility and deletes', async () => {
      const url = await createQueue(t.store, 'older-handle');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      const r1 = await receiveOne(t.store, url, { VisibilityTimeout: 0 });
      const r2 = await receiveOne(t.store, url);
      assert.equal(r2.MessageId, r1.MessageId);
      assert.notEqual(r2.ReceiptHandle, r1.ReceiptHandle);
      // AWS (issue 18): ChangeMessageVisibility(R1, 0) succeeds and the message is visible again.
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: r1.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      assert.equal((await receiveOne(t.store, url)).MessageId, r1.MessageId);
      await t.store
        .changeMessageVisibilityBatch({
          QueueUrl: url,
          Entries: [{ Id: 'a', ReceiptHandle: r2.ReceiptHandle, VisibilityTimeout: 0 }],
        })
        .then((out) => assert.deepEqual(out.Failed, []));
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: r1.ReceiptHandle });
      assert.deepEqual(await counts(t.store, url), { visible: 0, inFlight: 0, delayed: 0 });
    });

    it('deletes with a well-formed handle whose visibility timeout has passed (standard queue)', async () => {
      const url = await createQueue(t.store, 'stale');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      const m = await receiveOne(t.store, url, { VisibilityTimeout: 1 });
      await t.clock.advance(2_000);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      assert.equal((await counts(t.store, url)).visible, 0);
      assert.deepEqual(await receive(t.store, url), []);
    });

    it('refuses a malformed receipt handle', async () => {
      const url = await createQueue(t.store, 'garbage');
      await expectSqsError(
        t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: 'garbage' }),
        BAD_HANDLE,
        'The input receipt handle "garbage" is not a valid receipt handle.',
      );
      await expectSqsError(
        t.store.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: 'INVALID', VisibilityTimeout: 60 }),
        BAD_HANDLE,
      );
    });

    it('refuses a FIFO receipt handle whose visibility timeout has passed', async () => {
      const url = await createFifo(t.store, 'expired.fifo', { ContentBasedDeduplication: 'true' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'foobar', MessageGroupId: 'g' });
      const m = await receiveOne(t.store, url, { VisibilityTimeout: 1 });
      await t.clock.advance(2_000);
      await expectAwsError(
        t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }),
        'test_fifo_delete_after_visibility_timeout',
        'delete_after_timeout_fifo',
        { '<receipt-handle:1>': m.ReceiptHandle },
      );
    });

    it('deletes a FIFO message whose visibility was extended in time', async () => {
      const url = await createFifo(t.store, 'extended.fifo', { ContentBasedDeduplication: 'true' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'foobar', MessageGroupId: 'g' });
      const m = await receiveOne(t.store, url, { VisibilityTimeout: 2 });
      await t.clock.advance(1_000);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 10,
      });
      await t.clock.advance(5_000);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      await t.clock.advance(10_000);
      assert.deepEqual(await receive(t.store, url), []);
    });

    it('deletes in batches: valid entries succeed, bad handles fail per entry', async () => {
      const url = await createQueue(t.store, 'delbatch');
      await sendN(t.store, url, 3);
      const got = await receive(t.store, url, { MaxNumberOfMessages: 10 });
      assert.equal(got.length, 3);
      const out = await t.store.deleteMessageBatch({
        QueueUrl: url,
        Entries: [
          ...got.map((m, i) => ({ Id: `ok-${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: 'bad', ReceiptHandle: 'garbage' },
        ],
      });
      assert.deepEqual(out.Successful.map((s) => s.Id).sort(), ['ok-0', 'ok-1', 'ok-2']);
      assert.equal(out.Failed.length, 1);
      assert.equal(out.Failed[0]?.Id, 'bad');
      assert.equal(out.Failed[0]?.Code, BAD_HANDLE);
      assert.equal(out.Failed[0]?.SenderFault, true);
      await t.clock.advance(60_000);
      assert.deepEqual(await receive(t.store, url), []);
    });

    it('applies the batch rules to DeleteMessageBatch and ChangeMessageVisibilityBatch', async () => {
      const url = await createQueue(t.store, 'batchrules');
      const twenty = Array.from({ length: 20 }, (_, i) => ({
        Id: String(i),
        ReceiptHandle: 'h',
        VisibilityTimeout: 123,
      }));
      await expectAwsError(
        t.store.deleteMessageBatch({ QueueUrl: url, Entries: twenty }),
        'test_delete_message_batch_with_too_large_batch',
        'error_response',
      );
      await expectAwsError(
        t.store.changeMessageVisibilityBatch({ QueueUrl: url, Entries: twenty }),
        'test_change_message_visibility_batch_with_too_large_batch',
        'error_response',
      );
      const test = 'test_delete_message_batch_invalid_msg_id';
      for (const id of ['', 'testLongId'.repeat(10), 'invalid:id']) {
        await expectAwsError(
          t.store.deleteMessageBatch({ QueueUrl: url, Entries: [{ Id: id, ReceiptHandle: 'testHandle1' }] }),
          `${test}[sqs-${id}]`,
          'error_response',
        );
      }
      await expectSqsError(
        t.store.deleteMessageBatch({ QueueUrl: url, Entries: [] }),
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
      await expectSqsError(
        t.store.changeMessageVisibilityBatch({ QueueUrl: url, Entries: [] }),
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
      const dup = [
        { Id: 'a', ReceiptHandle: 'h1' },
        { Id: 'a', ReceiptHandle: 'h2' },
      ];
      await expectSqsError(
        t.store.deleteMessageBatch({ QueueUrl: url, Entries: dup }),
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        /repeated/,
      );
    });

    it('ChangeMessageVisibility 0 makes the message receivable at once', async () => {
      const url = await createQueue(t.store, 'cmv0');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      const m = await receiveOne(t.store, url);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      const again = await receiveOne(t.store, url, { AttributeNames: ['ApproximateReceiveCount'] });
      assert.equal(again.MessageId, m.MessageId);
      assert.equal(again.Attributes?.ApproximateReceiveCount, '2');
      assert.deepEqual(await receive(t.store, url), [], 'the change does not last beyond that receive');
    });

    it('ChangeMessageVisibility counts the new timeout from now', async () => {
      const url = await createQueue(t.store, 'cmv');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'x' });
      const m = await receiveOne(t.store, url); // hidden for 30 s
      await t.clock.advance(20_000);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 30,
      });
      await t.clock.advance(25_000); // t = 45 s
      assert.deepEqual(await receive(t.store, url), []);
      await t.clock.advance(5_000); // t = 50 s
      assert.equal((await receiveOne(t.store, url)).MessageId, m.MessageId);
    });

    it('ChangeMessageVisibility succeeds after the timeout passed, and refuses deleted messages and bad values', async () => {
      const url = await createQueue(t.store, 'cmvlate');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'foo' });
      const m = await receiveOne(t.store, url, { VisibilityTimeout: 1 });
      await t.clock.advance(2_000);
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 42,
      });
      assert.deepEqual(await receive(t.store, url), [], 'the late change hides the message again');
      for (const bad of [-1, 43201]) {
        await expectSqsError(
          t.store.changeMessageVisibility({
            QueueUrl: url,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: bad,
          }),
          'InvalidParameterValue',
        );
      }
      await t.clock.advance(42_000);
      const fresh = await receiveOne(t.store, url, { VisibilityTimeout: 0 });
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: fresh.ReceiptHandle });
      await expectSqsError(
        t.store.changeMessageVisibility({
          QueueUrl: url,
          ReceiptHandle: fresh.ReceiptHandle,
          VisibilityTimeout: 42,
        }),
        'InvalidParameterValue',
        notInFlight(fresh.ReceiptHandle),
      );
    });

    it('changes visibility in batches with per-entry failures', async () => {
      const url = await createQueue(t.store, 'cmvbatch');
      await sendN(t.store, url, 2);
      const [a, b] = await receive(t.store, url, { MaxNumberOfMessages: 10 });
      assert.ok(a && b);
      const out = await t.store.changeMessageVisibilityBatch({
        QueueUrl: url,
        Entries: [
          { Id: 'a', ReceiptHandle: a.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'b', ReceiptHandle: b.ReceiptHandle, VisibilityTimeout: 300 },
          { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
        ],
      });
      assert.deepEqual(out.Successful.map((s) => s.Id).sort(), ['a', 'b']);
      assert.deepEqual(
        out.Failed.map((f) => [f.Id, f.Code, f.SenderFault]),
        [['bad', BAD_HANDLE, true]],
      );
      assert.deepEqual(
        (await receive(t.store, url, { MaxNumberOfMessages: 10 })).map((m) => m.MessageId),
        [a.MessageId],
      );
    });

    it('drops messages older than MessageRetentionPeriod, in flight or not', async () => {
      const url = await createQueue(t.store, 'retention', { MessageRetentionPeriod: '60' });
      await sendN(t.store, url, 2);
      await receiveOne(t.store, url, { VisibilityTimeout: 600 });
      await t.clock.advance(30_000);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'young' });
      await t.clock.advance(31_000);
      assert.deepEqual(await counts(t.store, url), { visible: 1, inFlight: 0, delayed: 0 });
      assert.deepEqual(
        (await receive(t.store, url, { MaxNumberOfMessages: 10 })).map((m) => m.Body),
        ['young'],
      );
      await t.clock.advance(600_000);
      assert.deepEqual(await receive(t.store, url, { MaxNumberOfMessages: 10 }), []);
    });
  });
}

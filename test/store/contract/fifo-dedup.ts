/** FIFO queues: deduplication (explicit, by content, by scope) and the FIFO-only send rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  bodies,
  createFifo,
  expectAwsError,
  receive,
  receiveOne,
  recorded,
  sendToGroup,
  useStore,
} from './harness.ts';

export function fifoDedupContract(make: ApiFactory): void {
  describe('FIFO deduplication and send rules', () => {
    const t = useStore(make);
    const cbd = (name: string, extra: Record<string, string> = {}) =>
      createFifo(t.store, name, { ContentBasedDeduplication: 'true', ...extra });
    it('deduplicates an explicit MessageDeduplicationId for 5 minutes, even after delete', async () => {
      const url = await createFifo(t.store, 'dedup.fifo');
      const send = (MessageBody: string) =>
        t.store.sendMessage({
          QueueUrl: url,
          MessageBody,
          MessageGroupId: 'group-1',
          MessageDeduplicationId: 'dedup1',
        });
      await send('{"foo": "bar"}');
      await send('{"foo": "bar"} again');
      const m = await receiveOne(t.store, url, { MaxNumberOfMessages: 10 });
      assert.equal(m.Body, '{"foo": "bar"}');
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      await send('{"foo": "bar"}');
      assert.deepEqual(
        await receive(t.store, url),
        [],
        'deleting the message does not end its deduplication',
      );
      await t.clock.advance(5 * 60_000);
      await send('after the window');
      assert.deepEqual(bodies(await receive(t.store, url)), ['after the window']);
    });

    it('deduplicates by content when ContentBasedDeduplication is on', async () => {
      const url = await cbd('content.fifo');
      await sendToGroup(t.store, url, 'group-1', '{"foo": "bar"}', '{"foo": "bar"}', 'different');
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 })), [
        '{"foo": "bar"}',
        'different',
      ]);
    });

    it('deduplicates across groups by default, per group with DeduplicationScope messageGroup', async () => {
      for (const [name, extra, want] of [
        ['queue-scope.fifo', {}, 1],
        ['group-scope.fifo', { DeduplicationScope: 'messageGroup' }, 2],
        ['high.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }, 2],
      ] as const) {
        const url = await createFifo(t.store, name, extra);
        for (const group of ['group-1', 'group-2']) {
          await t.store.sendMessage({
            QueueUrl: url,
            MessageBody: 'Test',
            MessageGroupId: group,
            MessageDeduplicationId: 'same',
          });
        }
        assert.equal((await receive(t.store, url, { MaxNumberOfMessages: 10 })).length, want, name);
      }
    });

    it('keeps the deduplication history when DeduplicationScope changes (recorded)', async () => {
      const send = (
        QueueUrl: string,
        MessageBody: string,
        MessageGroupId: string,
        MessageDeduplicationId: string,
      ) => t.store.sendMessage({ QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId });
      const answer = async (url: string) => bodies(await receive(t.store, url, { MaxNumberOfMessages: 10 }));
      const recordedBodies = (test: string, key: string) =>
        ((recorded(test, key) as { Messages?: { Body: string }[] }).Messages ?? []).map((m) => m.Body);

      // Queue scope, then messageGroup: an id seen under queue scope is still a duplicate in any group.
      let test = 'test_fifo_change_to_high_throughput_after_creation';
      let url = await createFifo(t.store, 'to-high.fifo');
      await send(url, 'Test1', 'group-1', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-1'));
      await send(url, 'Test2', 'group-2', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-2'));
      await t.store.setQueueAttributes({
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      await send(url, 'Test3', 'group-3', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-high-throughput'));
      await send(url, 'Test3', 'group-2', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-high-throughput-2'));
      await send(url, 'Test4', 'group-4', 'dedup-2');
      assert.deepEqual(await answer(url), recordedBodies(test, 'new-dedup2-high-throughput'));
      await send(url, 'Test4', 'group-4', 'dedup-2');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup2-high-throughput'));

      // messageGroup scope, then queue: ids seen per group do not bind the whole queue.
      test = 'test_fifo_change_to_regular_throughput_after_creation';
      url = await createFifo(t.store, 'to-regular.fifo', {
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      await send(url, 'Test1', 'group-1', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-1'));
      await send(url, 'Test2', 'group-2', 'dedup-1');
      assert.deepEqual(await answer(url), recordedBodies(test, 'same-dedup-different-grp-2'));
      await t.store.setQueueAttributes({
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' },
      });
      await send(url, 'Test3', 'group-3', 'dedup-1');
      assert.deepEqual(
        await answer(url),
        recordedBodies(test, 'same-dedup-different-grp-regular-throughput'),
      );
    });

    it('requires MessageGroupId and a deduplication id, and refuses a per-message delay', async () => {
      const url = await createFifo(t.store, 'rules.fifo');
      const test = 'test_posting_to_fifo_requires_deduplicationid_group_id';
      await expectAwsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }),
        test,
        'invalid-parameter-value',
      );
      await expectAwsError(
        t.store.sendMessage({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' }),
        test,
        'missing-parameter',
      );
      const cbdUrl = await cbd('delay.fifo');
      await expectAwsError(
        t.store.sendMessage({
          QueueUrl: cbdUrl,
          MessageBody: 'message-1',
          MessageGroupId: '1',
          DelaySeconds: 2,
        }),
        'test_fifo_queue_send_message_with_delay_seconds_fails',
        'send_message',
      );
      for (const [variant, id] of [
        ['empty', ''],
        ['too_long', 'a'.repeat(129)],
        ['spaces', 'group 123'],
      ] as const) {
        await expectAwsError(
          t.store.sendMessage({
            QueueUrl: url,
            MessageBody: 'x',
            MessageGroupId: 'g',
            MessageDeduplicationId: id,
          }),
          `test_message_deduplication_id_invalid[${variant}]`,
          'error-response',
        );
      }
    });

    it('applies the FIFO rules to whole batches', async () => {
      const url = await createFifo(t.store, 'batchrules.fifo', { ContentBasedDeduplication: 'false' });
      await expectAwsError(
        t.store.sendMessageBatch({
          QueueUrl: url,
          Entries: [
            {
              Id: 'a',
              MessageBody: 'messageBody',
              MessageGroupId: 'test-group',
              MessageDeduplicationId: 'dedup-a',
            },
            { Id: 'b', MessageBody: 'messageBody', MessageGroupId: 'test-group' },
          ],
        }),
        'test_send_batch_missing_deduplication_id_for_fifo_queue',
        'test_missing_deduplication_id_for_fifo_queue',
      );
      await expectAwsError(
        t.store.sendMessageBatch({
          QueueUrl: url,
          Entries: [
            {
              Id: 'a',
              MessageBody: 'messageBody',
              MessageGroupId: 'test-group',
              MessageDeduplicationId: 'dedup-a',
            },
            { Id: 'b', MessageBody: 'messageBody', MessageDeduplicationId: 'dedup-b' },
          ],
        }),
        'test_send_batch_missing_message_group_id_for_fifo_queue',
        'test_missing_message_group_id_for_fifo_queue',
      );
      assert.deepEqual(
        await receive(t.store, url, { MaxNumberOfMessages: 10 }),
        [],
        'a refused batch sends nothing',
      );
    });

    it('applies the queue DelaySeconds to FIFO messages sent with DelaySeconds 0', async () => {
      const url = await cbd('qdelay.fifo', { DelaySeconds: '2' });
      await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'message-1',
        MessageGroupId: '1',
        DelaySeconds: 0,
      });
      await sendToGroup(t.store, url, '1', 'message-2', 'message-3');
      assert.deepEqual(await receive(t.store, url), []);
      await t.clock.advance(2_000);
      assert.deepEqual(bodies(await receive(t.store, url, { MaxNumberOfMessages: 3 })), [
        'message-1',
        'message-2',
        'message-3',
      ]);
    });
  });
}

/** SendMessageBatch: entry ids, entry count, total size, and per-entry failures next to successes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as T from '../../../src/sqs/types.ts';
import {
  type ApiFactory,
  bodies,
  createQueue,
  expectAwsError,
  expectSqsError,
  md5,
  receiveAll,
  recorded,
  useStore,
} from './harness.ts';

const MiB = 1048576;
const K_X: T.MessageAttributeMap = { k: { DataType: 'String', StringValue: 'x' } }; // counts 1+6+1 = 8 bytes

export function sendBatchContract(make: ApiFactory): void {
  describe('send batch', () => {
    const t = useStore(make);

    it('sends up to 10 entries and answers each Id with its MessageId and MD5s', async () => {
      const url = await createQueue(t.store, 'batch');
      const Entries = Array.from({ length: 10 }, (_, i) => ({
        Id: `message-${i}`,
        MessageBody: `messageBody-${i}`,
      }));
      const out = await t.store.sendMessageBatch({ QueueUrl: url, Entries });
      assert.deepEqual(out.Failed, []);
      assert.deepEqual(out.Successful.map((s) => s.Id).sort(), Entries.map((e) => e.Id).sort());
      for (const s of out.Successful) assert.equal(s.MD5OfMessageBody, md5(`messageBody-${s.Id.slice(8)}`));
      const got = await receiveAll(t.store, url);
      assert.deepEqual(got.map((m) => m.MessageId).sort(), out.Successful.map((s) => s.MessageId).sort());
    });

    it('refuses more than 10 entries, no entries, bad or repeated ids', async () => {
      const url = await createQueue(t.store, 'batchrules');
      const twenty = Array.from({ length: 20 }, (_, i) => ({
        Id: `message-${i}`,
        MessageBody: `messageBody-${i}`,
      }));
      await expectAwsError(
        t.store.sendMessageBatch({ QueueUrl: url, Entries: twenty }),
        'test_too_many_entries_in_batch_request',
        'test_too_many_entries_in_batch_request',
      );
      for (const Id of ['message:abc', '', 'x'.repeat(81), 'sp ace']) {
        await expectAwsError(
          t.store.sendMessageBatch({ QueueUrl: url, Entries: [{ Id, MessageBody: 'b' }] }),
          'test_invalid_batch_id',
          'test_invalid_batch_id',
        );
      }
      await expectSqsError(
        t.store.sendMessageBatch({ QueueUrl: url, Entries: [] }),
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
      await expectSqsError(
        t.store.sendMessageBatch({
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'a' },
            { Id: '1', MessageBody: 'b' },
          ],
        }),
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        /repeated/,
      );
      await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [{ Id: `${'A-z_9'.repeat(16)}`, MessageBody: 'ok' }],
      });
      assert.deepEqual(bodies(await receiveAll(t.store, url)), ['ok'], 'refused batches send nothing');
    });

    it('refuses a batch over 1 MiB in total', async () => {
      const url = await createQueue(t.store, 'batchsize');
      await expectAwsError(
        t.store.sendMessageBatch({
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'a'.repeat(MiB - 8), MessageAttributes: K_X },
            { Id: '2', MessageBody: 'a' },
          ],
        }),
        'test_send_message_batch_with_oversized_contents',
        'send_oversized_message_batch',
      );
      const out = await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'a'.repeat(MiB / 2) },
          { Id: '2', MessageBody: 'a'.repeat(MiB / 2) },
        ],
      });
      assert.equal(out.Successful.length, 2, 'exactly 1 MiB in total is allowed');
    });

    it('checks each entry against MaximumMessageSize', async () => {
      const url = await createQueue(t.store, 'batchmax', { MaximumMessageSize: '2048' });
      const fits = await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'a'.repeat(2048 - 8), MessageAttributes: K_X },
          { Id: '2', MessageBody: 'a' },
        ],
      });
      const want = recorded(
        'test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size',
        'send_oversized_message_batch',
      ) as { Successful: { Id: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string }[] };
      assert.deepEqual(fits.Failed, []);
      const strip = (s: { Id: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string }) =>
        JSON.parse(
          JSON.stringify({
            Id: s.Id,
            MD5OfMessageBody: s.MD5OfMessageBody,
            MD5OfMessageAttributes: s.MD5OfMessageAttributes,
          }),
        );
      assert.deepEqual(
        fits.Successful.map(strip).sort((a, b) => a.Id.localeCompare(b.Id)),
        want.Successful.map(strip),
      );

      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } });
      const mixed = await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [
          { Id: 'too-big', MessageBody: 'a'.repeat(1025) },
          { Id: 'fine', MessageBody: 'small' },
        ],
      });
      const rec = recorded('test_send_batch_message_size', 'send-message-batch-result') as {
        Failed: { Code: string; Message: string; SenderFault: boolean }[];
      };
      const f = rec.Failed[0]!;
      assert.deepEqual(JSON.parse(JSON.stringify(mixed.Failed)), [
        { Id: 'too-big', SenderFault: f.SenderFault, Code: f.Code, Message: f.Message },
      ]);
      assert.deepEqual(
        mixed.Successful.map((s) => s.Id),
        ['fine'],
      );
    });

    it('fails entries with invalid characters and sends the others', async () => {
      const url = await createQueue(t.store, 'batchchars');
      const Entries = Array.from({ length: 9 }, (_, i) => ({ Id: String(i), MessageBody: String(i) }));
      const out = await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [...Entries, { Id: '9', MessageBody: '\u0001' }],
      });
      assert.equal(out.Successful.length, 9);
      assert.equal(out.Failed.length, 1);
      assert.equal(out.Failed[0]?.Id, '9');
      assert.equal(out.Failed[0]?.Code, 'InvalidMessageContents');
      assert.equal(out.Failed[0]?.SenderFault, true);
      assert.ok(out.Failed[0]?.Message);
      assert.deepEqual(bodies(await receiveAll(t.store, url)).sort(), [
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
      ]);
    });

    it('delays entries one by one', async () => {
      const url = await createQueue(t.store, 'batchdelay');
      await t.store.sendMessageBatch({
        QueueUrl: url,
        Entries: [
          { Id: 'now', MessageBody: 'now' },
          { Id: 'later', MessageBody: 'later', DelaySeconds: 10 },
        ],
      });
      assert.deepEqual(bodies(await receiveAll(t.store, url)), ['now']);
      await t.clock.advance(10_000);
      assert.deepEqual(bodies(await receiveAll(t.store, url)), ['later']);
    });
  });
}

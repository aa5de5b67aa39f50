/** PurgeQueue: removes every message (visible, in flight, delayed), once per 60 s. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  bodies,
  counts,
  createFifo,
  createQueue,
  expectAwsError,
  receive,
  receiveAll,
  sendN,
  useStore,
} from './harness.ts';

export function purgeContract(make: ApiFactory): void {
  describe('purge', () => {
    const t = useStore(make);

    it('removes visible, in-flight and delayed messages; later sends are received', async () => {
      const url = await createQueue(t.store, 'purged');
      await sendN(t.store, url, 10, 'old');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 2 });
      assert.equal((await receive(t.store, url, { MaxNumberOfMessages: 5, VisibilityTimeout: 3 })).length, 5);
      await t.store.purgeQueue({ QueueUrl: url });
      assert.deepEqual(await counts(t.store, url), { visible: 0, inFlight: 0, delayed: 0 });
      await t.clock.advance(5_000);
      assert.deepEqual(await receive(t.store, url, { MaxNumberOfMessages: 10 }), []);
      await sendN(t.store, url, 3, 'new');
      assert.deepEqual(bodies(await receiveAll(t.store, url)).sort(), ['new-0', 'new-1', 'new-2']);
    });

    it('allows one purge per queue every 60 seconds', async () => {
      const name = 'test-queue-purge';
      const url = await createQueue(t.store, name);
      const other = await createQueue(t.store, 'other-queue');
      await t.store.purgeQueue({ QueueUrl: url });
      await expectAwsError(
        t.store.purgeQueue({ QueueUrl: url }),
        'test_successive_purge_calls_fail',
        'purge_queue_error',
        {
          '<queue-name>': name,
        },
      );
      await t.store.purgeQueue({ QueueUrl: other });
      await t.clock.advance(59_000);
      await expectAwsError(
        t.store.purgeQueue({ QueueUrl: url }),
        'test_successive_purge_calls_fail',
        'purge_queue_error',
        {
          '<queue-name>': name,
        },
      );
      await t.clock.advance(1_000);
      await t.store.purgeQueue({ QueueUrl: url });
    });

    it('clears the FIFO deduplication history', async () => {
      const url = await createFifo(t.store, 'purged.fifo');
      const send = (MessageBody: string) =>
        t.store.sendMessage({
          QueueUrl: url,
          MessageBody,
          MessageGroupId: 'g',
          MessageDeduplicationId: 'same',
        });
      await send('message-1');
      await t.store.purgeQueue({ QueueUrl: url });
      await send('message-2');
      assert.deepEqual(bodies(await receive(t.store, url)), ['message-2']);
    });
  });
}

/** stats(): per-queue counts and the age of the oldest message, read from the store's clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arnOf,
  counts,
  createFifo,
  createQueue,
  receive,
  type StoreFactory,
  sendN,
  urlOf,
  useStore,
} from './harness.ts';

export function statsContract(make: StoreFactory): void {
  describe('stats', () => {
    const t = useStore(make);

    it('describes every queue: name, url, arn, type, dead-letter queue', async () => {
      await createQueue(t.store, 'dead');
      await createQueue(t.store, 'work', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dead'), maxReceiveCount: 3 }),
      });
      await createFifo(t.store, 'ordered.fifo');
      const all = await t.store.stats();
      const byName = new Map(all.map((s) => [s.name, s]));
      assert.deepEqual([...byName.keys()].sort(), ['dead', 'ordered.fifo', 'work']);
      const work = byName.get('work');
      assert.ok(work);
      assert.equal(work.url, urlOf('work'));
      assert.equal(work.arn, arnOf('work'));
      assert.equal(work.fifo, false);
      assert.equal(work.deadLetterQueue, 'dead');
      assert.equal(byName.get('ordered.fifo')?.fifo, true);
      assert.equal(byName.get('dead')?.deadLetterQueue, undefined);
    });

    it('forgets the dead-letter queue when the RedrivePolicy is removed', async () => {
      await createQueue(t.store, 'dlq');
      const source = await createQueue(t.store, 'source', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 10 }),
      });
      assert.equal((await t.store.stats('source'))[0]?.deadLetterQueue, 'dlq');
      await t.store.setQueueAttributes({ QueueUrl: source, Attributes: { RedrivePolicy: '' } });
      assert.equal((await t.store.stats('source'))[0]?.deadLetterQueue, undefined);
    });

    it('filters by name prefix', async () => {
      await createQueue(t.store, 'app-a');
      await createQueue(t.store, 'app-b');
      await createQueue(t.store, 'other');
      assert.deepEqual((await t.store.stats('app-')).map((s) => s.name).sort(), ['app-a', 'app-b']);
      assert.deepEqual(await t.store.stats('none-'), []);
    });

    it('counts visible, in-flight and delayed messages as GetQueueAttributes does', async () => {
      const url = await createQueue(t.store, 'counted');
      await sendN(t.store, url, 5);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 });
      assert.equal((await receive(t.store, url, { MaxNumberOfMessages: 2 })).length, 2);
      const [s] = await t.store.stats('counted');
      assert.ok(s);
      assert.deepEqual(
        { visible: s.visible, inFlight: s.inFlight, delayed: s.delayed },
        { visible: 3, inFlight: 2, delayed: 1 },
      );
      assert.deepEqual(await counts(t.store, url), { visible: 3, inFlight: 2, delayed: 1 });
      await t.clock.advance(60_000);
      const [after] = await t.store.stats('counted');
      assert.deepEqual(
        { visible: after?.visible, inFlight: after?.inFlight, delayed: after?.delayed },
        { visible: 6, inFlight: 0, delayed: 0 },
        'delays and visibility timeouts have passed',
      );
    });

    it('reports the age of the oldest message from the clock, 0 for an empty queue', async () => {
      const url = await createQueue(t.store, 'aged');
      assert.equal((await t.store.stats('aged'))[0]?.oldestAgeSeconds, 0);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'old' });
      await t.clock.advance(30_000);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'new' });
      await t.clock.advance(60_500);
      assert.equal((await t.store.stats('aged'))[0]?.oldestAgeSeconds, 90);
      const oldest = (await receive(t.store, url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 })).find(
        (m) => m.Body === 'old',
      );
      assert.ok(oldest);
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: oldest.ReceiptHandle });
      assert.equal((await t.store.stats('aged'))[0]?.oldestAgeSeconds, 60);
    });
  });
}

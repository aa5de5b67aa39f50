/** Long polling (WaitTimeSeconds / ReceiveMessageWaitTimeSeconds), wake-ups, abort and close. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  answered,
  bodies,
  createFifo,
  createQueue,
  receiveOne,
  track,
  useStore,
} from './harness.ts';

export function longPollContract(make: ApiFactory): void {
  describe('long polling', () => {
    const t = useStore(make);

    it('answers as soon as a message is sent, without the clock moving', async () => {
      const url = await createQueue(t.store, 'lp');
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      assert.equal(poll.settled, false, 'an empty long poll waits');
      const started = t.clock.now();
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'hello' });
      const out = await answered(poll, t, 'a send wakes the poll');
      assert.deepEqual(bodies(out.Messages ?? []), ['hello']);
      assert.equal(t.clock.now(), started);
    });

    it('answers empty when WaitTimeSeconds pass with no message', async () => {
      const url = await createQueue(t.store, 'lpempty');
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      await t.clock.advance(19_000);
      await t.settle();
      assert.equal(poll.settled, false);
      await t.clock.advance(1_000);
      assert.deepEqual((await answered(poll, t, 'the poll ends after 20 s')).Messages ?? [], []);
    });

    it('uses the queue ReceiveMessageWaitTimeSeconds unless WaitTimeSeconds is given', async () => {
      const url = await createQueue(t.store, 'lpqueue', { ReceiveMessageWaitTimeSeconds: '20' });
      const short = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 }));
      await t.settle();
      assert.equal(short.settled, true, 'WaitTimeSeconds 0 answers at once');
      const poll = track(t.store.receiveMessage({ QueueUrl: url }));
      await t.settle();
      assert.equal(poll.settled, false, 'the queue default makes it a long poll');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'message' });
      assert.deepEqual(bodies((await answered(poll, t, 'a send wakes the poll')).Messages ?? []), [
        'message',
      ]);
    });

    it('answers with messages already there without waiting', async () => {
      const url = await createQueue(t.store, 'lpready');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'a' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'b' });
      const poll = track(
        t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20, MaxNumberOfMessages: 3 }),
      );
      const out = await answered(poll, t, 'a poll with messages waiting answers at once');
      assert.ok((out.Messages ?? []).length >= 1);
    });

    it('wakes when a delayed message becomes visible', async () => {
      const url = await createQueue(t.store, 'lpdelay');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'late', DelaySeconds: 5 });
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      await t.clock.advance(4_000);
      await t.settle();
      assert.equal(poll.settled, false);
      await t.clock.advance(1_000);
      const out = await answered(poll, t, 'the delayed message wakes the poll');
      assert.deepEqual(bodies(out.Messages ?? []), ['late']);
    });

    it('wakes when a visibility timeout expires', async () => {
      const url = await createQueue(t.store, 'lpvis');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'back' });
      await receiveOne(t.store, url, { VisibilityTimeout: 5 });
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      await t.clock.advance(5_000);
      const out = await answered(poll, t, 'the expired visibility timeout wakes the poll');
      assert.deepEqual(bodies(out.Messages ?? []), ['back']);
    });

    it('wakes when a visibility timeout is shortened, not when the old one would have ended', async () => {
      const url = await createQueue(t.store, 'lpshort');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'sooner' });
      const m = await receiveOne(t.store, url, { VisibilityTimeout: 30 });
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      await t.store.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 2,
      });
      await t.settle();
      assert.equal(poll.settled, false, 'not visible yet');
      await t.clock.advance(2_000);
      const out = await answered(poll, t, 'the shortened visibility timeout wakes the poll');
      assert.deepEqual(bodies(out.Messages ?? []), ['sooner']);
    });

    it('gives one message to one waiter; the other keeps waiting', async () => {
      const url = await createQueue(t.store, 'lptwo');
      const p1 = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      const p2 = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'first' });
      await t.settle();
      assert.equal(Number(p1.settled) + Number(p2.settled), 1, 'exactly one waiter answered');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'second' });
      const [r1, r2] = [await answered(p1, t, 'waiter 1'), await answered(p2, t, 'waiter 2')];
      assert.deepEqual([...bodies(r1.Messages ?? []), ...bodies(r2.Messages ?? [])].sort(), [
        'first',
        'second',
      ]);
    });

    it('ends on abort (at once in-process, after the adapter’s grace over a network), claiming nothing', async () => {
      const url = await createQueue(t.store, 'lpabort');
      const controller = new AbortController();
      const poll = track(
        t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }, { signal: controller.signal }),
      );
      await t.settle();
      controller.abort();
      if (t.abortGraceMs > 0) await new Promise((r) => setTimeout(r, t.abortGraceMs + 20));
      const aborted = track(
        poll.promise.catch((e: unknown) => {
          assert.equal(
            (e as Error).name,
            'AbortError',
            `an aborted poll may only reject with AbortError, got ${String(e)}`,
          );
          return {};
        }),
      );
      const out = await answered(aborted, t, 'abort ends the poll without the clock moving');
      assert.deepEqual((out as { Messages?: unknown[] }).Messages ?? [], []);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'kept' });
      await t.settle();
      const m = await receiveOne(t.store, url, { AttributeNames: ['ApproximateReceiveCount'] });
      assert.equal(m.Body, 'kept');
      assert.equal(m.Attributes?.ApproximateReceiveCount, '1', 'the aborted poll did not receive it');
    });

    it('wakes a FIFO poll when the group it waits behind is released', async () => {
      const url = await createFifo(t.store, 'lp.fifo', { ContentBasedDeduplication: 'true' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'one', MessageGroupId: 'g' });
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'two', MessageGroupId: 'g' });
      const first = await receiveOne(t.store, url, { MaxNumberOfMessages: 1 });
      const poll = track(t.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
      await t.settle();
      assert.equal(poll.settled, false, 'the group is locked while "one" is in flight');
      await t.store.deleteMessage({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle });
      const out = await answered(poll, t, 'releasing the group wakes the poll');
      assert.deepEqual(bodies(out.Messages ?? []), ['two']);
    });

    it('close() ends open long polls with no messages', async () => {
      // A second subject of its own, since closing is what is tested; a client's close() ends its polls too.
      const made = await make({ clock: t.clock });
      const own = { clock: t.clock, settle: made.settle ?? t.settle };
      try {
        const url = await createQueue(made.store, 'lpclose');
        const poll = track(made.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
        await own.settle();
        await made.store.close();
        assert.deepEqual((await answered(poll, own, 'close ends the poll')).Messages ?? [], []);
      } finally {
        await made.cleanup();
      }
    });
  });
}

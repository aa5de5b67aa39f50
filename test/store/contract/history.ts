/**
 * Queue history and live activity (src/store/operator.ts): samples of counts and of the traffic
 * counted in memory between them, in 1-minute, 15-minute and 1-hour buckets, pruned by age;
 * send → first-receive waits as percentiles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arnOf, createQueue, receive, type StoreFactory, sendN, useStore } from './harness.ts';

const MINUTE = 60_000;

export function historyContract(make: StoreFactory): void {
  describe('operator: history and activity', () => {
    const t = useStore(make);

    /** jobs (DLQ dead, 1 receive) with 5 messages sent, 3 received after 2 s and 2 of them deleted. */
    async function traffic() {
      await createQueue(t.store, 'dead');
      const jobs = await createQueue(t.store, 'jobs', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dead'), maxReceiveCount: 5 }),
      });
      await sendN(t.store, jobs, 5);
      await t.clock.advance(2000);
      const got = await receive(t.store, jobs, { MaxNumberOfMessages: 3 });
      assert.equal(got.length, 3);
      await t.store.deleteMessageBatch({
        QueueUrl: jobs,
        Entries: got.slice(0, 2).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      });
      // A handle of a message already deleted deletes nothing, and is not counted.
      await t.store.deleteMessage({ QueueUrl: jobs, ReceiptHandle: got[0]!.ReceiptHandle! });
      return jobs;
    }

    it('counts sends, receives, deletes and waits live, before any sample', async () => {
      await traffic();
      const [dead, jobs] = await t.store.activity();
      assert.equal(dead?.name, 'dead');
      assert.deepEqual(
        { ...jobs, wait: undefined },
        {
          name: 'jobs',
          since: t.clock.now() - 2000,
          sent: 5,
          received: 3,
          deleted: 2,
          wait: undefined,
        },
      );
      assert.equal(jobs?.wait?.count, 3);
      assert.ok(jobs!.wait!.p50 >= 2000 && jobs!.wait!.p50 <= 2200, `p50 ${jobs!.wait!.p50} ≈ 2 s`);
      assert.deepEqual(await t.store.activity('de'), [dead]);
    });

    it('samples counts and traffic into the 1 h history, and keeps counting afresh', async () => {
      const jobs = await traffic();
      await t.store.recordHistory();
      const { points, bucketSeconds, range } = await t.store.history({ QueueUrl: jobs, range: '1h' });
      assert.equal(range, '1h');
      assert.equal(bucketSeconds, 60);
      assert.equal(points.length, 1);
      const p = points[0]!;
      assert.equal(p.at, Math.floor(t.clock.now() / MINUTE) * MINUTE);
      assert.deepEqual([p.visible, p.inFlight, p.delayed, p.oldestAgeSeconds, p.dlqDepth], [2, 1, 0, 2, 0]);
      assert.deepEqual([p.sent, p.received, p.deleted], [5, 3, 2]);
      assert.equal(p.wait?.count, 3);

      await t.clock.advance(MINUTE);
      await sendN(t.store, jobs, 1);
      await t.store.recordHistory();
      const after = await t.store.history({ QueueUrl: jobs, range: '1h' });
      assert.equal(after.points.length, 2);
      assert.deepEqual(
        [after.points[1]!.sent, after.points[1]!.received, after.points[1]!.wait],
        [1, 0, null],
      );
      // Sampled traffic still shows in the live window.
      const [, live] = await t.store.activity();
      assert.equal(live?.sent, 6);
    });

    it('adds traffic up and keeps the peak counts in coarser buckets', async () => {
      const jobs = await createQueue(t.store, 'jobs');
      // Align to the start of an hour so that 3 samples a minute apart share the 15-minute and 1-hour buckets.
      t.clock.set(Math.ceil(t.clock.now() / (60 * MINUTE)) * 60 * MINUTE);
      for (const n of [3, 10, 1]) {
        await sendN(t.store, jobs, n);
        await t.store.recordHistory();
        await t.store.purgeQueue({ QueueUrl: jobs });
        await t.clock.advance(MINUTE);
      }
      const fine = await t.store.history({ QueueUrl: jobs, range: '1h' });
      assert.deepEqual(
        fine.points.map((p) => [p.visible, p.sent]),
        [
          [3, 3],
          [10, 10],
          [1, 1],
        ],
      );
      for (const range of ['24h', '7d', '30d'] as const) {
        const { points, bucketSeconds } = await t.store.history({ QueueUrl: jobs, range });
        assert.equal(bucketSeconds, range === '24h' ? 900 : 3600);
        assert.deepEqual(
          points.map((p) => [p.visible, p.sent]),
          [[10, 14]],
          range,
        );
      }
    });

    it('keeps 1-minute buckets a day, 15-minute ones a week and hours 30 days', async () => {
      const jobs = await createQueue(t.store, 'jobs');
      await sendN(t.store, jobs, 1);
      await t.store.recordHistory();
      const has = async () =>
        Promise.all(
          (['1h', '24h', '30d'] as const).map(async (range) => {
            const { points } = await t.store.history({ QueueUrl: jobs, range });
            return points.some((p) => p.sent === 1);
          }),
        );
      t.clock.set(t.clock.now() + 25 * 60 * MINUTE);
      await t.store.recordHistory();
      assert.deepEqual(await has(), [false, false, true], 'after 25 h');
      t.clock.set(t.clock.now() + 29 * 24 * 60 * MINUTE);
      await t.store.recordHistory();
      assert.deepEqual(await has(), [false, false, false], 'after 30 d');
    });

    it('keeps the history of same-named queues in two regions apart, and samples both', async () => {
      const eu = t.store.inRegion('eu-west-1');
      const here = await createQueue(t.store, 'jobs');
      const there = await createQueue(eu, 'jobs');
      await sendN(t.store, here, 1);
      await sendN(eu, there, 2);
      await t.store.recordHistory();
      const sent = async (store: typeof eu, QueueUrl: string) =>
        (await store.history({ QueueUrl, range: '1h' })).points.map((p) => [p.sent, p.visible]);
      assert.deepEqual(await sent(t.store, here), [[1, 1]]);
      assert.deepEqual(await sent(eu, there), [[2, 2]]);
      assert.deepEqual(
        (await eu.activity()).map((a) => [a.name, a.sent]),
        [['jobs', 2]],
      );
    });

    it('refuses a range it does not keep', async () => {
      const jobs = await createQueue(t.store, 'jobs');
      await assert.rejects(
        // @ts-expect-error: not a HistoryRange
        t.store.history({ QueueUrl: jobs, range: '2h' }),
        /range/,
      );
    });
  });
}

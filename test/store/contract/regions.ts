/** inRegion(): each region is a namespace of its own, as in SQS; ARNs carry the region, URLs do not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACCOUNT,
  arnOf,
  createQueue,
  expectSqsError,
  queueAttrs,
  receive,
  type StoreFactory,
  urlOf,
  useStore,
} from './harness.ts';

const EU = 'eu-central-1';
const euArn = (name: string) => `arn:aws:sqs:${EU}:${ACCOUNT}:${name}`;

export function regionsContract(make: StoreFactory): void {
  describe('regions', () => {
    const t = useStore(make);

    it('makes two queues of one name in two regions, each with its own region in its ARN', async () => {
      const eu = t.store.inRegion(EU);
      const us = await createQueue(t.store, 'p-reg');
      // Different attributes: were it one queue, this would be QueueAlreadyExists.
      const there = await createQueue(eu, 'p-reg', { VisibilityTimeout: '45' });
      assert.equal(us, urlOf('p-reg'));
      assert.equal(there, us, 'queue URLs carry no region');
      assert.equal((await queueAttrs(t.store, us, ['QueueArn'])).QueueArn, arnOf('p-reg'));
      assert.deepEqual(await queueAttrs(eu, there, ['QueueArn', 'VisibilityTimeout']), {
        QueueArn: euArn('p-reg'),
        VisibilityTimeout: '45',
      });

      await t.store.sendMessage({ QueueUrl: us, MessageBody: 'for us-east-1' });
      assert.deepEqual(await receive(eu, there), []);
      assert.deepEqual(
        (await receive(t.store, us)).map((m) => m.Body),
        ['for us-east-1'],
      );
      assert.deepEqual((await eu.listQueues()).QueueUrls, [there]);
      assert.deepEqual(
        (await eu.stats()).map((s) => [s.name, s.arn]),
        [['p-reg', euArn('p-reg')]],
      );
    });

    it('finds nothing of other regions by name or URL', async () => {
      await createQueue(t.store, 'only-here');
      const elsewhere = t.store.inRegion('ap-south-1');
      assert.deepEqual(await elsewhere.listQueues(), {});
      await expectSqsError(
        elsewhere.getQueueUrl({ QueueName: 'only-here' }),
        'AWS.SimpleQueueService.NonExistentQueue',
      );
      await expectSqsError(
        elsewhere.sendMessage({ QueueUrl: urlOf('only-here'), MessageBody: 'x' }),
        'AWS.SimpleQueueService.NonExistentQueue',
      );
      assert.equal(t.store.inRegion('us-east-1'), t.store, 'the default region is the store itself');
      assert.deepEqual([t.store.region, elsewhere.region], ['us-east-1', 'ap-south-1']);
    });

    it('deletes in one region only; the 60 s reservation of a deleted name is per region', async () => {
      const eu = t.store.inRegion(EU);
      const url = await createQueue(t.store, 'reg-gone');
      await createQueue(eu, 'reg-gone');
      await eu.deleteQueue({ QueueUrl: url });
      assert.deepEqual((await t.store.listQueues()).QueueUrls, [url]);
      await expectSqsError(createQueue(eu, 'reg-gone'), 'AWS.SimpleQueueService.QueueDeletedRecently');
      await t.store.deleteQueue({ QueueUrl: url });
      await createQueue(t.store.inRegion('eu-west-1'), 'reg-gone');
    });

    it('keeps a dead-letter queue in its source queue’s region, and redrives there', async () => {
      const eu = t.store.inRegion(EU);
      const dlq = await createQueue(eu, 'reg-dlq');
      const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: euArn('reg-dlq'), maxReceiveCount: 1 });
      await expectSqsError(
        createQueue(t.store, 'reg-src', { RedrivePolicy }),
        'InvalidParameterValue',
        /Dead letter target does not exist/,
      );
      const src = await createQueue(eu, 'reg-src', { RedrivePolicy, VisibilityTimeout: '0' });
      assert.deepEqual((await eu.listDeadLetterSourceQueues({ QueueUrl: dlq })).queueUrls, [src]);

      await eu.sendMessage({ QueueUrl: src, MessageBody: 'poison' });
      await receive(eu, src);
      assert.deepEqual(await receive(eu, src), [], 'moved to the DLQ on its second receive');
      const { TaskHandle } = await t.store.startMessageMoveTask({ SourceArn: euArn('reg-dlq') });
      assert.ok(TaskHandle);
      await t.clock.advance(1000);
      await t.settle();
      assert.deepEqual(
        (await receive(eu, src)).map((m) => m.Body),
        ['poison'],
      );
    });
  });
}

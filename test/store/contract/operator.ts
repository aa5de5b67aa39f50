/**
 * The operator's read model (src/store/operator.ts): browsing without consuming, filters, counts,
 * dead letters grouped by error, moving and deleting what a filter matches, and the audit log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageAttributeMap } from '../../../src/sqs/types.ts';
import type { Store } from '../../../src/store/store.ts';
import {
  arnOf,
  counts,
  createQueue,
  expectSqsError,
  receive,
  type StoreFactory,
  sendN,
  useStore,
} from './harness.ts';

const str = (StringValue: string) => ({ DataType: 'String', StringValue });

/** A dead letter as a sluice worker sends it (src/worker/dead-letter.ts). */
const workerDeadLetter = (error: string, sourceQueue: string): MessageAttributeMap => ({
  'sluice.error': str(error),
  'sluice.sourceQueue': str(sourceQueue),
});

/** jobs → dead (maxReceiveCount 1), and `other`. */
async function setup(store: Store) {
  const dead = await createQueue(store, 'dead');
  const jobs = await createQueue(store, 'jobs', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dead'), maxReceiveCount: 1 }),
  });
  const other = await createQueue(store, 'other');
  return { dead, jobs, other };
}

export function operatorContract(make: StoreFactory): void {
  describe('operator: browse, filter, count', () => {
    const t = useStore(make);

    it('reads messages in send order without receiving them', async () => {
      const url = await createQueue(t.store, 'browsed');
      const ids = await sendN(t.store, url, 3);
      await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'é'.repeat(300),
        MessageAttributes: { kind: str('long') },
      });
      const { messages, next } = await t.store.browseMessages({ QueueUrl: url });
      assert.equal(next, undefined);
      assert.deepEqual(messages.map((m) => m.messageId).slice(0, 3), ids);
      const long = messages[3]!;
      assert.equal(long.size, 600, 'bytes, not characters');
      assert.equal(long.body.length, 200);
      assert.equal(long.truncated, true);
      assert.deepEqual(long.attributes, { kind: 'long' });
      assert.equal(messages[0]!.state, 'visible');
      assert.equal(messages[0]!.sentAt, t.clock.now());
      assert.equal(messages[0]!.receiveCount, 0);
      assert.deepEqual(
        await counts(t.store, url),
        { visible: 4, inFlight: 0, delayed: 0 },
        'nothing consumed',
      );
      const [first] = await receive(t.store, url, { MessageSystemAttributeNames: ['All'] });
      assert.equal(first?.Attributes?.ApproximateReceiveCount, '1', 'browsing counted no receive');
    });

    it('pages with next, and tells in-flight from delayed', async () => {
      const url = await createQueue(t.store, 'paged');
      await sendN(t.store, url, 5);
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 });
      await receive(t.store, url, { MaxNumberOfMessages: 1, VisibilityTimeout: 30 });
      const one = await t.store.browseMessages({ QueueUrl: url, limit: 4 });
      assert.equal(one.messages.length, 4);
      assert.ok(one.next);
      const two = await t.store.browseMessages({ QueueUrl: url, limit: 4, after: one.next });
      assert.deepEqual(
        two.messages.map((m) => m.body),
        ['m-4', 'later'],
      );
      assert.equal(two.next, undefined);
      assert.equal(one.messages[0]!.state, 'inFlight');
      assert.equal(one.messages[0]!.receiveCount, 1);
      assert.equal(two.messages[1]!.state, 'delayed');
    });

    it('filters by id, body text, attribute and receive count; counts what matches', async () => {
      const url = await createQueue(t.store, 'filtered');
      const ids = await sendN(t.store, url, 4, 'order');
      await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'Refund 100% for ANA',
        MessageAttributes: { tenant: str('a') },
      });
      await t.store.sendMessage({
        QueueUrl: url,
        MessageBody: 'refund_x',
        MessageAttributes: { tenant: str('b') },
      });
      const body = async (filter: object) =>
        (await t.store.browseMessages({ QueueUrl: url, filter })).messages.map((m) => m.body);
      assert.deepEqual(await body({ messageId: ids[2] }), ['order-2']);
      assert.deepEqual(
        await body({ body: 'refund' }),
        ['Refund 100% for ANA', 'refund_x'],
        'case-insensitive',
      );
      assert.deepEqual(await body({ body: '100%' }), ['Refund 100% for ANA'], '% is text, not a wildcard');
      assert.deepEqual(await body({ body: 'd_' }), ['refund_x'], '_ is text, not a wildcard');
      assert.deepEqual(await body({ attribute: { name: 'tenant' } }), ['Refund 100% for ANA', 'refund_x']);
      assert.deepEqual(await body({ attribute: { name: 'tenant', value: 'b' } }), ['refund_x']);
      await receive(t.store, url, { MaxNumberOfMessages: 2, VisibilityTimeout: 0 });
      assert.deepEqual(await body({ minReceiveCount: 1 }), ['order-0', 'order-1']);
      assert.deepEqual(await body({ maxReceiveCount: 0, body: 'order' }), ['order-2', 'order-3']);
      assert.equal(await t.store.countMessages({ QueueUrl: url, filter: { body: 'order' } }), 4);
      assert.equal(await t.store.countMessages({ QueueUrl: url }), 6);
      await expectSqsError(
        t.store.browseMessages({ QueueUrl: url, filter: { attribute: { name: 'a"b' } } }),
        'InvalidParameterValue',
      );
      await expectSqsError(t.store.browseMessages({ QueueUrl: url, limit: 101 }), 'InvalidParameterValue');
      await expectSqsError(
        t.store.browseMessages({ QueueUrl: url, filter: { minReceiveCount: -1 } }),
        'InvalidParameterValue',
      );
    });
  });

  describe('operator: dead letters', () => {
    const t = useStore(make);

    it('groups dead letters by recorded error and source queue, SQS redrive included', async () => {
      const { dead, jobs } = await setup(t.store);
      for (let i = 0; i < 3; i++)
        await t.store.sendMessage({
          QueueUrl: dead,
          MessageBody: `poison-${i}`,
          MessageAttributes: workerDeadLetter('TypeError: x is undefined', 'jobs'),
        });
      await t.store.sendMessage({
        QueueUrl: dead,
        MessageBody: 'timeout',
        MessageAttributes: workerDeadLetter('Error: timed out', 'other'),
      });
      await t.store.sendMessage({ QueueUrl: jobs, MessageBody: 'moved by SQS' });
      await receive(t.store, jobs, { VisibilityTimeout: 0 });
      await receive(t.store, jobs, { VisibilityTimeout: 0 });
      const groups = await t.store.deadLetterGroups({ QueueUrl: dead });
      assert.deepEqual(
        groups.map((g) => [g.error, g.sourceQueue, g.count]),
        [
          ['TypeError: x is undefined', 'jobs', 3],
          ['Error: timed out', 'other', 1],
          [null, 'jobs', 1],
        ],
      );
      const { messages } = await t.store.browseMessages({ QueueUrl: dead, filter: { error: null } });
      assert.deepEqual(
        messages.map((m) => [m.body, m.sourceQueue, m.error]),
        [['moved by SQS', 'jobs', undefined]],
      );
      assert.equal(await t.store.countMessages({ QueueUrl: dead, filter: { sourceQueue: 'jobs' } }), 4);
    });

    it('moves only what the filter matches, each back to where it failed, with progress', async () => {
      const { dead, jobs, other } = await setup(t.store);
      for (let i = 0; i < 3; i++)
        await t.store.sendMessage({
          QueueUrl: dead,
          MessageBody: `poison-${i}`,
          MessageAttributes: workerDeadLetter('TypeError: boom', i === 2 ? 'other' : 'jobs'),
        });
      await t.store.sendMessage({
        QueueUrl: dead,
        MessageBody: 'stays',
        MessageAttributes: workerDeadLetter('Error: other', 'jobs'),
      });
      const { TaskHandle, toMove } = await t.store.moveMessages({
        QueueUrl: dead,
        filter: { error: 'TypeError: boom' },
        MaxNumberOfMessagesPerSecond: 1,
      });
      assert.equal(toMove, 3);
      await t.clock.advance(0);
      const [running] = (await t.store.listMessageMoveTasks({ SourceArn: arnOf('dead') })).Results;
      assert.equal(running?.TaskHandle, TaskHandle);
      assert.equal(running?.ApproximateNumberOfMessagesToMove, 3);
      assert.equal(running?.ApproximateNumberOfMessagesMoved, 1, 'one a second');
      await t.clock.advance(3_000);
      const [done] = (await t.store.listMessageMoveTasks({ SourceArn: arnOf('dead') })).Results;
      assert.equal(done?.Status, 'COMPLETED');
      assert.equal(done?.ApproximateNumberOfMessagesMoved, 3);
      assert.equal((await counts(t.store, jobs)).visible, 2);
      assert.equal((await counts(t.store, other)).visible, 1);
      assert.deepEqual(
        (await t.store.browseMessages({ QueueUrl: dead })).messages.map((m) => m.body),
        ['stays'],
      );
    });

    it('moves to a named queue, and a move can be cancelled', async () => {
      const { dead, other } = await setup(t.store);
      await sendN(t.store, dead, 3);
      const { TaskHandle } = await t.store.moveMessages({
        QueueUrl: dead,
        DestinationUrl: other,
        MaxNumberOfMessagesPerSecond: 1,
      });
      await t.clock.advance(0);
      await expectSqsError(
        t.store.moveMessages({ QueueUrl: dead, DestinationUrl: other }),
        'InvalidParameterValue',
      );
      const { ApproximateNumberOfMessagesMoved } = await t.store.cancelMessageMoveTask({ TaskHandle });
      assert.equal(ApproximateNumberOfMessagesMoved, 1);
      await t.clock.advance(5_000);
      assert.equal((await counts(t.store, other)).visible, 1);
      assert.equal((await counts(t.store, dead)).visible, 2);
    });

    it('deletes what the filter matches and says how many', async () => {
      const { dead } = await setup(t.store);
      await sendN(t.store, dead, 3, 'keep');
      await sendN(t.store, dead, 2, 'drop');
      assert.equal(await t.store.deleteMessages({ QueueUrl: dead, filter: { body: 'drop' } }), 2);
      assert.equal((await counts(t.store, dead)).visible, 3);
    });
  });

  describe('operator: audit log', () => {
    const t = useStore(make);

    it('keeps who did what, how many, when; newest first, paged', async () => {
      const first = await t.store.appendAudit({ actor: 'local', action: 'purge', queue: 'jobs', count: 12 });
      await t.clock.advance(1_000);
      await t.store.appendAudit({
        actor: 'AKIDOPS',
        action: 'redrive',
        queue: 'dead',
        count: 3,
        detail: { to: 'jobs' },
      });
      const all = await t.store.listAudit();
      assert.deepEqual(
        all.map(({ id: _, ...e }) => e),
        [
          {
            at: first.at + 1_000,
            actor: 'AKIDOPS',
            action: 'redrive',
            queue: 'dead',
            count: 3,
            detail: { to: 'jobs' },
          },
          { at: first.at, actor: 'local', action: 'purge', queue: 'jobs', count: 12 },
        ],
      );
      assert.deepEqual(
        (await t.store.listAudit({ limit: 1, before: all[0]!.id })).map((e) => e.action),
        ['purge'],
      );
      await expectSqsError(t.store.appendAudit({ actor: '', action: 'x' }), 'MissingParameter');
    });
  });
}

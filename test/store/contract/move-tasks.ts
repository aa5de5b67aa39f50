/** Message move tasks (DLQ redrive): start, list, cancel, rate limits and failures. Tasks run on the store's clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageMoveTask } from '../../../src/sqs/types.ts';
import type { ManualClock } from '../../../src/time/clock.ts';
import {
  type ApiFactory,
  arnOf,
  bodies,
  counts,
  createQueue,
  expectAwsError,
  receive,
  receiveAll,
  type SqsApi,
  useStore,
} from './harness.ts';

const FILE = 'test_sqs_move_task';
const expectMoveError = (p: Promise<unknown>, test: string) => expectAwsError(p, test, 'error', {}, FILE);

/** source → dlq with maxReceiveCount 1; plus an empty destination queue. */
async function pipe(store: SqsApi, sourceName = 'source') {
  const dlq = await createQueue(store, 'dlq');
  const source = await createQueue(store, sourceName, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 1 }),
  });
  const destination = await createQueue(store, 'destination');
  return { dlq, source, destination };
}

/** Sends the bodies to `source` and receives each twice (VisibilityTimeout 0) so they land in the DLQ. */
async function deadLetter(
  store: SqsApi,
  source: string,
  dlq: string,
  messageBodies: string[],
): Promise<void> {
  const before = (await counts(store, dlq)).visible;
  for (const MessageBody of messageBodies) await store.sendMessage({ QueueUrl: source, MessageBody });
  for (let i = 0; i < messageBodies.length * 2 + 2; i++)
    await receive(store, source, { VisibilityTimeout: 0 });
  assert.equal((await counts(store, dlq)).visible, before + messageBodies.length, 'messages reached the DLQ');
}

const list = async (store: SqsApi, SourceArn: string, MaxResults?: number): Promise<MessageMoveTask[]> =>
  (await store.listMessageMoveTasks(MaxResults === undefined ? { SourceArn } : { SourceArn, MaxResults }))
    .Results;

/** Advances the clock a second at a time until the latest task is no longer RUNNING (at most `seconds`). */
async function settle(
  store: SqsApi,
  clock: ManualClock,
  SourceArn: string,
  seconds = 60,
): Promise<MessageMoveTask> {
  for (let i = 0; i < seconds; i++) {
    await clock.advance(1_000);
    const [task] = await list(store, SourceArn);
    if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') return task;
  }
  assert.fail(`move task still running after ${seconds} s`);
}

export function moveTasksContract(make: ApiFactory): void {
  describe('message move tasks', () => {
    const t = useStore(make);

    it('moves a DLQ to a destination and reports the completed task', async () => {
      const { dlq, source, destination } = await pipe(t.store);
      await deadLetter(t.store, source, dlq, ['message-1', 'message-2']);
      const startedAt = t.clock.now();
      const { TaskHandle } = await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
      });
      assert.ok(TaskHandle);
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.deepEqual(JSON.parse(JSON.stringify(task)), {
        Status: 'COMPLETED',
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        ApproximateNumberOfMessagesMoved: 2,
        ApproximateNumberOfMessagesToMove: 2,
        StartedTimestamp: startedAt,
      });
      assert.deepEqual(bodies(await receiveAll(t.store, destination)).sort(), ['message-1', 'message-2']);
      assert.deepEqual(await receive(t.store, dlq), []);
    });

    it('moves messages back to the queues they came from when no destination is given', async () => {
      const { dlq, source } = await pipe(t.store, 'source-1');
      const source2 = await createQueue(t.store, 'source-2', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 1 }),
      });
      await deadLetter(t.store, source, dlq, ['message-1-1', 'message-1-2']);
      await deadLetter(t.store, source2, dlq, ['message-2-1', 'message-2-2']);
      await t.store.startMessageMoveTask({ SourceArn: arnOf('dlq') });
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.equal(task.Status, 'COMPLETED');
      assert.equal(task.DestinationArn, undefined);
      assert.equal(task.ApproximateNumberOfMessagesMoved, 4);
      assert.equal(task.ApproximateNumberOfMessagesToMove, 4);
      assert.deepEqual(bodies(await receiveAll(t.store, source)).sort(), ['message-1-1', 'message-1-2']);
      assert.deepEqual(bodies(await receiveAll(t.store, source2)).sort(), ['message-2-1', 'message-2-2']);
      assert.deepEqual(await receive(t.store, dlq), []);
    });

    it('honours MaxNumberOfMessagesPerSecond', async () => {
      const { dlq, source, destination } = await pipe(t.store);
      await deadLetter(t.store, source, dlq, ['message-0', 'message-1', 'message-2', 'message-3']);
      await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        MaxNumberOfMessagesPerSecond: 1,
      });
      await t.clock.advance(2_500);
      const moved = (await counts(t.store, destination)).visible;
      assert.ok(moved >= 1 && moved <= 3, `after 2.5 s at 1/s, ${moved} moved`);
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.equal(task.Status, 'COMPLETED');
      assert.equal(task.MaxNumberOfMessagesPerSecond, 1);
      assert.equal((await counts(t.store, destination)).visible, 4);
    });

    it('moves only what the DLQ held when it started: a message arriving meanwhile waits', async () => {
      const { dlq, source, destination } = await pipe(t.store);
      await deadLetter(t.store, source, dlq, ['message-0', 'message-1']);
      await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        MaxNumberOfMessagesPerSecond: 1,
      });
      await t.clock.advance(0);
      // A poison message that failed again after an earlier redrive, say.
      await deadLetter(t.store, source, dlq, ['late']);
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.equal(task.Status, 'COMPLETED');
      assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
      assert.deepEqual(bodies(await receiveAll(t.store, destination)).sort(), ['message-0', 'message-1']);
      assert.deepEqual(bodies(await receiveAll(t.store, dlq)), ['late']);
    });

    it('cancels a running task; what was not moved stays in the DLQ', async () => {
      const { dlq, source, destination } = await pipe(t.store);
      await deadLetter(
        t.store,
        source,
        dlq,
        Array.from({ length: 10 }, (_, i) => `message-${i}`),
      );
      const { TaskHandle } = await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        MaxNumberOfMessagesPerSecond: 1,
      });
      await t.clock.advance(2_000);
      const [running] = await list(t.store, arnOf('dlq'));
      assert.ok(running);
      assert.equal(running.Status, 'RUNNING');
      assert.equal(running.TaskHandle, TaskHandle);
      assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
      assert.equal(running.ApproximateNumberOfMessagesToMove, 10);
      assert.ok(
        running.ApproximateNumberOfMessagesMoved >= 1 && running.ApproximateNumberOfMessagesMoved <= 3,
      );
      const cancelled = await t.store.cancelMessageMoveTask({ TaskHandle });
      assert.equal(typeof cancelled.ApproximateNumberOfMessagesMoved, 'number');
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.equal(task.Status, 'CANCELLED');
      await t.clock.advance(30_000);
      const left = (await counts(t.store, dlq)).visible;
      const moved = (await counts(t.store, destination)).visible;
      assert.ok(left > 0, 'the cancelled task stopped moving');
      assert.equal(left + moved, 10);
      assert.equal((await list(t.store, arnOf('dlq')))[0]?.ApproximateNumberOfMessagesMoved, moved);
    });

    it('fails the task when the destination disappears', async () => {
      const { dlq, source, destination } = await pipe(t.store);
      await deadLetter(
        t.store,
        source,
        dlq,
        Array.from({ length: 10 }, (_, i) => `message-${i}`),
      );
      await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        MaxNumberOfMessagesPerSecond: 1,
      });
      await t.clock.advance(1_500);
      await t.store.deleteQueue({ QueueUrl: destination });
      const task = await settle(t.store, t.clock, arnOf('dlq'));
      assert.equal(task.Status, 'FAILED');
      assert.equal(task.FailureReason, 'AWS.SimpleQueueService.NonExistentQueue');
      assert.ok((await counts(t.store, dlq)).visible > 0);
    });

    it('lists the most recent task by default, up to MaxResults newest first', async () => {
      const { dlq, source } = await pipe(t.store);
      assert.deepEqual(await list(t.store, arnOf('dlq')), []);
      await deadLetter(t.store, source, dlq, ['a']);
      await t.store.startMessageMoveTask({ SourceArn: arnOf('dlq'), DestinationArn: arnOf('destination') });
      await settle(t.store, t.clock, arnOf('dlq'));
      await deadLetter(t.store, source, dlq, ['b', 'c']);
      await t.store.startMessageMoveTask({
        SourceArn: arnOf('dlq'),
        DestinationArn: arnOf('destination'),
        MaxNumberOfMessagesPerSecond: 1,
      });
      const latest = await list(t.store, arnOf('dlq'));
      assert.equal(latest.length, 1);
      assert.equal(latest[0]?.Status, 'RUNNING');
      const both = await list(t.store, arnOf('dlq'), 10);
      assert.deepEqual(
        both.map((x) => x.Status),
        ['RUNNING', 'COMPLETED'],
      );
    });

    it('refuses a second active task on the same source', async () => {
      const { dlq, source } = await pipe(t.store);
      await deadLetter(
        t.store,
        source,
        dlq,
        Array.from({ length: 10 }, (_, i) => `message-${i}`),
      );
      const start = () =>
        t.store.startMessageMoveTask({
          SourceArn: arnOf('dlq'),
          DestinationArn: arnOf('destination'),
          MaxNumberOfMessagesPerSecond: 1,
        });
      await start();
      await expectMoveError(start(), 'test_start_multiple_move_tasks');
    });

    it('refuses a source that is no dead-letter queue, a missing destination, and a bad handle', async () => {
      await pipe(t.store);
      await createQueue(t.store, 'plain');
      await expectMoveError(
        t.store.startMessageMoveTask({ SourceArn: arnOf('plain'), DestinationArn: arnOf('destination') }),
        'test_source_needs_redrive_policy',
      );
      await expectMoveError(
        t.store.startMessageMoveTask({
          SourceArn: arnOf('dlq'),
          DestinationArn: `${arnOf('destination')}doesntexist`,
        }),
        'test_destination_needs_to_exist',
      );
      await expectMoveError(
        t.store.cancelMessageMoveTask({ TaskHandle: 'foobared' }),
        'test_cancel_with_invalid_task_handle',
      );
    });
  });
}

/** CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, and the unknown-queue error of every action. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  arnOf,
  createFifo,
  createQueue,
  expectAwsError,
  expectSqsError,
  queueAttrs,
  receive,
  type SqsApi,
  urlOf,
  useStore,
} from './harness.ts';

const NO_QUEUE = 'AWS.SimpleQueueService.NonExistentQueue';

export function queuesContract(make: ApiFactory): void {
  describe('queues', () => {
    const t = useStore(make);

    it('creates a queue at http://127.0.0.1:9324/000000000000/NAME and finds it by name', async () => {
      const url = await createQueue(t.store, 'jobs');
      assert.equal(url, urlOf('jobs'));
      assert.deepEqual(await t.store.getQueueUrl({ QueueName: 'jobs' }), { QueueUrl: url });
    });

    it('reaches a queue under any host: only the last path segment of the URL counts', async () => {
      await createQueue(t.store, 'anyhost');
      await t.store.sendMessage({
        QueueUrl: `http://localhost:4566/${'000000000000'}/anyhost`,
        MessageBody: 'x',
      });
      assert.equal((await receive(t.store, urlOf('anyhost'))).length, 1);
    });

    it('accepts a bare queue name where a QueueUrl is expected, as SQS does', async () => {
      const url = await createQueue(t.store, 'probe-q1');
      await t.store.sendMessage({ QueueUrl: 'probe-q1', MessageBody: 'by name' });
      await t.store.sendMessageBatch({ QueueUrl: 'probe-q1', Entries: [{ Id: 'a', MessageBody: 'batch' }] });
      await t.store.tagQueue({ QueueUrl: 'probe-q1', Tags: { by: 'name' } });
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: 'probe-q1' })).Tags, { by: 'name' });
      assert.equal((await queueAttrs(t.store, 'probe-q1', ['QueueArn'])).QueueArn, arnOf('probe-q1'));
      const got = await receive(t.store, 'probe-q1', { MaxNumberOfMessages: 10 });
      assert.deepEqual(got.map((m) => m.Body).sort(), ['batch', 'by name']);
      await t.store.deleteMessage({ QueueUrl: 'probe-q1', ReceiptHandle: got[0]!.ReceiptHandle });
      await t.store.purgeQueue({ QueueUrl: 'probe-q1' });
      await t.store.deleteQueue({ QueueUrl: 'probe-q1' });
      await expectQueueMissing(t.store, 'probe-q1');
      await expectQueueMissing(t.store, url);
    });

    it('is idempotent when the attributes are the same, or omitted', async () => {
      const url = await createQueue(t.store, 'idem', {
        VisibilityTimeout: '69',
        ReceiveMessageWaitTimeSeconds: '1',
      });
      assert.equal(
        await createQueue(t.store, 'idem', { VisibilityTimeout: '69', ReceiveMessageWaitTimeSeconds: '1' }),
        url,
      );
      assert.equal(await createQueue(t.store, 'idem'), url);
      assert.equal(await createQueue(t.store, 'idem', { VisibilityTimeout: '69' }), url);
      const fifo = await createFifo(t.store, 'idem.fifo');
      assert.equal(await createFifo(t.store, 'idem.fifo'), fifo);
    });

    it('refuses to re-create a queue with a different attribute value (QueueAlreadyExists)', async () => {
      const test = 'test_create_queue_with_different_attributes_raises_exception';
      const url = await createQueue(t.store, 'differs', {
        ReceiveMessageWaitTimeSeconds: '1',
        DelaySeconds: '1',
      });
      await expectAwsError(
        createQueue(t.store, 'differs', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' }),
        test,
        'create_queue_01',
      );
      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { DelaySeconds: '2' } });
      assert.equal(
        await createQueue(t.store, 'differs', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' }),
        url,
      );
      await expectAwsError(
        createQueue(t.store, 'differs', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' }),
        test,
        'create_queue_02',
      );
    });

    it('refuses to re-create a FIFO queue with a different ContentBasedDeduplication', async () => {
      await createFifo(t.store, 'cbd.fifo', { ContentBasedDeduplication: 'true' });
      await expectAwsError(
        createFifo(t.store, 'cbd.fifo', { ContentBasedDeduplication: 'false' }),
        'test_create_fifo_queue_with_different_attributes_raises_error',
        'queue-already-exists',
      );
    });

    it('validates queue names: 1–80 of [A-Za-z0-9_-], .fifo only for FIFO queues', async () => {
      await createQueue(t.store, 'a'.repeat(80));
      await createQueue(t.store, 'Ok_name-1');
      for (const bad of ['a'.repeat(81), 'has space', 'slash/y', 'dot.name']) {
        await expectSqsError(createQueue(t.store, bad), 'InvalidParameterValue');
      }
      await expectSqsError(createQueue(t.store, 'nofifo', { FifoQueue: 'true' }), 'InvalidParameterValue');
      await expectSqsError(createQueue(t.store, 'standard.fifo'), 'InvalidParameterValue');
      await createFifo(t.store, `${'f'.repeat(75)}.fifo`);
    });

    it('answers NonExistentQueue for a name or URL that names no queue', async () => {
      await expectAwsError(
        t.store.getQueueUrl({ QueueName: 'nope' }),
        'test_non_existent_queue',
        'queue-does-not-exist',
      );
      await expectQueueMissing(t.store, urlOf('nope'));
    });

    it('deletes a queue with its messages; the name is reserved for 60 s, then reusable and empty', async () => {
      const url = await createQueue(t.store, 'gone');
      await t.store.sendMessage({ QueueUrl: url, MessageBody: 'lost' });
      await t.store.deleteQueue({ QueueUrl: url });
      await expectSqsError(
        t.store.getQueueUrl({ QueueName: 'gone' }),
        NO_QUEUE,
        'The specified queue does not exist.',
      );
      await expectQueueMissing(t.store, url);
      assert.ok(!((await t.store.listQueues()).QueueUrls ?? []).includes(url));
      await expectSqsError(
        createQueue(t.store, 'gone'),
        'AWS.SimpleQueueService.QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      );
      await t.clock.advance(60_000);
      assert.equal(await createQueue(t.store, 'gone'), url);
      assert.deepEqual(await receive(t.store, url), []);
    });

    it('lists queues, filtered by name prefix', async () => {
      const a1 = await createQueue(t.store, 'a-test-queue-1');
      const a2 = await createQueue(t.store, 'a-test-queue-2');
      const b1 = await createQueue(t.store, 'b-test-queue-1');
      const a = (await t.store.listQueues({ QueueNamePrefix: 'a-test-queue-' })).QueueUrls ?? [];
      assert.deepEqual([...a].sort(), [a1, a2]);
      assert.deepEqual((await t.store.listQueues({ QueueNamePrefix: 'b-' })).QueueUrls, [b1]);
      assert.deepEqual([...((await t.store.listQueues()).QueueUrls ?? [])].sort(), [a1, a2, b1]);
      assert.deepEqual((await t.store.listQueues({ QueueNamePrefix: 'zzz' })).QueueUrls ?? [], []);
    });

    it('pages with MaxResults and NextToken: every queue exactly once, no token on the last page', async () => {
      const urls: string[] = [];
      for (let i = 0; i < 5; i++) urls.push(await createQueue(t.store, `page-${i}`));
      await createQueue(t.store, 'other');
      const first = await t.store.listQueues({ QueueNamePrefix: 'page-', MaxResults: 2 });
      assert.equal(first.QueueUrls?.length, 2);
      assert.ok(first.NextToken);
      const seen = [...(first.QueueUrls ?? [])];
      let token: string | undefined = first.NextToken;
      for (let i = 0; token && i < 10; i++) {
        const page = await t.store.listQueues({ QueueNamePrefix: 'page-', MaxResults: 2, NextToken: token });
        assert.ok((page.QueueUrls?.length ?? 0) <= 2);
        seen.push(...(page.QueueUrls ?? []));
        token = page.NextToken;
      }
      assert.equal(token, undefined);
      assert.deepEqual([...seen].sort(), urls);
      assert.equal((await t.store.listQueues({ QueueNamePrefix: 'page-' })).NextToken, undefined);
    });

    it('refuses MaxResults outside 1–1000', async () => {
      await expectSqsError(t.store.listQueues({ MaxResults: 0 }), 'InvalidParameterValue', /MaxResults/);
      await expectSqsError(t.store.listQueues({ MaxResults: 1001 }), 'InvalidParameterValue', /MaxResults/);
    });

    it('names queues by ARN arn:aws:sqs:us-east-1:000000000000:NAME', async () => {
      const url = await createQueue(t.store, 'named');
      const attrs = await t.store.getQueueAttributes({ QueueUrl: url, AttributeNames: ['QueueArn'] });
      assert.deepEqual(attrs.Attributes, { QueueArn: arnOf('named') });
    });
  });
}

/** Every action that takes a QueueUrl answers NonExistentQueue for a missing queue. */
async function expectQueueMissing(store: SqsApi, QueueUrl: string): Promise<void> {
  const handle = 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a'; // well-formed-looking, matches no message
  const calls: [string, () => Promise<unknown>][] = [
    ['deleteQueue', () => store.deleteQueue({ QueueUrl })],
    ['getQueueAttributes', () => store.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] })],
    ['setQueueAttributes', () => store.setQueueAttributes({ QueueUrl, Attributes: { DelaySeconds: '1' } })],
    ['tagQueue', () => store.tagQueue({ QueueUrl, Tags: { a: 'b' } })],
    ['untagQueue', () => store.untagQueue({ QueueUrl, TagKeys: ['a'] })],
    ['listQueueTags', () => store.listQueueTags({ QueueUrl })],
    ['purgeQueue', () => store.purgeQueue({ QueueUrl })],
    [
      'addPermission',
      () => store.addPermission({ QueueUrl, Label: 'l', AWSAccountIds: ['1'], Actions: ['*'] }),
    ],
    ['removePermission', () => store.removePermission({ QueueUrl, Label: 'l' })],
    ['sendMessage', () => store.sendMessage({ QueueUrl, MessageBody: 'x' })],
    [
      'sendMessageBatch',
      () => store.sendMessageBatch({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'x' }] }),
    ],
    ['receiveMessage', () => store.receiveMessage({ QueueUrl })],
    ['deleteMessage', () => store.deleteMessage({ QueueUrl, ReceiptHandle: handle })],
    [
      'deleteMessageBatch',
      () => store.deleteMessageBatch({ QueueUrl, Entries: [{ Id: '1', ReceiptHandle: handle }] }),
    ],
    [
      'changeMessageVisibility',
      () => store.changeMessageVisibility({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 1 }),
    ],
    ['listDeadLetterSourceQueues', () => store.listDeadLetterSourceQueues({ QueueUrl })],
  ];
  for (const [name, call] of calls) {
    await assert.doesNotReject(
      expectSqsError(call(), NO_QUEUE, 'The specified queue does not exist.'),
      `${name} on a missing queue`,
    );
  }
}

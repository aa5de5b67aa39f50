/** Dead-letter queues: RedrivePolicy, RedriveAllowPolicy, the move on the receive after maxReceiveCount. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiFactory,
  arnOf,
  counts,
  createFifo,
  createQueue,
  expectSqsError,
  queueAttrs,
  receive,
  receiveOne,
  type SqsApi,
  useStore,
} from './harness.ts';

const redrive = (dlqName: string, maxReceiveCount: number) =>
  JSON.stringify({ deadLetterTargetArn: arnOf(dlqName), maxReceiveCount });
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

async function pipe(store: SqsApi, maxReceiveCount: number, extra: Record<string, string> = {}) {
  const dlq = await createQueue(store, 'dlq');
  const source = await createQueue(store, 'source', {
    RedrivePolicy: redrive('dlq', maxReceiveCount),
    ...extra,
  });
  return { dlq, source };
}

export function dlqContract(make: ApiFactory): void {
  describe('dead-letter queues', () => {
    const t = useStore(make);

    it('moves a message on the receive after maxReceiveCount receives, keeping what it was', async () => {
      const { dlq, source } = await pipe(t.store, 1, { VisibilityTimeout: '0' });
      const sentAt = t.clock.now();
      const sent = await t.store.sendMessage({
        QueueUrl: source,
        MessageBody: 'message-1',
        MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      });
      const before = await receiveOne(t.store, source, {
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      });
      assert.equal(before.Attributes?.DeadLetterQueueSourceArn, undefined);
      await t.clock.advance(1_000);
      assert.deepEqual(await receive(t.store, source), [], 'the second receive moves instead of delivering');
      assert.deepEqual(await counts(t.store, source), { visible: 0, inFlight: 0, delayed: 0 });
      assert.equal((await counts(t.store, dlq)).visible, 1);
      const dead = await receiveOne(t.store, dlq, {
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      });
      assert.equal(dead.MessageId, sent.MessageId);
      assert.equal(dead.Body, 'message-1');
      assert.equal(dead.MD5OfBody, sent.MD5OfMessageBody);
      assert.equal(dead.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
      assert.equal(dead.MD5OfMessageAttributes, 'adb59cd4678ea5a855436b949cd07ab6');
      assert.equal(dead.MessageAttributes?.MyAttribute?.StringValue, 'foobar');
      assert.equal(dead.Attributes?.SentTimestamp, String(sentAt));
      assert.equal(dead.Attributes?.AWSTraceHeader, TRACE);
      assert.equal(dead.Attributes?.DeadLetterQueueSourceArn, arnOf('source'));
      const plain = await receive(t.store, dlq, { VisibilityTimeout: 0 });
      assert.deepEqual(plain, [], 'still in flight in the DLQ');
    });

    it('counts receives across visibility timeouts up to maxReceiveCount', async () => {
      const { dlq, source } = await pipe(t.store, 3);
      await t.store.sendMessage({ QueueUrl: source, MessageBody: 'x' });
      for (const n of ['1', '2', '3']) {
        const m = await receiveOne(t.store, source, { AttributeNames: ['ApproximateReceiveCount'] });
        assert.equal(m.Attributes?.ApproximateReceiveCount, n);
        await t.clock.advance(30_000);
      }
      assert.deepEqual(await receive(t.store, source), []);
      assert.equal((await receiveOne(t.store, dlq)).Body, 'x');
    });

    it('dead-letters FIFO messages into a FIFO DLQ', async () => {
      const dlq = await createFifo(t.store, 'dlq.fifo', { ContentBasedDeduplication: 'true' });
      const source = await createFifo(t.store, 'src.fifo', {
        ContentBasedDeduplication: 'true',
        VisibilityTimeout: '60',
        RedrivePolicy: redrive('dlq.fifo', 2),
      });
      const sent = await t.store.sendMessage({
        QueueUrl: source,
        MessageBody: 'foobar',
        MessageGroupId: '1',
      });
      for (let i = 0; i < 3; i++) await receive(t.store, source, { VisibilityTimeout: 0 });
      const dead = await receiveOne(t.store, dlq);
      assert.equal(dead.MessageId, sent.MessageId);
      assert.equal(dead.Body, 'foobar');
    });

    it('lists the queues whose dead-letter queue it is', async () => {
      const dlq = await createQueue(t.store, 'the-dlq');
      const a = await createQueue(t.store, 'src-a', { RedrivePolicy: redrive('the-dlq', 50) });
      const b = await createQueue(t.store, 'src-b');
      await t.store.setQueueAttributes({ QueueUrl: b, Attributes: { RedrivePolicy: redrive('the-dlq', 5) } });
      await createQueue(t.store, 'unrelated');
      const out = await t.store.listDeadLetterSourceQueues({ QueueUrl: dlq });
      assert.deepEqual([...out.queueUrls].sort(), [a, b]);
      assert.deepEqual((await t.store.listDeadLetterSourceQueues({ QueueUrl: a })).queueUrls, []);
      const page = await t.store.listDeadLetterSourceQueues({ QueueUrl: dlq, MaxResults: 1 });
      assert.equal(page.queueUrls.length, 1);
      assert.ok(page.NextToken);
      const rest = await t.store.listDeadLetterSourceQueues({
        QueueUrl: dlq,
        MaxResults: 1,
        NextToken: page.NextToken,
      });
      assert.deepEqual([...page.queueUrls, ...rest.queueUrls].sort(), [a, b]);
    });

    it('stores the RedrivePolicy, and removes it when set to the empty string', async () => {
      const { dlq, source } = await pipe(t.store, 10);
      const policy = JSON.parse(
        (await queueAttrs(t.store, source, ['RedrivePolicy'])).RedrivePolicy ?? 'null',
      );
      assert.deepEqual(policy, { deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 10 });
      await t.store.setQueueAttributes({ QueueUrl: source, Attributes: { RedrivePolicy: '' } });
      assert.ok(!('RedrivePolicy' in (await queueAttrs(t.store, source))));
      assert.deepEqual((await t.store.listDeadLetterSourceQueues({ QueueUrl: dlq })).queueUrls, []);
    });

    it('validates the RedrivePolicy: maxReceiveCount 1–1000 and both fields required', async () => {
      await createQueue(t.store, 'dlq');
      const url = await createQueue(t.store, 'validated');
      const set = (RedrivePolicy: string) =>
        t.store.setQueueAttributes({ QueueUrl: url, Attributes: { RedrivePolicy } });
      await set(redrive('dlq', 1));
      await set(redrive('dlq', 1000));
      for (const bad of [
        redrive('dlq', 0),
        redrive('dlq', 1001),
        JSON.stringify({ deadLetterTargetArn: arnOf('dlq') }),
        JSON.stringify({ maxReceiveCount: 5 }),
        JSON.stringify({ deadLetterTargetArn: arnOf('dlq'), maxReceiveCount: 'invalid' }),
        '{not json',
      ]) {
        await expectSqsError(set(bad), 'InvalidParameterValue');
      }
      await expectSqsError(
        createQueue(t.store, 'bad-create', { RedrivePolicy: redrive('dlq', 0) }),
        'InvalidParameterValue',
      );
      const policy = JSON.parse((await queueAttrs(t.store, url, ['RedrivePolicy'])).RedrivePolicy ?? 'null');
      assert.equal(policy.maxReceiveCount, 1000, 'refused policies change nothing');
    });

    it('stores a RedriveAllowPolicy and enforces denyAll / byQueue', async () => {
      const dlq = await createQueue(t.store, 'guarded');
      const allow = { redrivePermission: 'byQueue', sourceQueueArns: [arnOf('allowed')] };
      await t.store.setQueueAttributes({
        QueueUrl: dlq,
        Attributes: { RedriveAllowPolicy: JSON.stringify(allow) },
      });
      assert.deepEqual(
        JSON.parse((await queueAttrs(t.store, dlq, ['RedriveAllowPolicy'])).RedriveAllowPolicy ?? 'null'),
        allow,
      );
      await createQueue(t.store, 'allowed', { RedrivePolicy: redrive('guarded', 3) });
      await expectSqsError(
        createQueue(t.store, 'refused', { RedrivePolicy: redrive('guarded', 3) }),
        'InvalidParameterValue',
      );
      await t.store.setQueueAttributes({
        QueueUrl: dlq,
        Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) },
      });
      await expectSqsError(
        createQueue(t.store, 'refused2', { RedrivePolicy: redrive('guarded', 3) }),
        'InvalidParameterValue',
      );
      await expectSqsError(
        t.store.setQueueAttributes({
          QueueUrl: dlq,
          Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'sometimes' }) },
        }),
        'InvalidParameterValue',
      );
    });
  });
}

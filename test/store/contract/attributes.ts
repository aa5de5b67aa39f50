/** GetQueueAttributes / SetQueueAttributes: defaults, ranges, read-only values, FIFO-only attributes, Policy. */
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
  recordedAttributeNames,
  recordedAttributes,
  useStore,
} from './harness.ts';

/** [name, min, max, default] as SQS documents them. */
const RANGES: [string, number, number, string][] = [
  ['VisibilityTimeout', 0, 43200, '30'],
  ['DelaySeconds', 0, 900, '0'],
  ['MaximumMessageSize', 1024, 1048576, '1048576'],
  ['MessageRetentionPeriod', 60, 1209600, '345600'],
  ['ReceiveMessageWaitTimeSeconds', 0, 20, '0'],
];

const epochSeconds = (ms: number) => String(Math.floor(ms / 1000));

export function attributesContract(make: ApiFactory): void {
  describe('queue attributes', () => {
    const t = useStore(make);

    it("has AWS's defaults on a new standard queue", async () => {
      const url = await createQueue(t.store, 'defaults');
      const attrs = await queueAttrs(t.store, url);
      const want = recordedAttributes(
        'test_set_queue_attributes_default_values',
        'get-queue-attributes-initial-values',
      );
      for (const [name, value] of Object.entries(want)) assert.equal(attrs[name], value, name);
      for (const [name, , , def] of RANGES) assert.equal(attrs[name], def, name);
      assert.equal(attrs.QueueArn, arnOf('defaults'));
      assert.equal(attrs.CreatedTimestamp, epochSeconds(t.clock.now()));
      assert.equal(attrs.LastModifiedTimestamp, epochSeconds(t.clock.now()));
    });

    it('answers All with exactly the attribute names AWS answers (standard and FIFO)', async () => {
      const url = await createQueue(t.store, 'names');
      assert.deepEqual(
        Object.keys(await queueAttrs(t.store, url)).sort(),
        recordedAttributeNames(
          'test_set_queue_attributes_default_values',
          'get-queue-attributes-initial-values',
        ),
      );
      const fifo = await createFifo(t.store, 'names.fifo', { ContentBasedDeduplication: 'true' });
      const fifoAttrs = await queueAttrs(t.store, fifo);
      assert.deepEqual(
        Object.keys(fifoAttrs).sort(),
        recordedAttributeNames('test_fifo_set_content_based_deduplication_strategy', 'before-update'),
      );
      const want = recordedAttributes('test_fifo_set_content_based_deduplication_strategy', 'before-update');
      for (const [name, value] of Object.entries(want)) assert.equal(fifoAttrs[name], value, name);
    });

    it('answers only the attributes asked for', async () => {
      const url = await createQueue(t.store, 'some');
      const attrs = await queueAttrs(t.store, url, ['QueueArn', 'CreatedTimestamp', 'VisibilityTimeout']);
      assert.deepEqual(Object.keys(attrs).sort(), ['CreatedTimestamp', 'QueueArn', 'VisibilityTimeout']);
    });

    it('refuses an unknown attribute name, in Get, Set and Create', async () => {
      const url = await createQueue(t.store, 'unknown');
      await expectSqsError(
        queueAttrs(t.store, url, ['Foobar']),
        'InvalidAttributeName',
        'Unknown Attribute Foobar.',
      );
      await expectSqsError(
        t.store.setQueueAttributes({ QueueUrl: url, Attributes: { Foobar: '1' } }),
        'InvalidAttributeName',
        'Unknown Attribute Foobar.',
      );
      await expectSqsError(createQueue(t.store, 'unknown2', { Foobar: '1' }), 'InvalidAttributeName');
    });

    for (const [name, min, max] of RANGES) {
      it(`accepts ${name} from ${min} to ${max} and refuses values outside`, async () => {
        const url = await createQueue(t.store, `range-${name}`);
        for (const ok of [min, max]) {
          await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { [name]: String(ok) } });
          assert.equal((await queueAttrs(t.store, url, [name]))[name], String(ok));
        }
        const reason = new RegExp(`^Invalid value for the parameter ${name}\\.`);
        for (const bad of [String(min - 1), String(max + 1), 'abc']) {
          await expectSqsError(
            t.store.setQueueAttributes({ QueueUrl: url, Attributes: { [name]: bad } }),
            'InvalidAttributeValue',
            reason,
          );
          await expectSqsError(
            createQueue(t.store, `bad-${name}`, { [name]: bad }),
            'InvalidAttributeValue',
            reason,
          );
        }
        assert.equal(
          (await queueAttrs(t.store, url, [name]))[name],
          String(max),
          'a refused value changes nothing',
        );
      });
    }

    it('keeps attributes given at creation and updates them, moving LastModifiedTimestamp only', async () => {
      const test = 'test_create_and_update_queue_attributes';
      const created = t.clock.now();
      const url = await createQueue(t.store, 'update', {
        MessageRetentionPeriod: '604800',
        ReceiveMessageWaitTimeSeconds: '10',
        VisibilityTimeout: '20',
      });
      const before = await queueAttrs(t.store, url);
      for (const [name, value] of Object.entries(recordedAttributes(test, 'get_queue_attributes'))) {
        assert.equal(before[name], value, name);
      }
      await t.clock.advance(10_000);
      await t.store.setQueueAttributes({
        QueueUrl: url,
        Attributes: { MaximumMessageSize: '2048', VisibilityTimeout: '69', DelaySeconds: '420' },
      });
      const after = await queueAttrs(t.store, url);
      for (const [name, value] of Object.entries(recordedAttributes(test, 'get_updated_queue_attributes'))) {
        assert.equal(after[name], value, name);
      }
      assert.equal(after.CreatedTimestamp, epochSeconds(created));
      assert.equal(after.LastModifiedTimestamp, epochSeconds(t.clock.now()));
    });

    it('refuses FIFO-only attributes on a standard queue', async () => {
      const test = 'test_create_standard_queue_with_fifo_attribute_raises_error';
      await expectAwsError(
        createQueue(t.store, 's1', { FifoQueue: 'false' }),
        test,
        'invalid-attribute-fifo-queue',
      );
      await expectAwsError(
        createQueue(t.store, 's2', { ContentBasedDeduplication: 'true' }),
        test,
        'invalid-attribute-content-based-deduplication',
      );
      await expectAwsError(
        createQueue(t.store, 's3', { DeduplicationScope: 'queue' }),
        test,
        'invalid-attribute-deduplication-scope',
      );
      await expectAwsError(
        createQueue(t.store, 's4', { FifoThroughputLimit: 'perQueue' }),
        test,
        'invalid-attribute-throughput-limit',
      );
    });

    it('refuses to change the queue type', async () => {
      const url = await createQueue(t.store, 'standard');
      const set = (QueueUrl: string, v: string) =>
        t.store.setQueueAttributes({ QueueUrl, Attributes: { FifoQueue: v } });
      await expectAwsError(
        set(url, 'true'),
        'test_set_unsupported_attribute_standard',
        'invalid-attr-name-1',
      );
      await expectAwsError(
        set(url, 'false'),
        'test_set_unsupported_attribute_standard',
        'invalid-attr-name-2',
      );
      const fifo = await createFifo(t.store, 'typed.fifo');
      await expectAwsError(set(fifo, 'false'), 'test_set_unsupported_attribute_fifo', 'invalid-attr-name-2');
    });

    it('updates FIFO settings: ContentBasedDeduplication, DeduplicationScope, FifoThroughputLimit', async () => {
      const url = await createFifo(t.store, 'settings.fifo', { ContentBasedDeduplication: 'true' });
      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'false' } });
      const after = await queueAttrs(t.store, url);
      const want = recordedAttributes('test_fifo_set_content_based_deduplication_strategy', 'after-update');
      for (const [name, value] of Object.entries(want)) assert.equal(after[name], value, name);
      await t.store.setQueueAttributes({
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      const high = await queueAttrs(t.store, url);
      const wantHigh = recordedAttributes(
        'test_fifo_change_to_high_throughput_after_creation',
        'set-to-high-throughput',
      );
      for (const [name, value] of Object.entries(wantHigh)) assert.equal(high[name], value, name);
      for (const [name, bad] of [
        ['DeduplicationScope', 'everywhere'],
        ['FifoThroughputLimit', 'fast'],
        ['ContentBasedDeduplication', 'maybe'],
      ] as const) {
        await expectSqsError(
          t.store.setQueueAttributes({ QueueUrl: url, Attributes: { [name]: bad } }),
          'InvalidAttributeValue',
        );
      }
    });

    it('stores a Policy and removes it when set to the empty string', async () => {
      const url = await createQueue(t.store, 'policy');
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arnOf('policy') },
        ],
      };
      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } });
      assert.deepEqual(JSON.parse((await queueAttrs(t.store, url, ['Policy'])).Policy ?? 'null'), policy);
      assert.ok('Policy' in (await queueAttrs(t.store, url)));
      await t.store.setQueueAttributes({ QueueUrl: url, Attributes: { Policy: '' } });
      assert.ok(!('Policy' in (await queueAttrs(t.store, url))));
    });

    it('refuses to set read-only attributes', async () => {
      const url = await createQueue(t.store, 'readonly');
      for (const name of ['ApproximateNumberOfMessages', 'QueueArn', 'CreatedTimestamp']) {
        await expectSqsError(
          t.store.setQueueAttributes({ QueueUrl: url, Attributes: { [name]: '5' } }),
          'InvalidAttributeName',
        );
      }
    });
  });
}

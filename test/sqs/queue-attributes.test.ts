import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../src/sqs/errors.ts';
import { QUEUE_ATTRIBUTE_RANGES } from '../../src/sqs/limits.ts';
import {
  applySetAttributes,
  normalizeCreateAttributes,
  READ_ONLY_ATTRIBUTES,
} from '../../src/sqs/queue-attributes.ts';
import { assertSameError, assertThrowsRecorded, recordedValue, thrownBy } from './oracle.ts';

/** The settable part of a recorded GetQueueAttributes(All) answer (read-only ones are the store's). */
function recordedSettable(test: string, key: string, names?: string[]): Record<string, string> {
  const attrs = recordedValue(test, key, 'Attributes') as Record<string, string>;
  const readOnly = new Set<string>(READ_ONLY_ATTRIBUTES);
  return Object.fromEntries(
    Object.entries(attrs).filter(([k]) => !readOnly.has(k) && (!names || names.includes(k))),
  );
}

const pick = (attrs: Record<string, string>, names: string[]) =>
  Object.fromEntries(Object.entries(attrs).filter(([k]) => names.includes(k)));

describe('defaults and updates, as AWS reports them', () => {
  it('standard queue defaults (test_set_queue_attributes_default_values)', () => {
    const test = 'test_set_queue_attributes_default_values[sqs]';
    const created = normalizeCreateAttributes('q', undefined);
    assert.deepEqual(created, recordedSettable(test, 'get-queue-attributes-initial-values'));
    const kms = applySetAttributes(created, {
      KmsMasterKeyId: 'testKeyId',
      KmsDataKeyReusePeriodSeconds: '6000',
      SqsManagedSseEnabled: 'false',
    });
    assert.deepEqual(kms, recordedSettable(test, 'get-queue-attributes-after-update'));
    const reset = applySetAttributes(kms, { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' });
    assert.deepEqual(reset, recordedSettable(test, 'get-queue-attributes-after-set-to-defaults'));
  });

  it('create with attributes, then update (test_create_and_update_queue_attributes)', () => {
    const test = 'test_create_and_update_queue_attributes[sqs]';
    const created = normalizeCreateAttributes('q', {
      MessageRetentionPeriod: '604800',
      ReceiveMessageWaitTimeSeconds: '10',
      VisibilityTimeout: '20',
    });
    assert.deepEqual(created, recordedSettable(test, 'get_queue_attributes'));
    const updated = applySetAttributes(created, {
      MaximumMessageSize: '2048',
      VisibilityTimeout: '69',
      DelaySeconds: '420',
    });
    assert.deepEqual(updated, recordedSettable(test, 'get_updated_queue_attributes'));
  });

  it('FIFO defaults and a ContentBasedDeduplication change (test_fifo_set_content_based_deduplication_strategy)', () => {
    const test = 'test_fifo_set_content_based_deduplication_strategy[sqs]';
    const created = normalizeCreateAttributes('q.fifo', {
      FifoQueue: 'true',
      SqsManagedSseEnabled: 'true',
      ContentBasedDeduplication: 'true',
    });
    assert.deepEqual(created, recordedSettable(test, 'before-update'));
    const updated = applySetAttributes(created, { ContentBasedDeduplication: 'false' });
    assert.deepEqual(updated, recordedSettable(test, 'after-update'));
  });

  it('KMS and SQS-managed SSE replace each other (test_sse_queue_attributes)', () => {
    const names = ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled'];
    const kms = applySetAttributes(normalizeCreateAttributes('q', {}), {
      KmsMasterKeyId: 'testKeyId',
      KmsDataKeyReusePeriodSeconds: '6000',
      SqsManagedSseEnabled: 'false',
    });
    const expectedKms = recordedValue('test_sse_queue_attributes[sqs]', 'sse_kms_attributes', 'Attributes');
    assert.deepEqual(pick(kms, names), expectedKms);
    const sqs = applySetAttributes(normalizeCreateAttributes('q', {}), { SqsManagedSseEnabled: 'true' });
    const expectedSqs = recordedValue('test_sse_queue_attributes[sqs]', 'sse_sqs_attributes', 'Attributes');
    assert.deepEqual(pick(sqs, names), expectedSqs);
  });

  it('an empty RedrivePolicy or Policy removes it (test_set_empty_redrive_policy)', () => {
    const policy = '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"}';
    const created = normalizeCreateAttributes('q', {
      RedrivePolicy: policy,
      Policy: '{"Version":"2012-10-17"}',
    });
    assert.equal(
      created.RedrivePolicy,
      '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}',
    );
    const cleared = applySetAttributes(created, { RedrivePolicy: '', Policy: '' });
    assert.equal('RedrivePolicy' in cleared, false);
    assert.equal('Policy' in cleared, false);
  });
});

describe('refused attributes, with the recorded answers', () => {
  const standard = normalizeCreateAttributes('q', {});
  const fifo = normalizeCreateAttributes('q.fifo', { FifoQueue: 'true' });
  const cases: [string, string, () => unknown][] = [
    [
      'test_set_unsupported_attribute_standard[sqs]',
      'invalid-attr-name-1',
      () => applySetAttributes(standard, { FifoQueue: 'true' }),
    ],
    [
      'test_set_unsupported_attribute_standard[sqs]',
      'invalid-attr-name-2',
      () => applySetAttributes(standard, { FifoQueue: 'false' }),
    ],
    [
      'test_set_unsupported_attribute_fifo[sqs]',
      'invalid-attr-name-1',
      () => applySetAttributes(standard, { FifoQueue: 'true' }),
    ],
    [
      'test_set_unsupported_attribute_fifo[sqs]',
      'invalid-attr-name-2',
      () => applySetAttributes(fifo, { FifoQueue: 'false' }),
    ],
    [
      'test_create_standard_queue_with_fifo_attribute_raises_error[sqs]',
      'invalid-attribute-fifo-queue',
      () => normalizeCreateAttributes('q', { FifoQueue: 'false' }),
    ],
    [
      'test_create_standard_queue_with_fifo_attribute_raises_error[sqs]',
      'invalid-attribute-content-based-deduplication',
      () => normalizeCreateAttributes('q', { ContentBasedDeduplication: 'true' }),
    ],
    [
      'test_create_standard_queue_with_fifo_attribute_raises_error[sqs]',
      'invalid-attribute-deduplication-scope',
      () => normalizeCreateAttributes('q', { DeduplicationScope: 'queue' }),
    ],
    [
      'test_create_standard_queue_with_fifo_attribute_raises_error[sqs]',
      'invalid-attribute-throughput-limit',
      () => normalizeCreateAttributes('q', { FifoThroughputLimit: 'perQueue' }),
    ],
    [
      'test_sse_kms_and_sqs_are_mutually_exclusive[sqs]',
      'error',
      () => applySetAttributes(standard, { KmsMasterKeyId: 'testKeyId', SqsManagedSseEnabled: 'true' }),
    ],
  ];
  for (const [test, key, fn] of cases) it(`${test} / ${key}`, () => assertThrowsRecorded(fn, test, key));

  for (const [name, range] of Object.entries(QUEUE_ATTRIBUTE_RANGES)) {
    for (const value of [String(range.min - 1), String(range.max + 1), 'abc', '1.5', '']) {
      it(`${name}=${JSON.stringify(value)} is InvalidAttributeValue`, () => {
        const err = thrownBy(() => normalizeCreateAttributes('q', { [name]: value }));
        assertSameError(err, {
          code: 'InvalidAttributeValue',
          message: `Invalid value for the parameter ${name}.`,
        });
      });
    }
    it(`${name} accepts ${range.min} and ${range.max}`, () => {
      assert.equal(
        normalizeCreateAttributes('q', { [name]: String(range.min), KmsMasterKeyId: 'k' })[name],
        String(range.min),
      );
      assert.equal(
        normalizeCreateAttributes('q', { [name]: String(range.max), KmsMasterKeyId: 'k' })[name],
        String(range.max),
      );
    });
  }

  const others: [string, Record<string, string>, ReturnType<typeof errors.unknownAttribute>][] = [
    ['an unknown name', { Foo: '1' }, errors.unknownAttribute('Foo')],
    ['a read-only name', { QueueArn: 'x' }, errors.unknownAttribute('QueueArn')],
    ['a bad boolean', { SqsManagedSseEnabled: 'yes' }, errors.invalidAttributeValue('SqsManagedSseEnabled')],
    ['a Policy that is not JSON', { Policy: 'nope' }, errors.invalidAttributeValue('Policy')],
    [
      'a bad RedriveAllowPolicy',
      { RedriveAllowPolicy: '{"redrivePermission":"byQueue"}' },
      errors.invalidRedriveAllowPolicy(),
    ],
    ['a bad queue name', { VisibilityTimeout: '1' }, errors.invalidQueueName(false)],
  ];
  for (const [label, attrs, expected] of others) {
    it(`refuses ${label}`, () => {
      const name = label === 'a bad queue name' ? 'bad name' : 'q';
      assertSameError(
        thrownBy(() => normalizeCreateAttributes(name, attrs)),
        expected,
      );
    });
  }

  it('refuses FIFO-only enum values it does not know', () => {
    assertSameError(
      thrownBy(() => normalizeCreateAttributes('q.fifo', { FifoQueue: 'true', DeduplicationScope: 'group' })),
      errors.invalidAttributeValue('DeduplicationScope'),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../src/sqs/errors.ts';
import {
  applySetAttributes,
  firstConflictingAttribute,
  normalizeCreateAttributes,
  queueSettings,
  validateAttributeNames,
} from '../../src/sqs/queue-attributes.ts';
import { assertSameError, recordedError, thrownBy } from './oracle.ts';

describe('firstConflictingAttribute (idempotent CreateQueue)', () => {
  it('follows test_create_queue_with_different_attributes_raises_exception', () => {
    const test = 'test_create_queue_with_different_attributes_raises_exception[sqs]';
    let existing = normalizeCreateAttributes('q', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
    assert.equal(firstConflictingAttribute(existing, undefined), undefined);
    assert.equal(firstConflictingAttribute(existing, { DelaySeconds: '1' }), undefined);
    const first = firstConflictingAttribute(existing, {
      ReceiveMessageWaitTimeSeconds: '1',
      DelaySeconds: '2',
    });
    assertSameError(errors.queueAlreadyExists(String(first)), recordedError(test, 'create_queue_01'));
    existing = applySetAttributes(existing, { DelaySeconds: '2' });
    assert.equal(
      firstConflictingAttribute(existing, { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' }),
      undefined,
    );
    const second = firstConflictingAttribute(existing, {
      ReceiveMessageWaitTimeSeconds: '1',
      DelaySeconds: '1',
    });
    assertSameError(errors.queueAlreadyExists(String(second)), recordedError(test, 'create_queue_02'));
  });

  it('follows test_create_fifo_queue_with_different_attributes_raises_error', () => {
    const existing = normalizeCreateAttributes('q.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    assert.equal(
      firstConflictingAttribute(existing, { FifoQueue: 'true', ContentBasedDeduplication: 'true' }),
      undefined,
    );
    const conflict = firstConflictingAttribute(existing, {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
    });
    assertSameError(
      errors.queueAlreadyExists(String(conflict)),
      recordedError(
        'test_create_fifo_queue_with_different_attributes_raises_error[sqs]',
        'queue-already-exists',
      ),
    );
  });

  it('compares canonical values and defaults', () => {
    const existing = normalizeCreateAttributes('q', { VisibilityTimeout: '69' });
    assert.equal(
      firstConflictingAttribute(existing, { VisibilityTimeout: '069', DelaySeconds: '0' }),
      undefined,
    );
    assert.equal(
      firstConflictingAttribute(existing, { SqsManagedSseEnabled: 'TRUE', Policy: '' }),
      undefined,
    );
    assert.equal(
      firstConflictingAttribute(existing, { MessageRetentionPeriod: '60' }),
      'MessageRetentionPeriod',
    );
  });
});

describe('validateAttributeNames and queueSettings', () => {
  it('answers All, a set, or Unknown Attribute', () => {
    assert.equal(validateAttributeNames(['All']), 'All');
    assert.deepEqual(
      validateAttributeNames(['QueueArn', 'VisibilityTimeout']),
      new Set(['QueueArn', 'VisibilityTimeout']),
    );
    assert.deepEqual(validateAttributeNames(undefined), new Set());
    // The query-protocol test asserts this sentence for AttributeName.1=Foobar (test_get_queue_attributes_with_invalid_arg_returns_error).
    assertSameError(
      thrownBy(() => validateAttributeNames(['Foobar'])),
      { code: 'InvalidAttributeName', message: 'Unknown Attribute Foobar.' },
    );
  });

  it('gives the typed view of a FIFO queue with a redrive policy', () => {
    const attrs = normalizeCreateAttributes('q.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      VisibilityTimeout: '60',
      RedrivePolicy:
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq.fifo","maxReceiveCount":2}',
    });
    assert.deepEqual(queueSettings(attrs), {
      visibilityTimeout: 60,
      delaySeconds: 0,
      maximumMessageSize: 1_048_576,
      messageRetentionPeriod: 345_600,
      receiveWaitTimeSeconds: 0,
      fifo: true,
      contentBasedDeduplication: true,
      deduplicationScope: 'messageGroup',
      redrive: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq.fifo', maxReceiveCount: 2 },
    });
  });
});

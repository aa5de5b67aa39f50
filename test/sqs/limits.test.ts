import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as limits from '../../src/sqs/limits.ts';
import { recordedValue } from './oracle.ts';

describe('limits', () => {
  it('defaults are what AWS reports for a new standard queue', () => {
    const recorded = recordedValue(
      'test_set_queue_attributes_default_values[sqs]',
      'get-queue-attributes-initial-values',
      'Attributes',
    ) as Record<string, string>;
    for (const [name, value] of Object.entries(limits.QUEUE_ATTRIBUTE_DEFAULTS))
      assert.equal(recorded[name], value, name);
  });

  it('FIFO defaults are what AWS reports for a new FIFO queue', () => {
    const recorded = recordedValue(
      'test_fifo_set_content_based_deduplication_strategy[sqs]',
      'after-update',
      'Attributes',
    ) as Record<string, string>;
    for (const [name, value] of Object.entries(limits.FIFO_ATTRIBUTE_DEFAULTS))
      assert.equal(recorded[name], value, name);
  });

  it('ranges hold their defaults', () => {
    for (const [name, range] of Object.entries(limits.QUEUE_ATTRIBUTE_RANGES)) {
      assert.ok(range.min <= range.default && range.default <= range.max, name);
      const reported = limits.QUEUE_ATTRIBUTE_DEFAULTS[name];
      if (reported !== undefined) assert.equal(reported, String(range.default), name);
    }
  });

  it('has the documented SQS quotas', () => {
    assert.deepEqual(
      [
        limits.MAX_BATCH_ENTRIES,
        limits.MAX_MESSAGE_ATTRIBUTES,
        limits.MAX_BATCH_BYTES,
        limits.DEDUP_WINDOW_MS,
        limits.MAX_RECEIVE,
        limits.MAX_WAIT_SECONDS,
        limits.MAX_VISIBILITY_TIMEOUT,
      ],
      [10, 10, 1_048_576, 300_000, 10, 20, 43_200],
    );
  });
});

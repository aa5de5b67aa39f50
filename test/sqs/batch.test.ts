import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateBatchEntries, validateBatchSize, validateFifoBatch } from '../../src/sqs/batch.ts';
import { errors } from '../../src/sqs/errors.ts';
import { normalizeCreateAttributes, queueSettings } from '../../src/sqs/queue-attributes.ts';
import { assertSameError, assertThrowsRecorded, thrownBy } from './oracle.ts';

const ids = (...list: string[]) => list.map((Id) => ({ Id }));
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `message-${i}` }));

describe('validateBatchEntries', () => {
  for (const entryType of ['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry']) {
    for (const entries of [undefined, []]) {
      it(`refuses ${JSON.stringify(entries)} ${entryType}s as EmptyBatchRequest`, () =>
        assertSameError(
          thrownBy(() => validateBatchEntries(entries, entryType)),
          errors.emptyBatch(entryType),
        ));
    }
  }
  it('says which entry type is missing', () => {
    assert.equal(
      errors.emptyBatch('SendMessageBatchRequestEntry').message,
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  });

  for (const test of [
    'test_too_many_entries_in_batch_request[sqs]',
    'test_delete_message_batch_with_too_large_batch[sqs]',
    'test_change_message_visibility_batch_with_too_large_batch[sqs]',
  ]) {
    const key = test.startsWith('test_too_many')
      ? 'test_too_many_entries_in_batch_request'
      : 'error_response';
    it(`${test}: 20 entries`, () =>
      assertThrowsRecorded(() => validateBatchEntries(many(20), 'X'), test, key));
  }

  for (const id of ['', 'testLongId'.repeat(10), 'invalid:id']) {
    const test = `test_delete_message_batch_invalid_msg_id[sqs-${id}]`;
    it(test, () => assertThrowsRecorded(() => validateBatchEntries(ids(id), 'X'), test, 'error_response'));
  }
  it('test_invalid_batch_id[sqs]', () =>
    assertThrowsRecorded(
      () => validateBatchEntries(ids('message:abc123'), 'X'),
      'test_invalid_batch_id[sqs]',
      'test_invalid_batch_id',
    ));
  it('refuses an entry without an Id', () =>
    assertSameError(
      thrownBy(() => validateBatchEntries([{}], 'X')),
      errors.invalidBatchEntryId(),
    ));

  it('refuses repeated ids, naming the id', () =>
    assertSameError(
      thrownBy(() => validateBatchEntries(ids('a', 'b', 'a'), 'X')),
      errors.batchIdsNotDistinct('a'),
    ));

  it('checks the count before any id, and ids in entry order', () => {
    assertSameError(
      thrownBy(() => validateBatchEntries(ids(...Array(11).fill('bad id')), 'X')),
      errors.tooManyEntries(11),
    );
    assertSameError(
      thrownBy(() => validateBatchEntries(ids('a', 'a', 'bad id'), 'X')),
      errors.batchIdsNotDistinct('a'),
    );
  });

  it('accepts ten distinct valid ids of up to 80 characters', () => {
    validateBatchEntries([...many(9), { Id: 'x'.repeat(80) }], 'X');
  });
});

describe('validateFifoBatch', () => {
  const fifo = queueSettings(normalizeCreateAttributes('q.fifo', { FifoQueue: 'true' }));
  const cbd = queueSettings(
    normalizeCreateAttributes('q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' }),
  );
  const standard = queueSettings(normalizeCreateAttributes('q', {}));
  const good = {
    MessageBody: 'messageBody',
    MessageGroupId: 'test-group',
    MessageDeduplicationId: 'dedup-1',
  };

  it('test_send_batch_missing_deduplication_id_for_fifo_queue', () =>
    assertThrowsRecorded(
      () => validateFifoBatch([good, { MessageBody: 'messageBody', MessageGroupId: 'test-group' }], fifo),
      'test_send_batch_missing_deduplication_id_for_fifo_queue[sqs]',
      'test_missing_deduplication_id_for_fifo_queue',
    ));
  it('test_send_batch_missing_message_group_id_for_fifo_queue', () =>
    assertThrowsRecorded(
      () =>
        validateFifoBatch([good, { MessageBody: 'messageBody', MessageDeduplicationId: 'dedup-2' }], fifo),
      'test_send_batch_missing_message_group_id_for_fifo_queue[sqs]',
      'test_missing_message_group_id_for_fifo_queue',
    ));
  it('lets content-based deduplication stand in for the id, and ignores standard queues', () => {
    validateFifoBatch([{ MessageBody: 'm', MessageGroupId: 'g' }], cbd);
    validateFifoBatch([{ MessageBody: 'm' }], standard);
  });
});

describe('validateBatchSize', () => {
  it('test_send_message_batch_with_oversized_contents: 1048577 bytes', () => {
    const k = { k: { DataType: 'String', StringValue: 'x' } };
    const entries = [{ MessageBody: 'a'.repeat(1_048_576 - 8), MessageAttributes: k }, { MessageBody: 'a' }];
    assertThrowsRecorded(
      () => validateBatchSize(entries),
      'test_send_message_batch_with_oversized_contents[sqs]',
      'send_oversized_message_batch',
    );
  });
  it('accepts exactly 1 MiB', () =>
    validateBatchSize([{ MessageBody: 'a'.repeat(1_048_575) }, { MessageBody: 'a' }]));
});

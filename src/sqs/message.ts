/**
 * SendMessage validation. validateMessage applies Amazon SQS's checks in its
 * order: body present, size, body characters, message attributes, system
 * attributes, the format of MessageDeduplicationId and MessageGroupId, and
 * last the rules of the queue's type (per-message delay, FIFO ids).
 *
 * The batch and receive checks live in ./batch.ts and ./receive.ts and are
 * re-exported here, so the store imports every message rule from one place.
 */
import { errors } from './errors.ts';
import { MAX_DELAY_SECONDS } from './limits.ts';
import { isValidText, validateMessageAttributes, validateSystemAttributes } from './message-attributes.ts';
import { type MessageEntry, messageSize } from './message-entry.ts';
import type { QueueSettings } from './queue-attributes.ts';

export { validateBatchEntries, validateBatchSize, validateFifoBatch } from './batch.ts';
export { type MessageEntry, messageSize } from './message-entry.ts';
export { validateReceiveParams, validateVisibilityTimeout } from './receive.ts';

/** Alphanumeric and ASCII punctuation, 1 to 128 (MAX_FIFO_ID_LENGTH) characters. */
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

function checkFifoId(parameter: 'MessageGroupId' | 'MessageDeduplicationId', value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !FIFO_ID.test(value)) throw errors.invalidFifoId(parameter, value);
}

/** The per-type rules: FIFO refuses a per-message delay and needs its ids; standard refuses a dedup id. */
function checkQueueType(entry: MessageEntry, queue: QueueSettings, inBatch: boolean): void {
  const delay = entry.DelaySeconds;
  if (queue.fifo) {
    // An explicit 0 is accepted (the queue's delay applies); anything else is refused.
    if (delay !== undefined && delay !== 0) throw errors.notValidForQueueType('DelaySeconds', delay);
    if (entry.MessageGroupId === undefined) throw errors.groupIdRequired(inBatch);
    if (entry.MessageDeduplicationId === undefined && !queue.contentBasedDeduplication) {
      throw errors.dedupIdRequired();
    }
    return;
  }
  if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_SECONDS)) {
    throw errors.invalidDelaySeconds(delay);
  }
  // MessageGroupId is allowed on standard queues (fair queues); a deduplication id is not.
  if (entry.MessageDeduplicationId !== undefined) {
    throw errors.notValidForQueueType('MessageDeduplicationId', entry.MessageDeduplicationId);
  }
}

/**
 * Throws the SqsError Amazon SQS answers for an invalid SendMessage (or
 * SendMessageBatch entry, with `inBatch`, which changes two sentences).
 */
export function validateMessage(entry: MessageEntry, queue: QueueSettings, inBatch: boolean): void {
  const body = entry.MessageBody;
  // An empty body counts as missing (test_send_empty_message).
  if (typeof body !== 'string' || body === '') throw errors.missingParameter('MessageBody');
  if (messageSize(entry) > queue.maximumMessageSize)
    throw errors.messageTooLong(queue.maximumMessageSize, inBatch);
  if (!isValidText(body)) throw errors.invalidMessageContents();
  validateMessageAttributes(entry.MessageAttributes);
  validateSystemAttributes(entry.MessageSystemAttributes);
  checkFifoId('MessageDeduplicationId', entry.MessageDeduplicationId);
  checkFifoId('MessageGroupId', entry.MessageGroupId);
  checkQueueType(entry, queue, inBatch);
}

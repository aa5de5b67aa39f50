/**
 * Request-level checks of the three batch actions. They fail the whole call;
 * what validateMessage finds in one entry fails only that entry (Failed).
 *
 * Order, as SQS applies it: no entries, more than ten, then entry by entry an
 * invalid Id or a repeated one; for SendMessageBatch on a FIFO queue a
 * missing MessageDeduplicationId / MessageGroupId (request-level, recorded in
 * test_send_batch_missing_*_for_fifo_queue); then the total size.
 */
import { errors } from './errors.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_ENTRIES, MAX_BATCH_ENTRY_ID_LENGTH } from './limits.ts';
import { type MessageEntry, messageSize } from './message-entry.ts';
import type { QueueSettings } from './queue-attributes.ts';

const ENTRY_ID = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_BATCH_ENTRY_ID_LENGTH}}$`);

/**
 * Entries present, at most ten, each Id valid and distinct.
 * @example validateBatchEntries([{ Id: 'a' }, { Id: 'b' }], 'DeleteMessageBatchRequestEntry');
 */
export function validateBatchEntries(entries: { Id?: string }[] | undefined, entryTypeName: string): void {
  if (!entries || entries.length === 0) throw errors.emptyBatch(entryTypeName);
  if (entries.length > MAX_BATCH_ENTRIES) throw errors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const { Id: id } of entries) {
    if (typeof id !== 'string' || !ENTRY_ID.test(id)) throw errors.invalidBatchEntryId();
    if (seen.has(id)) throw errors.batchIdsNotDistinct(id);
    seen.add(id);
  }
}

/**
 * FIFO SendMessageBatch: an entry without a deduplication id (unless the queue
 * has content-based deduplication) or without a group id fails the request,
 * with InvalidParameterValue in both cases.
 */
export function validateFifoBatch(entries: MessageEntry[], queue: QueueSettings): void {
  if (!queue.fifo) return;
  for (const entry of entries) {
    if (!entry.MessageDeduplicationId && !queue.contentBasedDeduplication) throw errors.dedupIdRequired();
    if (!entry.MessageGroupId) throw errors.groupIdRequired(true);
  }
}

/** The sum of the entries' sizes (counted as messageSize does) may not exceed 1 MiB. */
export function validateBatchSize(entries: MessageEntry[]): void {
  let total = 0;
  for (const entry of entries) total += messageSize(entry);
  if (total > MAX_BATCH_BYTES) throw errors.batchRequestTooLong(total);
}

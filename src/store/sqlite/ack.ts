import { errors } from '../../sqs/errors.ts';
import { validateBatchEntries, validateVisibilityTimeout } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntry } from '../shared/batch.ts';
import { decodeReceipt, type Receipt } from '../shared/receipt.ts';
import type { StoreContext } from './context.ts';
import type { QueueRecord } from './queue-registry.ts';
import { returnsAt } from './returns.ts';

/**
 * DeleteMessage and ChangeMessageVisibility, and their batches. A handle names
 * one receive of one message; any handle of a message still acts on it, also
 * one from an earlier receive, as on SQS (ChangeMessageVisibility with the
 * first of two handles succeeds there). A handle never acts on another
 * message: the message id it carries must match (see receipt.ts). On a
 * standard queue a handle of a message already gone deletes nothing and
 * succeeds; on a FIFO queue a handle whose visibility ran out has expired.
 */
interface Held {
  id: number;
  visible_at: number;
}

function requireHandle(handle: unknown): void {
  if (handle === undefined || handle === null || handle === '')
    throw errors.missingParameter('ReceiptHandle');
}

/** The receipt a handle of queue `q` carries; MissingParameter or ReceiptHandleIsInvalid if none. */
function receiptOf(q: QueueRecord, handle: unknown): Receipt {
  requireHandle(handle);
  const r = decodeReceipt(handle);
  if (r.queueId !== q.id) throw errors.receiptHandleIsInvalid(String(handle));
  return r;
}

/** The message a receipt names, if it is still in the queue. */
function held(ctx: StoreContext, q: QueueRecord, r: Receipt): Held | undefined {
  return ctx.sql`SELECT id, visible_at FROM ${q.table} WHERE id = ? AND message_id = ?`.get(
    r.rowId,
    r.messageId,
  ) as Held | undefined;
}

function deleteOne(ctx: StoreContext, q: QueueRecord, handle: unknown): void {
  const r = receiptOf(q, handle);
  if (!q.settings.fifo) {
    // Standard queues: one statement; a handle of a deleted message matches no row and still succeeds.
    const { changes } = ctx.sql`DELETE FROM ${q.table} WHERE id = ? AND message_id = ?`.run(
      r.rowId,
      r.messageId,
    );
    ctx.activity.deleted(q.id, changes);
    return;
  }
  const current = held(ctx, q, r);
  if (!current) return;
  if (current.visible_at <= ctx.clock.now()) throw errors.receiptHandleExpired(String(handle));
  ctx.sql`DELETE FROM ${q.table} WHERE id = ?`.run(current.id);
  ctx.activity.deleted(q.id);
  // Deleting a FIFO message can unlock its group for a waiting long poll.
  ctx.signalQueue(q.id);
}

function changeVisibilityOne(ctx: StoreContext, q: QueueRecord, handle: unknown, timeout: unknown): void {
  requireHandle(handle); // before the timeout's checks, as SQS orders them
  const seconds = validateVisibilityTimeout(timeout);
  const current = held(ctx, q, receiptOf(q, handle));
  const now = ctx.clock.now();
  if (!current) throw errors.messageNotAvailableForVisibility(String(handle));
  if (q.settings.fifo && current.visible_at <= now) throw errors.receiptHandleExpired(String(handle));
  const visibleAt = now + seconds * 1000;
  ctx.sql`UPDATE ${q.table} SET visible_at = ? WHERE id = ?`.run(visibleAt, current.id);
  returnsAt(q, visibleAt);
  // Sooner than before: a waiting long poll's wake-up time is now too late.
  if (visibleAt < current.visible_at) ctx.signalQueue(q.id);
}

export function deleteMessage(ctx: StoreContext, input: T.DeleteMessageInput): void {
  deleteOne(ctx, ctx.queues.byUrl(input.QueueUrl), input.ReceiptHandle);
}

export function changeMessageVisibility(ctx: StoreContext, input: T.ChangeMessageVisibilityInput): void {
  changeVisibilityOne(ctx, ctx.queues.byUrl(input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
}

export function deleteMessageBatch(ctx: StoreContext, input: T.DeleteMessageBatchInput): T.BatchIdsOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
  return eachEntry(input.Entries, (e) => {
    deleteOne(ctx, q, e.ReceiptHandle);
    return {};
  });
}

export function changeMessageVisibilityBatch(
  ctx: StoreContext,
  input: T.ChangeMessageVisibilityBatchInput,
): T.BatchIdsOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  validateBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
  return eachEntry(input.Entries, (e) => {
    changeVisibilityOne(ctx, q, e.ReceiptHandle, e.VisibilityTimeout);
    return {};
  });
}

import { errors } from '../../sqs/errors.ts';
import { validateBatchEntries, validateVisibilityTimeout } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntry, eachEntryAsync } from '../shared/batch.ts';
import { decodeReceipt, type Receipt } from '../shared/receipt.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { byUrl, type QueueRecord } from './registry.ts';

/**
 * DeleteMessage and ChangeMessageVisibility, and their batches, with the
 * SQLite store's rules (sqlite/ack.ts): any handle of a message acts on it,
 * never on another message (the message id must match); on a FIFO queue a
 * handle whose visibility ran out has expired. Handles carry no server: one
 * from any server works on every other.
 */
function receiptOf(q: QueueRecord, handle: unknown): Receipt {
  if (handle === undefined || handle === null || handle === '')
    throw errors.missingParameter('ReceiptHandle');
  const r = decodeReceipt(handle);
  if (r.queueId !== q.id) throw errors.receiptHandleIsInvalid(String(handle));
  return r;
}

/** The message a receipt names, locked for this transaction, if it is still in the queue. */
async function held(tx: Tx, q: QueueRecord, r: Receipt) {
  const [row] = await tx.query<{ id: number; visible_at: number }>(
    'SELECT id, visible_at FROM messages WHERE id = $1 AND message_id = $2 AND queue_id = $3 FOR UPDATE',
    [r.rowId, r.messageId, q.id],
  );
  return row;
}

async function deleteOne(ctx: PgContext, tx: Tx, q: QueueRecord, handle: unknown): Promise<void> {
  const r = receiptOf(q, handle);
  if (!q.settings.fifo) {
    const gone = await tx.query(
      'DELETE FROM messages WHERE id = $1 AND message_id = $2 AND queue_id = $3 RETURNING 1',
      [r.rowId, r.messageId, q.id],
    );
    if (gone.length) tx.afterCommit(() => ctx.activity.deleted(q.id, gone.length));
    return;
  }
  await tx.begin();
  const current = await held(tx, q, r);
  if (!current) return;
  if (current.visible_at <= ctx.clock.now()) throw errors.receiptHandleExpired(String(handle));
  await tx.query('DELETE FROM messages WHERE id = $1', [current.id]);
  tx.afterCommit(() => ctx.activity.deleted(q.id));
  tx.signal(q.id);
}

async function changeVisibilityOne(
  ctx: PgContext,
  tx: Tx,
  q: QueueRecord,
  handle: unknown,
  timeout: unknown,
) {
  if (handle === undefined || handle === null || handle === '')
    throw errors.missingParameter('ReceiptHandle');
  const seconds = validateVisibilityTimeout(timeout);
  const current = await held(tx, q, receiptOf(q, handle));
  const now = ctx.clock.now();
  if (!current) throw errors.messageNotAvailableForVisibility(String(handle));
  if (q.settings.fifo && current.visible_at <= now) throw errors.receiptHandleExpired(String(handle));
  const visibleAt = now + seconds * 1000;
  await tx.query('UPDATE messages SET visible_at = $1 WHERE id = $2', [visibleAt, current.id]);
  if (visibleAt < current.visible_at) tx.signal(q.id);
}

export async function deleteMessage(ctx: PgContext, tx: Tx, input: T.DeleteMessageInput): Promise<void> {
  await deleteOne(ctx, tx, await byUrl(ctx, tx, input.QueueUrl), input.ReceiptHandle);
}

export async function changeMessageVisibility(ctx: PgContext, tx: Tx, input: T.ChangeMessageVisibilityInput) {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  await changeVisibilityOne(ctx, tx, q, input.ReceiptHandle, input.VisibilityTimeout);
}

export async function deleteMessageBatch(ctx: PgContext, tx: Tx, input: T.DeleteMessageBatchInput) {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
  if (q.settings.fifo) {
    await tx.begin();
    return eachEntryAsync(input.Entries, async (e) => {
      await deleteOne(ctx, tx, q, e.ReceiptHandle);
      return {};
    });
  }
  // Standard queues: every valid handle in one DELETE (a handle of a message gone still succeeds).
  const receipts: Receipt[] = [];
  const out = eachEntry(input.Entries, (e) => {
    receipts.push(receiptOf(q, e.ReceiptHandle));
    return {};
  });
  if (receipts.length) {
    const gone = await tx.query(
      // Row ids are never reused and a message id names one row per queue, so matching both lists is
      // matching the pairs; ANY keeps it an index lookup by primary key.
      'DELETE FROM messages WHERE id = ANY($2::bigint[]) AND queue_id = $1 AND message_id = ANY($3::text[]) RETURNING 1',
      [q.id, receipts.map((r) => r.rowId), receipts.map((r) => r.messageId)],
    );
    if (gone.length) tx.afterCommit(() => ctx.activity.deleted(q.id, gone.length));
  }
  return out;
}

export async function changeMessageVisibilityBatch(
  ctx: PgContext,
  tx: Tx,
  input: T.ChangeMessageVisibilityBatchInput,
) {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
  return eachEntryAsync(input.Entries, async (e) => {
    await changeVisibilityOne(ctx, tx, q, e.ReceiptHandle, e.VisibilityTimeout);
    return {};
  });
}

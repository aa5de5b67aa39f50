import { errors } from '../../sqs/errors.ts';
import { validateBatchEntries, validateVisibilityTimeout } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntry, eachEntryAsync } from '../shared/batch.ts';
import { decodeReceipt, type Receipt } from '../shared/receipt.ts';
import type { DeleteItem } from './batches.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { hotByUrl, type QueueRecord } from './registry.ts';

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

/** A FIFO queue's delete: its handle expires with its visibility, so the message is read and locked first. */
async function deleteFifo(ctx: PgContext, tx: Tx, q: QueueRecord, handle: unknown): Promise<void> {
  const current = await held(tx, q, receiptOf(q, handle));
  if (!current) return;
  if (current.visible_at <= ctx.clock.now()) throw errors.receiptHandleExpired(String(handle));
  await tx.query('DELETE FROM messages WHERE id = $1', [current.id]);
  tx.afterCommit(() => ctx.activity.deleted(q.id));
  tx.signal(q.id);
}

/**
 * A standard queue's deletes, in the queue's next gathered DELETE
 * (batches.ts). A handle of a message already gone still succeeds, as in SQS.
 */
async function deleteGathered(ctx: PgContext, q: QueueRecord, receipts: Receipt[]): Promise<void> {
  if (receipts.length) await ctx.batches.delete.submit(String(q.id), { q, receipts }, receipts.length);
}

/**
 * The gathered DELETE of one queue (batches.ts); answers how many of each
 * caller's messages it removed. On the light pool: a delete lost in a crash
 * of PostgreSQL only delivers its messages again.
 */
export function deleteBatch(ctx: PgContext) {
  return (items: DeleteItem[]): Promise<number[]> =>
    ctx.runLight(async (tx) => {
      const q = items[0]!.q;
      const receipts = items.length === 1 ? items[0]!.receipts : items.flatMap((i) => i.receipts);
      // Each (row id, message id) pair: a handle names one message, never another.
      const gone = await tx.query<{ id: number }>(
        `DELETE FROM messages m USING unnest($2::bigint[], $3::text[]) AS h(id, message_id)
         WHERE m.id = h.id AND m.message_id = h.message_id AND m.queue_id = $1 RETURNING m.id`,
        [q.id, receipts.map((r) => r.rowId), receipts.map((r) => r.messageId)],
        'sluice_delete',
      );
      if (gone.length) tx.afterCommit(() => ctx.activity.deleted(q.id, gone.length));
      if (items.length === 1) return [gone.length];
      const removed = new Set(gone.map((g) => g.id));
      return items.map((i) => i.receipts.filter((r) => removed.has(r.rowId)).length);
    }, true);
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

export async function deleteMessage(ctx: PgContext, input: T.DeleteMessageInput): Promise<void> {
  const q = await hotByUrl(ctx, input.QueueUrl);
  if (q.settings.fifo) return ctx.run((tx) => deleteFifo(ctx, tx, q, input.ReceiptHandle));
  await deleteGathered(ctx, q, [receiptOf(q, input.ReceiptHandle)]);
}

export async function changeMessageVisibility(ctx: PgContext, input: T.ChangeMessageVisibilityInput) {
  const q = await hotByUrl(ctx, input.QueueUrl);
  await ctx.run((tx) => changeVisibilityOne(ctx, tx, q, input.ReceiptHandle, input.VisibilityTimeout));
}

export async function deleteMessageBatch(ctx: PgContext, input: T.DeleteMessageBatchInput) {
  const q = await hotByUrl(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
  if (q.settings.fifo)
    return ctx.run((tx) =>
      eachEntryAsync(input.Entries, async (e) => {
        await deleteFifo(ctx, tx, q, e.ReceiptHandle);
        return {};
      }),
    );
  const receipts: Receipt[] = [];
  const out = eachEntry(input.Entries, (e) => {
    receipts.push(receiptOf(q, e.ReceiptHandle));
    return {};
  });
  await deleteGathered(ctx, q, receipts);
  return out;
}

export async function changeMessageVisibilityBatch(
  ctx: PgContext,
  input: T.ChangeMessageVisibilityBatchInput,
) {
  const q = await hotByUrl(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
  return ctx.run((tx) =>
    eachEntryAsync(input.Entries, async (e) => {
      await changeVisibilityOne(ctx, tx, q, e.ReceiptHandle, e.VisibilityTimeout);
      return {};
    }),
  );
}

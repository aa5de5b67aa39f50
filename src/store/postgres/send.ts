import { createHash, randomUUID } from 'node:crypto';
import { md5OfBody, md5OfMessageAttributes } from '../../sqs/md5.ts';
import {
  validateBatchEntries,
  validateBatchSize,
  validateFifoBatch,
  validateMessage,
} from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntryAsync } from '../shared/batch.ts';
import { encodeAttributes } from '../shared/message-codec.ts';
import { sequenceNumber } from '../shared/sequence.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { byUrl, type QueueRecord } from './registry.ts';

type Entry = Omit<T.SendMessageInput, 'QueueUrl'>;

export async function sendMessage(
  ctx: PgContext,
  tx: Tx,
  input: T.SendMessageInput,
): Promise<T.SendMessageOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  validateMessage(input, q.settings, false);
  return insertMessage(ctx, tx, q, input);
}

export async function sendMessageBatch(
  ctx: PgContext,
  tx: Tx,
  input: T.SendMessageBatchInput,
): Promise<T.SendMessageBatchOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
  validateBatchSize(input.Entries);
  validateFifoBatch(input.Entries, q.settings);
  return eachEntryAsync(input.Entries, async (entry) => {
    validateMessage(entry, q.settings, true);
    return insertMessage(ctx, tx, q, entry);
  });
}

/**
 * Writes one validated message. On a FIFO queue the queue's row is locked
 * first: deduplication and the sequence number are decided by one server at a
 * time, so a duplicate sent to two servers at once is still stored once.
 */
async function insertMessage(
  ctx: PgContext,
  tx: Tx,
  q: QueueRecord,
  entry: Entry,
): Promise<T.SendMessageOutput> {
  const now = ctx.clock.now();
  const body = entry.MessageBody;
  const md5Body = md5OfBody(body);
  const attrs =
    entry.MessageAttributes && Object.keys(entry.MessageAttributes).length
      ? entry.MessageAttributes
      : undefined;
  const md5Attrs = attrs ? md5OfMessageAttributes(attrs) : undefined;
  const sys =
    entry.MessageSystemAttributes && Object.keys(entry.MessageSystemAttributes).length
      ? entry.MessageSystemAttributes
      : undefined;
  const md5Sys = sys ? md5OfMessageAttributes(sys) : undefined;
  const result: T.SendMessageOutput = { MessageId: randomUUID(), MD5OfMessageBody: md5Body };
  if (md5Attrs) result.MD5OfMessageAttributes = md5Attrs;
  if (md5Sys) result.MD5OfMessageSystemAttributes = md5Sys;

  let dedupId: string | null = null;
  let sequence: string | null = null;
  if (q.settings.fifo) {
    dedupId = entry.MessageDeduplicationId ?? createHash('sha256').update(body).digest('hex');
    const scope = q.settings.deduplicationScope === 'messageGroup' ? (entry.MessageGroupId ?? '') : '';
    const [row] = await tx.query<{ sequence: number }>(
      'SELECT sequence FROM queues WHERE id = $1 FOR UPDATE',
      [q.id],
    );
    // Ids remembered under queue scope ('') bind every group (see the SQLite store's send.ts).
    const [seen] = await tx.query<{ message_id: string; sequence_number: string }>(
      `SELECT message_id, sequence_number FROM dedup
       WHERE queue_id = $1 AND scope IN ($2, '') AND dedup_id = $3 AND expires_at > $4 LIMIT 1`,
      [q.id, scope, dedupId, now],
    );
    if (seen) return { ...result, MessageId: seen.message_id, SequenceNumber: seen.sequence_number };
    const counter = (row?.sequence ?? 0) + 1;
    await tx.query('UPDATE queues SET sequence = $2 WHERE id = $1', [q.id, counter]);
    sequence = sequenceNumber(q.createdAt, counter);
    await tx.query(
      `INSERT INTO dedup (queue_id, scope, dedup_id, expires_at, message_id, sequence_number)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE
       SET expires_at = excluded.expires_at, message_id = excluded.message_id, sequence_number = excluded.sequence_number`,
      [q.id, scope, dedupId, now + ctx.timings.dedupWindowMs, result.MessageId, sequence],
    );
    result.SequenceNumber = sequence;
  }
  // FIFO queues have no per-message delay: the queue's applies even to an explicit 0.
  const delay = q.settings.fifo ? q.settings.delaySeconds : (entry.DelaySeconds ?? q.settings.delaySeconds);
  await tx.query(
    `INSERT INTO messages (queue_id, visible_at, message_id, body, md5_body, attributes, md5_attributes,
       system_attributes, sent_at, group_id, dedup_id, sequence_number)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      q.id,
      now + delay * 1000,
      result.MessageId,
      body,
      md5Body,
      encodeAttributes(attrs),
      md5Attrs ?? null,
      encodeAttributes(sys),
      now,
      entry.MessageGroupId ?? null,
      q.settings.fifo ? dedupId : (entry.MessageDeduplicationId ?? null),
      sequence,
    ],
  );
  tx.signal(q.id);
  return result;
}

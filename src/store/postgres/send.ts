import { createHash } from 'node:crypto';
import { errors } from '../../sqs/errors.ts';
import {
  validateBatchEntries,
  validateBatchSize,
  validateFifoBatch,
  validateMessage,
} from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntry, eachEntryAsync } from '../shared/batch.ts';
import { encodeAttributes } from '../shared/message-codec.ts';
import { sendAnswer } from '../shared/send-answer.ts';
import { sequenceNumber } from '../shared/sequence.ts';
import type { InsertItem } from './batches.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { hotByUrl, type QueueRecord } from './registry.ts';

type Entry = Omit<T.SendMessageInput, 'QueueUrl'>;

export async function sendMessage(ctx: PgContext, input: T.SendMessageInput): Promise<T.SendMessageOutput> {
  const q = await hotByUrl(ctx, input.QueueUrl);
  validateMessage(input, q.settings, false);
  if (q.settings.fifo) return ctx.run((tx) => insertMessage(ctx, tx, q, input), true);
  const row = messageRow(ctx, q, input);
  await insertGathered(ctx, q, [row]);
  return row.result;
}

export async function sendMessageBatch(
  ctx: PgContext,
  input: T.SendMessageBatchInput,
): Promise<T.SendMessageBatchOutput> {
  const q = await hotByUrl(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
  validateBatchSize(input.Entries);
  validateFifoBatch(input.Entries, q.settings);
  if (q.settings.fifo)
    return ctx.run(async (tx) => {
      await tx.begin();
      return eachEntryAsync(input.Entries, async (entry) => {
        validateMessage(entry, q.settings, true);
        return insertMessage(ctx, tx, q, entry);
      });
    }, true);
  // Standard queues: every valid entry in the queue's next gathered INSERT.
  const rows: Row[] = [];
  const out = eachEntry(input.Entries, (entry) => {
    validateMessage(entry, q.settings, true);
    const row = messageRow(ctx, q, entry);
    rows.push(row);
    return row.result;
  });
  if (rows.length) await insertGathered(ctx, q, rows);
  return out;
}

/** A standard queue's rows, written with whatever other sends to the queue are waiting (batches.ts). */
async function insertGathered(ctx: PgContext, q: QueueRecord, rows: Row[]): Promise<void> {
  if (!(await ctx.batches.insert.submit(String(q.id), { q, rows }, rows.length))) {
    ctx.queueCache.clear();
    throw errors.queueDoesNotExist();
  }
}

/** The gathered INSERT of one queue's sends (batches.ts): one statement, one commit. */
export function insertBatch(ctx: PgContext) {
  return (items: InsertItem[]): Promise<boolean[]> =>
    ctx.run(async (tx) => {
      const there = await insertRows(
        ctx,
        tx,
        items[0]!.q,
        items.length === 1 ? items[0]!.rows : items.flatMap((i) => i.rows),
      );
      return items.map(() => there);
    }, true);
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
  const row = messageRow(ctx, q, entry);
  const { result } = row;
  if (q.settings.fifo) {
    await tx.begin();
    const dedupId = row.dedupId!;
    const now = row.sentAt;
    const scope = q.settings.deduplicationScope === 'messageGroup' ? (entry.MessageGroupId ?? '') : '';
    const [locked] = await tx.query<{ sequence: number }>(
      'SELECT sequence FROM queues WHERE id = $1 FOR UPDATE',
      [q.id],
    );
    // Deleted meanwhile (on any server): the hot lookup's record was older than the deletion.
    if (!locked) {
      tx.afterCommit(() => ctx.queueCache.clear());
      throw errors.queueDoesNotExist();
    }
    // Ids remembered under queue scope ('') bind every group (see the SQLite store's send.ts).
    const [seen] = await tx.query<{ message_id: string; sequence_number: string }>(
      `SELECT message_id, sequence_number FROM dedup
       WHERE queue_id = $1 AND scope IN ($2, '') AND dedup_id = $3 AND expires_at > $4 LIMIT 1`,
      [q.id, scope, dedupId, now],
    );
    // A duplicate within the window is accepted and not delivered again (SQS's exactly-once send).
    if (seen) return { ...result, MessageId: seen.message_id, SequenceNumber: seen.sequence_number };
    const counter = locked.sequence + 1;
    await tx.query('UPDATE queues SET sequence = $2 WHERE id = $1', [q.id, counter]);
    row.sequence = sequenceNumber(q.createdAt, counter);
    await tx.query(
      `INSERT INTO dedup (queue_id, scope, dedup_id, expires_at, message_id, sequence_number)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE
       SET expires_at = excluded.expires_at, message_id = excluded.message_id, sequence_number = excluded.sequence_number`,
      [q.id, scope, dedupId, now + ctx.timings.dedupWindowMs, result.MessageId, row.sequence],
    );
    result.SequenceNumber = row.sequence;
  }
  if (!(await insertRows(ctx, tx, q, [row]))) throw errors.queueDoesNotExist();
  return result;
}

/** A message as stored, before FIFO's sequence number is known. */
export interface Row {
  result: T.SendMessageOutput;
  visibleAt: number;
  body: string;
  attributes: string | null;
  system: string | null;
  sentAt: number;
  groupId: string | null;
  dedupId: string | null;
  sequence: string | null;
}

/** The row of a validated message: ids, MD5s, times. */
function messageRow(ctx: PgContext, q: QueueRecord, entry: Entry): Row {
  const now = ctx.clock.now();
  const body = entry.MessageBody;
  const { result, attrs, sys } = sendAnswer(entry);
  const _md5Body = result.MD5OfMessageBody;
  const _md5Attrs = result.MD5OfMessageAttributes;

  const dedupId = q.settings.fifo
    ? (entry.MessageDeduplicationId ?? createHash('sha256').update(body).digest('hex'))
    : (entry.MessageDeduplicationId ?? null);
  // FIFO queues have no per-message delay: the queue's applies even to an explicit 0.
  const delay = q.settings.fifo ? q.settings.delaySeconds : (entry.DelaySeconds ?? q.settings.delaySeconds);
  return {
    result,
    visibleAt: now + delay * 1000,
    body,
    attributes: encodeAttributes(attrs),
    system: encodeAttributes(sys),
    sentAt: now,
    groupId: entry.MessageGroupId ?? null,
    dedupId,
    sequence: null,
  };
}

/**
 * Writes messages in one statement, if their queue still exists (false if
 * not: deleted on another server since the hot lookup), and wakes the
 * queue's long polls on every server: the NOTIFY is part of the statement.
 */
async function insertRows(ctx: PgContext, tx: Tx, q: QueueRecord, rows: Row[]): Promise<boolean> {
  const col = <V>(f: (r: Row) => V) => rows.map(f);
  const [written] = await tx.query<{ n: number }>(
    `WITH written AS (
       INSERT INTO messages (queue_id, visible_at, message_id, body, md5_body, attributes, md5_attributes,
         system_attributes, sent_at, group_id, dedup_id, sequence_number)
       SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[])
       WHERE EXISTS (SELECT 1 FROM queues WHERE id = $1::bigint)
       RETURNING 1)
     SELECT (SELECT count(*)::int FROM written) AS n, pg_notify($13, $1::bigint::text)`,
    [
      q.id,
      col((r) => r.visibleAt),
      col((r) => r.result.MessageId),
      col((r) => r.body),
      col((r) => r.result.MD5OfMessageBody),
      col((r) => r.attributes),
      col((r) => r.result.MD5OfMessageAttributes ?? null),
      col((r) => r.system),
      col((r) => r.sentAt),
      col((r) => r.groupId),
      col((r) => r.dedupId),
      col((r) => r.sequence),
      ctx.channel,
    ],
    'sluice_insert',
  );
  if (!written?.n) return false;
  tx.notified(q.id);
  tx.afterCommit(() => {
    for (let i = 0; i < rows.length; i++) ctx.activity.sent(q.id);
  });
  return true;
}

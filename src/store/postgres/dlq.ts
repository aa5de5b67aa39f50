import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import { decodeToken, encodeToken } from '../shared/tokens.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { allQueues, byArn, byUrl, type QueueRecord } from './registry.ts';

/**
 * Moves a message that has used up its receives to the source queue's
 * dead-letter queue, as the SQLite store does (sqlite/dlq.ts). Returns false
 * when the target queue is gone (the message then stays).
 */
export async function moveToDeadLetterQueue(ctx: PgContext, tx: Tx, source: QueueRecord, rowId: number) {
  const target =
    source.settings.redrive && (await byArn(ctx, tx, source.settings.redrive.deadLetterTargetArn));
  if (!target) return false;
  await relocate(ctx, tx, source, rowId, target, 'dead-letter');
  return true;
}

const KEPT =
  'message_id, body, md5_body, attributes, md5_attributes, system_attributes, group_id, dedup_id, sequence_number';

/** Moves one message to another queue as a new row (a new place in its send order; old handles go stale). */
export async function relocate(
  ctx: PgContext,
  tx: Tx,
  from: QueueRecord,
  rowId: number,
  to: QueueRecord,
  how: 'dead-letter' | 'redrive',
): Promise<void> {
  const now = ctx.clock.now();
  if (how === 'dead-letter') {
    await tx.query(
      `INSERT INTO messages (queue_id, ${KEPT}, receive_count, first_receive_at, sent_at, visible_at, dlq_source_arn)
       SELECT $1, ${KEPT}, receive_count, first_receive_at, sent_at, $2, $3 FROM messages WHERE id = $4`,
      [to.id, now, from.arn, rowId],
    );
  } else {
    await tx.query(
      `INSERT INTO messages (queue_id, ${KEPT}, receive_count, sent_at, visible_at)
       SELECT $1, ${KEPT}, 0, $2, $3 FROM messages WHERE id = $4`,
      [to.id, now, now + to.settings.delaySeconds * 1000, rowId],
    );
  }
  await tx.query('DELETE FROM messages WHERE id = $1', [rowId]);
  tx.signal(to.id);
}

/** The queues whose RedrivePolicy targets this queue (in its own region, whichever region asks). */
export async function deadLetterSources(ctx: PgContext, tx: Tx, dlq: QueueRecord): Promise<QueueRecord[]> {
  return (await allQueues(ctx, tx, dlq.region)).filter(
    (q) => q.settings.redrive?.deadLetterTargetArn === dlq.arn,
  );
}

export async function listDeadLetterSourceQueues(
  ctx: PgContext,
  tx: Tx,
  input: T.ListDeadLetterSourceQueuesInput,
): Promise<T.ListDeadLetterSourceQueuesOutput> {
  const dlq = await byUrl(ctx, tx, input.QueueUrl);
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
    throw errors.invalidParameter('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
  }
  const after = input.NextToken ? decodeToken(input.NextToken, 'NextToken') : '';
  const names = (await deadLetterSources(ctx, tx, dlq)).filter((q) => q.name > after);
  const page = max === undefined ? names.slice(0, 1000) : names.slice(0, max);
  const out: T.ListDeadLetterSourceQueuesOutput = { queueUrls: page.map((q) => q.url) };
  if (max !== undefined && names.length > max) out.NextToken = encodeToken(page[page.length - 1]!.name);
  return out;
}

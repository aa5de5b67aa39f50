import type * as T from '../../sqs/types.ts';
import { type Counts, countsWanted, queueAttributes, statsOf } from '../shared/queue-counts.ts';
import type { QueueStats } from '../types.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { allQueues, byArn, byUrl, type QueueRecord } from './registry.ts';

/** Counts and ages, exact when asked, as the SQLite store's (sqlite/counts.ts); expired messages are swept first. */
export async function sweepExpired(ctx: PgContext, tx: Tx, q: QueueRecord): Promise<void> {
  const before = ctx.clock.now() - q.settings.messageRetentionPeriod * 1000;
  await tx.query('DELETE FROM messages WHERE queue_id = $1 AND sent_at <= $2', [q.id, before]);
}

export async function countMessages(ctx: PgContext, tx: Tx, q: QueueRecord): Promise<Counts> {
  await sweepExpired(ctx, tx, q);
  const now = ctx.clock.now();
  const [row] = await tx.query<{
    visible: number;
    in_flight: number;
    delayed: number;
    oldest: number | null;
  }>(
    `SELECT count(*) FILTER (WHERE visible_at <= $2) AS visible,
       count(*) FILTER (WHERE visible_at > $2 AND receive_count > 0) AS in_flight,
       count(*) FILTER (WHERE visible_at > $2 AND receive_count = 0) AS delayed,
       (SELECT sent_at FROM messages WHERE queue_id = $1 ORDER BY id LIMIT 1) AS oldest
     FROM messages WHERE queue_id = $1`,
    [q.id, now],
  );
  const counts: Counts = {
    visible: row?.visible ?? 0,
    inFlight: row?.in_flight ?? 0,
    delayed: row?.delayed ?? 0,
  };
  if (row?.oldest != null) counts.oldestSentAt = row.oldest;
  return counts;
}

export async function getQueueAttributes(
  ctx: PgContext,
  tx: Tx,
  input: T.GetQueueAttributesInput,
): Promise<T.GetQueueAttributesOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  const counts = countsWanted(input.AttributeNames) ? await countMessages(ctx, tx, q) : undefined;
  return queueAttributes(q, input.AttributeNames, counts);
}

export async function stats(ctx: PgContext, tx: Tx, prefix = ''): Promise<QueueStats[]> {
  const now = ctx.clock.now();
  const out: QueueStats[] = [];
  for (const q of await allQueues(ctx, tx)) {
    if (!q.name.startsWith(prefix)) continue;
    const dlq = q.settings.redrive && (await byArn(ctx, tx, q.settings.redrive.deadLetterTargetArn));
    out.push(statsOf(q, await countMessages(ctx, tx, q), now, dlq ? dlq.name : undefined));
  }
  return out;
}

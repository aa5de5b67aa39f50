/**
 * Queue history on PostgreSQL: the SQLite store's (sqlite/history.ts) buckets,
 * tiers and answers. Each server counts its own sends, receives and deletes
 * in memory (sqlite/activity.ts) and adds them into the shared rows when it
 * samples; counts are the largest any server sampled in the bucket.
 */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import type { Counts } from '../shared/queue-counts.ts';
import type { Tally } from '../sqlite/activity.ts';
import { emptyTally } from '../sqlite/activity.ts';
import {
  ACTIVITY_WINDOW_MS,
  activityOf,
  depth,
  floorTo,
  HISTORY_TIERS,
  type HistoryRow,
  RANGES,
  toPoint,
} from '../sqlite/history.ts';
import { mergeWaits, type WaitHistogram } from '../wait-histogram.ts';
import type { PgContext } from './context.ts';
import { countMessages } from './counts.ts';
import type { Tx } from './pool.ts';
import { allQueues, byUrl } from './registry.ts';

const MINUTE = 60_000;

export async function recordHistory(ctx: PgContext, tx: Tx, tallies: Map<number, Tally>): Promise<void> {
  const now = ctx.clock.now();
  const regions = await tx.query<{ region: string }>('SELECT DISTINCT region FROM queues');
  const queues = (await Promise.all(regions.map(({ region }) => allQueues(ctx, tx, region)))).flat();
  const counts = new Map<string, Counts>();
  for (const q of queues) counts.set(q.arn, await countMessages(ctx, tx, q));
  for (const q of queues) {
    const c = counts.get(q.arn)!;
    const dlqArn = q.settings.redrive?.deadLetterTargetArn;
    const t = tallies.get(q.id) ?? emptyTally();
    const oldestAge =
      c.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - c.oldestSentAt) / 1000));
    for (const { bucketMs } of HISTORY_TIERS) {
      const at = floorTo(now, bucketMs);
      const [old] = await tx.query<{ waits: string | null }>(
        'SELECT waits FROM queue_history WHERE queue = $1 AND bucket_ms = $2 AND at = $3 FOR UPDATE',
        [q.arn, bucketMs, at],
      );
      const waits = mergeWaits(old?.waits ? (JSON.parse(old.waits) as WaitHistogram) : {}, t.waits);
      await tx.query(
        `INSERT INTO queue_history (queue, bucket_ms, at, visible, in_flight, delayed, oldest_age, dlq_depth,
           sent, received, deleted, waits) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (queue, bucket_ms, at) DO UPDATE SET
           visible = greatest(queue_history.visible, excluded.visible),
           in_flight = greatest(queue_history.in_flight, excluded.in_flight),
           delayed = greatest(queue_history.delayed, excluded.delayed),
           oldest_age = greatest(queue_history.oldest_age, excluded.oldest_age),
           dlq_depth = greatest(coalesce(queue_history.dlq_depth, excluded.dlq_depth), excluded.dlq_depth),
           sent = queue_history.sent + excluded.sent, received = queue_history.received + excluded.received,
           deleted = queue_history.deleted + excluded.deleted, waits = excluded.waits`,
        [
          q.arn,
          bucketMs,
          at,
          c.visible,
          c.inFlight,
          c.delayed,
          oldestAge,
          dlqArn && counts.has(dlqArn) ? depth(counts.get(dlqArn)) : null,
          t.sent,
          t.received,
          t.deleted,
          Object.keys(waits).length ? JSON.stringify(waits) : null,
        ],
      );
    }
  }
  for (const { bucketMs, keepMs } of HISTORY_TIERS)
    await tx.query('DELETE FROM queue_history WHERE bucket_ms = $1 AND at < $2', [bucketMs, now - keepMs]);
}

export async function history(ctx: PgContext, tx: Tx, input: O.HistoryInput): Promise<O.HistoryOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  const range = RANGES[input.range];
  if (!range) throw errors.invalidParameter('range', input.range, 'Must be one of 1h, 24h, 7d, 30d.');
  const rows = await tx.query<HistoryRow>(
    `SELECT at, visible, in_flight, delayed, oldest_age, dlq_depth, sent, received, deleted, waits
     FROM queue_history WHERE queue = $1 AND bucket_ms = $2 AND at > $3 ORDER BY at`,
    [q.arn, range.bucketMs, ctx.clock.now() - range.spanMs],
  );
  return { range: input.range, bucketSeconds: range.bucketMs / 1000, points: rows.map(toPoint) };
}

export async function activity(
  ctx: PgContext,
  tx: Tx,
  unsampled: { since: number; peek(queueId: number): Tally },
  prefix = '',
): Promise<O.QueueActivity[]> {
  const from = floorTo(ctx.clock.now(), MINUTE) - ACTIVITY_WINDOW_MS + MINUTE;
  const out: O.QueueActivity[] = [];
  for (const q of await allQueues(ctx, tx)) {
    if (!q.name.startsWith(prefix)) continue;
    const rows = await tx.query<HistoryRow>(
      `SELECT at, sent, received, deleted, waits FROM queue_history
       WHERE queue = $1 AND bucket_ms = ${MINUTE} AND at >= $2`,
      [q.arn, from],
    );
    out.push(activityOf(q.name, unsampled, q.id, rows));
  }
  return out;
}

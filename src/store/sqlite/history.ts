/**
 * Queue history: per queue, sampled counts and what happened between samples,
 * in time buckets of three sizes, each kept as long as a chart of it is worth
 * drawing:
 *   1 min  buckets kept 24 h  (the 1 h chart)
 *   15 min buckets kept 7 d   (the 24 h chart)
 *   1 h    buckets kept 30 d  (the 7 d and 30 d charts)
 * A sample (recordHistory, which the server takes every minute) writes into
 * the bucket of each size that holds its time: counts (visible, in flight,
 * delayed, oldest age, DLQ depth) as the largest sampled in the bucket, so a
 * coarse bucket keeps its peak; sends, receives, deletes and the waits
 * histogram (activity.ts) added up. Rows are keyed by queue ARN (a name is
 * one per region) and pruned by age only: the history of a deleted queue
 * fades out with the rest. A sample covers the queues of every region.
 */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import type { Counts } from '../shared/queue-counts.ts';
import { mergeWaits, type WaitHistogram, waitPercentiles } from '../wait-histogram.ts';
import { emptyTally, type Tally } from './activity.ts';
import type { StoreContext } from './context.ts';
import { countMessages } from './counts.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket sizes (ms) and how long each is kept. */
export const HISTORY_TIERS = [
  { bucketMs: MINUTE, keepMs: DAY },
  { bucketMs: 15 * MINUTE, keepMs: 7 * DAY },
  { bucketMs: HOUR, keepMs: 30 * DAY },
] as const;

/** Which bucket size draws which range, and how far back the range goes. */
export const RANGES: Record<O.HistoryRange, { bucketMs: number; spanMs: number }> = {
  '1h': { bucketMs: MINUTE, spanMs: HOUR },
  '24h': { bucketMs: 15 * MINUTE, spanMs: DAY },
  '7d': { bucketMs: HOUR, spanMs: 7 * DAY },
  '30d': { bucketMs: HOUR, spanMs: 30 * DAY },
};

/** The window of activity(): the last five minutes, plus what has not been sampled yet. */
export const ACTIVITY_WINDOW_MS = 5 * MINUTE;

export interface HistoryRow {
  at: number;
  visible: number;
  in_flight: number;
  delayed: number;
  oldest_age: number;
  dlq_depth: number | null;
  sent: number;
  received: number;
  deleted: number;
  waits: string | null;
}

export const floorTo = (t: number, size: number) => Math.floor(t / size) * size;
export const depth = (c: Counts | undefined) => (c ? c.visible + c.inFlight + c.delayed : null);

export function recordHistory(ctx: StoreContext, tallies: Map<number, Tally>): void {
  const now = ctx.clock.now();
  const regions = ctx.sql`SELECT DISTINCT region FROM queues`.all() as { region: string }[];
  const queues = regions.flatMap(({ region }) => ctx.queues.inRegion(region).all());
  const counts = new Map(queues.map((q) => [q.arn, countMessages(ctx, q)]));
  for (const q of queues) {
    const c = counts.get(q.arn)!;
    const dlq = q.settings.redrive && ctx.queues.byArn(q.settings.redrive.deadLetterTargetArn);
    const t = tallies.get(q.id) ?? emptyTally();
    const oldestAge =
      c.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - c.oldestSentAt) / 1000));
    for (const { bucketMs } of HISTORY_TIERS) {
      const at = floorTo(now, bucketMs);
      const old = ctx.sql`SELECT waits FROM queue_history WHERE queue = ? AND bucket_ms = ? AND at = ?`.get(
        q.arn,
        bucketMs,
        at,
      ) as { waits: string | null } | undefined;
      const waits = mergeWaits(old?.waits ? (JSON.parse(old.waits) as WaitHistogram) : {}, t.waits);
      ctx.sql`INSERT INTO queue_history (queue, bucket_ms, at, visible, in_flight, delayed, oldest_age, dlq_depth,
          sent, received, deleted, waits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (queue, bucket_ms, at) DO UPDATE SET
          visible = max(visible, excluded.visible), in_flight = max(in_flight, excluded.in_flight),
          delayed = max(delayed, excluded.delayed), oldest_age = max(oldest_age, excluded.oldest_age),
          dlq_depth = max(coalesce(dlq_depth, excluded.dlq_depth), excluded.dlq_depth),
          sent = sent + excluded.sent, received = received + excluded.received,
          deleted = deleted + excluded.deleted, waits = excluded.waits`.run(
        q.arn,
        bucketMs,
        at,
        c.visible,
        c.inFlight,
        c.delayed,
        oldestAge,
        dlq ? depth(counts.get(dlq.arn)) : null,
        t.sent,
        t.received,
        t.deleted,
        Object.keys(waits).length ? JSON.stringify(waits) : null,
      );
    }
  }
  for (const { bucketMs, keepMs } of HISTORY_TIERS)
    ctx.sql`DELETE FROM queue_history WHERE bucket_ms = ? AND at < ?`.run(bucketMs, now - keepMs);
}

export function history(ctx: StoreContext, input: O.HistoryInput): O.HistoryOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const range = RANGES[input.range];
  if (!range) throw errors.invalidParameter('range', input.range, 'Must be one of 1h, 24h, 7d, 30d.');
  const now = ctx.clock.now();
  const rows =
    ctx.sql`SELECT at, visible, in_flight, delayed, oldest_age, dlq_depth, sent, received, deleted, waits
    FROM queue_history WHERE queue = ? AND bucket_ms = ? AND at > ? ORDER BY at`.all(
      q.arn,
      range.bucketMs,
      now - range.spanMs,
    ) as HistoryRow[];
  return {
    range: input.range,
    bucketSeconds: range.bucketMs / 1000,
    points: rows.map(toPoint),
  };
}

export const toPoint = (r: HistoryRow): O.HistoryPoint => ({
  at: r.at,
  visible: r.visible,
  inFlight: r.in_flight,
  delayed: r.delayed,
  oldestAgeSeconds: r.oldest_age,
  dlqDepth: r.dlq_depth,
  sent: r.sent,
  received: r.received,
  deleted: r.deleted,
  wait: r.waits ? waitPercentiles(JSON.parse(r.waits) as WaitHistogram) : null,
});

/** One queue's activity(): the unsampled tally plus the sampled minutes of the window. */
export function activityOf(
  name: string,
  unsampled: { since: number; peek(queueId: number): Tally },
  queueId: number,
  rows: Pick<HistoryRow, 'at' | 'sent' | 'received' | 'deleted' | 'waits'>[],
): O.QueueActivity {
  const sum = { ...unsampled.peek(queueId) };
  sum.waits = { ...sum.waits };
  let since = unsampled.since;
  for (const r of rows) {
    sum.sent += r.sent;
    sum.received += r.received;
    sum.deleted += r.deleted;
    if (r.waits) mergeWaits(sum.waits, JSON.parse(r.waits) as WaitHistogram);
    since = Math.min(since, r.at);
  }
  return {
    name,
    since,
    sent: sum.sent,
    received: sum.received,
    deleted: sum.deleted,
    wait: waitPercentiles(sum.waits),
  };
}

/** Recent throughput and waits per queue: the last sampled minutes plus the counts not yet sampled. */
export function activity(
  ctx: StoreContext,
  unsampled: { since: number; peek(queueId: number): Tally },
  prefix = '',
): O.QueueActivity[] {
  const now = ctx.clock.now();
  const from = floorTo(now, MINUTE) - ACTIVITY_WINDOW_MS + MINUTE;
  return ctx.queues
    .all()
    .filter((q) => q.name.startsWith(prefix))
    .map((q) => {
      const rows = ctx.sql`SELECT at, sent, received, deleted, waits FROM queue_history
        WHERE queue = ? AND bucket_ms = ${MINUTE} AND at >= ?`.all(q.arn, from) as HistoryRow[];
      return activityOf(q.name, unsampled, q.id, rows);
    });
}

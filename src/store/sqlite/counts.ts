import type * as T from '../../sqs/types.ts';
import { type Counts, countsWanted, queueAttributes, statsOf } from '../shared/queue-counts.ts';
import type { QueueStats } from '../types.ts';
import type { StoreContext } from './context.ts';
import type { QueueRecord } from './queue-registry.ts';

/**
 * Counts and ages, always exact at the moment of asking (SQS's are
 * "approximate"; ours need not be). Expired messages are swept first so they
 * are never counted.
 */

/** Drops messages past the queue's retention period: a prefix of the queue in send order. */
export function sweepExpired(ctx: StoreContext, q: QueueRecord): number {
  const before = ctx.clock.now() - q.settings.messageRetentionPeriod * 1000;
  const sweep = ctx.sql`DELETE FROM ${q.table} WHERE id IN (SELECT id FROM ${q.table} ORDER BY id LIMIT 1000) AND sent_at <= ?`;
  let total = 0;
  for (;;) {
    const { changes } = sweep.run(before);
    total += changes;
    if (changes < 1000) return total;
  }
}

export function countMessages(ctx: StoreContext, q: QueueRecord): Counts {
  sweepExpired(ctx, q);
  const now = ctx.clock.now();
  const visible = ctx.sql`SELECT count(*) AS n FROM ${q.table} WHERE visible_at <= ?`.get(now) as {
    n: number;
  };
  const hidden = ctx.sql`SELECT sum(receive_count > 0) AS inFlight, sum(receive_count = 0) AS delayed
       FROM ${q.table} WHERE visible_at > ?`.get(now) as { inFlight: number | null; delayed: number | null };
  // The first row in send order; messages redriven into a dead-letter queue may be older (approximate, as in SQS).
  const oldest = ctx.sql`SELECT sent_at FROM ${q.table} ORDER BY id LIMIT 1`.get() as
    | { sent_at: number }
    | undefined;
  const counts: Counts = { visible: visible.n, inFlight: hidden.inFlight ?? 0, delayed: hidden.delayed ?? 0 };
  if (oldest) counts.oldestSentAt = oldest.sent_at;
  return counts;
}

export function getQueueAttributes(
  ctx: StoreContext,
  input: T.GetQueueAttributesInput,
): T.GetQueueAttributesOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const counts = countsWanted(input.AttributeNames) ? countMessages(ctx, q) : undefined;
  return queueAttributes(q, input.AttributeNames, counts);
}

export function stats(ctx: StoreContext, prefix = ''): QueueStats[] {
  const now = ctx.clock.now();
  return ctx.queues
    .all()
    .filter((q) => q.name.startsWith(prefix))
    .map((q) => {
      const dlq = q.settings.redrive && ctx.queues.byArn(q.settings.redrive.deadLetterTargetArn);
      return statsOf(q, countMessages(ctx, q), now, dlq ? dlq.name : undefined);
    });
}

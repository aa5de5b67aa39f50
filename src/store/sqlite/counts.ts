import { validateAttributeNames } from '../../sqs/queue-attributes.ts';
import type * as T from '../../sqs/types.ts';
import type { QueueStats } from '../types.ts';
import type { StoreContext } from './context.ts';
import type { QueueRecord } from './queue-registry.ts';

/**
 * Counts and ages, always exact at the moment of asking (SQS's are
 * "approximate"; ours need not be). Expired messages are swept first so they
 * are never counted.
 */
export interface Counts {
  visible: number;
  inFlight: number;
  delayed: number;
  oldestSentAt?: number;
}

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
  const wanted = validateAttributeNames(input.AttributeNames);
  const want = (name: string) => wanted === 'All' || wanted.has(name);
  const all: Record<string, string> = { ...q.attributes, QueueArn: q.arn };
  all.CreatedTimestamp = String(Math.floor(q.createdAt / 1000));
  all.LastModifiedTimestamp = String(Math.floor(q.modifiedAt / 1000));
  if (
    want('ApproximateNumberOfMessages') ||
    want('ApproximateNumberOfMessagesNotVisible') ||
    want('ApproximateNumberOfMessagesDelayed')
  ) {
    const c = countMessages(ctx, q);
    all.ApproximateNumberOfMessages = String(c.visible);
    all.ApproximateNumberOfMessagesNotVisible = String(c.inFlight);
    all.ApproximateNumberOfMessagesDelayed = String(c.delayed);
  }
  const out = Object.fromEntries(Object.entries(all).filter(([name]) => want(name)));
  return Object.keys(out).length ? { Attributes: out } : {};
}

export function stats(ctx: StoreContext, prefix = ''): QueueStats[] {
  const now = ctx.clock.now();
  return ctx.queues
    .all()
    .filter((q) => q.name.startsWith(prefix))
    .map((q) => {
      const c = countMessages(ctx, q);
      const s: QueueStats = {
        name: q.name,
        url: q.url,
        arn: q.arn,
        fifo: q.settings.fifo,
        visible: c.visible,
        inFlight: c.inFlight,
        delayed: c.delayed,
        oldestAgeSeconds:
          c.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - c.oldestSentAt) / 1000)),
      };
      const dlq = q.settings.redrive && ctx.queues.byArn(q.settings.redrive.deadLetterTargetArn);
      if (dlq) s.deadLetterQueue = dlq.name;
      return s;
    });
}

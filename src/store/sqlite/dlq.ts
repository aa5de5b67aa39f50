import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import { decodeToken, encodeToken } from '../shared/tokens.ts';
import type { StoreContext } from './context.ts';
import type { QueueRecord } from './queue-registry.ts';

/**
 * Moves a message that has used up its receives to the source queue's
 * dead-letter queue, keeping its id, body, attributes, receive count and
 * enqueue time, as SQS does. Returns false when the target queue is gone (the
 * message then stays and is received as usual).
 */
export function moveToDeadLetterQueue(ctx: StoreContext, source: QueueRecord, rowId: number): boolean {
  const target = source.settings.redrive && ctx.queues.byArn(source.settings.redrive.deadLetterTargetArn);
  if (!target) return false;
  relocate(ctx, source, rowId, target, 'dead-letter');
  return true;
}

/** The columns a message keeps wherever it moves. */
const KEPT =
  'message_id, body, md5_body, attributes, md5_attributes, system_attributes, group_id, dedup_id, sequence_number';

/**
 * Moves one message row to another queue's table (a new row there; the old
 * receipt handles go stale). Into a dead-letter queue it keeps its receive
 * count and enqueue time and records where it came from; sent back by a move
 * task it starts afresh, as a new message of the destination.
 */
export function relocate(
  ctx: StoreContext,
  from: QueueRecord,
  rowId: number,
  to: QueueRecord,
  how: 'dead-letter' | 'redrive',
): void {
  const now = ctx.clock.now();
  if (how === 'dead-letter') {
    ctx.sql`INSERT INTO ${to.table} (${KEPT}, receive_count, first_receive_at, sent_at, visible_at, dlq_source_arn)
         SELECT ${KEPT}, receive_count, first_receive_at, sent_at, ?, ? FROM ${from.table} WHERE id = ?`.run(
      now,
      from.arn,
      rowId,
    );
  } else {
    ctx.sql`INSERT INTO ${to.table} (${KEPT}, receive_count, sent_at, visible_at)
         SELECT ${KEPT}, 0, ?, ? FROM ${from.table} WHERE id = ?`.run(
      now,
      now + to.settings.delaySeconds * 1000,
      rowId,
    );
  }
  ctx.sql`DELETE FROM ${from.table} WHERE id = ?`.run(rowId);
  ctx.signalQueue(to.id);
}

/** The queues whose RedrivePolicy targets this queue. */
export function deadLetterSources(ctx: StoreContext, dlq: QueueRecord): QueueRecord[] {
  // Sources share their dead-letter queue's region, whichever region the caller is in.
  return ctx.queues
    .inRegion(dlq.region)
    .all()
    .filter((q) => q.settings.redrive?.deadLetterTargetArn === dlq.arn);
}

export function listDeadLetterSourceQueues(
  ctx: StoreContext,
  input: T.ListDeadLetterSourceQueuesInput,
): T.ListDeadLetterSourceQueuesOutput {
  const dlq = ctx.queues.byUrl(input.QueueUrl);
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
    throw errors.invalidParameter('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
  }
  const after = input.NextToken ? decodeToken(input.NextToken, 'NextToken') : '';
  const names = deadLetterSources(ctx, dlq).filter((q) => q.name > after);
  const page = max === undefined ? names.slice(0, 1000) : names.slice(0, max);
  const out: T.ListDeadLetterSourceQueuesOutput = { queueUrls: page.map((q) => q.url) };
  if (max !== undefined && names.length > max) out.NextToken = encodeToken(page[page.length - 1]!.name);
  return out;
}

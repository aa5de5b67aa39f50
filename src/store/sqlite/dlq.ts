import { errors } from '../../sqs/errors.ts';
import type * as T from '../types.ts';
import type { StoreContext } from './context.ts';
import { decodeToken, encodeToken } from './queue-actions.ts';
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
  ctx
    .sql('UPDATE messages SET queue_id = ?, dlq_source_arn = ?, visible_at = ? WHERE id = ?')
    .run(target.id, source.arn, ctx.clock.now(), rowId);
  ctx.signalQueue(target.id);
  return true;
}

/** The queues whose RedrivePolicy targets this queue. */
export function deadLetterSources(ctx: StoreContext, dlq: QueueRecord): QueueRecord[] {
  return ctx.queues.all().filter((q) => q.settings.redrive?.deadLetterTargetArn === dlq.arn);
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

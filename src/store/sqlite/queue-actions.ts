import { errors } from '../../sqs/errors.ts';
import { queueArn, validateQueueName } from '../../sqs/names.ts';
import {
  applySetAttributes,
  firstConflictingAttribute,
  normalizeCreateAttributes,
  parseRedrivePolicy,
  redriveAllowed,
} from '../../sqs/queue-attributes.ts';
import type * as T from '../../sqs/types.ts';
import { addTags, grant, listPage, removeTags, revoke } from '../shared/queue-rules.ts';
import type { StoreContext } from './context.ts';

/** CreateQueue: idempotent when every attribute given matches; QueueAlreadyExists otherwise. */
export function createQueue(ctx: StoreContext, input: T.CreateQueueInput): T.CreateQueueOutput {
  const name = input.QueueName;
  if (typeof name !== 'string' || name === '') throw errors.missingParameter('QueueName');
  const fifo = name.endsWith('.fifo');
  validateQueueName(name, input.Attributes?.FifoQueue === 'true' || fifo);
  const existing = ctx.queues.byName(name);
  if (existing) {
    const conflict = firstConflictingAttribute(existing.attributes, input.Attributes);
    if (conflict) throw errors.queueAlreadyExists(conflict);
    return { QueueUrl: existing.url };
  }
  const now = ctx.clock.now();
  const deleted = ctx.db
    .prepare('SELECT deleted_at FROM deleted_queues WHERE region = ? AND name = ?')
    .get(ctx.queues.region, name) as { deleted_at: number } | undefined;
  if (deleted && now - deleted.deleted_at < ctx.timings.deletedQueueCooldownMs) {
    throw errors.queueDeletedRecently();
  }
  const attributes = normalizeCreateAttributes(name, input.Attributes);
  checkRedriveTarget(ctx, attributes, queueArn(ctx.identity.region, ctx.identity.accountId, name));
  const q = ctx.queues.insert(name, attributes, { ...(input.tags ?? {}) }, now);
  return { QueueUrl: q.url };
}

/** A RedrivePolicy must point at an existing queue of the same type that allows this source. */
function checkRedriveTarget(ctx: StoreContext, attributes: Record<string, string>, sourceArn: string): void {
  const policy = attributes.RedrivePolicy;
  if (!policy) return;
  const { deadLetterTargetArn } = parseRedrivePolicy(policy);
  const target = ctx.queues.byArn(deadLetterTargetArn);
  // SQS looks for the dead-letter queue in the source queue's own region.
  if (!target || target.region !== ctx.queues.region) throw errors.deadLetterTargetDoesNotExist(policy);
  if (target.settings.fifo !== (attributes.FifoQueue === 'true')) throw errors.deadLetterTypeMismatch(policy);
  if (!redriveAllowed(target.attributes.RedriveAllowPolicy, sourceArn))
    throw errors.deadLetterNotAllowed(policy);
}

export function deleteQueue(ctx: StoreContext, input: T.QueueUrlInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  ctx.db.prepare('DELETE FROM dedup WHERE queue_id = ?').run(q.id);
  ctx.forgetStatements(q.table);
  ctx.db
    .prepare('INSERT OR REPLACE INTO deleted_queues (region, name, deleted_at) VALUES (?, ?, ?)')
    .run(q.region, q.name, ctx.clock.now());
  ctx.queues.remove(q);
  ctx.signalQueue(q.id);
}

export function getQueueUrl(ctx: StoreContext, input: T.GetQueueUrlInput): T.CreateQueueOutput {
  if (typeof input.QueueName !== 'string' || input.QueueName === '') {
    throw errors.missingParameter('QueueName');
  }
  const q = ctx.queues.byName(input.QueueName);
  if (!q) throw errors.queueDoesNotExist();
  return { QueueUrl: q.url };
}

/** ListQueues: up to 1000 by name; with MaxResults, pages linked by an opaque NextToken. */
export function listQueues(ctx: StoreContext, input: T.ListQueuesInput = {}): T.ListQueuesOutput {
  return listPage(ctx.queues.all(), input);
}

export function setQueueAttributes(ctx: StoreContext, input: T.SetQueueAttributesInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const next = applySetAttributes(q.attributes, input.Attributes ?? {});
  if (next.RedrivePolicy && next.RedrivePolicy !== q.attributes.RedrivePolicy)
    checkRedriveTarget(ctx, next, q.arn);
  q.attributes = next;
  q.modifiedAt = ctx.clock.now();
  ctx.queues.save(q);
  // A shorter visibility or delay can make messages receivable sooner: let long polls look again.
  ctx.signalQueue(q.id);
}

export function tagQueue(ctx: StoreContext, input: T.TagQueueInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  addTags(q, input);
  ctx.queues.save(q);
}

export function untagQueue(ctx: StoreContext, input: T.UntagQueueInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  removeTags(q, input);
  ctx.queues.save(q);
}

export function listQueueTags(ctx: StoreContext, input: T.QueueUrlInput): T.ListQueueTagsOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  return Object.keys(q.tags).length ? { Tags: { ...q.tags } } : {};
}

/** PurgeQueue: deletes every message; one purge per queue per cooldown, as in SQS. */
export function purgeQueue(ctx: StoreContext, input: T.QueueUrlInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const now = ctx.clock.now();
  if (q.lastPurgeAt !== null && now - q.lastPurgeAt < ctx.timings.purgeCooldownMs) {
    throw errors.purgeInProgress(q.name);
  }
  // An unconditional DELETE empties the table at once (SQLite's truncate optimisation).
  ctx.db.prepare(`DELETE FROM ${q.table}`).run();
  ctx.db.prepare('DELETE FROM dedup WHERE queue_id = ?').run(q.id);
  q.lastPurgeAt = now;
  ctx.queues.save(q);
}

export function addPermission(ctx: StoreContext, input: T.AddPermissionInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  grant(q, input);
  ctx.queues.save(q);
}

export function removePermission(ctx: StoreContext, input: T.RemovePermissionInput): void {
  const q = ctx.queues.byUrl(input.QueueUrl);
  revoke(q, input);
  ctx.queues.save(q);
}

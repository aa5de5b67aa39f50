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
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';
import { allQueues, byArn, byName, byUrl, insertQueue, queueChanged, saveQueue } from './registry.ts';

/** The queue actions of the SQS API on PostgreSQL; the rules are the SQLite store's (sqlite/queue-actions.ts). */

export async function createQueue(
  ctx: PgContext,
  tx: Tx,
  input: T.CreateQueueInput,
): Promise<T.CreateQueueOutput> {
  const name = input.QueueName;
  if (typeof name !== 'string' || name === '') throw errors.missingParameter('QueueName');
  validateQueueName(name, input.Attributes?.FifoQueue === 'true' || name.endsWith('.fifo'));
  // Two servers creating the same queue at once: the second waits here, then finds the first's.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${ctx.identity.region}/${name}`]);
  const existing = await byName(ctx, tx, name);
  if (existing) {
    const conflict = firstConflictingAttribute(existing.attributes, input.Attributes);
    if (conflict) throw errors.queueAlreadyExists(conflict);
    return { QueueUrl: existing.url };
  }
  const now = ctx.clock.now();
  const [deleted] = await tx.query<{ deleted_at: number }>(
    'SELECT deleted_at FROM deleted_queues WHERE region = $1 AND name = $2',
    [ctx.identity.region, name],
  );
  if (deleted && now - deleted.deleted_at < ctx.timings.deletedQueueCooldownMs)
    throw errors.queueDeletedRecently();
  const attributes = normalizeCreateAttributes(name, input.Attributes);
  await checkRedriveTarget(ctx, tx, attributes, queueArn(ctx.identity.region, ctx.identity.accountId, name));
  const q = await insertQueue(ctx, tx, name, attributes, { ...(input.tags ?? {}) }, now);
  return { QueueUrl: q.url };
}

async function checkRedriveTarget(
  ctx: PgContext,
  tx: Tx,
  attributes: Record<string, string>,
  sourceArn: string,
) {
  const policy = attributes.RedrivePolicy;
  if (!policy) return;
  const { deadLetterTargetArn } = parseRedrivePolicy(policy);
  const target = await byArn(ctx, tx, deadLetterTargetArn);
  if (!target || target.region !== ctx.identity.region) throw errors.deadLetterTargetDoesNotExist(policy);
  if (target.settings.fifo !== (attributes.FifoQueue === 'true')) throw errors.deadLetterTypeMismatch(policy);
  if (!redriveAllowed(target.attributes.RedriveAllowPolicy, sourceArn))
    throw errors.deadLetterNotAllowed(policy);
}

export async function deleteQueue(ctx: PgContext, tx: Tx, input: T.QueueUrlInput): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  await tx.query('DELETE FROM dedup WHERE queue_id = $1', [q.id]);
  await tx.query('DELETE FROM messages WHERE queue_id = $1', [q.id]);
  await tx.query(
    `INSERT INTO deleted_queues (region, name, deleted_at) VALUES ($1, $2, $3)
     ON CONFLICT (region, name) DO UPDATE SET deleted_at = excluded.deleted_at`,
    [q.region, q.name, ctx.clock.now()],
  );
  await tx.query('DELETE FROM queues WHERE id = $1', [q.id]);
  await queueChanged(ctx, tx);
  tx.signal(q.id);
}

export async function getQueueUrl(
  ctx: PgContext,
  tx: Tx,
  input: T.GetQueueUrlInput,
): Promise<T.CreateQueueOutput> {
  if (typeof input.QueueName !== 'string' || input.QueueName === '')
    throw errors.missingParameter('QueueName');
  const q = await byName(ctx, tx, input.QueueName);
  if (!q) throw errors.queueDoesNotExist();
  return { QueueUrl: q.url };
}

export async function listQueues(
  ctx: PgContext,
  tx: Tx,
  input: T.ListQueuesInput = {},
): Promise<T.ListQueuesOutput> {
  return listPage(await allQueues(ctx, tx), input);
}

export async function setQueueAttributes(
  ctx: PgContext,
  tx: Tx,
  input: T.SetQueueAttributesInput,
): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  const next = applySetAttributes(q.attributes, input.Attributes ?? {});
  if (next.RedrivePolicy && next.RedrivePolicy !== q.attributes.RedrivePolicy)
    await checkRedriveTarget(ctx, tx, next, q.arn);
  q.attributes = next;
  q.modifiedAt = ctx.clock.now();
  await saveQueue(ctx, tx, q);
  tx.signal(q.id);
}

export async function tagQueue(ctx: PgContext, tx: Tx, input: T.TagQueueInput): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  addTags(q, input);
  await saveQueue(ctx, tx, q);
}

export async function untagQueue(ctx: PgContext, tx: Tx, input: T.UntagQueueInput): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  removeTags(q, input);
  await saveQueue(ctx, tx, q);
}

export async function listQueueTags(
  ctx: PgContext,
  tx: Tx,
  input: T.QueueUrlInput,
): Promise<T.ListQueueTagsOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  return Object.keys(q.tags).length ? { Tags: { ...q.tags } } : {};
}

export async function purgeQueue(ctx: PgContext, tx: Tx, input: T.QueueUrlInput): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  const now = ctx.clock.now();
  if (q.lastPurgeAt !== null && now - q.lastPurgeAt < ctx.timings.purgeCooldownMs)
    throw errors.purgeInProgress(q.name);
  await tx.query('DELETE FROM messages WHERE queue_id = $1', [q.id]);
  await tx.query('DELETE FROM dedup WHERE queue_id = $1', [q.id]);
  q.lastPurgeAt = now;
  await saveQueue(ctx, tx, q);
}

export async function addPermission(ctx: PgContext, tx: Tx, input: T.AddPermissionInput): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  grant(q, input);
  await saveQueue(ctx, tx, q);
}

export async function removePermission(
  ctx: PgContext,
  tx: Tx,
  input: T.RemovePermissionInput,
): Promise<void> {
  const q = await byUrl(ctx, tx, input.QueueUrl, true);
  revoke(q, input);
  await saveQueue(ctx, tx, q);
}

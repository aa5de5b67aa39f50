import {
  messageAttributeSelector,
  requestedSystemAttributeNames,
  systemAttributeSelector,
} from '../../sqs/attribute-names.ts';
import { md5OfMessageAttributes } from '../../sqs/md5.ts';
import { validateReceiveParams } from '../../sqs/message.ts';
import type * as T from '../types.ts';
import type { StoreContext } from './context.ts';
import { moveToDeadLetterQueue } from './dlq.ts';
import { decodeAttributes } from './message-codec.ts';
import type { QueueRecord } from './queue-registry.ts';
import { encodeReceipt } from './receipt.ts';

/**
 * ReceiveMessage. One attempt runs inside a group transaction and claims up to
 * N messages; a long poll repeats the attempt each time the queue is signalled
 * (a send, a release) or a message's delay or visibility runs out, until it has
 * messages, the wait ends, or the caller aborts. The only awaits are the
 * attempt and the wait.
 */
export async function receiveMessage(
  ctx: StoreContext,
  input: T.ReceiveMessageInput,
  options: T.ReceiveOptions = {},
): Promise<T.ReceiveMessageOutput> {
  validateReceiveParams(input);
  const first = await ctx.committer.run(() => attempt(ctx, input, options.signal));
  const waitSeconds = input.WaitTimeSeconds ?? first.queue.settings.receiveWaitTimeSeconds;
  const deadline = ctx.clock.now() + waitSeconds * 1000;
  let result = first;
  while (result.messages.length === 0 && ctx.clock.now() < deadline && !options.signal?.aborted) {
    const until = Math.min(deadline, result.nextVisibleAt ?? deadline);
    await ctx.waiters.wait(result.queue.id, result.version, until, options.signal);
    if (options.signal?.aborted || ctx.waiters.isClosed) break;
    result = await ctx.committer.run(() => attempt(ctx, input, options.signal));
  }
  return result.messages.length ? { Messages: result.messages } : {};
}

interface Attempt {
  queue: QueueRecord;
  messages: T.Message[];
  /** The queue's signal version when this attempt ran (see Waiters). */
  version: number;
  /** When the next not-yet-visible message becomes visible, if any. */
  nextVisibleAt?: number;
}

interface Candidate {
  id: number;
  receive_count: number;
  sent_at: number;
}

interface MessageRow extends Candidate {
  message_id: string;
  body: string;
  md5_body: string;
  attributes: string | null;
  md5_attributes: string | null;
  system_attributes: string | null;
  first_receive_at: number;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  dlq_source_arn: string | null;
}

function attempt(ctx: StoreContext, input: T.ReceiveMessageInput, signal?: AbortSignal): Attempt {
  const queue = ctx.queues.byUrl(input.QueueUrl);
  const version = ctx.waiters.version(queue.id);
  if (signal?.aborted) return { queue, messages: [], version };
  const now = ctx.clock.now();
  const max = input.MaxNumberOfMessages ?? 1;
  const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  const expiredBefore = now - queue.settings.messageRetentionPeriod * 1000;
  const claim = ctx.sql(
    `UPDATE messages SET visible_at = ?, receive_count = receive_count + 1,
       first_receive_at = coalesce(first_receive_at, ?) WHERE id = ? RETURNING *`,
  );
  const wantSystem = systemAttributeSelector(requestedSystemAttributeNames(input));
  const wantAttribute = messageAttributeSelector(input.MessageAttributeNames);
  /** Claims one candidate, unless it has expired (dropped) or used up its receives (redriven). */
  const take = (c: Candidate): T.Message | undefined => {
    if (c.sent_at <= expiredBefore) {
      ctx.sql('DELETE FROM messages WHERE id = ?').run(c.id);
      return undefined;
    }
    const redrive = queue.settings.redrive;
    if (redrive && c.receive_count >= redrive.maxReceiveCount && moveToDeadLetterQueue(ctx, queue, c.id)) {
      return undefined;
    }
    const row = claim.get(now + visibility * 1000, now, c.id) as MessageRow;
    return toMessage(ctx, queue, row, wantSystem, wantAttribute);
  };
  const messages = queue.settings.fifo
    ? pickFifo(ctx, queue.id, now, max, take)
    : pickStandard(ctx, queue.id, now, max, take);
  const out: Attempt = { queue, messages, version };
  if (messages.length === 0) {
    const next = ctx
      .sql(
        'SELECT visible_at FROM messages WHERE queue_id = ? AND visible_at > ? ORDER BY visible_at LIMIT 1',
      )
      .get(queue.id, now) as { visible_at: number } | undefined;
    if (next) out.nextVisibleAt = next.visible_at;
  }
  return out;
}

/** Standard queues: the earliest-visible messages, by the ready index. */
function pickStandard(
  ctx: StoreContext,
  queueId: number,
  now: number,
  max: number,
  take: (c: Candidate) => T.Message | undefined,
): T.Message[] {
  const select = ctx.sql(
    'SELECT id, receive_count, sent_at FROM messages WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?',
  );
  const picked: T.Message[] = [];
  for (;;) {
    const want = max - picked.length;
    const rows = select.all(queueId, now, want) as Candidate[];
    for (const row of rows) {
      const m = take(row);
      if (m) picked.push(m);
    }
    // Taken rows left the visible range; so did expired and redriven ones, whose places others may fill.
    if (picked.length >= max || rows.length < want) return picked;
  }
}

/**
 * FIFO queues: walk messages in send order; a group whose earliest message is
 * not visible (in flight, or delayed) is locked, so nothing later in it is
 * taken, while other groups flow. As SQS does, a receive returns as many
 * messages of one group as it can before moving to the next group. The walk
 * stops once it has seen enough open messages to fill the receive.
 */
function pickFifo(
  ctx: StoreContext,
  queueId: number,
  now: number,
  max: number,
  take: (c: Candidate) => T.Message | undefined,
): T.Message[] {
  const page = ctx.sql(
    `SELECT id, receive_count, sent_at, visible_at, group_id FROM messages
     WHERE queue_id = ? AND id > ? ORDER BY id LIMIT 256`,
  );
  const locked = new Set<string | null>();
  const open = new Map<string | null, Candidate[]>();
  let seen = 0;
  let after = 0;
  for (;;) {
    const rows = page.all(queueId, after) as (Candidate & { visible_at: number; group_id: string | null })[];
    for (const row of rows) {
      if (locked.has(row.group_id)) continue;
      if (row.visible_at > now) {
        locked.add(row.group_id);
        continue;
      }
      const group = open.get(row.group_id);
      if (group) group.push(row);
      else open.set(row.group_id, [row]);
      seen++;
    }
    if (rows.length < 256 || seen >= max) break;
    after = rows[rows.length - 1]!.id;
  }
  const picked: T.Message[] = [];
  for (const candidates of open.values()) {
    for (const c of candidates) {
      const m = take(c);
      if (m) picked.push(m);
      if (picked.length >= max) return picked;
    }
  }
  return picked;
}

function toMessage(
  ctx: StoreContext,
  queue: QueueRecord,
  row: MessageRow,
  wantSystem: (name: string) => boolean,
  wantAttribute: (name: string) => boolean,
): T.Message {
  const message: T.Message = {
    MessageId: row.message_id,
    ReceiptHandle: encodeReceipt({ queueId: queue.id, rowId: row.id, receive: row.receive_count }),
    MD5OfBody: row.md5_body,
    Body: row.body,
  };
  const system: Record<string, string | null | undefined> = {
    SenderId: ctx.identity.accountId,
    SentTimestamp: String(row.sent_at),
    ApproximateReceiveCount: String(row.receive_count),
    ApproximateFirstReceiveTimestamp: String(row.first_receive_at),
    MessageGroupId: row.group_id,
    MessageDeduplicationId: queue.settings.fifo ? row.dedup_id : undefined,
    SequenceNumber: row.sequence_number,
    DeadLetterQueueSourceArn: row.dlq_source_arn,
    AWSTraceHeader: decodeAttributes(row.system_attributes)?.AWSTraceHeader?.StringValue,
  };
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(system)) {
    if (value != null && wantSystem(name)) attributes[name] = value;
  }
  if (Object.keys(attributes).length) message.Attributes = attributes;
  const all = decodeAttributes(row.attributes);
  if (all) {
    const names = Object.keys(all).filter(wantAttribute);
    if (names.length) {
      const chosen = Object.fromEntries(names.map((n) => [n, all[n]!]));
      message.MessageAttributes = chosen;
      message.MD5OfMessageAttributes =
        names.length === Object.keys(all).length && row.md5_attributes
          ? row.md5_attributes
          : md5OfMessageAttributes(chosen);
    }
  }
  return message;
}

import { validateReceiveParams } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { FifoLine, type FifoRow } from '../shared/fifo-line.ts';
import { type MessageRow, Projection } from '../shared/projection.ts';
import type { ReceiveOptions } from '../types.ts';
import type { StoreContext } from './context.ts';
import { moveToDeadLetterQueue } from './dlq.ts';
import type { QueueRecord } from './queue-registry.ts';
import { mayHaveReturned, noneReturnsBefore, returnsAt } from './returns.ts';

/**
 * ReceiveMessage. One attempt runs inside a group transaction and claims up to
 * N messages; a long poll repeats the attempt each time the queue is signalled
 * (a send, a release) or a message's delay or visibility runs out, until it has
 * messages, the wait ends, or the caller aborts. The only awaits are the
 * attempt and the wait. A claim lost to a power cut only makes its messages
 * visible again, so attempts are not durable commits (committer.ts).
 */
export async function receiveMessage(
  ctx: StoreContext,
  input: T.ReceiveMessageInput,
  options: ReceiveOptions = {},
): Promise<T.ReceiveMessageOutput> {
  validateReceiveParams(input);
  const first = await ctx.committer.run(() => attempt(ctx, input, options.signal), false);
  const waitSeconds = input.WaitTimeSeconds ?? first.queue.settings.receiveWaitTimeSeconds;
  const deadline = ctx.clock.now() + waitSeconds * 1000;
  let result = first;
  while (result.messages.length === 0 && ctx.clock.now() < deadline && !options.signal?.aborted) {
    const until = Math.min(deadline, result.nextVisibleAt ?? deadline);
    await ctx.waiters.wait(result.queue.id, result.version, until, options.signal);
    if (options.signal?.aborted || ctx.waiters.isClosed) break;
    result = await ctx.committer.run(() => attempt(ctx, input, options.signal), false);
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

/** `?, ?, …` for an IN list of n ids; statements are cached per n (at most 10 kinds). */
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function attempt(ctx: StoreContext, input: T.ReceiveMessageInput, signal?: AbortSignal): Attempt {
  const queue = ctx.queues.byUrl(input.QueueUrl);
  const version = ctx.waiters.version(queue.id);
  if (signal?.aborted) return { queue, messages: [], version };
  const now = ctx.clock.now();
  const max = input.MaxNumberOfMessages ?? 1;
  const expiredBefore = now - queue.settings.messageRetentionPeriod * 1000;
  const redrive = queue.settings.redrive;
  /** Whether a candidate may be claimed; drops it if expired, redrives it if its receives are used up. */
  const keep = (c: Candidate): boolean => {
    if (c.sent_at <= expiredBefore) {
      ctx.sql`DELETE FROM ${queue.table} WHERE id = ?`.run(c.id);
      return false;
    }
    return !(
      redrive &&
      c.receive_count >= redrive.maxReceiveCount &&
      moveToDeadLetterQueue(ctx, queue, c.id)
    );
  };
  const projection = new Projection(input);
  const rows = queue.settings.fifo
    ? pickFifo(ctx, queue.table, now, max, keep, projection)
    : pickStandard(ctx, queue, now, max, keep, projection);
  const messages = rows.length ? claim(ctx, queue, rows, now, input, projection) : [];
  const out: Attempt = { queue, messages, version };
  if (messages.length === 0) {
    const next =
      ctx.sql`SELECT visible_at FROM ${queue.table} WHERE visible_at > ? ORDER BY visible_at LIMIT 1`.get(
        now,
      ) as { visible_at: number } | undefined;
    if (next) out.nextVisibleAt = next.visible_at;
  }
  return out;
}

/** Hides the picked rows for the visibility timeout and counts the receive: one UPDATE for the batch. */
function claim(
  ctx: StoreContext,
  queue: QueueRecord,
  rows: MessageRow[],
  now: number,
  input: T.ReceiveMessageInput,
  projection: Projection,
): T.Message[] {
  const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  returnsAt(queue, now + visibility * 1000);
  ctx.sql`UPDATE ${queue.table} SET visible_at = ?, receive_count = receive_count + 1,
         first_receive_at = coalesce(first_receive_at, ?) WHERE id IN (${placeholders(rows.length)})`.run(
    now + visibility * 1000,
    now,
    ...rows.map((r) => r.id),
  );
  const waits: number[] = [];
  for (const row of rows) if (row.receive_count === 0) waits.push(now - row.sent_at);
  ctx.activity.received(queue.id, rows.length, waits);
  return rows.map((row) => {
    row.receive_count += 1;
    if (row.first_receive_at === null) row.first_receive_at = now;
    return projection.toMessage(ctx, queue, row);
  });
}

/**
 * How many of the oldest rows a standard receive looks through for messages
 * that are visible again: enough to see past the messages a busy queue holds
 * in flight at its head, few enough to keep a receive's cost bounded.
 */
const HEAD_WINDOW = 256;

/**
 * Standard queues: the oldest visible messages, by original send (SQS's best
 * effort order): a message visible again after its visibility timeout comes
 * before the messages sent while it was in flight. Two bounded looks, both
 * range scans: the oldest HEAD_WINDOW rows of the table (send order), and,
 * when those hold too few visible messages, the earliest-visible messages of
 * the ready index. Rows that `keep` drops (expired, redriven) leave the queue,
 * so looking again finds their replacements behind the rows already picked.
 */
function pickStandard(
  ctx: StoreContext,
  queue: QueueRecord,
  now: number,
  max: number,
  keep: (c: Candidate) => boolean,
  projection: Projection,
): MessageRow[] {
  const { table } = queue;
  const oldest = ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE id IN (
      SELECT id FROM (SELECT id, visible_at FROM ${table} ORDER BY id LIMIT ${HEAD_WINDOW})
      WHERE visible_at <= ? LIMIT ?) ORDER BY id`;
  const earliest = ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE visible_at <= ? ORDER BY visible_at LIMIT ?`;
  const picked: MessageRow[] = [];
  const seen = new Set<number>();
  // Until a message may have returned, the earliest visible are the oldest sent: one look (returns.ts).
  const looking = mayHaveReturned(queue, now);
  for (;;) {
    let rows = looking ? projection.rows(oldest.raw(true).all(now, max) as unknown[][]) : [];
    if (looking && !rows.some((r) => r.receive_count > 0)) {
      // Nothing returned at the head: none can return before the earliest hidden message's time.
      const next =
        ctx.sql`SELECT visible_at FROM ${table} WHERE visible_at > ? ORDER BY visible_at LIMIT 1`.get(now) as
          | { visible_at: number }
          | undefined;
      noneReturnsBefore(queue, next?.visible_at);
    }
    if (rows.length < max) {
      const more = projection.rows(earliest.raw(true).all(now, max) as unknown[][]);
      const ids = new Set(rows.map((r) => r.id));
      rows = [...rows, ...more.filter((r) => !ids.has(r.id))].sort((a, b) => a.id - b.id);
    }
    let dropped = 0;
    for (const row of rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      if (keep(row)) picked.push(row);
      else dropped++;
      if (picked.length >= max) return picked;
    }
    if (dropped === 0) return picked;
  }
}

const FIFO_PAGE = 256;

/**
 * FIFO queues: the line of groups (shared/fifo-line.ts), walked through the
 * table in send order a page at a time.
 */
function pickFifo(
  ctx: StoreContext,
  table: string,
  now: number,
  max: number,
  keep: (c: Candidate) => boolean,
  projection: Projection,
): MessageRow[] {
  const page = ctx.sql`SELECT id, receive_count, sent_at, visible_at, group_id FROM ${table} WHERE id > ? ORDER BY id LIMIT ${FIFO_PAGE}`;
  const line = new FifoLine<FifoRow>(now, max);
  for (let after = 0; ; ) {
    const rows = page.all(after) as FifoRow[];
    if (line.add(rows, FIFO_PAGE)) break;
    after = rows[rows.length - 1]!.id;
  }
  const ids: number[] = [];
  for (const c of line.candidates()) {
    if (ids.length >= max) break;
    if (keep(c)) ids.push(c.id);
  }
  if (ids.length === 0) return [];
  const full =
    ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE id IN (${placeholders(ids.length)})`.all(
      ...ids,
    ) as MessageRow[];
  const byId = new Map(full.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

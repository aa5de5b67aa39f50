import { validateReceiveParams } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { type MessageRow, Projection } from '../shared/projection.ts';
import type { ReceiveOptions } from '../types.ts';
import type { StoreContext } from './context.ts';
import { moveToDeadLetterQueue } from './dlq.ts';
import type { QueueRecord } from './queue-registry.ts';

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
  options: ReceiveOptions = {},
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
    : pickStandard(ctx, queue.table, now, max, keep, projection);
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
  ctx.sql`UPDATE ${queue.table} SET visible_at = ?, receive_count = receive_count + 1,
         first_receive_at = coalesce(first_receive_at, ?) WHERE id IN (${placeholders(rows.length)})`.run(
    now + visibility * 1000,
    now,
    ...rows.map((r) => r.id),
  );
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
  table: string,
  now: number,
  max: number,
  keep: (c: Candidate) => boolean,
  projection: Projection,
): MessageRow[] {
  const oldest = ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE id IN (
      SELECT id FROM (SELECT id, visible_at FROM ${table} ORDER BY id LIMIT ${HEAD_WINDOW})
      WHERE visible_at <= ? LIMIT ?) ORDER BY id`;
  const earliest = ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE visible_at <= ? ORDER BY visible_at LIMIT ?`;
  const picked: MessageRow[] = [];
  const seen = new Set<number>();
  for (;;) {
    let rows = projection.rows(oldest.raw(true).all(now, max) as unknown[][]);
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

interface FifoRow extends Candidate {
  visible_at: number;
  group_id: string | null;
}

/**
 * A group's place in the line of groups waiting to be received, from its
 * first message: a message never received waits from its send; one received
 * and visible again rejoins the line when it became visible, behind the
 * groups already waiting (SQS's order, issue 18); ties go to the earlier send.
 */
type Place = readonly [since: number, rejoined: 0 | 1, id: number];

const placeOf = (head: FifoRow): Place =>
  head.receive_count > 0 ? [head.visible_at, 1, head.id] : [head.sent_at, 0, head.id];

const before = (a: Place, b: Place): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

interface Group {
  place: Place;
  /** Its visible messages in send order, up to the first one not visible. */
  open: FifoRow[];
  /** A message not visible was met: nothing later in the group may be taken. */
  closed: boolean;
}

const FIFO_PAGE = 256;

/**
 * FIFO queues: groups in line order (see Place), as many messages of a group
 * as it has visible before moving to the next, as SQS does. A group whose
 * first message is not visible (in flight, or delayed) is locked; within a
 * group, messages are taken in send order up to the first one not visible.
 * The walk goes through the table in send order and stops once the groups it
 * has seen fill the receive and no group further on can come before them: a
 * group not yet seen waits at least since the send of the last row walked.
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
  const groups = new Map<string | null, Group>();
  let line: Group[] = [];
  let after = 0;
  for (;;) {
    const rows = page.all(after) as FifoRow[];
    for (const row of rows) {
      let group = groups.get(row.group_id);
      if (!group) {
        group = { place: placeOf(row), open: [], closed: false };
        groups.set(row.group_id, group);
      }
      if (group.closed) continue;
      if (row.visible_at > now) group.closed = true;
      else group.open.push(row);
    }
    line = [...groups.values()].filter((g) => g.open.length > 0).sort((a, b) => before(a.place, b.place));
    const last = rows[rows.length - 1];
    if (rows.length < FIFO_PAGE || !last) break;
    const horizon: Place = [last.sent_at, 0, last.id];
    let settled = 0;
    for (const g of line) {
      if (before(g.place, horizon) > 0) break;
      settled += g.open.length;
      if (settled >= max) break;
    }
    if (settled >= max) break;
    after = last.id;
  }
  const ids: number[] = [];
  for (const group of line) {
    for (const c of group.open) {
      if (ids.length >= max) break;
      if (keep(c)) ids.push(c.id);
    }
  }
  if (ids.length === 0) return [];
  const full =
    ctx.sql`SELECT ${projection.columns} FROM ${table} WHERE id IN (${placeholders(ids.length)})`.all(
      ...ids,
    ) as MessageRow[];
  const byId = new Map(full.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

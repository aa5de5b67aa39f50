import { validateReceiveParams } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { FifoLine, type FifoRow } from '../shared/fifo-line.ts';
import { type MessageRow, Projection } from '../shared/projection.ts';
import type { Waiters } from '../shared/waiters.ts';
import type { ReceiveOptions } from '../types.ts';
import type { PgContext } from './context.ts';
import { moveToDeadLetterQueue } from './dlq.ts';
import type { Tx } from './pool.ts';
import { byUrl, type QueueRecord } from './registry.ts';

/**
 * ReceiveMessage. One attempt is one transaction that claims up to N
 * messages; a long poll repeats it each time the queue is signalled (a send or
 * release on any server: NOTIFY, see listener.ts), a message's delay or
 * visibility runs out, or the fallback poll fires, until it has messages, the
 * wait ends, or the caller aborts. The only awaits are the attempt and the wait.
 */
export async function receiveMessage(
  ctx: PgContext,
  run: <R>(fn: (tx: Tx) => Promise<R>, autocommit?: boolean) => Promise<R>,
  waiters: Waiters,
  input: T.ReceiveMessageInput,
  options: ReceiveOptions = {},
): Promise<T.ReceiveMessageOutput> {
  validateReceiveParams(input);
  const once = async () =>
    (await run((tx) => claimAtOnce(ctx, tx, input, options.signal, waiters), true)) ??
    run((tx) => attempt(ctx, tx, input, options.signal, waiters));
  const first = await once();
  const waitSeconds = input.WaitTimeSeconds ?? first.queue.settings.receiveWaitTimeSeconds;
  const deadline = ctx.clock.now() + waitSeconds * 1000;
  let result = first;
  while (result.messages.length === 0 && ctx.clock.now() < deadline && !options.signal?.aborted) {
    const until = Math.min(deadline, result.nextVisibleAt ?? deadline);
    await waiters.wait(result.queue.id, result.version, until, options.signal);
    if (options.signal?.aborted || waiters.isClosed) break;
    result = await once();
  }
  return result.messages.length ? { Messages: result.messages } : {};
}

interface Attempt {
  queue: QueueRecord;
  messages: T.Message[];
  version: number;
  nextVisibleAt?: number;
}

async function attempt(
  ctx: PgContext,
  tx: Tx,
  input: T.ReceiveMessageInput,
  signal: AbortSignal | undefined,
  waiters: Waiters,
): Promise<Attempt> {
  const queue = await byUrl(ctx, tx, input.QueueUrl);
  // The version before the look: a signal that lands after it makes the wait return at once.
  const version = waiters.version(queue.id);
  if (signal?.aborted) return { queue, messages: [], version };
  const now = ctx.clock.now();
  const max = input.MaxNumberOfMessages ?? 1;
  const expiredBefore = now - queue.settings.messageRetentionPeriod * 1000;
  const redrive = queue.settings.redrive;
  const keep = async (c: MessageRow): Promise<boolean> => {
    if (c.sent_at <= expiredBefore) {
      await tx.query('DELETE FROM messages WHERE id = $1', [c.id]);
      return false;
    }
    return !(
      redrive &&
      c.receive_count >= redrive.maxReceiveCount &&
      (await moveToDeadLetterQueue(ctx, tx, queue, c.id))
    );
  };
  const projection = new Projection(input);
  const rows = queue.settings.fifo
    ? await pickFifo(tx, queue, now, max, keep, projection)
    : await pickStandard(tx, queue, now, max, keep, projection);
  const messages = rows.length ? await claim(ctx, tx, queue, rows, now, input, projection) : [];
  const out: Attempt = { queue, messages, version };
  if (messages.length === 0) {
    const [next] = await tx.query<{ at: number | null }>(
      'SELECT min(visible_at) AS at FROM messages WHERE queue_id = $1 AND visible_at > $2',
      [queue.id, now],
    );
    if (next?.at != null) out.nextVisibleAt = Number(next.at);
  }
  return out;
}

/**
 * The common case in one statement (autocommit): a standard queue without a
 * redrive policy, with visible messages. Picks (SKIP LOCKED) and claims the
 * oldest visible unexpired messages in one UPDATE. Undefined when the full
 * attempt must run instead: FIFO, redrive, or nothing to take (the full
 * attempt then sweeps what expired and finds the next wake-up).
 */
async function claimAtOnce(
  ctx: PgContext,
  tx: Tx,
  input: T.ReceiveMessageInput,
  signal: AbortSignal | undefined,
  waiters: Waiters,
): Promise<Attempt | undefined> {
  const queue = await byUrl(ctx, tx, input.QueueUrl);
  const version = waiters.version(queue.id);
  if (signal?.aborted) return { queue, messages: [], version };
  if (queue.settings.fifo || queue.settings.redrive) return undefined;
  const now = ctx.clock.now();
  const projection = new Projection(input);
  const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  const rows = await tx.query<MessageRow>(
    `WITH picked AS (
       SELECT id FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3
       ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
     UPDATE messages m SET visible_at = $5, receive_count = m.receive_count + 1,
       first_receive_at = coalesce(m.first_receive_at, $2)
     FROM picked WHERE m.id = picked.id
     RETURNING ${projection.columns
       .split(', ')
       .map((c) => `m.${c}`)
       .join(', ')}`,
    [
      queue.id,
      now,
      now - queue.settings.messageRetentionPeriod * 1000,
      input.MaxNumberOfMessages ?? 1,
      now + visibility * 1000,
    ],
  );
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => a.id - b.id);
  countReceived(ctx, tx, queue, rows, now, 1);
  return { queue, version, messages: rows.map((row) => projection.toMessage(ctx, queue, row)) };
}

/** Counts a receive for the queue history once committed; first receives add their send → receive wait. */
function countReceived(
  ctx: PgContext,
  tx: Tx,
  queue: QueueRecord,
  rows: MessageRow[],
  now: number,
  first: number,
) {
  const waits: number[] = [];
  for (const row of rows) if (row.receive_count === first) waits.push(now - row.sent_at);
  tx.afterCommit(() => ctx.activity.received(queue.id, rows.length, waits));
}

async function claim(
  ctx: PgContext,
  tx: Tx,
  queue: QueueRecord,
  rows: MessageRow[],
  now: number,
  input: T.ReceiveMessageInput,
  projection: Projection,
): Promise<T.Message[]> {
  const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  await tx.query(
    `UPDATE messages SET visible_at = $1, receive_count = receive_count + 1,
       first_receive_at = coalesce(first_receive_at, $2) WHERE id = ANY($3::bigint[])`,
    [now + visibility * 1000, now, rows.map((r) => r.id)],
  );
  countReceived(ctx, tx, queue, rows, now, 0);
  return rows.map((row) => {
    row.receive_count += 1;
    if (row.first_receive_at == null) row.first_receive_at = now;
    return projection.toMessage(ctx, queue, row);
  });
}

/**
 * Standard queues: the oldest visible messages by original send, as the
 * SQLite store picks them. `FOR UPDATE SKIP LOCKED`: receives on several
 * servers take different messages without waiting for each other. Rows that
 * `keep` drops (expired, redriven) leave the queue; looking again finds their
 * replacements (the rows already picked are excluded: a transaction's own
 * locks do not make SKIP LOCKED skip).
 */
async function pickStandard(
  tx: Tx,
  queue: QueueRecord,
  now: number,
  max: number,
  keep: (c: MessageRow) => Promise<boolean>,
  projection: Projection,
): Promise<MessageRow[]> {
  const picked: MessageRow[] = [];
  const seen: number[] = [];
  for (;;) {
    const rows = await tx.query<MessageRow>(
      `SELECT ${projection.columns} FROM messages
       WHERE queue_id = $1 AND visible_at <= $2 AND id <> ALL($3::bigint[])
       ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED`,
      [queue.id, now, seen, max - picked.length],
    );
    let dropped = 0;
    for (const row of rows) {
      seen.push(row.id);
      if (await keep(row)) picked.push(row);
      else dropped++;
    }
    if (dropped === 0 || picked.length >= max) return picked;
  }
}

const FIFO_PAGE = 256;

/**
 * FIFO queues: the line of groups (shared/fifo-line.ts), walked in send order
 * a page at a time. Receives of one FIFO queue take a transaction lock on it
 * first, so on every server they happen one at a time: a group is never
 * handed to two receivers at once.
 */
async function pickFifo(
  tx: Tx,
  queue: QueueRecord,
  now: number,
  max: number,
  keep: (c: MessageRow) => Promise<boolean>,
  projection: Projection,
): Promise<MessageRow[]> {
  await tx.query('SELECT pg_advisory_xact_lock(1, $1::int)', [queue.id]);
  const line = new FifoLine<FifoRow & MessageRow>(now, max);
  for (let after = 0; ; ) {
    const rows = await tx.query<FifoRow & MessageRow>(
      `SELECT id, receive_count, sent_at, visible_at, group_id FROM messages
       WHERE queue_id = $1 AND id > $2 ORDER BY id LIMIT ${FIFO_PAGE}`,
      [queue.id, after],
    );
    if (line.add(rows, FIFO_PAGE)) break;
    after = rows[rows.length - 1]!.id;
  }
  const ids: number[] = [];
  for (const c of line.candidates()) {
    if (ids.length >= max) break;
    if (await keep(c)) ids.push(c.id);
  }
  if (ids.length === 0) return [];
  const full = await tx.query<MessageRow>(
    `SELECT ${projection.columns} FROM messages WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  const byId = new Map(full.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

import { validateReceiveParams } from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { FifoLine, type FifoRow } from '../shared/fifo-line.ts';
import { type MessageRow, Projection } from '../shared/projection.ts';
import type { Waiters } from '../shared/waiters.ts';
import type { ReceiveOptions } from '../types.ts';
import type { Claimed, ClaimItem } from './batches.ts';
import type { PgContext } from './context.ts';
import { moveToDeadLetterQueue } from './dlq.ts';
import type { Tx } from './pool.ts';
import { byUrl, hotByUrl, type QueueRecord } from './registry.ts';

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
    (await claimAtOnce(ctx, input, options.signal, waiters)) ??
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

/** How many of a queue's oldest messages an empty receive reads to find its next wake-up. */
const NEXT_WAKE_WINDOW = 4096;

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
    // The next wake-up among the oldest messages only (bounded cost; no index holds visible_at):
    // a later message's return is found by the waiters' fallback poll (at most a second late).
    const [next] = await tx.query<{ at: number | null }>(
      `SELECT min(visible_at) AS at FROM (
         SELECT visible_at FROM messages WHERE queue_id = $1 ORDER BY id LIMIT ${NEXT_WAKE_WINDOW}) head
       WHERE visible_at > $2`,
      [queue.id, now],
    );
    if (next?.at != null) out.nextVisibleAt = Number(next.at);
  }
  return out;
}

/**
 * The common case, gathered: a standard queue without a redrive policy, with
 * visible messages. The receives of a queue waiting at the same time, with
 * the same visibility timeout, share one statement (batches.ts, claimBatch).
 * Undefined when the full attempt must run instead: FIFO, redrive, or nothing
 * to take (the full attempt then sweeps what expired and finds the next
 * wake-up).
 */
async function claimAtOnce(
  ctx: PgContext,
  input: T.ReceiveMessageInput,
  signal: AbortSignal | undefined,
  waiters: Waiters,
): Promise<Attempt | undefined> {
  const queue = await hotByUrl(ctx, input.QueueUrl);
  const version = waiters.version(queue.id);
  if (signal?.aborted) return { queue, messages: [], version };
  if (queue.settings.fifo || queue.settings.redrive) return undefined;
  const projection = new Projection(input);
  const visibilitySeconds = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  const max = input.MaxNumberOfMessages ?? 1;
  const { rows, now } = await ctx.batches.claim.submit(
    `${queue.id}/${visibilitySeconds}/${projection.columns}`,
    { q: queue, max, visibilitySeconds, projection, signal },
    max,
  );
  if (rows.length === 0) return undefined;
  ctx.activity.received(queue.id, rows.length, firstWaits(rows, now, 1));
  return { queue, version, messages: rows.map((row) => projection.toMessage(ctx, queue, row)) };
}

/**
 * The gathered claim of one queue's receives (batches.ts): picks (SKIP LOCKED)
 * and claims the oldest visible unexpired messages for all of them in one
 * UPDATE, then hands them out in send order, each receiver its MaxNumber.
 * On the light pool: a claim lost in a crash of PostgreSQL only makes its
 * messages receivable again at once.
 */
export function claimBatch(ctx: PgContext) {
  return (items: ClaimItem[]): Promise<Claimed[]> => {
    const now = ctx.clock.now();
    // A receiver that gave up before its turn takes nothing.
    const live = items.map((i) => !i.signal?.aborted);
    const total = items.reduce((n, i, k) => n + (live[k] ? i.max : 0), 0);
    if (total === 0) return Promise.resolve(items.map(() => ({ rows: [], now })));
    const { q, projection, visibilitySeconds } = items[0]!;
    return ctx.runLight(async (tx) => {
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
        [q.id, now, now - q.settings.messageRetentionPeriod * 1000, total, now + visibilitySeconds * 1000],
        `sluice_claim_${projection.columns.length}`,
      );
      rows.sort((a, b) => a.id - b.id);
      let at = 0;
      return items.map((i, k) => {
        if (!live[k]) return { rows: [], now };
        const mine = rows.slice(at, at + i.max);
        at += i.max;
        return { rows: mine, now };
      });
    }, true);
  };
}

/** The send → receive waits of the rows received for the first time (receive_count `first` as read). */
function firstWaits(rows: MessageRow[], now: number, first: number): number[] {
  const waits: number[] = [];
  for (const row of rows) if (row.receive_count === first) waits.push(now - row.sent_at);
  return waits;
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
  // Counted for the queue history once committed; first receives add their send → receive wait.
  const waits = firstWaits(rows, now, 0);
  tx.afterCommit(() => ctx.activity.received(queue.id, rows.length, waits));
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

import { errors } from '../../sqs/errors.ts';
import { parseQueueArn, parseQueueUrl } from '../../sqs/names.ts';
import { queueSettings } from '../../sqs/queue-attributes.ts';
import {
  type QueueRow,
  queueRecordOf,
  type QueueRecord as SqliteQueueRecord,
} from '../sqlite/queue-registry.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';

/** A queue as the store works with it (the SQLite store's shape, without its per-queue table). */
export type QueueRecord = Omit<SqliteQueueRecord, 'table'>;

/**
 * Queue lookups. Reads that answer about a queue (attributes, tags, counts)
 * and every change read the database: another server may have changed or
 * deleted the queue a moment ago, and what it says must agree on every
 * server. The message hot paths (send, receive, delete, visibility) look
 * their queue up in a short-lived cache instead (`hotByUrl`, QueueCache).
 */
export function recordOf(ctx: PgContext, row: QueueRow): QueueRecord {
  return queueRecordOf(row, ctx.identity.accountId, urlOf(ctx, row.name));
}

export const urlOf = (ctx: PgContext, name: string): string =>
  `${ctx.identity.baseUrl}/${ctx.identity.accountId}/${name}`;

/** `FOR UPDATE` locks the queue's row for the transaction (sends to a FIFO queue, attribute changes). */
export async function byName(
  ctx: PgContext,
  tx: Tx,
  name: string,
  region = ctx.identity.region,
  lock = false,
): Promise<QueueRecord | undefined> {
  const rows = await tx.query<QueueRow>(
    `SELECT * FROM queues WHERE region = $1 AND name = $2${lock ? ' FOR UPDATE' : ''}`,
    [region, name],
    `sluice_queue${lock ? '_lock' : ''}`,
  );
  return rows[0] && recordOf(ctx, rows[0]);
}

/** The queue a QueueUrl (or a bare queue name) names in this region; NonExistentQueue if none. */
export async function byUrl(ctx: PgContext, tx: Tx, url: unknown, lock = false): Promise<QueueRecord> {
  if (typeof url !== 'string' || url === '') throw errors.missingParameter('QueueUrl');
  const q = await byName(ctx, tx, parseQueueUrl(url, ctx.identity.accountId).name, undefined, lock);
  if (!q) throw errors.queueDoesNotExist();
  return q;
}

/**
 * The queue of a message hot path (send, receive, delete, change visibility),
 * from the store's QueueCache when it holds it: one query less per request.
 * A change on another server reaches the cache within its NOTIFY's delay
 * (milliseconds; at most the cache's lifetime if that is lost), as Amazon SQS
 * says a change of attributes takes a while to reach every request. Records
 * from here are shared: never change them.
 */
export async function hotByUrl(ctx: PgContext, url: unknown): Promise<QueueRecord> {
  if (typeof url !== 'string' || url === '') throw errors.missingParameter('QueueUrl');
  const key = `${ctx.identity.region}\u0000${url}`;
  const cached = ctx.queueCache.get(key);
  if (cached) return cached;
  const generation = ctx.queueCache.generation;
  const q = await ctx.run((tx) => byUrl(ctx, tx, url), true);
  ctx.queueCache.set(key, q, generation);
  return q;
}

/** Tells every server (and this one, once committed) that a queue changed or is gone: their caches drop it. */
export async function queueChanged(ctx: PgContext, tx: Tx): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [ctx.channel, QUEUE_CHANGED]);
  tx.afterCommit(() => ctx.queueCache.clear());
}

/** The NOTIFY payload of a queue change (a queue id is a number). */
export const QUEUE_CHANGED = 'changed';

/**
 * The hot paths' queues by region and URL, each for at most `ttlMs` (real
 * time). Cleared whole on any queue change (rare) from any server, and when
 * the store's LISTEN connection comes back (changes may have been missed).
 * `generation` keeps a lookup that raced a change from caching what it read.
 */
export class QueueCache {
  readonly #entries = new Map<string, { q: QueueRecord; until: number }>();
  generation = 0;

  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: string): QueueRecord | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.until > this.now()) return e.q;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, q: QueueRecord, generation: number): void {
    if (generation === this.generation) this.#entries.set(key, { q, until: this.now() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.#entries.clear();
  }
}

/** ARNs name their region themselves: a queue of any region. */
export async function byArn(ctx: PgContext, tx: Tx, arn: string): Promise<QueueRecord | undefined> {
  const parsed = parseQueueArn(arn);
  if (!parsed || parsed.accountId !== ctx.identity.accountId) return undefined;
  return byName(ctx, tx, parsed.name, parsed.region);
}

export async function byId(ctx: PgContext, tx: Tx, id: number): Promise<QueueRecord | undefined> {
  const rows = await tx.query<QueueRow>('SELECT * FROM queues WHERE id = $1', [id]);
  return rows[0] && recordOf(ctx, rows[0]);
}

/** A region's queues (this view's unless given), by name. */
export async function allQueues(
  ctx: PgContext,
  tx: Tx,
  region = ctx.identity.region,
): Promise<QueueRecord[]> {
  const rows = await tx.query<QueueRow>('SELECT * FROM queues WHERE region = $1 ORDER BY name COLLATE "C"', [
    region,
  ]);
  return rows.map((r) => recordOf(ctx, r));
}

export async function insertQueue(
  ctx: PgContext,
  tx: Tx,
  name: string,
  attributes: Record<string, string>,
  tags: Record<string, string>,
  now: number,
): Promise<QueueRecord> {
  const rows = await tx.query<QueueRow>(
    `INSERT INTO queues (region, name, attributes, tags, permissions, created_at, modified_at)
     VALUES ($1, $2, $3, $4, '{}', $5, $5) RETURNING *`,
    [ctx.identity.region, name, JSON.stringify(attributes), JSON.stringify(tags), now],
  );
  return recordOf(ctx, rows[0]!);
}

/** Writes the mutable parts of `q` (already changed by the caller) and refreshes derived fields. */
export async function saveQueue(ctx: PgContext, tx: Tx, q: QueueRecord): Promise<void> {
  await queueChanged(ctx, tx);
  await tx.query(
    'UPDATE queues SET attributes = $1, tags = $2, permissions = $3, modified_at = $4, last_purge_at = $5 WHERE id = $6',
    [
      JSON.stringify(q.attributes),
      JSON.stringify(q.tags),
      JSON.stringify(q.permissions),
      q.modifiedAt,
      q.lastPurgeAt,
      q.id,
    ],
  );
  q.settings = queueSettings(q.attributes);
}

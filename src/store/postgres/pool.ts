import pg from 'pg';
import { errors, isSqsError } from '../../sqs/errors.ts';
import type { PgSettings } from './settings.ts';

/** int8 (counts, epoch ms, ids) as numbers: every value the store keeps fits in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The client config every connection of the store uses (the pools' and the
 * listener's). `waitForDisk: false`: its commits return before PostgreSQL has
 * flushed them (synchronous_commit off), for the statements whose loss in a
 * crash of PostgreSQL only means a message is delivered again — receives and
 * deletes, as the SQLite store commits them without an fsync. Such a commit is
 * on disk within PostgreSQL's WAL writer delay (at most 3 × wal_writer_delay),
 * and at the next commit that waits, whichever comes first.
 */
export function clientConfig(s: PgSettings, waitForDisk = true): pg.ClientConfig {
  return {
    connectionString: s.connectionString,
    connectionTimeoutMillis: s.connectTimeoutMs,
    statement_timeout: s.statementTimeoutMs,
    // Client-side too: a database that stops answering (no RST) must not hold a request forever.
    query_timeout: s.statementTimeoutMs + 2000,
    idle_in_transaction_session_timeout: s.statementTimeoutMs * 2,
    // Without sorts the planner takes receive's ordered index scan (messages_order) even when the
    // table's statistics are stale, as a queue table's always are (every row lives minutes): with a
    // fresh table's estimates it would read every visible message of the queue and sort them.
    // Queries that need a sort (listing queues, grouping dead letters) still get one.
    options: `-c search_path=${s.schema} -c enable_sort=off${waitForDisk ? '' : ' -c synchronous_commit=off'}`,
    keepAlive: true,
    types,
    application_name: 'sluice',
  };
}

/** The store's pools: `durable` for everything whose commit is an acknowledgement, `light` for receives and deletes. */
export function openPool(s: PgSettings, kind: 'durable' | 'light' = 'durable'): pg.Pool {
  const durable = kind === 'durable';
  const max = durable ? s.poolSize : lightPoolSize(s.poolSize);
  const pool = new pg.Pool({ ...clientConfig(s, durable), max, idleTimeoutMillis: 30_000 });
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool; nothing to do but not crash.
  pool.on('error', () => {});
  return pool;
}

/** The light pool's size: half the durable pool's, at least 2 (its statements are gathered: one per queue at a time). */
export const lightPoolSize = (poolSize: number): number => Math.max(2, Math.ceil(poolSize / 2));

/** A connection in a transaction, and the queues whose long polls it should wake once committed. */
export interface Tx {
  /**
   * `name`: a hot statement, prepared once per connection and its plan
   * cached by PostgreSQL (planning these is a good share of their cost).
   */
  query<R = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<R[]>;
  /** Marks a queue as having new receivable messages: its polls, on every server, look again after commit. */
  signal(queueId: number): void;
  /**
   * The statement just run NOTIFYed the queue itself (pg_notify in the same
   * statement: no round trip of its own); this server's polls wake after commit.
   */
  notified(queueId: number): void;
  /** Runs after a successful commit. */
  afterCommit(fn: () => void): void;
  /**
   * Starts the transaction of an operation run in autocommit mode, before its
   * first statement that must be atomic with another (a no-op otherwise).
   */
  begin(): Promise<void>;
}

/** The channel NOTIFY uses for a schema's queues; the payload is the queue id. */
export const channelOf = (schema: string) => `${schema}_queue`;

/**
 * Runs `fn` in one transaction (READ COMMITTED) on a connection of the pool.
 * Errors that mean PostgreSQL is unreachable or going away become a
 * retryable ServiceUnavailable; the connection is then discarded.
 */
export async function inTransaction<R>(
  pool: pg.Pool,
  fn: (tx: Tx) => Promise<R>,
  channel: string,
  onSignals: (queueIds: number[]) => void,
  autocommit = false,
): Promise<R> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw unavailable(e);
  }
  // A connection cut between two statements is reported as an event, not by a query: note it, never crash.
  let lost: Error | undefined;
  const onLost = (e: Error) => {
    lost = e;
  };
  client.on('error', onLost);
  const signals = new Set<number>();
  const notified = new Set<number>();
  const hooks: (() => void)[] = [];
  // Autocommit: each statement commits by itself (one round trip less at each end) until begin().
  let open = !autocommit;
  const tx: Tx = {
    query: async <T>(text: string, params?: unknown[], name?: string) =>
      (await client.query(name ? { name, text, values: params } : { text, values: params })).rows as T[],
    signal: (id) => signals.add(id),
    notified: (id) => notified.add(id),
    afterCommit: (fn) => hooks.push(fn),
    begin: async () => {
      if (open) return;
      await client.query('BEGIN');
      open = true;
    },
  };
  let broken: Error | undefined;
  try {
    if (open) await client.query('BEGIN');
    const result = await fn(tx);
    if (signals.size)
      await client.query('SELECT pg_notify($1, id::text) FROM unnest($2::bigint[]) id', [
        channel,
        [...signals],
      ]);
    if (open) await client.query('COMMIT');
    for (const id of signals) notified.add(id);
    if (notified.size) onSignals([...notified]);
    for (const hook of hooks) hook();
    return result;
  } catch (e) {
    if (isConnectionError(e) || lost) broken = (lost ?? e) as Error;
    else if (open) {
      try {
        await client.query('ROLLBACK');
      } catch (r) {
        broken = r as Error;
      }
    }
    throw isSqsError(e) ? e : isConnectionError(e) || lost ? unavailable(e) : e;
  } finally {
    client.off('error', onLost);
    client.release(broken ?? lost);
  }
}

/** SQLSTATE classes that mean "try again": connection (08), resources (53), operator intervention (57), rollbacks (40). */
const RETRYABLE_STATE = /^(08|53|57|40)/;

export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (RETRYABLE_STATE.test(code) || code.startsWith('E'))) return true;
  return /Connection terminated|connection error|timeout exceeded|Query read timeout|not queryable|Connection ended/i.test(
    e.message,
  );
}

/** The retryable 5xx a client sees while PostgreSQL is away (the AWS SDKs retry it with backoff). */
export function unavailable(e: unknown) {
  return isSqsError(e) ? e : errors.serviceUnavailable(e instanceof Error ? e.message : String(e));
}

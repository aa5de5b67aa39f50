import pg from 'pg';
import { errors, isSqsError } from '../../sqs/errors.ts';

/** How the store reaches PostgreSQL; every bound here keeps a request from hanging while the database is away. */
export interface PgConnectionOptions {
  /** `postgres://user:password@host:5432/database`; libpq's PG* environment variables fill in what it leaves out. */
  connectionString: string;
  /** Connections per server (default 10): the most statements one server runs at once. */
  poolSize?: number;
  /** A statement running longer is cancelled by PostgreSQL (default 5000 ms); the request answers ServiceUnavailable. */
  statementTimeoutMs?: number;
  /** Waiting longer for a free connection, or for PostgreSQL to accept one, fails the request (default 5000 ms). */
  connectTimeoutMs?: number;
  /** The schema of the store's tables (default `sluice`), created when missing. */
  schema?: string;
}

export interface PgSettings {
  connectionString: string;
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  schema: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The options, with `?pool=`, `?statement_timeout=` and `?schema=` read off
 * the URL (so one `--store` value says it all); options given in code win.
 * A bad value is refused naming it.
 */
export function pgSettings(options: PgConnectionOptions): PgSettings {
  let url: URL;
  try {
    url = new URL(options.connectionString);
  } catch {
    throw new Error(`--store: not a postgres:// URL: ${redact(options.connectionString)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`--store: not a postgres:// URL: ${redact(options.connectionString)}`);
  const take = (name: string): string | undefined => {
    const v = url.searchParams.get(name) ?? undefined;
    url.searchParams.delete(name);
    return v;
  };
  const int = (
    name: string,
    raw: string | undefined,
    given: number | undefined,
    fallback: number,
    max: number,
  ) => {
    const v = given ?? (raw === undefined ? fallback : Number(raw));
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new Error(`--store: ${name} must be an integer 1–${max}, got "${raw ?? given}"`);
    return v;
  };
  const pool = take('pool');
  const statement = take('statement_timeout');
  const connect = take('connect_timeout_ms');
  const schemaRaw = take('schema');
  const schema = options.schema ?? schemaRaw ?? 'sluice';
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`--store: schema must be a lower-case SQL name, got "${schema}"`);
  return {
    connectionString: url.toString(),
    poolSize: int('pool', pool, options.poolSize, 10, 1000),
    statementTimeoutMs: int('statement_timeout', statement, options.statementTimeoutMs, 5000, 3_600_000),
    connectTimeoutMs: int('connect_timeout_ms', connect, options.connectTimeoutMs, 5000, 600_000),
    schema,
  };
}

/** The URL without its password, for messages and logs. */
export function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/** int8 (counts, epoch ms, ids) as numbers: every value the store keeps fits in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The client config every connection of the store uses (the pool's and the listener's). */
export function clientConfig(s: PgSettings): pg.ClientConfig {
  return {
    connectionString: s.connectionString,
    connectionTimeoutMillis: s.connectTimeoutMs,
    statement_timeout: s.statementTimeoutMs,
    // Client-side too: a database that stops answering (no RST) must not hold a request forever.
    query_timeout: s.statementTimeoutMs + 2000,
    idle_in_transaction_session_timeout: s.statementTimeoutMs * 2,
    options: `-c search_path=${s.schema}`,
    keepAlive: true,
    types,
    application_name: 'sluice',
  };
}

export function openPool(s: PgSettings): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(s), max: s.poolSize, idleTimeoutMillis: 30_000 });
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool; nothing to do but not crash.
  pool.on('error', () => {});
  return pool;
}

/** A connection in a transaction, and the queues whose long polls it should wake once committed. */
export interface Tx {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Marks a queue as having new receivable messages: its polls, on every server, look again after commit. */
  signal(queueId: number): void;
  /** Runs after a successful commit. */
  afterCommit(fn: () => void): void;
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
  const hooks: (() => void)[] = [];
  const tx: Tx = {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
    signal: (id) => signals.add(id),
    afterCommit: (fn) => hooks.push(fn),
  };
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(tx);
    if (signals.size)
      await client.query('SELECT pg_notify($1, id::text) FROM unnest($2::bigint[]) id', [
        channel,
        [...signals],
      ]);
    await client.query('COMMIT');
    if (signals.size) onSignals([...signals]);
    for (const hook of hooks) hook();
    return result;
  } catch (e) {
    if (isConnectionError(e) || lost) broken = (lost ?? e) as Error;
    else {
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

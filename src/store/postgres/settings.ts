/**
 * The PostgreSQL store's connection settings, parsed once and checked (no
 * driver needed: the CLI checks `--store` before loading pg).
 */
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

/**
 * `--store URL`: where `sluice server` and `sluice dev` keep their queues
 * when not in a local SQLite file. Today one kind: `postgres://…` (several
 * servers may share the database). Pool size, statement timeout and schema
 * ride on the URL: `?pool=10&statement_timeout=5000&schema=sluice`.
 */
import type { Store, StoreIdentity } from '../../store/store.ts';

export const storeArg = {
  store: {
    type: 'string',
    description:
      'postgres://user@host:5432/db — keep queues in PostgreSQL, shared by every server given the same URL (URL parameters: pool=10, statement_timeout=5000 ms, schema=sluice)',
  },
} as const;

/** The --store value, checked (a bad URL or parameter is refused naming it); the password is never printed. */
export async function checkStoreUrl(value: string): Promise<string> {
  const { pgSettings } = await import('../../store/postgres/pool.ts');
  pgSettings({ connectionString: value });
  return value;
}

/** Opens the PostgreSQL store a --store URL names (pg is loaded only then). */
export async function openUrlStore(url: string, identity: Partial<StoreIdentity>): Promise<Store> {
  const { openPostgresStore } = await import('../../store/postgres/index.ts');
  return openPostgresStore({ connectionString: url, identity });
}

/** `PostgreSQL at postgres://user:***@host/db` for start-up lines. */
export async function describeStoreUrl(url: string): Promise<string> {
  const { redact } = await import('../../store/postgres/pool.ts');
  return `PostgreSQL at ${redact(url)}`;
}

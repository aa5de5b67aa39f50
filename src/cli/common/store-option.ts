/**
 * `--store URL`: where `sluice server` and `sluice dev` keep their queues
 * when not in a local SQLite file. Today one kind: `postgres://…` (several
 * servers may share the database). Pool size, statement timeout and schema
 * ride on the URL: `?pool=10&statement_timeout=5000&schema=sluice`.
 */
import { pgSettings, redact } from '../../store/postgres/settings.ts';
import type { Store, StoreIdentity } from '../../store/store.ts';

export const storeArg = {
  store: {
    type: 'string',
    description:
      'postgres://user@host:5432/db — keep queues in PostgreSQL, shared by every server given the same URL (URL parameters: pool=10, statement_timeout=5000 ms, schema=sluice)',
  },
} as const;

/**
 * The --store value, checked (undefined without one): a bad URL or parameter
 * is refused naming it (never printing the password), and so is --sync
 * beside it, which tunes the SQLite file and would be silently ignored.
 */
export function storeOption(args: { store?: unknown; sync?: unknown }): string | undefined {
  if (typeof args.store !== 'string') return undefined;
  pgSettings({ connectionString: args.store });
  if (args.sync !== undefined)
    throw new Error('--store and --sync exclude each other (PostgreSQL decides its own durability)');
  return args.store;
}

/** Opens the PostgreSQL store a --store URL names (the driver is loaded only then). */
export async function openUrlStore(url: string, identity: Partial<StoreIdentity>): Promise<Store> {
  const { openPostgresStore } = await import('../../store/postgres/index.ts');
  return openPostgresStore({ connectionString: url, identity });
}

/** `PostgreSQL at postgres://user:***@host/db`, for start-up lines. */
export const describeStoreUrl = (url: string): string => `PostgreSQL at ${redact(url)}`;

/**
 * A PostgreSQL database of its own per test file (CREATE DATABASE
 * sluice_test_<random>, dropped after), on the machine's server
 * (SLUICE_TEST_PG, default postgres://postgres@127.0.0.1:5432/test), and a
 * Store factory that gives every store a fresh schema in it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import type { StoreFactory } from './contract/harness.ts';
import { flush } from './contract/harness.ts';

export const ADMIN_URL = process.env.SLUICE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Waits until the store has run no transaction for a few turns of the event loop. */
export async function settled(store: PostgresStore): Promise<void> {
  for (let quiet = 0; quiet < 4; ) {
    await flush(3);
    if (store.pending > 0) {
      await store.idle();
      quiet = 0;
    } else quiet++;
  }
}

let schemas = 0;

/** Every store a schema of its own in `db` (the contract suite opens one per test). */
export function postgresFactory(db: () => TestDatabase): StoreFactory {
  return async ({ clock }) => {
    const schema = `s${process.pid}_${++schemas}`;
    const store = await openPostgresStore({ connectionString: db().url, schema, clock, poolSize: 4 });
    return {
      store,
      settle: () => settled(store),
      async cleanup() {
        try {
          await store.close();
        } catch {
          // already closed by the test
        }
      },
    };
  };
}

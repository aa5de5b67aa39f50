/** The Store factories the contract suite runs against: SQLite on a file, and SQLite in memory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import type { StoreFactory } from './contract/harness.ts';

/** Closes the store unless the test already did (a second close may throw; that is not under test here). */
async function closeQuietly(store: Store): Promise<void> {
  try {
    await store.close();
  } catch {
    // already closed by the test
  }
}

/** A fresh database file in a fresh temp dir per store; the dir is removed on cleanup. */
export const sqliteFileFactory: StoreFactory = async ({ clock }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-'));
  const store = await openSqliteStore({ path: path.join(dir, 'sluice.db'), clock });
  return {
    store,
    async cleanup() {
      await closeQuietly(store);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const sqliteMemoryFactory: StoreFactory = async ({ clock }) => {
  const store = await openSqliteStore({ path: ':memory:', clock });
  return { store, cleanup: () => closeQuietly(store) };
};

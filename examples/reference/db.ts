/**
 * The reference system's own SQLite database (cost history, anomalies, the
 * warehouse's events table): one file beside the queue store, opened lazily.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import Database from '../../src/store/sqlite/driver.ts';

export type Db = BetterSqlite3.Database;

/** Opens (creating) the database; `:memory:` for tests. */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * The raw SQLite ceiling: what a bare database does with the store's pragmas
 * and the simplest possible queue table, with none of the store's work
 * (validation, MD5s, receipt handles, attributes, group commit). Inserts go
 * 10 rows per transaction; a receive selects the 10 oldest visible rows by
 * index and deletes them in one transaction.
 *
 * The same statements run on either driver: better-sqlite3 (the store's) or
 * Node's built-in node:sqlite (where this Node has it), so the two compare
 * like for like; only the calls both share are used (prepare, run, all, exec).
 */
import { createRequire } from 'node:module';
import Database, { driverPackage } from '../../src/store/sqlite/driver.ts';
import { body, lifecycleRate, rate } from '../lib/run.ts';

/**
 * The store's connection pragmas, copied from src/store/sqlite/schema.ts (kept in step
 * by hand: the ceiling is only meaningful with the same settings).
 */
export const STORE_PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = OFF',
  'cache_size = -65536',
  'temp_store = MEMORY',
  'busy_timeout = 5000',
];

export interface PhaseResult {
  /** Messages already in the queue when the phase started. */
  queued: number;
  sendPerSec: number;
  receiveDeletePerSec: number;
  lifecyclePerSec: number;
  sendSeconds: number;
  receiveDeleteSeconds: number;
}

/** A phase's rates from its three timestamps (ms): start, sends done, receive+delete done. */
export function phaseResult(queued: number, n: number, t0: number, t1: number, t2: number): PhaseResult {
  const sendSeconds = (t1 - t0) / 1000;
  const receiveDeleteSeconds = (t2 - t1) / 1000;
  return {
    queued,
    sendPerSec: rate(n, sendSeconds),
    receiveDeletePerSec: rate(n, receiveDeleteSeconds),
    lifecyclePerSec: lifecycleRate(n, sendSeconds, receiveDeleteSeconds),
    sendSeconds,
    receiveDeleteSeconds,
  };
}

export interface RawBench {
  sqliteVersion: string;
  /** Inserts `n` more messages as fast as possible (big transactions); for pre-filling. */
  fill(n: number): number;
  /** Inserts `n` then selects+deletes `n`, both 10 per transaction; returns the rates. */
  measure(n: number, queued: number): PhaseResult;
  close(): void;
}

const QUEUE = 1;

/** What both drivers' databases can do, as the raw bench uses them. */
interface RawDb {
  exec(sql: string): void;
  prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
  close(): void;
}

export type RawDriver = 'better-sqlite3' | 'node:sqlite';

const require = createRequire(import.meta.url);

/** node:sqlite's DatabaseSync where this Node has it (22.5+; without a flag from 22.13), else undefined. */
function nodeSqlite(): (new (path: string) => RawDb) | undefined {
  const quiet = process.emitWarning;
  process.emitWarning = () => {}; // "SQLite is an experimental feature": said once in the report instead
  try {
    return (require('node:sqlite') as { DatabaseSync: new (path: string) => RawDb }).DatabaseSync;
  } catch {
    return undefined;
  } finally {
    process.emitWarning = quiet;
  }
}

/** The drivers this Node can run, with the version of each, for the report. */
export function rawDrivers(): { driver: RawDriver; label: string }[] {
  const better = require(`${driverPackage}/package.json`) as { version: string };
  const drivers: { driver: RawDriver; label: string }[] = [
    { driver: 'better-sqlite3', label: `${driverPackage} ${better.version}` },
  ];
  if (nodeSqlite())
    drivers.push({ driver: 'node:sqlite', label: `node:sqlite (Node ${process.versions.node})` });
  return drivers;
}

function openDb(path: string, driver: RawDriver): RawDb {
  if (driver === 'better-sqlite3') return new Database(path) as unknown as RawDb;
  const DatabaseSync = nodeSqlite();
  if (!DatabaseSync) throw new Error(`node:sqlite is not available on Node ${process.versions.node}`);
  return new DatabaseSync(path);
}

export function openRawBench(
  path: string,
  bodyBytes: number,
  driver: RawDriver = 'better-sqlite3',
): RawBench {
  const db = openDb(path, driver);
  for (const p of STORE_PRAGMAS) db.exec(`PRAGMA ${p}`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS messages (
      id INTEGER PRIMARY KEY,
      queue INTEGER NOT NULL,
      body TEXT NOT NULL,
      visible_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at);
  `);
  const insert = db.prepare('INSERT INTO messages (queue, body, visible_at) VALUES (?, ?, ?)');
  const select = db.prepare(
    'SELECT id FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at LIMIT 10',
  );
  const remove = db.prepare('DELETE FROM messages WHERE id = ?');
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  // What better-sqlite3's db.transaction() does, written out so both drivers run the same statements.
  const transaction =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      begin.run();
      try {
        const result = fn(...args);
        commit.run();
        return result;
      } catch (e) {
        rollback.run();
        throw e;
      }
    };
  let seq = 0;

  const insertMany = transaction((count: number) => {
    const now = Date.now();
    for (let i = 0; i < count; i++) insert.run(QUEUE, body(seq++, bodyBytes), now);
  });
  const takeTen = transaction((): number => {
    const rows = select.all(QUEUE, Date.now()) as { id: number }[];
    for (const { id } of rows) remove.run(id);
    return rows.length;
  });

  const sendTens = (n: number): void => {
    for (let done = 0; done < n; done += 10) insertMany(10);
  };
  const receiveTens = (n: number): void => {
    let done = 0;
    while (done < n) {
      const got = takeTen();
      if (got === 0) throw new Error(`raw queue ran dry after ${done} of ${n}`);
      done += got;
    }
  };

  return {
    sqliteVersion: (db.prepare('SELECT sqlite_version() AS v').all()[0] as { v: string }).v,
    fill(n) {
      const start = performance.now();
      for (let done = 0; done < n; done += 10_000) insertMany(Math.min(10_000, n - done));
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return (performance.now() - start) / 1000;
    },
    measure(n, queued) {
      const t0 = performance.now();
      sendTens(n);
      const t1 = performance.now();
      receiveTens(n);
      return phaseResult(queued, n, t0, t1, performance.now());
    },
    close() {
      db.close();
    },
  };
}

/**
 * The raw SQLite ceiling: what a bare better-sqlite3 database does with the
 * store's pragmas and the simplest possible queue table, with none of the
 * store's work (validation, MD5s, receipt handles, attributes, group commit).
 * Inserts go 10 rows per transaction; a receive selects the 10 oldest visible
 * rows by index and deletes them in one transaction.
 */
import Database from '../../src/store/sqlite/driver.ts';
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

export function openRawBench(path: string, bodyBytes: number): RawBench {
  const db = new Database(path);
  for (const p of STORE_PRAGMAS) db.pragma(p);
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
  const select = db
    .prepare('SELECT id FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at LIMIT 10')
    .pluck();
  const remove = db.prepare('DELETE FROM messages WHERE id = ?');
  let seq = 0;

  const insertMany = db.transaction((count: number) => {
    const now = Date.now();
    for (let i = 0; i < count; i++) insert.run(QUEUE, body(seq++, bodyBytes), now);
  });
  const takeTen = db.transaction((): number => {
    const ids = select.all(QUEUE, Date.now()) as number[];
    for (const id of ids) remove.run(id);
    return ids.length;
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
    sqliteVersion: (db.prepare('SELECT sqlite_version()').pluck().get() as string) ?? 'unknown',
    fill(n) {
      const start = performance.now();
      for (let done = 0; done < n; done += 10_000) insertMany(Math.min(10_000, n - done));
      db.pragma('wal_checkpoint(TRUNCATE)');
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

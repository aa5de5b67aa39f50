import type { Database } from 'better-sqlite3';
import { prepareOperatorTables } from './operator-schema.ts';

/**
 * The on-disk layout. Each queue's messages live in a table of their own,
 * `q_<queueId>`, whose rowid order is the queue's send order; its one index,
 * (visible_at), is the access path of receive. So every hot query is a range
 * scan of one small B-tree:
 *  - receive (standard) takes the first rows of the ready index with
 *    visible_at <= now; visible and not-visible counts are ranges of it;
 *  - the oldest message, the retention sweep and FIFO receive walk the table
 *    in rowid order, with no second index to keep up on every send and delete;
 *  - purging or deleting a queue drops or empties one table.
 * Retention is `sent_at` + the queue's current MessageRetentionPeriod, so a
 * change of the period applies to messages already queued, as in SQS; since
 * sent_at grows with the rowid, expired messages are a prefix of the table.
 * `receive_count` doubles as the receipt nonce: a handle names the receive it
 * came from, so every receive hands out a handle of its own.
 * A queue is named by its region and name, as in SQS: each region is a
 * namespace of its own.
 */
export const SCHEMA_VERSION = 3;

const QUEUES = `
CREATE TABLE IF NOT EXISTS queues (
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  permissions TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  last_purge_at INTEGER,
  sequence INTEGER NOT NULL DEFAULT 0,
  UNIQUE (region, name)
);
CREATE TABLE IF NOT EXISTS deleted_queues (
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (region, name)
) WITHOUT ROWID;
`;

const DDL = `${QUEUES}
CREATE TABLE IF NOT EXISTS dedup (
  queue_id INTEGER NOT NULL,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT,
  PRIMARY KEY (queue_id, scope, dedup_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS move_tasks (
  handle TEXT PRIMARY KEY,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL,
  moved INTEGER NOT NULL DEFAULT 0,
  to_move INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT,
  started_at INTEGER NOT NULL
);
`;

/** The table holding queue `queueId`'s messages. */
export const messageTable = (queueId: number): string => `q_${queueId}`;

/** Creates the message table of a new queue (inside the creating transaction). */
export function createMessageTable(db: Database, queueId: number): void {
  const t = messageTable(queueId);
  db.exec(`
    CREATE TABLE ${t} (
      id INTEGER PRIMARY KEY,
      visible_at INTEGER NOT NULL,
      receive_count INTEGER NOT NULL DEFAULT 0,
      message_id TEXT NOT NULL,
      body TEXT NOT NULL,
      md5_body TEXT NOT NULL,
      attributes TEXT,
      md5_attributes TEXT,
      system_attributes TEXT,
      sent_at INTEGER NOT NULL,
      first_receive_at INTEGER,
      group_id TEXT,
      dedup_id TEXT,
      sequence_number TEXT,
      dlq_source_arn TEXT
    );
    CREATE INDEX ${t}_ready ON ${t} (visible_at);
  `);
}

export function dropMessageTable(db: Database, queueId: number): void {
  db.exec(`DROP TABLE IF EXISTS ${messageTable(queueId)}`);
}

/**
 * How hard a commit is pushed to disk (WAL mode). `FULL`: the WAL is fsynced at
 * every commit that holds a send or a queue change, so an acknowledged send
 * survives a power loss or an OS crash (receives, deletes and visibility
 * changes skip it: losing one only redelivers a message; committer.ts).
 * `NORMAL`: fsync only at checkpoints; a commit survives the process being
 * killed, but the last commits before a power loss or OS crash may be lost.
 */
export type Synchronous = 'NORMAL' | 'FULL';

/** What a broker's acknowledgement should mean: the change survives the machine losing power. */
export const DEFAULT_SYNCHRONOUS: Synchronous = 'FULL';

/** `PRAGMA synchronous`'s numeric answer, by name. */
const SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/** The level a connection actually runs at, read back from SQLite. */
export function readSynchronous(db: Database): (typeof SYNCHRONOUS_LEVELS)[number] | undefined {
  return SYNCHRONOUS_LEVELS[Number(db.pragma('synchronous', { simple: true }))];
}

/**
 * Steps that bring a database from version N (the key) to N + 1. They run in
 * one transaction with the version update, so a database is at one version or
 * the next, never between.
 */
const MIGRATIONS: Record<number, (db: Database, defaultRegion: string) => void> = {
  // 2 → 3: queues became per region. Every existing queue belongs to the store's default region,
  // the one unsigned requests and in-process callers see, so nothing changes for them.
  2: (db, defaultRegion) => {
    db.exec(
      'ALTER TABLE queues RENAME TO queues_v2; ALTER TABLE deleted_queues RENAME TO deleted_queues_v2;',
    );
    db.exec(QUEUES);
    db.prepare(
      `INSERT INTO queues (id, region, name, attributes, tags, permissions, created_at, modified_at, last_purge_at, sequence)
       SELECT id, ?, name, attributes, tags, permissions, created_at, modified_at, last_purge_at, sequence FROM queues_v2`,
    ).run(defaultRegion);
    db.prepare(
      'INSERT INTO deleted_queues (region, name, deleted_at) SELECT ?, name, deleted_at FROM deleted_queues_v2',
    ).run(defaultRegion);
    db.exec('DROP TABLE queues_v2; DROP TABLE deleted_queues_v2;');
  },
};

/**
 * Pragmas and tables, migrating an older database forward. WAL with the
 * given `synchronous` (see Synchronous).
 * `defaultRegion` is the region queues of a database from before regions belong to.
 */
export function prepareDatabase(db: Database, synchronous: Synchronous, defaultRegion: string): void {
  const memory = db.memory;
  // One store holds the file (file-lock.ts), so the connection keeps SQLite's locks for its life
  // instead of taking and dropping them (fcntl calls) around every transaction, and the WAL index
  // lives in the heap, not in a shared-memory file. Set before the first WAL access, as SQLite asks.
  if (!memory) db.pragma('locking_mode = EXCLUSIVE');
  if (!memory) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  let version = row ? Number(row.value) : SCHEMA_VERSION;
  if (version !== SCHEMA_VERSION && MIGRATIONS[version] === undefined) {
    throw new Error(
      `database schema ${row?.value} is not one this sluice can use (${SCHEMA_VERSION}); start with a fresh data directory`,
    );
  }
  db.transaction(() => {
    for (; version < SCHEMA_VERSION; version++) MIGRATIONS[version]!(db, defaultRegion);
    db.exec(DDL);
    prepareOperatorTables(db);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(SCHEMA_VERSION),
    );
  })();
}

import type { Database } from 'better-sqlite3';

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
 * came from, so a handle from an earlier receive is recognisably stale.
 */
export const SCHEMA_VERSION = 2;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queues (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  permissions TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  last_purge_at INTEGER,
  sequence INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS deleted_queues (name TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL);
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

/** Pragmas and tables. WAL with the given `synchronous` (see Synchronous). */
export function prepareDatabase(db: Database, synchronous: Synchronous): void {
  const memory = db.memory;
  if (!memory) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  db.exec(DDL);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  if (!row) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  } else if (Number(row.value) !== SCHEMA_VERSION) {
    // No migrations yet: only pre-release databases have another version.
    throw new Error(
      `database schema ${row.value} is not this sluice's (${SCHEMA_VERSION}); start with a fresh data directory`,
    );
  }
}

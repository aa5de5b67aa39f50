import type { Database } from 'better-sqlite3';

/**
 * The on-disk layout. One `messages` table for every queue; the two indexes
 * are the only access paths of the hot queries, so each is a range scan:
 *  - messages_ready (queue_id, visible_at): standard receive takes the first
 *    rows with visible_at <= now; counts of visible/not-visible are ranges.
 *  - messages_order (queue_id, id): oldest message (age, retention sweep) and
 *    FIFO receive, which walks messages in send order.
 * Retention is `sent_at` + the queue's current MessageRetentionPeriod, so a
 * change of the period applies to messages already queued, as in SQS; since
 * sent_at grows with id, expired messages are a prefix of messages_order.
 * `receive_count` doubles as the receipt nonce: a handle names the receive it
 * came from, so a handle from an earlier receive is recognisably stale.
 */
export const SCHEMA_VERSION = 1;

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
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
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
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue_id, visible_at);
CREATE INDEX IF NOT EXISTS messages_order ON messages (queue_id, id);
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

export type Synchronous = 'NORMAL' | 'FULL';

/** Pragmas and tables. WAL with synchronous=NORMAL: a commit survives a process crash; FULL also power loss. */
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
  } else if (Number(row.value) > SCHEMA_VERSION) {
    throw new Error(`database schema ${row.value} is newer than this sluice (${SCHEMA_VERSION})`);
  }
}

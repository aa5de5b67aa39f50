import type pg from 'pg';

/**
 * The PostgreSQL layout, in its own schema (`sluice` unless configured). All
 * queues share one `messages` table, whose id (a sequence) is the send order
 * and is never reused; (queue_id, id) is its one index besides the primary
 * key: send order (receive's candidates, the FIFO walk, the oldest message,
 * browsing). No index holds visible_at, so a receive's claim is a HOT update
 * (see migration 3 → 4).
 * Times are epoch ms computed by the store from its clock and passed as
 * parameters, never `now()`: every server decides time the same way, and tests
 * inject a clock. `receive_count` doubles as the receipt nonce, as in SQLite.
 *
 * Versioned migrations run at start under an advisory lock, so several
 * servers starting at once migrate once; each step runs in the same
 * transaction as the version update.
 */
export const SCHEMA_VERSION = 4;

/** Steps from version N (the key) to N + 1; 0 is an empty schema. */
const MIGRATIONS: Record<number, string> = {
  0: `
CREATE TABLE queues (
  id BIGSERIAL PRIMARY KEY,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  permissions TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  last_purge_at BIGINT,
  sequence BIGINT NOT NULL DEFAULT 0,
  UNIQUE (region, name)
);
CREATE TABLE deleted_queues (
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at BIGINT NOT NULL,
  PRIMARY KEY (region, name)
);
CREATE TABLE messages (
  id BIGSERIAL PRIMARY KEY,
  queue_id BIGINT NOT NULL,
  visible_at BIGINT NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  md5_body TEXT NOT NULL,
  attributes TEXT,
  md5_attributes TEXT,
  system_attributes TEXT,
  sent_at BIGINT NOT NULL,
  first_receive_at BIGINT,
  group_id TEXT,
  dedup_id TEXT,
  sequence_number TEXT,
  dlq_source_arn TEXT
);
CREATE INDEX messages_ready ON messages (queue_id, visible_at);
CREATE INDEX messages_order ON messages (queue_id, id);
-- A queue table churns: every row is inserted, updated and deleted within minutes. Vacuum and
-- analyze it after 1% of its rows changed (PostgreSQL's default: 20% and 10%), so dead rows do
-- not pile up in the indexes receive walks and the planner knows the table's size.
ALTER TABLE messages SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000, autovacuum_analyze_threshold = 1000);
CREATE TABLE dedup (
  queue_id BIGINT NOT NULL,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT,
  PRIMARY KEY (queue_id, scope, dedup_id)
);
CREATE TABLE move_tasks (
  seq BIGSERIAL,
  handle TEXT PRIMARY KEY,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL,
  moved INTEGER NOT NULL DEFAULT 0,
  to_move INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT,
  started_at BIGINT NOT NULL,
  filter TEXT,
  next_tick_at BIGINT
);
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  queue TEXT,
  count INTEGER,
  detail TEXT
);
`,
  // 1 → 2: the dashboard's queue history (the SQLite store's queue_history; see sqlite/history.ts).
  1: `
CREATE TABLE queue_history (
  queue TEXT NOT NULL,
  bucket_ms INTEGER NOT NULL,
  at BIGINT NOT NULL,
  visible INTEGER NOT NULL,
  in_flight INTEGER NOT NULL,
  delayed INTEGER NOT NULL,
  oldest_age INTEGER NOT NULL,
  dlq_depth INTEGER,
  sent INTEGER NOT NULL,
  received INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  waits TEXT,
  PRIMARY KEY (queue, bucket_ms, at)
);
`,
  // 2 → 3: a move task moves only what its source held when it started (ids up to last_id).
  2: `ALTER TABLE move_tasks ADD COLUMN last_id BIGINT;`,
  // 3 → 4: receives and visibility changes update visible_at; while an index holds it, every such
  // update writes a new entry into each of the table's indexes. Without it, and with room left on
  // each page (fillfactor), they are HOT updates: the row changes in place, no index is touched.
  // Receive walks send order (messages_order) anyway; counts read every row of the queue anyway.
  3: `
DROP INDEX messages_ready;
ALTER TABLE messages SET (fillfactor = 50);
`,
};

/** Any constant shared by every sluice: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x51_1c_e0_01;

/** Creates or migrates the schema; safe when several servers run it at once. */
export async function migrate(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
    const rows = (
      await client.query<{ value: string }>(`SELECT value FROM ${schema}.meta WHERE key = 'schema_version'`)
    ).rows;
    let version = rows[0] ? Number(rows[0].value) : 0;
    if (version > SCHEMA_VERSION)
      throw new Error(
        `PostgreSQL schema ${schema} is at version ${version}, newer than this sluice knows (${SCHEMA_VERSION}); upgrade sluice`,
      );
    for (; version < SCHEMA_VERSION; version++) {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path = ${schema}`);
        await client.query(MIGRATIONS[version]!);
        await client.query(
          `INSERT INTO ${schema}.meta (key, value) VALUES ('schema_version', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(version + 1)],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

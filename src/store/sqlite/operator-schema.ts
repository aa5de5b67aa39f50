import type { Database } from 'better-sqlite3';

/**
 * Tables of the operator's read model (src/store/operator.ts), created when
 * missing: a database written by an older sluice gains them on open, and an
 * older sluice ignores them, so they need no schema version of their own.
 *  - audit_log: who did what to which queue, how many messages, when;
 *  - move_task_filters: the filter of a move task started by moveMessages
 *    (move_tasks holds the task itself, as for StartMessageMoveTask);
 *  - move_task_bounds: the last message a move task may move, the newest in
 *    its source when it started (a task from an older sluice has none);
 *  - queue_history: each queue's sampled counts and traffic per time bucket
 *    (history.ts).
 */
const DDL = `
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  queue TEXT,
  count INTEGER,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS move_task_filters (handle TEXT PRIMARY KEY, filter TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS move_task_bounds (handle TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS queue_history (
  queue TEXT NOT NULL, -- the queue's ARN
  bucket_ms INTEGER NOT NULL,
  at INTEGER NOT NULL,
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
) WITHOUT ROWID;
`;

export function prepareOperatorTables(db: Database): void {
  db.exec(DDL);
}

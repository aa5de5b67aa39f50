import type { Database } from 'better-sqlite3';

/**
 * Tables of the operator's read model (src/store/operator.ts), created when
 * missing: a database written by an older sluice gains them on open, and an
 * older sluice ignores them, so they need no schema version of their own.
 *  - audit_log: who did what to which queue, how many messages, when;
 *  - move_task_filters: the filter of a move task started by moveMessages
 *    (move_tasks holds the task itself, as for StartMessageMoveTask).
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
`;

export function prepareOperatorTables(db: Database): void {
  db.exec(DDL);
}

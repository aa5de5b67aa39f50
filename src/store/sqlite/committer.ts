import type { Database } from 'better-sqlite3';

/**
 * Group commit: every store operation is queued here and all operations queued
 * in the same turn of the event loop run in ONE SQLite transaction, each in a
 * savepoint of its own (so one operation's error undoes only its own writes).
 * The promise of each operation settles only after the transaction committed,
 * so an acknowledged send is on disk (WAL) when its caller hears of it.
 *
 * States: IDLE (nothing queued) → SCHEDULED (ops queued, a flush is set for the
 * next macrotask) → FLUSHING (the transaction runs, synchronously) → IDLE.
 * Ops queued while FLUSHING — only possible from an after-commit hook — go to
 * the next batch. CLOSED refuses new ops.
 */

type Op = {
  run: (db: Database) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  result?: unknown;
  error?: unknown;
  failed: boolean;
};

export class Committer {
  #db: Database;
  #queue: Op[] = [];
  #scheduled = false;
  #closed = false;
  #afterCommit: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #sql: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', { run(): unknown }>;

  /** @param onRollback called when a whole batch failed to commit, so caches can re-read the database. */
  constructor(
    db: Database,
    private readonly onRollback: () => void = () => {},
  ) {
    this.#db = db;
    this.#sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      savepoint: db.prepare('SAVEPOINT op'),
      release: db.prepare('RELEASE op'),
      rollbackTo: db.prepare('ROLLBACK TO op'),
      commit: db.prepare('COMMIT'),
    };
  }

  /** Runs `fn` inside the next group transaction; resolves with its result once committed. */
  run<T>(fn: (db: Database) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject, failed: false });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Registers work to do once the current transaction has committed (e.g. waking long polls). */
  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  #flush(): void {
    this.#scheduled = false;
    const ops = this.#queue;
    this.#queue = [];
    if (ops.length === 0) {
      this.#notifyIdle();
      return;
    }
    const db = this.#db;
    const sql = this.#sql;
    try {
      sql.begin.run();
      for (const op of ops) {
        sql.savepoint.run();
        try {
          op.result = op.run(db);
          sql.release.run();
        } catch (e) {
          sql.rollbackTo.run();
          sql.release.run();
          op.error = e;
          op.failed = true;
        }
      }
      sql.commit.run();
    } catch (e) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is durable.
      if (db.inTransaction) db.exec('ROLLBACK');
      this.#afterCommit = [];
      this.onRollback();
      for (const op of ops) op.reject(e);
      this.#notifyIdle();
      return;
    }
    const hooks = this.#afterCommit;
    this.#afterCommit = [];
    for (const op of ops) {
      if (op.failed) op.reject(op.error);
      else op.resolve(op.result);
    }
    for (const hook of hooks) hook();
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#scheduled) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is queued; then refuses further operations. */
  async close(): Promise<void> {
    if (this.#queue.length > 0 || this.#scheduled) {
      await new Promise<void>((r) => this.#idleWaiters.push(r));
    }
    this.#closed = true;
  }
}

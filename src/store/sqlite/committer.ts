import type { Database } from 'better-sqlite3';

/**
 * Group commit: every store operation is queued here and all operations queued
 * in the same turn of the event loop run in ONE SQLite transaction. The
 * promise of each operation settles only after the transaction committed, so
 * an acknowledged send is on disk (WAL) when its caller hears of it.
 *
 * Every operation is atomic. Operations refuse bad input by throwing an
 * expected error (an SqsError) before they write anything, so such a failure
 * needs no undo and the batch goes on. Any other error may come after a
 * partial write: the whole batch is rolled back and each of its operations is
 * replayed in a transaction of its own, so only the faulty one fails. (This
 * replaces a savepoint per operation, which cost two statements per call.)
 *
 * Durability. With `lightCommits` (the database runs synchronous=FULL), a
 * batch made only of operations that are not `durable` — receives, deletes,
 * visibility changes: losing one to a power loss only makes a message
 * visible again, which at-least-once delivery allows — commits with
 * synchronous=NORMAL, skipping the WAL's fsync; the next durable commit's
 * fsync covers its frames too (the WAL is one file, appended in order). A
 * batch with any durable operation (a send, a queue change) is fsynced.
 *
 * States: IDLE (nothing queued) → SCHEDULED (ops queued, a flush is set for the
 * next macrotask) → FLUSHING (the transaction runs, synchronously) → IDLE.
 * Ops queued while FLUSHING — only possible from an after-commit hook — go to
 * the next batch. CLOSED refuses new ops.
 */

type Op = {
  run: (db: Database) => unknown;
  durable: boolean;
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
  #sql: Record<'begin' | 'commit' | 'rollback', { run(): unknown }>;
  readonly #lightCommits: boolean;

  /**
   * @param isExpected tells the errors that operations throw before writing (bad input).
   * @param onRollback called after a rollback, so caches can re-read the database.
   * @param lightCommits the database runs synchronous=FULL; batches of non-durable operations may skip the fsync.
   */
  constructor(
    db: Database,
    private readonly isExpected: (e: unknown) => boolean,
    private readonly onRollback: () => void = () => {},
    lightCommits = false,
  ) {
    this.#db = db;
    this.#lightCommits = lightCommits;
    this.#sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
  }

  /**
   * Runs `fn` inside the next group transaction; resolves with its result once
   * committed. `durable: false` for an operation whose loss to a power cut
   * only redelivers a message (see Durability above).
   */
  run<T>(fn: (db: Database) => T, durable = true): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, durable, resolve: resolve as (v: unknown) => void, reject, failed: false });
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
    let ops = this.#queue;
    this.#queue = [];
    // Non-durable ops ahead of a durable one (receives woken by the last commit, then new sends)
    // commit now without an fsync; the rest goes first in the next batch, so the receivers'
    // callers run before the event loop blocks on the fsync. Order is kept: two batches in a row.
    const firstDurable = this.#lightCommits ? ops.findIndex((op) => op.durable) : -1;
    if (firstDurable > 0) {
      this.#queue = ops.slice(firstDurable);
      ops = ops.slice(0, firstDurable);
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    if (ops.length > 0 && !this.#runBatch(ops)) {
      for (const op of ops) this.#runBatch([op]);
    }
    this.#notifyIdle();
  }

  /**
   * Runs ops in one transaction and settles them. Returns false, having undone
   * everything and settled nothing, when an op of a multi-op batch failed
   * unexpectedly (the caller then replays the ops one by one).
   */
  #runBatch(ops: Op[]): boolean {
    const light = this.#lightCommits && !ops.some((op) => op.durable);
    // Not prepared once: SQLite applies `PRAGMA synchronous` when the statement is compiled.
    if (light) this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.#runInTransaction(ops);
    } finally {
      if (light) this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  #runInTransaction(ops: Op[]): boolean {
    const db = this.#db;
    const sql = this.#sql;
    try {
      sql.begin.run();
      for (const op of ops) {
        op.failed = false;
        try {
          op.result = op.run(db);
        } catch (e) {
          if (!this.isExpected(e) && ops.length > 1) throw new ReplayOneByOne();
          op.error = e;
          op.failed = true;
          if (!this.isExpected(e)) throw e;
        }
      }
      sql.commit.run();
    } catch (e) {
      if (db.inTransaction) sql.rollback.run();
      this.#afterCommit = [];
      this.onRollback();
      if (e instanceof ReplayOneByOne) return false;
      // A lone op's own fault, or the commit itself failed (disk full, I/O error): nothing here is durable.
      for (const op of ops) op.reject(e);
      return true;
    }
    const hooks = this.#afterCommit;
    this.#afterCommit = [];
    for (const op of ops) {
      if (op.failed) op.reject(op.error);
      else op.resolve(op.result);
    }
    for (const hook of hooks) hook();
    return true;
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

/** Signals, inside #runBatch, that the batch must be undone and replayed op by op. */
class ReplayOneByOne extends Error {}

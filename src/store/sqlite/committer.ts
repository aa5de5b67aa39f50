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
 * Durability. With a `walSync` (a file store at `--sync full`; the database
 * itself runs synchronous=NORMAL, so COMMIT writes without an fsync), a
 * durable operation (a send, a queue change) is acknowledged only once an
 * fsync of the WAL that started after its commit has returned — off the event
 * loop (wal-sync.ts), so other requests go on meanwhile. One fsync runs at a
 * time; the operations committed while it runs wait for the next, which
 * covers them all. Operations that are not `durable` — receives, deletes,
 * visibility changes: losing one to a power loss only makes a message visible
 * again, which at-least-once delivery allows — are acknowledged at commit.
 * What a commit changed is visible to other operations at once (after-commit
 * hooks wake long polls then), before its fsync: a receiver may get a message
 * whose sender has not been answered yet.
 *
 * While an fsync runs, durable operations are not committed: they queue, and
 * commit together once it returns (what is queued before the first of them
 * commits at once). So a stream of sends commits in few transactions — as
 * when the fsync blocked the event loop — while everything else goes on.
 *
 * SYNCING (per acknowledgement): COMMITTED → WAITING (an fsync is running) →
 * SYNCING (the next fsync, carrying every waiting operation) → resolved, or
 * rejected with the fsync's error.
 *
 * Gathering (`gather`; `sluice server` asks for it). A commit's cost is
 * mostly per transaction (BEGIN, COMMIT, its WAL pages), not per operation, but
 * requests from many connections mostly arrive in turns of their own. So
 * while operations keep coming — the last commit ended less than `gather.ms`
 * ago — and waiting has paid lately, a batch waits up to `gather.ms` (a
 * timer: 1–2 ms for 1) for operations arriving in later turns. Waiting has
 * paid when the last window caught an operation from a later turn, or a batch
 * that did not wait held two or more; a window that caught none turns it off,
 * so a lone client sending one request after another, or an isolated request,
 * does not keep waiting. With a WAL sync, the durable ops that waited for an
 * fsync also wait a window before they commit, but only while durable ops
 * come less than `gather.ms` apart (a moving average of their gaps): an fsync
 * costs far more CPU than a send, and in a stream of sends most fsyncs
 * otherwise carry one request; a trickle of sends is never held.
 * Off by default: in-process callers queue their next
 * operations in the very turn the last commit settles them, where a wait
 * rarely catches anything and two such callers would keep turning it back on.
 *
 * States: IDLE (nothing queued) → SCHEDULED (ops queued, a flush is set for the
 * next macrotask, or for the end of a gathering window) → FLUSHING (the
 * transaction runs, synchronously) → IDLE. Ops queued while FLUSHING — only
 * possible from an after-commit hook — go to the next batch. CLOSED refuses
 * new ops.
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

/** How long a batch may wait for more operations (see Gathering above). */
export interface Gather {
  /** The longest wait, in milliseconds (a timer's: it lasts up to one more). */
  ms: number;
  /** Milliseconds, monotonic; the committer's own clock unless a test gives one. */
  now?: () => number;
}

export class Committer {
  #db: Database;
  #queue: Op[] = [];
  #scheduled = false;
  #closed = false;
  #afterCommit: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #sql: Record<'begin' | 'commit' | 'rollback', { run(): unknown }>;
  /** SQLite's count of rows changed on this connection: a batch that changed none needs no fsync. */
  #totalChanges: { get(): unknown };
  readonly #walSync: (() => Promise<void>) | undefined;
  /** Durable operations committed, waiting for the next fsync; and whether one runs. */
  #unsynced: Op[] = [];
  #syncing = false;
  readonly #gather: Required<Gather> | undefined;
  /** Whether waiting for more operations has paid lately (see Gathering). */
  #gathering = false;
  /** When the last batch ended, by the gather clock. */
  #lastFlush = Number.NEGATIVE_INFINITY;
  /** Set while a batch waits: how many ops had come by the end of the turn that opened the window. */
  #window: { sameTurn?: number } | undefined;
  /** When the last durable op came, and the recent gap between durable ops, by the gather clock (see Gathering). */
  #lastDurable = Number.NEGATIVE_INFINITY;
  #durableGap = Number.POSITIVE_INFINITY;

  /**
   * @param isExpected tells the errors that operations throw before writing (bad input).
   * @param onRollback called after a rollback, so caches can re-read the database.
   * @param walSync flushes the WAL to disk; durable operations are acknowledged after it (see Durability).
   * @param gather lets a batch wait briefly for more operations while they keep coming (see Gathering).
   */
  constructor(
    db: Database,
    private readonly isExpected: (e: unknown) => boolean,
    private readonly onRollback: () => void = () => {},
    walSync?: () => Promise<void>,
    gather?: Gather,
  ) {
    this.#db = db;
    this.#walSync = walSync;
    this.#gather = gather && gather.ms > 0 ? { now: () => performance.now(), ...gather } : undefined;
    this.#sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
    this.#totalChanges = db.prepare('SELECT total_changes() AS n');
  }

  /**
   * Runs `fn` inside the next group transaction; resolves with its result once
   * committed. `durable: false` for an operation whose loss to a power cut
   * only redelivers a message (see Durability above).
   */
  run<T>(fn: (db: Database) => T, durable = true): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    if (durable && this.#gather && this.#walSync) this.#noteDurable(this.#gather.now());
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, durable, resolve: resolve as (v: unknown) => void, reject, failed: false });
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.#schedule();
      }
    });
  }

  /** Registers work to do once the current transaction has committed (e.g. waking long polls). */
  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  /** The recent gap between durable ops: half the last gap, half the history; capped, so a pause is soon forgotten. */
  #noteDurable(now: number): void {
    if (Number.isFinite(this.#lastDurable)) {
      const gap = Math.min(now - this.#lastDurable, 1000);
      this.#durableGap = Number.isFinite(this.#durableGap) ? (this.#durableGap + gap) / 2 : gap;
    }
    this.#lastDurable = now;
  }

  /** Flushes at the next macrotask, or at the end of a gathering window. */
  #schedule(): void {
    const g = this.#gather;
    if (!g || !this.#gathering || g.now() - this.#lastFlush >= g.ms) {
      setImmediate(() => this.#flush());
      return;
    }
    const window: { sameTurn?: number } = {};
    this.#window = window;
    // Runs once this turn's ops are queued: the ops that come later are the ones the wait caught.
    setImmediate(() => {
      window.sameTurn = this.#queue.length;
    });
    setTimeout(() => this.#flush(), g.ms);
  }

  #flush(): void {
    this.#scheduled = false;
    let ops = this.#queue;
    this.#queue = [];
    if (this.#syncing) {
      // Durable ops wait for the fsync in flight to return before they commit: they could not be
      // answered before the next one anyway, and all of them then share one transaction (as when
      // the fsync blocked the loop) instead of each committing alone. What comes before the first
      // of them commits now; order is kept.
      const firstDurable = ops.findIndex((op) => op.durable);
      if (firstDurable >= 0) {
        this.#queue = ops.slice(firstDurable);
        ops = ops.slice(0, firstDurable);
      }
    }
    if (this.#gather) {
      const window = this.#window;
      this.#window = undefined;
      if (window) this.#gathering = ops.length > (window.sameTurn ?? ops.length);
      else if (ops.length > 1) this.#gathering = true;
    }
    if (ops.length > 0 && !this.#runBatch(ops)) {
      for (const op of ops) this.#runBatch([op]);
    }
    if (this.#gather) this.#lastFlush = this.#gather.now();
    this.#notifyIdle();
  }

  /**
   * Runs ops in one transaction and settles them. Returns false, having undone
   * everything and settled nothing, when an op of a multi-op batch failed
   * unexpectedly (the caller then replays the ops one by one).
   */
  #runBatch(ops: Op[]): boolean {
    const db = this.#db;
    const sql = this.#sql;
    let changesBefore = 0;
    try {
      sql.begin.run();
      if (this.#walSync) changesBefore = this.#changes();
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
    // Only a batch that wrote has anything to fsync (reads are durable ops too).
    const wrote = this.#walSync !== undefined && this.#changes() !== changesBefore;
    for (const op of ops) {
      if (op.failed) op.reject(op.error);
      else if (op.durable && wrote) this.#unsynced.push(op);
      else op.resolve(op.result);
    }
    if (this.#unsynced.length && !this.#syncing) this.#sync();
    for (const hook of hooks) hook();
    return true;
  }

  #changes(): number {
    return (this.#totalChanges.get() as { n: number }).n;
  }

  /** One fsync for every durable operation committed before it started (see SYNCING). */
  #sync(): void {
    const ops = this.#unsynced;
    this.#unsynced = [];
    this.#syncing = true;
    this.#walSync!()
      .then(
        () => {
          for (const op of ops) op.resolve(op.result);
        },
        (e) => {
          // Committed, but not known to be on disk: the caller hears of it and may retry.
          for (const op of ops) op.reject(e);
        },
      )
      .finally(() => {
        this.#syncing = false;
        if (this.#unsynced.length) this.#sync();
        // What waited for this fsync commits now — the disk is idle until it does — unless durable
        // ops come faster than a gathering window: then it waits one, so that the next fsync
        // carries more of them. (A window's timer still due then flushes whatever came since.)
        if (this.#queue.length > 0) {
          this.#scheduled = true;
          const g = this.#gather;
          if (g && this.#durableGap < g.ms) setTimeout(() => this.#flush(), g.ms);
          else setImmediate(() => this.#flush());
        }
        this.#notifyIdle();
      });
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#scheduled || this.#syncing) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is queued or waiting for its fsync; then refuses further operations. */
  async close(): Promise<void> {
    if (this.#queue.length > 0 || this.#scheduled || this.#syncing) {
      await new Promise<void>((r) => this.#idleWaiters.push(r));
    }
    this.#closed = true;
  }
}

/** Signals, inside #runBatch, that the batch must be undone and replayed op by op. */
class ReplayOneByOne extends Error {}

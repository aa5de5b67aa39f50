import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../time/clock.ts';
import type { Waiters } from '../shared/waiters.ts';
import type { StoreIdentity } from '../store.ts';
import type { Activity } from './activity.ts';
import type { Committer } from './committer.ts';
import type { QueueRegistry } from './queue-registry.ts';

/** Tunables, mostly AWS's fixed windows, made configurable so tests need not wait them out. */
export interface StoreTimings {
  /** A second PurgeQueue within this window fails with PurgeQueueInProgress (AWS: 60 s). */
  purgeCooldownMs: number;
  /** A deleted queue's name cannot be reused within this window (AWS: 60 s). */
  deletedQueueCooldownMs: number;
  /** FIFO deduplication interval (AWS: 5 minutes). */
  dedupWindowMs: number;
}

/** What every action module of the SQLite store works with. */
export interface StoreContext {
  db: Database;
  committer: Committer;
  clock: Clock;
  identity: StoreIdentity;
  timings: StoreTimings;
  queues: QueueRegistry;
  waiters: Waiters;
  /** Sends, receives and deletes counted for the queue history (activity.ts). */
  activity: Activity;
  /**
   * A prepared statement, as a tagged template: ctx.sql`DELETE FROM ${q.table} WHERE id = ?`.
   * Prepared once per call site and interpolated values (table names, column
   * lists), keyed by the template's identity: no SQL text is built or hashed
   * on the hot path. Interpolate only identifiers, never data.
   */
  sql(strings: TemplateStringsArray, ...names: (string | number)[]): Statement;
  /** Drops the cached statements that name `table` (its queue was deleted). */
  forgetStatements(table: string): void;
  /** Marks a queue as having new receivable messages; its long polls wake after commit. */
  signalQueue(queueId: number): void;
}

import type { Clock } from '../../time/clock.ts';
import type { Activity } from '../sqlite/activity.ts';
import type { StoreTimings } from '../sqlite/context.ts';
import type { StoreIdentity } from '../store.ts';
import type { Batches, Run } from './batches.ts';
import type { QueueCache } from './registry.ts';

/** What every action module of the PostgreSQL store works with; queue lookups go to the database (registry.ts). */
export interface PgContext {
  clock: Clock;
  /** `identity.region` is the region this view of the store answers for. */
  identity: StoreIdentity;
  timings: StoreTimings;
  /** This server's sends, receives and deletes since its last history sample; count after commit (tx.afterCommit). */
  activity: Activity;
  /** The hot paths' queue lookups (registry.ts hotByUrl), shared by every region view. */
  queueCache: QueueCache;
  /** The NOTIFY channel of this store's schema: queue wake-ups (payload: the queue id) and queue changes. */
  channel: string;
  /** Runs a transaction (or autocommit statements) on a connection of the pool. */
  run: Run;
  /** The same on the light pool, whose commits do not wait for the disk (pool.ts): receives' claims and deletes. */
  runLight: Run;
  /** The hot paths' statements, gathered across concurrent requests (batches.ts). */
  batches: Batches;
}

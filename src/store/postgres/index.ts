import type pg from 'pg';
import type * as T from '../../sqs/types.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import type * as O from '../operator.ts';
import { Waiters } from '../shared/waiters.ts';
import { Activity } from '../sqlite/activity.ts';
import type { StoreTimings } from '../sqlite/context.ts';
import { DEFAULT_IDENTITY, type Store, type StoreIdentity } from '../store.ts';
import type { ReceiveOptions } from '../types.ts';
import * as ack from './ack.ts';
import * as audit from './audit.ts';
import { type Batches, openBatches } from './batches.ts';
import * as browse from './browse.ts';
import type { PgContext } from './context.ts';
import * as counts from './counts.ts';
import * as dlq from './dlq.ts';
import * as history from './history.ts';
import { Listener } from './listener.ts';
import { MoveTasks } from './move-tasks.ts';
import { channelOf, inTransaction, openPool, type Tx } from './pool.ts';
import * as queues from './queue-actions.ts';
import { claimBatch, receiveMessage } from './receive.ts';
import { QueueCache } from './registry.ts';
import { migrate } from './schema.ts';
import * as send from './send.ts';
import { type PgConnectionOptions, pgSettings, redact } from './settings.ts';

export type { PgConnectionOptions } from './settings.ts';

export interface PostgresStoreOptions extends PgConnectionOptions, Partial<StoreTimings> {
  clock?: Clock;
  identity?: Partial<StoreIdentity>;
  /** Real ms after which a waiting long poll looks at its queue even without a wake-up (default 1000). */
  fallbackPollMs?: number;
}

/**
 * Opens a queue store on PostgreSQL, creating or migrating its schema. Any
 * number of servers may open the same database: they share queues, messages,
 * receipt handles, deduplication and move tasks, and a send on one wakes the
 * long polls of all (LISTEN/NOTIFY). While PostgreSQL is unreachable, calls
 * fail with ServiceUnavailable (retryable) within the connect and statement
 * timeouts, and succeed again once it is back.
 *
 * @example
 * import { openPostgresStore } from 'sluice';
 * const store = await openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/app' });
 * const { QueueUrl } = await store.createQueue({ QueueName: 'jobs' });
 * await store.sendMessage({ QueueUrl, MessageBody: 'hello' });
 * await store.close();
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const settings = pgSettings(options);
  const pool = openPool(settings);
  const light = openPool(settings, 'light');
  try {
    const client = await pool.connect();
    try {
      await migrate(client, settings.schema);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => {});
    await light.end().catch(() => {});
    throw new Error(
      `cannot use PostgreSQL at ${redact(settings.connectionString)}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const waiters = new Waiters(clock, options.fallbackPollMs ?? 1000);
  const wake = (ids: number[]) => {
    for (const id of ids) waiters.bump(id);
    waiters.wakeDirty();
  };
  const channel = channelOf(settings.schema);
  const queueCache = new QueueCache();
  const listener = new Listener(
    settings,
    (id) => wake([id]),
    () => {
      queueCache.clear();
      waiters.wakeAll();
    },
    () => queueCache.clear(),
  );
  const shared: Shared = {
    pool,
    waiters,
    regions: new Map(),
    busy: 0,
    idle: [],
    run: undefined as unknown as Shared['run'],
    moveTasks: undefined as unknown as MoveTasks,
    close: undefined as unknown as Shared['close'],
  };
  const runOn =
    (on: pg.Pool): Shared['run'] =>
    async (fn, autocommit) => {
      shared.busy++;
      try {
        return await inTransaction(on, fn, channel, wake, autocommit);
      } finally {
        if (--shared.busy === 0) for (const r of shared.idle.splice(0)) r();
      }
    };
  shared.run = runOn(pool);
  const runLight = runOn(light);
  const identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const ctx: PgContext = {
    channel,
    run: shared.run,
    runLight,
    queueCache,
    batches: undefined as unknown as Batches,
    clock,
    identity,
    timings: {
      purgeCooldownMs: options.purgeCooldownMs ?? 60_000,
      deletedQueueCooldownMs: options.deletedQueueCooldownMs ?? 60_000,
      dedupWindowMs: options.dedupWindowMs ?? 300_000,
    },
    // Counted from tx.afterCommit hooks: only what committed.
    activity: new Activity({ afterCommit: (fn) => queueMicrotask(fn) }, clock.now()),
  };
  ctx.batches = openBatches({
    insert: send.insertBatch(ctx),
    claim: claimBatch(ctx),
    delete: ack.deleteBatch(ctx),
  });
  shared.moveTasks = new MoveTasks(ctx, shared.run);
  let closing: Promise<void> | undefined;
  shared.close = () =>
    (closing ??= (async () => {
      shared.moveTasks.close();
      // What was counted since the last sample survives a clean restart.
      if (ctx.activity.counted)
        await shared
          .run((tx) => history.recordHistory(ctx, tx, ctx.activity.take(clock.now())))
          .catch(() => {});
      waiters.close();
      await listener.close();
      while (shared.busy > 0) await new Promise<void>((r) => shared.idle.push(r));
      await pool.end();
      await light.end();
    })());
  try {
    await listener.start();
    await shared.moveTasks.resume();
  } catch (e) {
    await shared.close();
    throw e;
  }
  const store = new PostgresStore(ctx, shared);
  shared.regions.set(identity.region, store);
  return store;
}

/** What the region views of one store share: the pool, the long polls, the move tasks. */
interface Shared {
  pool: pg.Pool;
  waiters: Waiters;
  moveTasks: MoveTasks;
  regions: Map<string, PostgresStore>;
  /** Transactions running now, and who waits for there to be none. */
  busy: number;
  idle: (() => void)[];
  /** `autocommit`: statements commit one by one until the operation calls `tx.begin()`. */
  run<R>(fn: (tx: Tx) => Promise<R>, autocommit?: boolean): Promise<R>;
  close(): Promise<void>;
}

/** One region's view of the store (see the SQLite store's SqliteStore). */
export class PostgresStore implements Store {
  readonly #ctx: PgContext;
  readonly #shared: Shared;

  constructor(ctx: PgContext, shared: Shared) {
    this.#ctx = ctx;
    this.#shared = shared;
  }

  get region(): string {
    return this.#ctx.identity.region;
  }

  inRegion(region: string): Store {
    let view = this.#shared.regions.get(region);
    if (!view) {
      view = new PostgresStore({ ...this.#ctx, identity: { ...this.#ctx.identity, region } }, this.#shared);
      this.#shared.regions.set(region, view);
    }
    return view;
  }

  /** Transactions of this store running now (tests settle on it). */
  get pending(): number {
    return this.#shared.busy;
  }

  /** Resolves when no transaction of this store is running. */
  async idle(): Promise<void> {
    while (this.#shared.busy > 0) await new Promise<void>((r) => this.#shared.idle.push(r));
  }

  async #run<R>(fn: (ctx: PgContext, tx: Tx) => Promise<R>, autocommit = false): Promise<R> {
    await this.#shared.moveTasks.quiet();
    return this.#shared.run((tx) => fn(this.#ctx, tx), autocommit);
  }

  /** A hot path: it takes connections itself, for its queue's lookup and its gathered statement. */
  async #hot<R>(fn: (ctx: PgContext) => Promise<R>): Promise<R> {
    await this.#shared.moveTasks.quiet();
    return fn(this.#ctx);
  }

  createQueue = (i: T.CreateQueueInput) => this.#run((c, tx) => queues.createQueue(c, tx, i));
  deleteQueue = (i: T.QueueUrlInput) => this.#run((c, tx) => queues.deleteQueue(c, tx, i));
  getQueueUrl = (i: T.GetQueueUrlInput) => this.#run((c, tx) => queues.getQueueUrl(c, tx, i));
  listQueues = (i?: T.ListQueuesInput) => this.#run((c, tx) => queues.listQueues(c, tx, i));
  getQueueAttributes = (i: T.GetQueueAttributesInput) =>
    this.#run((c, tx) => counts.getQueueAttributes(c, tx, i));
  setQueueAttributes = (i: T.SetQueueAttributesInput) =>
    this.#run((c, tx) => queues.setQueueAttributes(c, tx, i));
  tagQueue = (i: T.TagQueueInput) => this.#run((c, tx) => queues.tagQueue(c, tx, i));
  untagQueue = (i: T.UntagQueueInput) => this.#run((c, tx) => queues.untagQueue(c, tx, i));
  listQueueTags = (i: T.QueueUrlInput) => this.#run((c, tx) => queues.listQueueTags(c, tx, i));
  purgeQueue = (i: T.QueueUrlInput) => this.#run((c, tx) => queues.purgeQueue(c, tx, i));
  addPermission = (i: T.AddPermissionInput) => this.#run((c, tx) => queues.addPermission(c, tx, i));
  removePermission = (i: T.RemovePermissionInput) => this.#run((c, tx) => queues.removePermission(c, tx, i));

  // The hot paths: their queue from the cache (registry.ts hotByUrl); a standard queue's sends,
  // receives and deletes gathered across concurrent requests into one statement each (batches.ts);
  // FIFO queues run a transaction of their own.
  sendMessage = (i: T.SendMessageInput) => this.#hot((c) => send.sendMessage(c, i));
  sendMessageBatch = (i: T.SendMessageBatchInput) => this.#hot((c) => send.sendMessageBatch(c, i));
  receiveMessage = (i: T.ReceiveMessageInput, o?: ReceiveOptions) =>
    receiveMessage(this.#ctx, this.#shared.run, this.#shared.waiters, i, o);
  deleteMessage = (i: T.DeleteMessageInput) => this.#hot((c) => ack.deleteMessage(c, i));
  deleteMessageBatch = (i: T.DeleteMessageBatchInput) => this.#hot((c) => ack.deleteMessageBatch(c, i));
  changeMessageVisibility = (i: T.ChangeMessageVisibilityInput) =>
    this.#hot((c) => ack.changeMessageVisibility(c, i));
  changeMessageVisibilityBatch = (i: T.ChangeMessageVisibilityBatchInput) =>
    this.#hot((c) => ack.changeMessageVisibilityBatch(c, i));

  listDeadLetterSourceQueues = (i: T.ListDeadLetterSourceQueuesInput) =>
    this.#run((c, tx) => dlq.listDeadLetterSourceQueues(c, tx, i));
  startMessageMoveTask = (i: T.StartMessageMoveTaskInput) =>
    this.#run((c, tx) => this.#shared.moveTasks.start(c, tx, i));
  cancelMessageMoveTask = (i: T.CancelMessageMoveTaskInput) =>
    this.#run((c, tx) => this.#shared.moveTasks.cancel(c, tx, i));
  listMessageMoveTasks = async (i: T.ListMessageMoveTasksInput) => {
    await this.#shared.moveTasks.catchUp(i.SourceArn);
    return this.#run((c, tx) => this.#shared.moveTasks.list(c, tx, i));
  };

  stats = (prefix?: string) => this.#run((c, tx) => counts.stats(c, tx, prefix));
  browseMessages = (i: O.BrowseInput) => this.#run((c, tx) => browse.browseMessages(c, tx, i));
  countMessages = (i: { QueueUrl: string; filter?: O.MessageFilter }) =>
    this.#run((c, tx) => browse.countMessages(c, tx, i));
  deadLetterGroups = (i: { QueueUrl: string }) => this.#run((c, tx) => browse.deadLetterGroups(c, tx, i));
  moveMessages = (i: O.MoveMessagesInput) =>
    this.#run((c, tx) => this.#shared.moveTasks.startFiltered(c, tx, i));
  deleteMessages = (i: { QueueUrl: string; filter?: O.MessageFilter }) =>
    this.#run((c, tx) => browse.deleteMessages(c, tx, i));
  appendAudit = (i: O.AuditInput) => this.#run((c, tx) => audit.appendAudit(c, tx, i));
  listAudit = (i?: O.AuditListInput) => this.#run((c, tx) => audit.listAudit(c, tx, i));

  recordHistory = () => this.#run((c, tx) => history.recordHistory(c, tx, c.activity.take(c.clock.now())));
  history = (i: O.HistoryInput) => this.#run((c, tx) => history.history(c, tx, i));
  activity = (prefix?: string) => this.#run((c, tx) => history.activity(c, tx, c.activity, prefix));

  /** Closes the whole store: every region's view, the pool and the listener. */
  close(): Promise<void> {
    return this.#shared.close();
  }
}

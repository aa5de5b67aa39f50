import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { isSqsError } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import type * as O from '../operator.ts';
import { Waiters } from '../shared/waiters.ts';
import { DEFAULT_IDENTITY, type Store, type StoreIdentity } from '../store.ts';
import type { ReceiveOptions } from '../types.ts';
import * as ack from './ack.ts';
import { Activity } from './activity.ts';
import * as audit from './audit.ts';
import * as browse from './browse.ts';
import { Committer } from './committer.ts';
import type { StoreContext, StoreTimings } from './context.ts';
import * as counts from './counts.ts';
import * as dlq from './dlq.ts';
import Database from './driver.ts';
import { lockDatabaseFile } from './file-lock.ts';
import { fsReason } from './fs-reason.ts';
import * as history from './history.ts';
import { MoveTasks } from './move-tasks.ts';
import * as queues from './queue-actions.ts';
import { QueueRegistry } from './queue-registry.ts';
import { receiveMessage } from './receive.ts';
import { DEFAULT_SYNCHRONOUS, prepareDatabase, readSynchronous, type Synchronous } from './schema.ts';
import * as send from './send.ts';
import { WalSync } from './wal-sync.ts';

export interface SqliteStoreOptions extends Partial<StoreTimings> {
  /** Database file, or `':memory:'` for a store that lives as long as the process (tests). */
  path: string;
  /** `FULL` (default): an acknowledged send survives a power loss or an OS crash (an fsync per group commit of sends). `NORMAL`: a process crash only. */
  synchronous?: Synchronous;
  clock?: Clock;
  identity?: Partial<StoreIdentity>;
  /**
   * How long a group commit may wait for more operations while they keep coming
   * (committer.ts, Gathering): fewer, larger transactions for a little latency.
   * 0 (default): never waits. `sluice server`, whose operations come from many connections, sets 1.
   */
  gatherMs?: number;
}

/**
 * Opens (creating it and its directory if needed) a durable SQLite-backed
 * queue store. A file is held by one store at a time (file-lock.ts): a second
 * opener, in this process or another, is refused naming the holder's pid.
 *
 * @example
 * import { openSqliteStore } from 'sluice';
 * const store = openSqliteStore({ path: 'data/sluice.db' });
 * const { QueueUrl } = await store.createQueue({ QueueName: 'jobs' });
 * await store.sendMessage({ QueueUrl, MessageBody: '{"hello":"world"}' });
 * await store.close();
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const synchronous = options.synchronous ?? DEFAULT_SYNCHRONOUS;
  // FULL on a file: the connection commits at NORMAL and the committer fsyncs the WAL off the event
  // loop before it acknowledges a durable operation (wal-sync.ts), which keeps FULL's promise.
  // (A `file:` URI keeps SQLite's own FULL: its WAL's path is SQLite's to decide.)
  const offLoop = synchronous === 'FULL' && isPlainFile(options.path);
  const { db, unlock } = openDatabase(options.path, offLoop ? 'NORMAL' : synchronous, identity.region);
  const walSync = offLoop ? new WalSync(options.path) : undefined;
  const clock = options.clock ?? systemClock;
  const statements = new Map<TemplateStringsArray, Map<string, Statement>>();
  const registry = QueueRegistry.open(db, identity);
  const committer = new Committer(
    db,
    isSqsError,
    () => {
      registry.reload();
      activity.discard();
    },
    walSync && (() => walSync.sync()),
    options.gatherMs ? { ms: options.gatherMs } : undefined,
  );
  const activity = new Activity(committer, clock.now());
  const waiters = new Waiters(clock);
  const ctx: StoreContext = {
    db,
    committer,
    clock,
    identity,
    timings: {
      purgeCooldownMs: options.purgeCooldownMs ?? 60_000,
      deletedQueueCooldownMs: options.deletedQueueCooldownMs ?? 60_000,
      dedupWindowMs: options.dedupWindowMs ?? 300_000,
    },
    queues: registry,
    waiters,
    activity,
    sql(strings, ...names) {
      let bySite = statements.get(strings);
      if (!bySite) {
        bySite = new Map();
        statements.set(strings, bySite);
      }
      const key = names.length === 1 ? String(names[0]) : names.join('\u0000');
      let s = bySite.get(key);
      if (!s) {
        s = db.prepare(String.raw({ raw: strings }, ...names));
        bySite.set(key, s);
      }
      return s;
    },
    forgetStatements(table) {
      for (const bySite of statements.values()) {
        for (const key of bySite.keys()) if (key.split('\u0000').includes(table)) bySite.delete(key);
      }
    },
    signalQueue(queueId) {
      if (waiters.bump(queueId)) committer.afterCommit(() => waiters.wakeDirty());
    },
  };
  const moveTasks = new MoveTasks(ctx);
  moveTasks.resume();
  let closing: Promise<void> | undefined;
  const shared: Shared = {
    moveTasks,
    regions: new Map(),
    synchronous: () => (closing || db.memory ? undefined : walSync ? 'FULL' : readSynchronous(db)),
    close: () =>
      (closing ??= (async () => {
        moveTasks.close();
        // What was counted since the last sample survives a clean restart.
        if (activity.counted)
          await committer.run(() => history.recordHistory(ctx, activity.take(clock.now()))).catch(() => {});
        waiters.close();
        await committer.close();
        await walSync?.close();
        db.close();
        unlock();
      })()),
  };
  const store = new SqliteStore(ctx, shared);
  shared.regions.set(identity.region, store);
  return store;
}

/** What the store's region views share: one database, one committer, one set of move tasks. */
interface Shared {
  moveTasks: MoveTasks;
  /** Each region's view, made on first use. */
  regions: Map<string, SqliteStore>;
  /** The level the database runs at, read back from SQLite; undefined in memory or once closing. */
  synchronous(): ReturnType<typeof readSynchronous>;
  close(): Promise<void>;
}

/**
 * One region's view of the store: the same database, with names, URLs and new
 * queues resolved in `ctx.queues.region` (StoreContext.queues is that region's
 * registry, and `identity.region` says the same).
 */
class SqliteStore implements Store {
  readonly #ctx: StoreContext;
  readonly #shared: Shared;

  constructor(ctx: StoreContext, shared: Shared) {
    this.#ctx = ctx;
    this.#shared = shared;
  }

  get region(): string {
    return this.#ctx.queues.region;
  }

  inRegion(region: string): Store {
    let view = this.#shared.regions.get(region);
    if (!view) {
      const ctx = {
        ...this.#ctx,
        identity: { ...this.#ctx.identity, region },
        queues: this.#ctx.queues.inRegion(region),
      };
      view = new SqliteStore(ctx, this.#shared);
      this.#shared.regions.set(region, view);
    }
    return view;
  }

  /** An operation that only reads (or only sweeps what expired): nothing of it waits for an fsync. */
  #read<R>(fn: (ctx: StoreContext) => R): Promise<R> {
    return this.#run(fn, false);
  }

  /** `durable: false` for what only redelivers a message if a power cut loses it (committer.ts). */
  #run<R>(fn: (ctx: StoreContext) => R, durable = true): Promise<R> {
    return this.#ctx.committer.run(() => fn(this.#ctx), durable);
  }

  createQueue = (i: T.CreateQueueInput) => this.#run((c) => queues.createQueue(c, i));
  deleteQueue = (i: T.QueueUrlInput) => this.#run((c) => queues.deleteQueue(c, i));
  getQueueUrl = (i: T.GetQueueUrlInput) => this.#read((c) => queues.getQueueUrl(c, i));
  listQueues = (i?: T.ListQueuesInput) => this.#read((c) => queues.listQueues(c, i));
  getQueueAttributes = (i: T.GetQueueAttributesInput) => this.#read((c) => counts.getQueueAttributes(c, i));
  setQueueAttributes = (i: T.SetQueueAttributesInput) => this.#run((c) => queues.setQueueAttributes(c, i));
  tagQueue = (i: T.TagQueueInput) => this.#run((c) => queues.tagQueue(c, i));
  untagQueue = (i: T.UntagQueueInput) => this.#run((c) => queues.untagQueue(c, i));
  listQueueTags = (i: T.QueueUrlInput) => this.#read((c) => queues.listQueueTags(c, i));
  purgeQueue = (i: T.QueueUrlInput) => this.#run((c) => queues.purgeQueue(c, i));
  addPermission = (i: T.AddPermissionInput) => this.#run((c) => queues.addPermission(c, i));
  removePermission = (i: T.RemovePermissionInput) => this.#run((c) => queues.removePermission(c, i));

  sendMessage = (i: T.SendMessageInput) => this.#run((c) => send.sendMessage(c, i));
  sendMessageBatch = (i: T.SendMessageBatchInput) => this.#run((c) => send.sendMessageBatch(c, i));
  receiveMessage = (i: T.ReceiveMessageInput, o?: ReceiveOptions) => receiveMessage(this.#ctx, i, o);
  deleteMessage = (i: T.DeleteMessageInput) => this.#run((c) => ack.deleteMessage(c, i), false);
  deleteMessageBatch = (i: T.DeleteMessageBatchInput) =>
    this.#run((c) => ack.deleteMessageBatch(c, i), false);
  changeMessageVisibility = (i: T.ChangeMessageVisibilityInput) =>
    this.#run((c) => ack.changeMessageVisibility(c, i), false);
  changeMessageVisibilityBatch = (i: T.ChangeMessageVisibilityBatchInput) =>
    this.#run((c) => ack.changeMessageVisibilityBatch(c, i), false);

  listDeadLetterSourceQueues = (i: T.ListDeadLetterSourceQueuesInput) =>
    this.#read((c) => dlq.listDeadLetterSourceQueues(c, i));
  startMessageMoveTask = (i: T.StartMessageMoveTaskInput) => this.#run(() => this.#shared.moveTasks.start(i));
  cancelMessageMoveTask = (i: T.CancelMessageMoveTaskInput) =>
    this.#run(() => this.#shared.moveTasks.cancel(i));
  listMessageMoveTasks = (i: T.ListMessageMoveTasksInput) => this.#read(() => this.#shared.moveTasks.list(i));

  stats = (prefix?: string) => this.#read((c) => counts.stats(c, prefix));
  browseMessages = (i: O.BrowseInput) => this.#read((c) => browse.browseMessages(c, i));
  countMessages = (i: { QueueUrl: string; filter?: O.MessageFilter }) =>
    this.#read((c) => browse.countMessages(c, i));
  deadLetterGroups = (i: { QueueUrl: string }) => this.#read((c) => browse.deadLetterGroups(c, i));
  moveMessages = (i: O.MoveMessagesInput) => this.#run(() => this.#shared.moveTasks.startFiltered(i));
  deleteMessages = (i: { QueueUrl: string; filter?: O.MessageFilter }) =>
    this.#run((c) => browse.deleteMessages(c, i));
  appendAudit = (i: O.AuditInput) => this.#run((c) => audit.appendAudit(c, i));
  listAudit = (i?: O.AuditListInput) => this.#read((c) => audit.listAudit(c, i));
  recordHistory = () => this.#run((c) => history.recordHistory(c, c.activity.take(c.clock.now())));
  history = (i: O.HistoryInput) => this.#read((c) => history.history(c, i));
  activity = (prefix?: string) => this.#read((c) => history.activity(c, c.activity, prefix));

  /** Closes the whole store, every region's view with it. */
  synchronous = () => this.#shared.synchronous();

  close(): Promise<void> {
    return this.#shared.close();
  }
}

/** `:memory:`, `''` (a private temporary database) and `file:` URIs are not plain files to lock. */
const isPlainFile = (path: string) => path !== ':memory:' && path !== '' && !path.startsWith('file:');

/**
 * The database, locked, with its schema; every failure is one line naming
 * the path and why (SQLite itself only says "unable to open database file").
 */
function openDatabase(path: string, synchronous: Synchronous, defaultRegion: string) {
  let unlock = () => {};
  if (isPlainFile(path)) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new Error(`cannot use data directory ${dirname(path)}: ${fsReason(e)}`);
    }
    unlock = lockDatabaseFile(path);
  }
  try {
    const db = new Database(path);
    try {
      prepareDatabase(db, synchronous, defaultRegion);
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, unlock };
  } catch (e) {
    unlock();
    const why =
      isPlainFile(path) && statSync(path, { throwIfNoEntry: false })?.isDirectory() ? ': is a directory' : '';
    throw new Error(`cannot open ${path}: ${e instanceof Error ? e.message : String(e)}${why}`);
  }
}

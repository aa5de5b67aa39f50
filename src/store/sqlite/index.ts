import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { isSqsError } from '../../sqs/errors.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import { DEFAULT_IDENTITY, type Store, type StoreIdentity } from '../store.ts';
import type * as T from '../types.ts';
import * as ack from './ack.ts';
import { Committer } from './committer.ts';
import type { StoreContext, StoreTimings } from './context.ts';
import * as counts from './counts.ts';
import * as dlq from './dlq.ts';
import Database from './driver.ts';
import { lockDatabaseFile } from './file-lock.ts';
import { fsReason } from './fs-reason.ts';
import { MoveTasks } from './move-tasks.ts';
import * as queues from './queue-actions.ts';
import { QueueRegistry } from './queue-registry.ts';
import { receiveMessage } from './receive.ts';
import { DEFAULT_SYNCHRONOUS, prepareDatabase, readSynchronous, type Synchronous } from './schema.ts';
import * as send from './send.ts';
import { Waiters } from './waiters.ts';

export interface SqliteStoreOptions extends Partial<StoreTimings> {
  /** Database file, or `':memory:'` for a store that lives as long as the process (tests). */
  path: string;
  /** `FULL` (default): an acknowledged send survives a power loss or an OS crash (an fsync per group commit of sends). `NORMAL`: a process crash only. */
  synchronous?: Synchronous;
  clock?: Clock;
  identity?: Partial<StoreIdentity>;
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
  return new SqliteStore(options);
}

class SqliteStore implements Store {
  readonly #ctx: StoreContext;
  readonly #moveTasks: MoveTasks;
  #closed = false;

  readonly #unlock: () => void;

  constructor(options: SqliteStoreOptions) {
    const synchronous = options.synchronous ?? DEFAULT_SYNCHRONOUS;
    const { db, unlock } = openDatabase(options.path, synchronous);
    this.#unlock = unlock;
    const clock = options.clock ?? systemClock;
    const identity = { ...DEFAULT_IDENTITY, ...options.identity };
    const statements = new Map<TemplateStringsArray, Map<string, Statement>>();
    const registry = new QueueRegistry(db, identity);
    const committer = new Committer(
      db,
      isSqsError,
      () => registry.reload(),
      synchronous === 'FULL' && !db.memory,
    );
    const waiters = new Waiters(clock);
    this.#ctx = {
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
    this.#moveTasks = new MoveTasks(this.#ctx);
    this.#moveTasks.resume();
  }

  /** `durable: false` for what only redelivers a message if a power cut loses it (committer.ts). */
  #run<R>(fn: (ctx: StoreContext) => R, durable = true): Promise<R> {
    return this.#ctx.committer.run(() => fn(this.#ctx), durable);
  }

  createQueue = (i: T.CreateQueueInput) => this.#run((c) => queues.createQueue(c, i));
  deleteQueue = (i: T.QueueUrlInput) => this.#run((c) => queues.deleteQueue(c, i));
  getQueueUrl = (i: T.GetQueueUrlInput) => this.#run((c) => queues.getQueueUrl(c, i));
  listQueues = (i?: T.ListQueuesInput) => this.#run((c) => queues.listQueues(c, i));
  getQueueAttributes = (i: T.GetQueueAttributesInput) => this.#run((c) => counts.getQueueAttributes(c, i));
  setQueueAttributes = (i: T.SetQueueAttributesInput) => this.#run((c) => queues.setQueueAttributes(c, i));
  tagQueue = (i: T.TagQueueInput) => this.#run((c) => queues.tagQueue(c, i));
  untagQueue = (i: T.UntagQueueInput) => this.#run((c) => queues.untagQueue(c, i));
  listQueueTags = (i: T.QueueUrlInput) => this.#run((c) => queues.listQueueTags(c, i));
  purgeQueue = (i: T.QueueUrlInput) => this.#run((c) => queues.purgeQueue(c, i));
  addPermission = (i: T.AddPermissionInput) => this.#run((c) => queues.addPermission(c, i));
  removePermission = (i: T.RemovePermissionInput) => this.#run((c) => queues.removePermission(c, i));

  sendMessage = (i: T.SendMessageInput) => this.#run((c) => send.sendMessage(c, i));
  sendMessageBatch = (i: T.SendMessageBatchInput) => this.#run((c) => send.sendMessageBatch(c, i));
  receiveMessage = (i: T.ReceiveMessageInput, o?: T.ReceiveOptions) => receiveMessage(this.#ctx, i, o);
  deleteMessage = (i: T.DeleteMessageInput) => this.#run((c) => ack.deleteMessage(c, i), false);
  deleteMessageBatch = (i: T.DeleteMessageBatchInput) =>
    this.#run((c) => ack.deleteMessageBatch(c, i), false);
  changeMessageVisibility = (i: T.ChangeMessageVisibilityInput) =>
    this.#run((c) => ack.changeMessageVisibility(c, i), false);
  changeMessageVisibilityBatch = (i: T.ChangeMessageVisibilityBatchInput) =>
    this.#run((c) => ack.changeMessageVisibilityBatch(c, i), false);

  listDeadLetterSourceQueues = (i: T.ListDeadLetterSourceQueuesInput) =>
    this.#run((c) => dlq.listDeadLetterSourceQueues(c, i));
  startMessageMoveTask = (i: T.StartMessageMoveTaskInput) => this.#run(() => this.#moveTasks.start(i));
  cancelMessageMoveTask = (i: T.CancelMessageMoveTaskInput) => this.#run(() => this.#moveTasks.cancel(i));
  listMessageMoveTasks = (i: T.ListMessageMoveTasksInput) => this.#run(() => this.#moveTasks.list(i));

  stats = (prefix?: string) => this.#run((c) => counts.stats(c, prefix));

  synchronous = () => (this.#closed || this.#ctx.db.memory ? undefined : readSynchronous(this.#ctx.db));

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#moveTasks.close();
    this.#ctx.waiters.close();
    await this.#ctx.committer.close();
    this.#ctx.db.close();
    this.#unlock();
  }
}

/** `:memory:`, `''` (a private temporary database) and `file:` URIs are not plain files to lock. */
const isPlainFile = (path: string) => path !== ':memory:' && path !== '' && !path.startsWith('file:');

/**
 * The database, locked, with its schema; every failure is one line naming
 * the path and why (SQLite itself only says "unable to open database file").
 */
function openDatabase(path: string, synchronous: Synchronous) {
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
      prepareDatabase(db, synchronous);
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

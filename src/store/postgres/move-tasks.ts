import { randomUUID } from 'node:crypto';
import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import type { MessageFilter, MoveMessagesInput, MoveMessagesOutput } from '../operator.ts';
import {
  checkRate,
  handleSource,
  type TaskRow as SharedTaskRow,
  sourceNotFound,
  toTask,
} from '../shared/move-task.ts';
import { sourceName } from '../sqlite/message-filter.ts';
import type { PgContext } from './context.ts';
import { deadLetterSources, relocate } from './dlq.ts';
import { filterSql, SOURCE_SQL } from './message-filter.ts';
import type { Tx } from './pool.ts';
import { byArn, byName, byUrl } from './registry.ts';

/**
 * Message move tasks (DLQ redrive), with the SQLite store's life cycle
 * (sqlite/move-tasks.ts): RUNNING → COMPLETED | CANCELLED | FAILED, a slice
 * per tick on the store's clock. Several servers share the tasks: a tick
 * locks its task's row (`FOR UPDATE SKIP LOCKED`) and moves a slice only when
 * the task's `next_tick_at` has come, so a task runs once however many
 * servers know of it. A server learns of tasks at start and, every
 * SCAN_MS, of running ones another server started or left behind.
 */
const MOVE_SLICE = 500;
const SCAN_MS = 5000;
const CATCH_UP_MS = 10_000;

/** The PostgreSQL row also holds the filter of moveMessages' tasks (SQLite: move_task_filters). */
interface TaskRow extends SharedTaskRow {
  filter: string | null;
  /** The newest message id of the source when the task started: later arrivals wait for the next task. */
  last_id: number | null;
}

type Run = <R>(fn: (tx: Tx) => Promise<R>) => Promise<R>;

export class MoveTasks {
  #timers = new Map<string, () => void>();
  /** Ticks running now, so a read of a task can wait for them (see catchUp). */
  #inFlight = new Set<Promise<unknown>>();
  #scan: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly ctx: PgContext,
    private readonly run: Run,
  ) {}

  /** Picks up tasks left RUNNING, now and every SCAN_MS (real time). */
  async resume(): Promise<void> {
    await this.#pickUp();
    this.#scan = setInterval(() => this.#pickUp().catch(() => {}), SCAN_MS).unref();
  }

  async #pickUp(): Promise<void> {
    const rows = await this.run((tx) =>
      tx.query<{ handle: string }>("SELECT handle FROM move_tasks WHERE status = 'RUNNING'"),
    );
    for (const { handle } of rows) if (!this.#timers.has(handle)) this.#schedule(handle, 0);
  }

  async start(
    ctx: PgContext,
    tx: Tx,
    input: T.StartMessageMoveTaskInput,
  ): Promise<T.StartMessageMoveTaskOutput> {
    const source = await this.#source(ctx, tx, input.SourceArn);
    if ((await deadLetterSources(ctx, tx, source)).length === 0) {
      throw errors.invalidParameterText('Source queue must be configured as a Dead Letter Queue.');
    }
    if (input.DestinationArn !== undefined && !(await byArn(ctx, tx, input.DestinationArn))) {
      throw errors.resourceNotFound(
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      );
    }
    const rate = checkRate(input.MaxNumberOfMessagesPerSecond);
    const [row] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM messages WHERE queue_id = $1', [
      source.id,
    ]);
    return { TaskHandle: await this.#insert(ctx, tx, source, input.DestinationArn, rate, row?.n ?? 0, null) };
  }

  async startFiltered(ctx: PgContext, tx: Tx, input: MoveMessagesInput): Promise<MoveMessagesOutput> {
    const source = await byUrl(ctx, tx, input.QueueUrl);
    const destination =
      input.DestinationUrl === undefined ? undefined : (await byUrl(ctx, tx, input.DestinationUrl)).arn;
    const rate = checkRate(input.MaxNumberOfMessagesPerSecond);
    const filter = input.filter ?? {};
    const { where, params } = filterSql(ctx, filter, 2);
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*) AS n FROM messages WHERE queue_id = $1 AND ${where}`,
      [source.id, ...params],
    );
    const toMove = row?.n ?? 0;
    const handle = await this.#insert(ctx, tx, source, destination, rate, toMove, JSON.stringify(filter));
    return { TaskHandle: handle, toMove };
  }

  async #insert(
    ctx: PgContext,
    tx: Tx,
    source: { arn: string; id: number },
    destinationArn: string | undefined,
    rate: number | undefined,
    toMove: number,
    filter: string | null,
  ) {
    // One running task per source, also when two servers start one at once.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [source.arn]);
    const running = await tx.query("SELECT 1 FROM move_tasks WHERE source_arn = $1 AND status = 'RUNNING'", [
      source.arn,
    ]);
    if (running.length) throw errors.moveTaskAlreadyRunning();
    const handle = Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
      'base64',
    );
    await tx.query(
      `INSERT INTO move_tasks (handle, source_arn, destination_arn, max_per_second, status, to_move, started_at, filter, last_id)
       VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, $7,
         (SELECT coalesce(max(id), 0) FROM messages WHERE queue_id = $8))`,
      [handle, source.arn, destinationArn ?? null, rate ?? null, toMove, ctx.clock.now(), filter, source.id],
    );
    tx.afterCommit(() => this.#schedule(handle, 0));
    return handle;
  }

  async cancel(
    ctx: PgContext,
    tx: Tx,
    input: T.CancelMessageMoveTaskInput,
  ): Promise<T.CancelMessageMoveTaskOutput> {
    const sourceArn = handleSource(input.TaskHandle);
    if (!(await byArn(ctx, tx, sourceArn))) throw sourceNotFound();
    const [row] = await tx.query<TaskRow>('SELECT * FROM move_tasks WHERE handle = $1 FOR UPDATE', [
      input.TaskHandle,
    ]);
    if (row?.status !== 'RUNNING') throw errors.resourceNotFound('Task does not exist.');
    await tx.query("UPDATE move_tasks SET status = 'CANCELLED' WHERE handle = $1", [row.handle]);
    tx.afterCommit(() => {
      this.#timers.get(row.handle)?.();
      this.#timers.delete(row.handle);
    });
    return { ApproximateNumberOfMessagesMoved: row.moved };
  }

  async list(
    ctx: PgContext,
    tx: Tx,
    input: T.ListMessageMoveTasksInput,
  ): Promise<T.ListMessageMoveTasksOutput> {
    const source = await this.#source(ctx, tx, input.SourceArn);
    const max = input.MaxResults ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw errors.invalidParameter('MaxResults', max, 'You must enter a number between 1 and 10.');
    }
    const rows = await tx.query<TaskRow>(
      'SELECT * FROM move_tasks WHERE source_arn = $1 ORDER BY started_at DESC, seq DESC LIMIT $2',
      [source.arn, max],
    );
    return { Results: rows.map(toTask) };
  }

  async #source(ctx: PgContext, tx: Tx, arn: string | undefined) {
    if (!arn) throw errors.missingParameter('SourceArn');
    const source = await byArn(ctx, tx, arn);
    if (!source) throw sourceNotFound();
    return source;
  }

  close(): void {
    this.#closed = true;
    if (this.#scan) clearInterval(this.#scan);
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  #schedule(handle: string, delayMs: number): void {
    if (this.#closed) return;
    this.#timers.set(
      handle,
      this.ctx.clock.setTimer(delayMs, () => {
        this.#timers.delete(handle);
        this.#track(this.run((tx) => this.#tick(tx, handle)))
          .then((next) => {
            if (next !== undefined && !this.#timers.has(handle)) this.#schedule(handle, next);
          })
          .catch(() => {
            // PostgreSQL away or the store closing: the scan picks the task up again.
          });
      }),
    );
  }

  /**
   * Resolves when this server runs no tick: requests wait for it, so a client
   * sees what a tick that started before its request did (as it would on the
   * SQLite store, whose ticks and requests share one transaction queue).
   */
  async quiet(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  #track<R>(p: Promise<R>): Promise<R> {
    this.#inFlight.add(p);
    const done = () => this.#inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * Before a task is read: waits for this server's running ticks, then runs
   * the ticks of the source's task that are due by the store's clock, so the
   * progress read is the progress the task's rate allows by now (ticks run
   * late when the database is slow; the next one is due a tick after the
   * last one was due, not after it ran).
   */
  async catchUp(sourceArn: string | undefined): Promise<void> {
    await this.quiet();
    if (!sourceArn) return;
    for (let i = 0; i < 100; i++) {
      const [due] = await this.run((tx) =>
        tx.query<{ handle: string }>(
          `SELECT handle FROM move_tasks WHERE source_arn = $1 AND status = 'RUNNING'
           AND (next_tick_at IS NULL OR next_tick_at <= $2)`,
          [sourceArn, this.ctx.clock.now()],
        ),
      );
      if (!due) return;
      await this.#track(this.run((tx) => this.#tick(tx, due.handle)));
    }
  }

  /** Moves one slice; returns the delay before the next tick, or undefined when the task has ended. */
  async #tick(tx: Tx, handle: string): Promise<number | undefined> {
    const { ctx } = this;
    const [task] = await tx.query<TaskRow & { next_tick_at: number | null }>(
      'SELECT * FROM move_tasks WHERE handle = $1 FOR UPDATE SKIP LOCKED',
      [handle],
    );
    if (task?.status !== 'RUNNING') return task ? undefined : SCAN_MS; // locked: another server is ticking it
    const now = ctx.clock.now();
    if (task.next_tick_at != null && task.next_tick_at > now) return task.next_tick_at - now;
    const source = await byArn(ctx, tx, task.source_arn);
    const end = async (status: T.MessageMoveTask['Status'], reason: string | null = null) => {
      await tx.query('UPDATE move_tasks SET status = $1, failure_reason = $2 WHERE handle = $3', [
        status,
        reason,
        handle,
      ]);
      return undefined;
    };
    if (!source) return end('FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
    const rows = await this.#slice(tx, task, source.id, now, task.max_per_second ?? MOVE_SLICE);
    if (rows.length === 0) return end('COMPLETED');
    let moved = 0;
    for (const row of rows) {
      const target = task.destination_arn
        ? await byArn(ctx, tx, task.destination_arn)
        : row.source?.startsWith('arn:')
          ? await byArn(ctx, tx, row.source)
          : await byName(ctx, tx, sourceName(row.source) ?? '', source.region);
      if (!target) {
        await tx.query('UPDATE move_tasks SET moved = moved + $1 WHERE handle = $2', [moved, handle]);
        return end('FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      }
      await relocate(ctx, tx, source, row.id, target, 'redrive');
      moved++;
    }
    const delay = task.max_per_second ? 1000 : 0;
    // Due a tick after this one was due: a late tick does not slow the task down (at most CATCH_UP_MS is made up).
    const next = Math.max((task.next_tick_at ?? now) + delay, now - CATCH_UP_MS);
    await tx.query('UPDATE move_tasks SET moved = moved + $1, next_tick_at = $2 WHERE handle = $3', [
      moved,
      next,
      handle,
    ]);
    return Math.max(0, next - now);
  }

  async #slice(tx: Tx, task: TaskRow, queueId: number, now: number, limit: number) {
    type Row = { id: number; source: string | null };
    if (task.filter === null) {
      return tx.query<Row>(
        `SELECT id, dlq_source_arn AS source FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND id <= $4
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [queueId, now, limit, task.last_id ?? Number.MAX_SAFE_INTEGER],
      );
    }
    const { where, params } = filterSql(this.ctx, JSON.parse(task.filter) as MessageFilter, 5);
    return tx.query<Row>(
      `SELECT id, ${SOURCE_SQL} AS source FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND id <= $4
       AND ${where} ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [queueId, now, limit, task.last_id ?? Number.MAX_SAFE_INTEGER, ...params],
    );
  }
}

import { randomUUID } from 'node:crypto';
import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import type { MessageFilter, MoveMessagesInput, MoveMessagesOutput } from '../operator.ts';
import { checkRate, handleSource, sourceNotFound, type TaskRow, toTask } from '../shared/move-task.ts';
import type { StoreContext } from './context.ts';
import { deadLetterSources, relocate } from './dlq.ts';
import { filterSql, SOURCE_SQL, sourceName } from './message-filter.ts';

/**
 * Message move tasks (DLQ redrive). A task's life:
 *   RUNNING ──(source has nothing left to move)──▶ COMPLETED
 *   RUNNING ──(cancel)──▶ CANCELLED
 *   RUNNING ──(destination queue gone)──▶ FAILED (FailureReason = the SQS error code)
 * While RUNNING, a timer on the store's clock moves a slice of messages per
 * tick, each slice in one transaction: MaxNumberOfMessagesPerSecond messages
 * per second when set, else MOVE_SLICE messages per tick. Tasks are rows, so a
 * task still RUNNING when the store closed resumes when it reopens.
 *
 * The operator's moveMessages starts the same task with a filter (a row in
 * move_task_filters): only matching messages move, from any queue, and
 * without a destination each goes back to the queue it failed in, as SQS
 * records it or as a sluice worker did (`sluice.sourceQueue`).
 *
 * A task moves only the messages its source held when it started (ids up to
 * the newest then, in move_task_bounds): a message that arrives later, such as
 * a poison message moved back that failed again, waits for the next task, so a
 * redrive of poison messages ends instead of moving them round for ever.
 */
const MOVE_SLICE = 500;

export class MoveTasks {
  #timers = new Map<string, () => void>();

  constructor(private readonly ctx: StoreContext) {}

  /** Resumes tasks left RUNNING by an earlier process. */
  resume(): void {
    const rows = this.ctx.db.prepare("SELECT handle FROM move_tasks WHERE status = 'RUNNING'").all() as {
      handle: string;
    }[];
    for (const { handle } of rows) this.#schedule(handle, 0);
  }

  start(input: T.StartMessageMoveTaskInput): T.StartMessageMoveTaskOutput {
    const { ctx } = this;
    const source = this.#source(input.SourceArn);
    if (deadLetterSources(ctx, source).length === 0) {
      throw errors.invalidParameterText('Source queue must be configured as a Dead Letter Queue.');
    }
    if (input.DestinationArn !== undefined && !ctx.queues.byArn(input.DestinationArn)) {
      throw errors.resourceNotFound(
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      );
    }
    const rate = checkRate(input.MaxNumberOfMessagesPerSecond);
    const toMove = (ctx.sql`SELECT count(*) AS n FROM ${source.table}`.get() as { n: number }).n;
    return { TaskHandle: this.#insert(source, input.DestinationArn, rate, toMove) };
  }

  /** moveMessages: a task over the messages matching a filter (see the top of this file). */
  startFiltered(input: MoveMessagesInput): MoveMessagesOutput {
    const { ctx } = this;
    const source = ctx.queues.byUrl(input.QueueUrl);
    const destination =
      input.DestinationUrl === undefined ? undefined : ctx.queues.byUrl(input.DestinationUrl).arn;
    const rate = checkRate(input.MaxNumberOfMessagesPerSecond);
    const filter = input.filter ?? {};
    const { where, params } = filterSql(ctx, filter);
    const toMove = (
      ctx.sql`SELECT count(*) AS n FROM ${source.table} WHERE ${where}`.get(...params) as { n: number }
    ).n;
    const handle = this.#insert(source, destination, rate, toMove);
    ctx.sql`INSERT INTO move_task_filters (handle, filter) VALUES (?, ?)`.run(handle, JSON.stringify(filter));
    return { TaskHandle: handle, toMove };
  }

  #insert(
    source: { arn: string; table: string },
    destinationArn: string | undefined,
    rate: number | undefined,
    toMove: number,
  ) {
    const { ctx } = this;
    const running = ctx.sql`SELECT 1 FROM move_tasks WHERE source_arn = ? AND status = 'RUNNING'`.get(
      source.arn,
    );
    if (running) throw errors.moveTaskAlreadyRunning();
    const handle = Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
      'base64',
    );
    ctx.sql`INSERT INTO move_tasks (handle, source_arn, destination_arn, max_per_second, status, to_move, started_at)
         VALUES (?, ?, ?, ?, 'RUNNING', ?, ?)`.run(
      handle,
      source.arn,
      destinationArn ?? null,
      rate ?? null,
      toMove,
      ctx.clock.now(),
    );
    const { last } = ctx.sql`SELECT coalesce(max(id), 0) AS last FROM ${source.table}`.get() as {
      last: number;
    };
    ctx.sql`INSERT INTO move_task_bounds (handle, last_id) VALUES (?, ?)`.run(handle, last);
    ctx.committer.afterCommit(() => this.#schedule(handle, 0));
    return handle;
  }

  cancel(input: T.CancelMessageMoveTaskInput): T.CancelMessageMoveTaskOutput {
    const { ctx } = this;
    const sourceArn = handleSource(input.TaskHandle);
    if (!ctx.queues.byArn(sourceArn)) throw sourceNotFound();
    const row = ctx.sql`SELECT * FROM move_tasks WHERE handle = ?`.get(input.TaskHandle) as
      | TaskRow
      | undefined;
    if (row?.status !== 'RUNNING') throw errors.resourceNotFound('Task does not exist.');
    ctx.sql`UPDATE move_tasks SET status = 'CANCELLED' WHERE handle = ?`.run(row.handle);
    this.#timers.get(row.handle)?.();
    this.#timers.delete(row.handle);
    return { ApproximateNumberOfMessagesMoved: row.moved };
  }

  list(input: T.ListMessageMoveTasksInput): T.ListMessageMoveTasksOutput {
    const { ctx } = this;
    const source = this.#source(input.SourceArn);
    const max = input.MaxResults ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw errors.invalidParameter('MaxResults', max, 'You must enter a number between 1 and 10.');
    }
    const rows =
      ctx.sql`SELECT * FROM move_tasks WHERE source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`.all(
        source.arn,
        max,
      ) as TaskRow[];
    return { Results: rows.map(toTask) };
  }

  /** The queue a SourceArn names; ResourceNotFound as SQS answers when there is none. */
  #source(arn: string | undefined) {
    if (!arn) throw errors.missingParameter('SourceArn');
    const source = this.ctx.queues.byArn(arn);
    if (!source) throw sourceNotFound();
    return source;
  }

  /** Stops every timer (the store is closing); RUNNING rows stay RUNNING and resume on reopen. */
  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  #schedule(handle: string, delayMs: number): void {
    this.#timers.set(
      handle,
      this.ctx.clock.setTimer(delayMs, () => {
        this.#timers.delete(handle);
        // Not durable: a tick moves its messages in one transaction, so a power cut that loses it
        // leaves them where they were, and the task (resumed on reopen) moves them again.
        this.ctx.committer
          .run(() => this.#tick(handle), false)
          .then((next) => {
            if (next !== undefined) this.#schedule(handle, next);
          })
          .catch(() => {
            // The store is closing; the task resumes on reopen.
          });
      }),
    );
  }

  /** Moves one slice; returns the delay before the next tick, or undefined when the task has ended. */
  #tick(handle: string): number | undefined {
    const { ctx } = this;
    const task = ctx.sql`SELECT * FROM move_tasks WHERE handle = ?`.get(handle) as TaskRow | undefined;
    if (task?.status !== 'RUNNING') return undefined;
    const source = ctx.queues.byArn(task.source_arn);
    const end = (status: T.MessageMoveTask['Status'], reason: string | null = null) => {
      ctx.sql`UPDATE move_tasks SET status = ?, failure_reason = ? WHERE handle = ?`.run(
        status,
        reason,
        handle,
      );
      return undefined;
    };
    if (!source) return end('FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
    const now = ctx.clock.now();
    const slice = task.max_per_second ?? MOVE_SLICE;
    const rows = this.#slice(task, source.table, now, slice);
    if (rows.length === 0) return end('COMPLETED');
    let moved = 0;
    for (const row of rows) {
      const target = task.destination_arn
        ? ctx.queues.byArn(task.destination_arn)
        : row.source?.startsWith('arn:')
          ? ctx.queues.byArn(row.source)
          : ctx.queues.inRegion(source.region).byName(sourceName(row.source) ?? ''); // a name: the DLQ's region
      if (!target) {
        ctx.sql`UPDATE move_tasks SET moved = moved + ? WHERE handle = ?`.run(moved, handle);
        return end('FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      }
      relocate(ctx, source, row.id, target, 'redrive');
      moved++;
    }
    ctx.sql`UPDATE move_tasks SET moved = moved + ? WHERE handle = ?`.run(moved, handle);
    return task.max_per_second ? 1000 : 0;
  }

  /** The next messages to move, with the queue each came from (`source`: an ARN, or a name for filtered tasks). */
  #slice(task: TaskRow, table: string, now: number, limit: number): { id: number; source: string | null }[] {
    const { ctx } = this;
    const stored = ctx.sql`SELECT filter FROM move_task_filters WHERE handle = ?`.get(task.handle) as
      | { filter: string }
      | undefined;
    const bound = ctx.sql`SELECT last_id FROM move_task_bounds WHERE handle = ?`.get(task.handle) as
      | { last_id: number }
      | undefined;
    const lastId = bound?.last_id ?? Number.MAX_SAFE_INTEGER;
    const { where, params } = stored
      ? filterSql(ctx, JSON.parse(stored.filter) as MessageFilter)
      : { where: '1', params: [] };
    const source = stored ? SOURCE_SQL : 'dlq_source_arn';
    return ctx.sql`SELECT id, ${source} AS source FROM ${table}
        WHERE visible_at <= ? AND id <= ? AND ${where} ORDER BY id LIMIT ?`.all(
      now,
      lastId,
      ...params,
      limit,
    ) as { id: number; source: string | null }[];
  }
}

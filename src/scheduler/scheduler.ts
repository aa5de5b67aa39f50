/**
 * The scheduler: cron ticks in a time zone become messages on a FIFO queue.
 *
 * ONE MESSAGE PER TICK, ANY NUMBER OF REPLICAS. Every replica fires every tick;
 * none coordinates with another. The target queue must be FIFO, and each tick
 * is sent with MessageGroupId = schedule name and MessageDeduplicationId =
 * sha256(schedule name, tick instant). The id depends on nothing a replica
 * owns, so all replicas send the same id, and SQS (and sluice's store, which
 * implements the same rule) accepts the first and silently drops the others
 * for 5 minutes. That holds because replicas fire within seconds of each other
 * (each sleeps until the same instant on its own clock). Limits: a replica whose
 * clock is more than ~5 minutes off the others (or that retries a failed send
 * more than 5 minutes after another replica's success) sends a second copy;
 * ticks closer together than that are still distinct ticks with distinct ids.
 * A FIFO target (rather than a FIFO queue of the scheduler's own, forwarded to
 * a standard queue) is chosen because forwarding needs a consumer between the
 * two queues, and a consumer that dies between "send" and "delete" duplicates:
 * one queue and SQS's own dedup is the only version without a gap. Bonus: the
 * message group serialises one schedule's runs on the consumer side. It holds
 * with high-throughput FIFO too (DeduplicationScope=messageGroup): the group is
 * the schedule, so its ticks still share one dedup scope.
 *
 * WHERE THE LAST TICK IS KEPT. After a send succeeds, the replica writes the
 * tick's instant to a tag on the target queue (`sluice:schedule:<name>`,
 * TagQueue). At start a replica reads it (ListQueueTags): ticks after it and
 * up to now were missed. No tag means a new schedule: nothing is caught up.
 * (The dedup itself cannot be asked what it has seen, and a tag needs no
 * table, bucket or lock: only sqs:TagQueue and sqs:ListQueueTags.)
 * Replicas may write the tag out of order (a slow replica writes an older
 * tick); the worst effect is that a later restart re-sends a tick, which the
 * dedup swallows if within 5 minutes. SQS allows 50 tags per queue, so at most
 * ~50 schedules (minus the queue's other tags) share one target queue.
 *
 * CATCH-UP AND MISFIRE GRACE. On each wake the due ticks are those in
 * (last handled, now]. A tick at most `misfireGraceMs` late is on time and
 * always sent (a timer that fired late, a restart within the grace). Older ones
 * are misfires, handled by `catchUp`: `skip` sends none, `once` sends only the
 * newest (its body carries that tick's `scheduledAt`), `all` sends each in
 * order (at most `maxCatchUp`, the newest). A send that fails is retried every
 * `retryMs`; while it fails its tick ages and may become a misfire.
 *
 * NO OVERLAP (best effort, documented as such). The FIFO group already keeps
 * one schedule's runs from executing at the same time (a consumer gets the next
 * message of a group only after the previous one is deleted, or its visibility
 * runs out); `noOverlap` keeps ticks from piling up behind a slow run. Before
 * a tick is sent the replica asks the queue for ApproximateNumberOfMessages +
 * NotVisible + Delayed; if any, the tick is skipped (and recorded as handled).
 * That means "the previous run of this schedule" only when the schedule has
 * the queue to itself; on Amazon SQS the counts are approximate and may lag
 * (up to about a minute), so a tick right after a run ends may be skipped, or
 * one right after a send may queue behind it.
 *
 * STATES, per schedule: starting (reading the tag) → armed (a timer to the next
 * tick, at most an hour away, so clock jumps and long sleeps are re-checked) →
 * firing (sending due ticks; the one place with awaits on the queue) → armed …
 * Any state → stopped on stop(); a failure in starting or firing → armed with a
 * retry timer. Nothing the user gives can end the loop: a `build` that throws
 * skips its tick (logged), a logger that throws is ignored.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import { createLogger } from '../observe/logger.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { Schedule } from './define.ts';
import {
  BuildError,
  pendingMessages,
  queueUrlOf,
  readLastTick,
  type Sent,
  sendTick,
  writeLastTick,
} from './send.ts';
import { nextTick, ticksBetween } from './ticks.ts';

export interface SchedulerOptions {
  client: QueueClient;
  clock?: Clock;
  logger?: Logger;
  /** Pause before retrying a failed start or send, in ms. Default 5000. */
  retryMs?: number;
  /** Most misfired ticks `catchUp: 'all'` sends after one downtime (the newest). Default 100. */
  maxCatchUp?: number;
}

export interface ScheduleRun {
  name: string;
  timezone: string;
  queue: string;
  /** The next tick, or undefined when the expression never fires again. */
  next: Date | undefined;
}

export interface RunningScheduler {
  /** Settles once every schedule has read its last tick and armed its first timer (or failed to, and will retry). */
  readonly ready: Promise<void>;
  /** Cancels the timers and waits for a send in progress. */
  stop(): Promise<void>;
  /** Settles when no schedule is starting or sending (tests step a ManualClock with it). */
  idle(): Promise<void>;
  /** Each schedule's next tick. */
  nextRuns(): ScheduleRun[];
  /** Sends one message for `name` now, outside the cron (never deduplicated against a tick). */
  trigger(name: string): Promise<Sent>;
}

type State = 'starting' | 'armed' | 'firing' | 'stopped';

const MAX_TIMER_MS = 3_600_000;

/**
 * Starts firing the schedules' ticks: every replica may run this; each tick
 * still becomes one message (see the file's comment).
 *
 * @example
 * const scheduler = startScheduler([nightly], { client: createClient({ endpoint: 'http://127.0.0.1:9324' }) });
 * console.log(scheduler.nextRuns());
 * await scheduler.stop();
 */
export function startScheduler(schedules: readonly Schedule[], options: SchedulerOptions): RunningScheduler {
  const names = new Set<string>();
  for (const s of schedules) {
    if (names.has(s.name)) throw new TypeError(`schedule ${s.name} is defined twice`);
    names.add(s.name);
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const runners = new Map(schedules.map((s) => [s.name, new Runner(s, options, clock, logger)]));
  for (const r of runners.values()) r.start();
  const ready = Promise.all([...runners.values()].map((r) => r.started)).then(() => undefined);
  return {
    ready,
    async stop() {
      await Promise.all([...runners.values()].map((r) => r.stop()));
    },
    async idle() {
      await Promise.all([...runners.values()].map((r) => r.idle()));
    },
    nextRuns() {
      return [...runners.values()].map((r) => r.nextRun());
    },
    async trigger(name) {
      const runner = runners.get(name);
      if (!runner) throw new Error(`no schedule named ${name} (have: ${[...names].join(', ') || 'none'})`);
      return runner.trigger();
    },
  };
}

class Runner {
  #state: State = 'starting';
  #last: number | undefined;
  #url: string | undefined;
  #cancel: () => void = () => {};
  #busy: Promise<void> = Promise.resolve();
  readonly #startedAt: number;
  readonly #log: Logger;
  readonly #client: QueueClient;
  readonly #retryMs: number;
  readonly #maxCatchUp: number;

  constructor(
    readonly schedule: Schedule,
    options: SchedulerOptions,
    readonly clock: Clock,
    logger: Logger,
  ) {
    this.#log = logger.child({ schedule: schedule.name });
    this.#client = options.client;
    this.#retryMs = options.retryMs ?? 5000;
    this.#maxCatchUp = options.maxCatchUp ?? 100;
    this.#startedAt = clock.now();
  }

  started: Promise<void> = Promise.resolve();

  start(): void {
    this.#busy = this.#wake(this.clock.now());
    this.started = this.#busy;
  }

  async idle(): Promise<void> {
    // A wake may arm a timer that a clock fires at once; wait until none is running.
    for (let busy = this.#busy; ; busy = this.#busy) {
      await busy;
      if (busy === this.#busy) return;
    }
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    this.#cancel();
    await this.#busy;
  }

  nextRun(): ScheduleRun {
    const s = this.schedule;
    const next = nextTick(s, this.clock.now());
    return {
      name: s.name,
      timezone: s.timezone,
      queue: s.queue,
      next: next === undefined ? undefined : new Date(next),
    };
  }

  async trigger(): Promise<Sent> {
    const sent = await sendTick(this.#client, await this.#queueUrl(), this.schedule, this.clock.now(), true);
    this.#safeLog('info', { messageId: sent.messageId }, 'triggered by hand');
    return sent;
  }

  async #queueUrl(): Promise<string> {
    this.#url ??= await queueUrlOf(this.#client, this.schedule.queue);
    return this.#url;
  }

  /** One wake at `now` (read when the timer fired): learn the last tick if not known, send what is due, arm the next timer. Never throws. */
  async #wake(now: number): Promise<void> {
    if (this.#stopped()) return;
    try {
      const url = await this.#queueUrl();
      if (this.#last === undefined) {
        const fromTag = await readLastTick(this.#client, url, this.schedule.name);
        this.#last = fromTag ?? this.#startedAt;
        this.#safeLog(
          'info',
          { lastTick: fromTag === undefined ? null : new Date(fromTag).toISOString() },
          'started',
        );
      }
      this.#setState('firing');
      for (const tick of this.#due(this.#last, now)) {
        if (this.#stopped()) return;
        await this.#fire(url, tick);
      }
      this.#arm(this.#next());
    } catch (e) {
      if (this.#stopped()) return;
      this.#safeLog('error', { err: e }, `schedule step failed; retrying in ${this.#retryMs} ms`);
      this.#arm(this.clock.now() + this.#retryMs);
    }
  }

  /** The ticks to send now, oldest first, by the misfire grace and the catch-up policy. */
  #due(after: number, now: number): number[] {
    const { misfireGraceMs, catchUp } = this.schedule;
    const due = ticksBetween(this.schedule, after, now, this.#maxCatchUp);
    const missed = due.filter((t) => now - t > misfireGraceMs);
    const onTime = due.filter((t) => now - t <= misfireGraceMs);
    if (missed.length > 0) {
      this.#safeLog(
        'warn',
        { missed: missed.length, catchUp },
        'ticks missed by more than the misfire grace',
      );
      // Skipped misfires count as handled (in memory only: after a restart they are skipped again).
      if (catchUp === 'skip') this.#last = Math.max(after, missed.at(-1) ?? after);
    }
    const chosen = catchUp === 'all' ? missed : catchUp === 'once' ? missed.slice(-1) : [];
    return [...chosen, ...onTime];
  }

  async #fire(url: string, tick: number): Promise<void> {
    const at = new Date(tick).toISOString();
    if (this.schedule.noOverlap) {
      const pending = await pendingMessages(this.#client, url);
      if (pending > 0) {
        this.#safeLog(
          'info',
          { scheduledAt: at, pending },
          'tick skipped: the previous run is still queued or in flight',
        );
        await this.#record(url, tick);
        return;
      }
    }
    let sent: Sent;
    try {
      sent = await sendTick(this.#client, url, this.schedule, tick);
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      this.#safeLog('error', { err: e.cause, scheduledAt: at }, 'tick skipped: build() threw');
      await this.#record(url, tick);
      return;
    }
    this.#safeLog('info', { scheduledAt: at, messageId: sent.messageId }, 'tick sent');
    await this.#record(url, tick);
  }

  /** The tick is handled: remembered here, and in the queue's tag for the next start (a failed tag write only logs). */
  async #record(url: string, tick: number): Promise<void> {
    this.#last = Math.max(this.#last ?? tick, tick);
    try {
      await writeLastTick(this.#client, url, this.schedule.name, tick);
    } catch (e) {
      this.#safeLog('warn', { err: e }, 'could not tag the queue with the last tick');
    }
  }

  #next(): number | undefined {
    return nextTick(this.schedule, Math.max(this.clock.now(), this.#last ?? 0));
  }

  #arm(at: number | undefined): void {
    if (this.#stopped()) return;
    this.#setState('armed');
    if (at === undefined) {
      this.#safeLog('info', {}, 'the cron expression has no further ticks');
      return;
    }
    const delay = Math.min(Math.max(0, at - this.clock.now()), MAX_TIMER_MS);
    this.#cancel = this.clock.setTimer(delay, () => {
      this.#busy = this.#wake(this.clock.now());
    });
  }

  /** A method, not a field test: stop() may change the state during any await. */
  #stopped(): boolean {
    return this.#state === 'stopped';
  }

  #setState(next: State): void {
    if (this.#stopped())
      throw new Error(`scheduler: ${this.schedule.name} cannot go from stopped to ${next}`);
    this.#state = next;
  }

  #safeLog(level: 'info' | 'warn' | 'error', fields: object, msg: string): void {
    try {
      this.#log[level](fields, msg);
    } catch {
      // A logger that throws must not stop the schedule.
    }
  }
}

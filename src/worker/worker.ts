/**
 * `startWorker`: wires the poller, dispatcher, jobs, acker, heartbeat and
 * failure policy for one worker definition, and stops it cleanly.
 *
 * The worker's states:
 *
 *   STARTING  queue names are resolved to URLs (retried until they resolve).
 *             → RUNNING; a stop → DRAINING.
 *   RUNNING   the poller keeps the slots full, jobs run. A stop → DRAINING.
 *   DRAINING  the one shutdown signal has aborted: no new receive, the open
 *             long polls end at once (what they still bring is handed back),
 *             jobs not yet started are handed back (visibility 0), running
 *             handlers may finish within `shutdownTimeoutMs`; then their
 *             signals abort and their messages are handed back at once (a
 *             late result is ignored). When nothing is held and no receive
 *             is open, deletes and visibility changes are flushed → STOPPED.
 *             `abandon()` (a second signal) ends the wait for handlers at
 *             once, as the timeout would, and gives what is left of the
 *             drain FORCED_LIMIT_MS at most.
 *   STOPPED   `done` resolves. Nothing was lost; nothing is left in flight
 *             (after a forced stop: unless its hand-back did not get through,
 *             then the message returns after its visibility timeout).
 *
 * An abandoned handler is not stopped by anything but its `ctx.signal`; one
 * that ignores it runs on, so the process should exit once `done` resolves
 * (the CLI does): its side effects must not land on a message that is
 * visible again.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import { createLogger } from '../observe/logger.ts';
import type { WorkerMetrics } from '../observe/metrics.ts';
import { currentTracing } from '../observe/tracing.ts';
import type { Message } from '../sqs/types.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { Acker } from './acker.ts';
import { Batcher } from './batcher.ts';
import { coerceError, safeLogger, safeObject } from './boundary.ts';
import { DeadLetters } from './dead-letter.ts';
import type { WorkerDefinition, WorkerSettings } from './define.ts';
import { Dispatcher } from './dispatcher.ts';
import { ShutdownError } from './errors.ts';
import { Failures } from './failure.ts';
import { Heartbeat, type VisibilityEntry } from './heartbeat.ts';
import { Holdings } from './holdings.ts';
import { type JobRuntime, jobsFor } from './jobs.ts';
import type { QueueRef } from './message.ts';
import { Poller, type PollListener } from './poller.ts';
import { resolveQueues } from './queues.ts';
import { WorkerTracing } from './tracing.ts';

/** The worker's metric events (`createWorkerMetrics()` from the observe module implements them). */
export type WorkerMetricsSink = Omit<WorkerMetrics, 'registry'>;

export interface StartWorkerOptions {
  client: QueueClient;
  clock?: Clock;
  /** pino logger; defaults to `createLogger()` (JSON lines on stdout). */
  logger?: Logger;
  metrics?: WorkerMetricsSink;
  /** Told of every receive, backlog hints and saturation (PollLiveness implements it). */
  liveness?: PollListener;
  /** Defaults to `hostname-pid`. */
  workerId?: string;
  /** Aborting it stops the worker, as `stop()` does. */
  signal?: AbortSignal;
  /** For jitter; defaults to Math.random. */
  random?: () => number;
  /** How long a delete waits to be batched with others; default 5 ms. */
  ackDelayMs?: number;
}

export type WorkerState = 'starting' | 'running' | 'draining' | 'stopped';

export interface RunningWorker {
  readonly name: string;
  /** The settings it runs with (defaults and environment filled in). */
  readonly settings: Readonly<WorkerSettings>;
  readonly state: WorkerState;
  /** Messages held: received and not yet settled or handed back. */
  readonly inFlight: number;
  /** Handlers running now. */
  readonly running: number;
  /** The queues, once resolved (empty while STARTING). */
  readonly queues: readonly QueueRef[];
  /** Resolves when the queues are resolved and polling has begun (or the worker stopped first). */
  readonly ready: Promise<void>;
  /** Handlers cut short by the shutdown timeout or `abandon()` (their messages were handed back). */
  readonly abandoned: number;
  /** Resolves when the worker has stopped; never rejects. */
  readonly done: Promise<void>;
  /** Stops receiving and drains (see the states above); resolves with `done`. */
  stop(reason?: string): Promise<void>;
  /** Stops at once: handlers' signals abort, their messages are handed back; resolves with `done`. */
  abandon(reason?: string): Promise<void>;
}

/** How long a stopping worker waits for its last deletes and hand-backs to be answered. */
const FLUSH_LIMIT_MS = 10_000;
/** After `abandon()`: how long the rest of the drain (hand-backs, deletes) may take. */
const FORCED_LIMIT_MS = 1500;

/** True when `promise` resolves within `ms` on the clock, false when the time runs out first. */
function withLimit(promise: Promise<true>, clock: Clock, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, () => resolve(false));
    void promise.then(() => {
      cancel();
      resolve(true);
    });
  });
}

const NOOP_METRICS: WorkerMetricsSink = {
  initQueue() {},
  received() {},
  waited() {},
  processed() {},
  failed() {},
  retried() {},
  deadLettered() {},
  emptyReceive() {},
  receiveDuration() {},
  inFlight() {},
};

/**
 * Starts a worker; it runs until `stop()` (or `options.signal`).
 *
 * @example
 * import { defineWorker, openSqliteStore, startWorker } from 'sluice';
 * const store = openSqliteStore({ path: ':memory:' });
 * await store.createQueue({ QueueName: 'jobs' });
 * const jobs = defineWorker({ queue: 'jobs', handler: async (m) => console.log(m.body) });
 * const worker = startWorker(jobs, { client: store });
 * process.once('SIGTERM', () => void worker.stop('SIGTERM'));
 * await worker.done;
 */
export function startWorker<Body>(
  definition: WorkerDefinition<Body>,
  options: StartWorkerOptions,
): RunningWorker {
  const def = definition as WorkerDefinition<unknown>;
  const { client } = options;
  const s = def.settings;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const log = safeLogger(options.logger ?? createLogger()).child({ worker: def.name, workerId });
  const metrics = safeObject(options.metrics ?? NOOP_METRICS);
  const liveness = options.liveness && safeObject(options.liveness);
  const shutdown = new AbortController();
  const signal = shutdown.signal;
  // Every open receive listens to it (up to 16 + one watch per queue): not a leak.
  setMaxListeners(0, signal);

  const visibility = new Batcher<VisibilityEntry>({
    clock,
    delayMs: 0,
    send: (QueueUrl, Entries) => client.changeMessageVisibilityBatch({ QueueUrl, Entries }),
  });
  const acker = new Acker({ client, clock, log, flushDelayMs: options.ackDelayMs });
  const heartbeat = new Heartbeat({
    clock,
    visibility,
    visibilityTimeout: s.visibilityTimeout,
    maxExtensionSeconds: s.maxExtensionSeconds,
    log,
  });
  const holdings = new Holdings({ heartbeat, visibility, log, metrics, clock });
  const deadLetters = new DeadLetters({ client, clock, log });
  const failures = new Failures({ visibility, acker, deadLetters, backoff: s.backoff, random, log, metrics });
  let poller: Poller | undefined;
  const dispatcher = new Dispatcher({ concurrency: s.concurrency, onFree: () => poller?.pump() });
  const tracing = new WorkerTracing();
  tracing.use(currentTracing());
  const rt: JobRuntime = {
    definition: def,
    clock,
    log,
    metrics,
    acker,
    failures,
    heartbeat,
    holdings,
    tracing,
  };
  let state: WorkerState = 'starting';
  let resolved: readonly QueueRef[] = [];

  const deliver = (queue: QueueRef, messages: Message[], receivedAt: number) => {
    const held = holdings.add(queue, messages, receivedAt);
    if (signal.aborted) for (const h of held) holdings.release(h, 'stopping');
    else for (const job of jobsFor(rt, held)) dispatcher.submit(job);
  };

  const ready = (async () => {
    const queues = await resolveQueues(def.queues, { client, clock, random, log, signal });
    if (!queues || signal.aborted) return;
    resolved = queues.map((q) => q.ref);
    for (const q of queues) metrics.initQueue(q.ref.name);
    poller = new Poller({
      ...s,
      client,
      clock,
      random,
      log,
      metrics,
      listener: liveness,
      queues,
      slots: dispatcher,
      deliver,
      signal,
    });
    state = 'running';
    log.info({ queues: queues.map((q) => q.ref.name), concurrency: s.concurrency }, 'worker started');
    poller.pump();
  })();

  let abandoned = 0;
  const cutShort = (why: string) => {
    if (holdings.size === 0) return;
    log.warn({ inFlight: holdings.size }, `${why}: aborting handlers and handing their messages back`);
    abandoned += holdings.abandon(new ShutdownError(`worker stopping: ${why}`));
  };
  let forced: () => void = () => {};
  const whenForced = new Promise<void>((resolve) => {
    forced = resolve;
  });

  /** DRAINING begins in the abort event itself, so the shutdown timeout counts from the stop. */
  const draining = new Promise<() => void>((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        state = 'draining';
        log.info({ reason: String(signal.reason), inFlight: holdings.size }, 'worker stopping');
        dispatcher.cancelQueued();
        resolve(
          clock.setTimer(s.shutdownTimeoutMs, () =>
            cutShort(`shutdownTimeoutMs (${s.shutdownTimeoutMs}) passed`),
          ),
        );
      },
      { once: true },
    );
  });

  const settle = async (cancelDeadline: () => void): Promise<void> => {
    await ready;
    await poller?.idle;
    await holdings.empty();
    cancelDeadline();
    heartbeat.stop();
    // Deletes and hand-backs go out now; on a dead network this gives up after FLUSH_LIMIT_MS
    // (the messages then come back after their visibility timeout: at least once, never lost).
    const flushed = Promise.all([acker.flush(), visibility.flush()]).then(() => true as const);
    if (!(await withLimit(flushed, clock, FLUSH_LIMIT_MS))) {
      log.warn({ limitMs: FLUSH_LIMIT_MS }, 'gave up waiting for the last deletes and hand-backs');
    }
  };

  const drain = async (): Promise<void> => {
    const cancelDeadline = await draining;
    const settled = settle(cancelDeadline).then(
      () => true as const,
      (thrown: unknown) => {
        log.error({ err: coerceError(thrown) }, 'error while stopping');
        return true as const;
      },
    );
    // Forced: whatever is still pending (a settling DLQ send, the flush) gets FORCED_LIMIT_MS.
    const cut = whenForced.then(() => withLimit(settled, clock, FORCED_LIMIT_MS));
    if (!(await Promise.race([settled, cut]))) {
      heartbeat.stop();
      log.warn(
        { limitMs: FORCED_LIMIT_MS },
        'forced stop: gave up waiting for the last deletes and hand-backs',
      );
    }
    state = 'stopped';
    log.info('worker stopped');
  };
  const done = drain();

  const stop = (reason = 'stop() called'): Promise<void> => {
    if (!signal.aborted) shutdown.abort(reason);
    return done;
  };
  const abandon = (reason = 'abandon() called'): Promise<void> => {
    void stop(reason);
    cutShort(reason);
    forced();
    return done;
  };
  if (options.signal?.aborted) void stop(String(options.signal.reason));
  else
    options.signal?.addEventListener('abort', () => void stop(String(options.signal?.reason)), {
      once: true,
    });

  return {
    name: def.name,
    settings: s,
    get state() {
      return state;
    },
    get inFlight() {
      return holdings.size;
    },
    get running() {
      return dispatcher.running;
    },
    get abandoned() {
      return abandoned;
    },
    get queues() {
      return resolved;
    },
    ready,
    done,
    stop,
    abandon,
  };
}

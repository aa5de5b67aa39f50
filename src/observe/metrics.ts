/**
 * The worker's Prometheus metrics behind small typed methods, so the worker
 * never touches prom-client. Every series carries a `queue` label; the
 * process-wide `worker_id` label comes from the registry's default labels,
 * which the caller sets (`registry.setDefaultLabels({ worker_id })`).
 *
 * One registry, one set of metrics: several workers in one process (one per
 * queue) share it, and asking again for the same registry returns the same
 * object — prom-client refuses to register a name twice.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Creates every series of `queue` at 0, so dashboards and `rate()` see it before the first event. */
  initQueue(queue: string): void;
  /** A receive returned `n` messages; `lagSeconds` holds now − SentTimestamp for those that carry it. */
  received(queue: string, n: number, lagSeconds: readonly number[]): void;
  /**
   * A message's first delivery started `seconds` after it was sent
   * (SentTimestamp): its whole wait, in the queue and in the worker.
   */
  waited(queue: string, seconds: number): void;
  /** A handler succeeded after `seconds`. */
  processed(queue: string, seconds: number): void;
  /** A handler attempt failed (threw, timed out or was reported failed by a batch handler). */
  failed(queue: string): void;
  /** A failed message was made visible again for another attempt. */
  retried(queue: string): void;
  /** A message was sent to the dead-letter queue by the worker (PermanentError, schema failure). */
  deadLettered(queue: string): void;
  /** A receive returned no messages. */
  emptyReceive(queue: string): void;
  /** A receive call took `seconds` (long-poll wait included), empty or not. */
  receiveDuration(queue: string, seconds: number): void;
  /** Messages held by the worker changed by `delta` (+n on receive, −1 when settled or handed back). */
  inFlight(queue: string, delta: number): void;
}

// Handlers run from milliseconds to the 12 h visibility cap; receives up to a
// 20 s long poll plus network; lag from sub-second to SQS's 14-day retention.
const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const RECEIVE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];
const LAG_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400, 345600, 1209600];
// Waiting time: a worker keeping up waits milliseconds (issue 17's bars are 5 ms
// and 20 ms at p99); one falling behind, minutes; beyond an hour is an outage.
const WAIT_BUCKETS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

const byRegistry = new WeakMap<Registry, WorkerMetrics>();

/**
 * Returns the worker metrics registered on `registry` (a fresh private
 * registry when omitted, never prom-client's global one), creating them and
 * Node's default process metrics on first use.
 *
 * @example
 * const registry = new Registry();
 * registry.setDefaultLabels({ worker_id: 'w-1' });
 * const metrics = createWorkerMetrics(registry);
 * metrics.received('jobs', 2, [0.4, 1.2]);
 * metrics.processed('jobs', 0.031);
 */
export function createWorkerMetrics(registry: Registry = new Registry()): WorkerMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  collectDefaultMetrics({ register: registry });

  const registers = [registry];
  const labelNames = ['queue'] as const;
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers });

  const receivedTotal = counter('sluice_messages_received_total', 'Messages received.');
  const processedTotal = counter('sluice_messages_processed_total', 'Messages whose handler succeeded.');
  const failedTotal = counter('sluice_messages_failed_total', 'Handler attempts that failed.');
  const retriedTotal = counter('sluice_messages_retried_total', 'Failed messages made visible again.');
  const deadLetteredTotal = counter('sluice_messages_dead_lettered_total', 'Messages sent to the DLQ.');
  const emptyTotal = counter('sluice_receives_empty_total', 'Receives that returned no message.');
  const inFlightGauge = new Gauge({
    name: 'sluice_messages_in_flight',
    help: 'Messages received and not yet settled or handed back.',
    labelNames,
    registers,
  });
  const handlerSeconds = histogram('sluice_handler_duration_seconds', 'Handler run time.', HANDLER_BUCKETS);
  const receiveSeconds = histogram('sluice_receive_duration_seconds', 'Receive call time.', RECEIVE_BUCKETS);
  const lagSeconds = histogram('sluice_message_lag_seconds', 'Now − SentTimestamp at receive.', LAG_BUCKETS);
  const waitSeconds = histogram(
    'sluice_message_wait_seconds',
    'SentTimestamp → the start of the first delivery’s handler.',
    WAIT_BUCKETS,
  );

  const counters = [receivedTotal, processedTotal, failedTotal, retriedTotal, deadLetteredTotal, emptyTotal];
  const histograms = [handlerSeconds, receiveSeconds, lagSeconds, waitSeconds];
  const metrics: WorkerMetrics = {
    registry,
    initQueue(queue) {
      for (const c of counters) c.inc({ queue }, 0);
      inFlightGauge.inc({ queue }, 0);
      for (const h of histograms) h.zero({ queue });
    },
    received(queue, n, lags) {
      receivedTotal.inc({ queue }, n);
      // A sender's clock ahead of ours gives a negative lag; it means "just sent".
      for (const lag of lags) lagSeconds.observe({ queue }, Math.max(0, lag));
    },
    // As for lag, a sender's clock ahead of ours means "no wait".
    waited: (queue, seconds) => waitSeconds.observe({ queue }, Math.max(0, seconds)),
    processed(queue, seconds) {
      processedTotal.inc({ queue });
      handlerSeconds.observe({ queue }, seconds);
    },
    failed: (queue) => failedTotal.inc({ queue }),
    retried: (queue) => retriedTotal.inc({ queue }),
    deadLettered: (queue) => deadLetteredTotal.inc({ queue }),
    emptyReceive: (queue) => emptyTotal.inc({ queue }),
    receiveDuration: (queue, seconds) => receiveSeconds.observe({ queue }, seconds),
    inFlight: (queue, delta) => inFlightGauge.inc({ queue }, delta),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/**
 * `sluice_task_scale_in_protected`: 1 while this process holds ECS task
 * scale-in protection, else 0 (registered only where protection is used).
 *
 * @example
 * registerProtectionGauge(registry, () => protection.protected);
 */
export function registerProtectionGauge(registry: Registry, isProtected: () => boolean): void {
  new Gauge({
    name: 'sluice_task_scale_in_protected',
    help: '1 while ECS task scale-in protection is on for this task (set by this process), else 0.',
    registers: [registry],
    collect() {
      this.set(isProtected() ? 1 : 0);
    },
  });
}

/**
 * `runScale`: what `sluice scale` runs. A pool of worker processes (each
 * `sluice worker <file>` or `sluice start <config>`, with its own WORKER_ID) kept at a fixed count, or
 * at the count the policy derives from live queue samples; one health server
 * for the pool (/health, /ready, /metrics merged from every process); one
 * stats line every 60 s summing the pool (the worker's stats-line shape, its
 * workerId the pool's prefix); a log line for every scaling decision with
 * its reason, and the last few kept in queue tags for the server's dashboard
 * (`decisions`, decision-tags.ts). With an external actuator (ECS) no local process runs: the loop
 * only decides and applies.
 *
 * Shutdown (SIGTERM/SIGINT, or stop()): the autoscaler stops first (no new
 * decisions), then every process drains, then the health server closes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { onStopSignal } from '../config/until-signal.ts';
import { type HealthServer, startHealthServer } from '../observe/health-server.ts';
import { StatsLine } from '../observe/stats-line.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { Actuator } from './actuator.ts';
import { localActuator } from './actuators/local.ts';
import { type Autoscaler, type DecisionRecord, startAutoscaler } from './autoscaler.ts';
import type { ScalePolicy } from './config.ts';
import type { DecisionTags } from './decision-tags.ts';
import { createPoolMetrics } from './pool-metrics.ts';
import type { QueueObservation } from './sampler.ts';
import { Supervisor, type SupervisorEvent } from './supervisor.ts';

const SLUICE_BIN = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

export interface RunScaleOptions {
  /** What each process runs: `sluice <childArgs…>`, e.g. `['worker', 'worker.ts']`. */
  childArgs: readonly string[];
  /** A fixed count, or a policy to follow. */
  mode: { fixed: number } | { policy: ScalePolicy; observe: () => Promise<readonly QueueObservation[]> };
  /** Scale something else than local processes (ECS); then no process is started here. */
  actuator?: Actuator;
  log: Logger;
  clock?: Clock;
  /** WORKER_IDs are `<idPrefix>-<n>`. */
  idPrefix: string;
  /** The children's environment (WORKER_ID and the rest are added); default process.env. */
  env?: NodeJS.ProcessEnv;
  memoryLimitBytes?: number;
  drainTimeoutMs?: number;
  restartDelay?: { initialMs: number; maxMs: number };
  sampleIntervalMs?: number;
  health: { host: string; port: number };
  statsIntervalMs?: number;
  writeStats?: (line: string) => void;
  onDecision?: (record: DecisionRecord) => void;
  /** Where the decisions said at info are kept for a server to show (queue tags, decision-tags.ts). */
  decisions?: Pick<DecisionTags, 'record' | 'flush'>;
  onEvent?: (event: SupervisorEvent) => void;
  /** Stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
}

export interface RunningScale {
  readonly pool: Supervisor;
  readonly autoscaler: Autoscaler | undefined;
  readonly health: HealthServer;
  stop(): Promise<void>;
  /** Resolves once everything has stopped. */
  readonly done: Promise<void>;
}

/**
 * @example
 * const running = await runScale({
 *   childArgs: ['worker', 'worker.ts'], mode: { fixed: 4 }, log: createLogger(), idPrefix: 'push',
 *   health: { host: '127.0.0.1', port: 3003 },
 * });
 * await running.done; // after SIGTERM: every process drained
 */
export async function runScale(options: RunScaleOptions): Promise<RunningScale> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const baseEnv = options.env ?? process.env;
  const spawn = (workerId: string): ChildProcess =>
    fork(SLUICE_BIN, [...options.childArgs], {
      env: {
        // The supervisor has shown the AWS SDK's Node-version notice once; N copies add nothing.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...baseEnv,
        WORKER_ID: workerId,
        // Each process's own probe port would collide; the pool's health server speaks for all.
        WORKER_HEALTH_PORT: '0',
        SLUICE_SUPERVISED: '1',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });

  let metrics: ReturnType<typeof createPoolMetrics> | undefined;
  const pool = new Supervisor({
    spawn,
    idPrefix: options.idPrefix,
    log,
    clock,
    ...(options.memoryLimitBytes !== undefined ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    ...(options.restartDelay ? { restartDelay: options.restartDelay } : {}),
    onEvent(event) {
      if (event.type === 'restart-scheduled') metrics?.restarted('crash');
      if (event.type === 'exited' && event.why === 'memory') metrics?.restarted('memory');
      options.onEvent?.(event);
    },
  });
  metrics = createPoolMetrics(pool);
  const poolMetrics = metrics;
  const actuator = options.actuator ?? localActuator(pool, options.childArgs.join(' '));

  const health = await startHealthServer({
    ...options.health,
    registry: poolMetrics.exposition,
    live: () => ({ ok: true }),
    ready: () => {
      if (options.actuator) return { ok: true };
      const running = pool.status().filter((s) => s.state === 'running').length;
      return running > 0 || pool.count === 0
        ? { ok: true }
        : { ok: false, reason: `no worker process running (${pool.count} asked for)` };
    },
  });

  const stats = new StatsLine({
    workerId: options.idPrefix,
    clock,
    counts: () => pool.totals(),
    write: options.writeStats ?? ((line) => void process.stdout.write(`${line}\n`)),
    ...(options.statsIntervalMs !== undefined ? { intervalMs: options.statsIntervalMs } : {}),
  });

  let autoscaler: Autoscaler | undefined;
  if ('fixed' in options.mode) {
    const reason = `fixed count ${options.mode.fixed}`;
    log.info({ workers: options.mode.fixed, target: actuator.target }, 'fixed count');
    await actuator.apply(options.mode.fixed, reason);
    options.decisions?.record({ at: clock.now(), from: 0, to: options.mode.fixed, reason });
  } else {
    autoscaler = startAutoscaler({
      policy: options.mode.policy,
      observe: options.mode.observe,
      actuator,
      log,
      clock,
      ...(options.sampleIntervalMs !== undefined ? { sampleIntervalMs: options.sampleIntervalMs } : {}),
      ...(options.actuator ? {} : { processed: () => pool.totals().processed }),
      onDecision(record) {
        if (record.to !== record.from) poolMetrics.scaled(record.to > record.from ? 'out' : 'in');
        if (record.announced) options.decisions?.record(record);
        options.onDecision?.(record);
      },
    });
  }
  stats.start();
  log.info({ target: actuator.target, health: health.url }, 'scaling');

  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  const handleSignals = options.handleSignals ?? true;
  const stopListening = handleSignals
    ? onStopSignal((signal) => {
        log.info({ signal }, 'signal received; draining every worker process');
        shutdown.abort(signal);
      })
    : () => {};
  const done = (async () => {
    await new Promise<void>((resolve) =>
      shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    autoscaler?.stop();
    await pool.stop();
    await options.decisions?.flush();
    stats.stop({ flush: true });
    await health.close();
    stopListening();
    log.info('scaler stopped');
  })();

  return {
    pool,
    autoscaler,
    health,
    stop() {
      if (!shutdown.signal.aborted) shutdown.abort('stop() called');
      return done;
    },
    done,
  };
}

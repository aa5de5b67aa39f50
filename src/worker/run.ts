/**
 * `runWorkers`: the process around the workers, as `sluice worker <file>`
 * runs it. The environment is read once (readWorkerEnv); its WORKER_*
 * values fill in the settings a definition leaves unset. One client for all
 * workers (SLUICE_ENDPOINT, else Amazon SQS), one metrics registry, one
 * stats line on stdout every 60 s, the health server (/health: every poll
 * loop is live; /ready: every worker is running and none is draining;
 * /metrics). SIGTERM or SIGINT aborts the one shutdown controller: every
 * worker drains, then the stats line is flushed and the health server and
 * the client are closed, and `done` resolves; the CLI then exits with
 * `exitCode` (0 when every handler finished). A second signal of the same
 * kind abandons the handlers at once (config/until-signal.ts). Under
 * `sluice scale` it also reports memory and counts to the supervisor
 * (observe/supervised.ts). On ECS (ECS_AGENT_URI) the task is protected from
 * scale-in while any worker holds messages (task-protection.ts), and the
 * protection is cleared after the drain.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { awsClient } from '../client/aws.ts';
import type { QueueClient } from '../client/queue-client.ts';
import { missingOf, noSuchQueues } from '../config/queues.ts';
import { exitCodeOf, onStopSignal, type StopOutcome } from '../config/until-signal.ts';
import { readWorkerEnv, type WorkerEnv } from '../config/worker-env.ts';
import { type HealthServer, startHealthServer } from '../observe/health-server.ts';
import { PollLiveness } from '../observe/liveness.ts';
import { createLogger } from '../observe/logger.ts';
import { createWorkerMetrics, registerProtectionGauge } from '../observe/metrics.ts';
import { announceReady } from '../observe/pm2.ts';
import { StatsLine } from '../observe/stats-line.ts';
import { reportToSupervisor } from '../observe/supervised.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { startBacklogProbe } from './backlog-probe.ts';
import { type WorkerDefinition, type WorkerSettings, withFallbackSettings } from './define.ts';
import { TaskProtection } from './task-protection.ts';
import { type RunningWorker, startWorker, type WorkerMetricsSink } from './worker.ts';

export interface RunWorkersOptions {
  /** Read once, here; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Instead of the client the environment describes (e.g. `localClient(store)`); it is not closed. */
  client?: QueueClient;
  logger?: Logger;
  clock?: Clock;
  /** Where stats lines go; defaults to stdout. */
  writeStats?: (line: string) => void;
  /** Stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** Where `client` goes, for messages (default SLUICE_ENDPOINT, else Amazon SQS). */
  endpoint?: string;
}

export interface RunningWorkers {
  readonly config: WorkerEnv;
  readonly workers: readonly RunningWorker[];
  readonly health: HealthServer;
  /** Drains every worker and closes what runWorkers opened; resolves with `done`. */
  stop(reason?: string): Promise<void>;
  /** Stops at once: handlers' signals abort and their messages are handed back; resolves with `done`. */
  abandon(reason?: string): Promise<void>;
  /** How the stop went, once `done` has resolved (see config/until-signal.ts). */
  readonly outcome: StopOutcome;
  /** The process's exit code for `outcome`: 0 drained, 1 handlers abandoned, 128 + n forced by signal n. */
  readonly exitCode: number;
  /** Resolves when everything has stopped; never rejects. */
  readonly done: Promise<void>;
}

/** The environment variable behind each setting it may fill in. */
const FROM_ENV = {
  concurrency: ['WORKER_CONCURRENCY', 'concurrency'],
  batchSize: ['WORKER_BATCH_SIZE', 'batchSize'],
  visibilityTimeout: ['WORKER_VISIBILITY_TIMEOUT', 'visibilityTimeout'],
  pollIntervalMs: ['WORKER_POLL_INTERVAL_MS', 'pollIntervalMs'],
  shutdownTimeoutMs: ['WORKER_SHUTDOWN_TIMEOUT_MS', 'shutdownTimeoutMs'],
} as const satisfies Partial<Record<keyof WorkerSettings, readonly [string, keyof WorkerEnv]>>;

/** The settings the environment sets (empty counts as unset, as in readWorkerEnv). */
function envSettings(env: NodeJS.ProcessEnv, config: WorkerEnv) {
  const fallback: Partial<WorkerSettings> = {};
  const sources: Partial<Record<keyof WorkerSettings, string>> = {};
  for (const [setting, [variable, key]] of Object.entries(FROM_ENV)) {
    if (env[variable] === undefined || env[variable] === '') continue;
    Object.assign(fallback, { [setting]: config[key] });
    Object.assign(sources, { [setting]: variable });
  }
  return { fallback, sources };
}

/**
 * Sends every metric event to Prometheus, counts processed and failed
 * messages for the stats line, and tells task protection what is held.
 */
function metricsFor(
  prometheus: WorkerMetricsSink,
  stats: StatsLine,
  protection: TaskProtection | undefined,
): WorkerMetricsSink {
  return {
    ...prometheus,
    inFlight(queue, delta) {
      protection?.held(delta);
      prometheus.inFlight(queue, delta);
    },
    processed(queue, seconds) {
      stats.processed();
      prometheus.processed(queue, seconds);
    },
    failed(queue) {
      stats.failed();
      prometheus.failed(queue);
    },
  };
}

/** Task protection when on ECS and not turned off, and how the start log describes it. */
function taskProtectionFor(config: WorkerEnv, clock: Clock, logger: Logger) {
  if (config.ecsAgentUri === undefined) return { protection: undefined, described: undefined };
  if (!config.taskProtection) return { protection: undefined, described: 'off (WORKER_TASK_PROTECTION=off)' };
  const protection = new TaskProtection({
    agentUri: config.ecsAgentUri,
    expiresInMinutes: config.taskProtectionMinutes,
    clock,
    log: logger,
  });
  return { protection, described: `while messages are held, ${config.taskProtectionMinutes} min at a time` };
}

/** The health server's failure to listen, saying which setting moves it. */
function healthServerError(error: unknown, config: WorkerEnv): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return new Error(`health port ${config.healthPort} is in use (set WORKER_HEALTH_PORT to move it)`, {
      cause: error,
    });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new Error(
      `health host ${config.healthHost} is not an address of this machine (set WORKER_HEALTH_HOST)`,
      { cause: error },
    );
  if (code === 'EACCES')
    return new Error(
      `health port ${config.healthPort} needs privileges (set WORKER_HEALTH_PORT to 1024 or above)`,
      { cause: error },
    );
  return error;
}

/**
 * Refuses to start when a worker's queue does not exist: polling it would
 * fail forever. Any other answer (the endpoint is not up yet) is left to the
 * workers, which retry resolving their queues until it is.
 */
async function requireQueues(client: QueueClient, defs: readonly WorkerDefinition[], where?: string) {
  let missing: string[];
  try {
    missing = await missingOf(
      client,
      defs.flatMap((d) => d.queues.map((q) => q.queue)),
    );
  } catch {
    return;
  }
  if (missing.length === 0) return;
  const them = missing.length > 1 ? 'them' : 'it';
  throw noSuchQueues(missing, where, `create ${them} first, e.g. sluice queues create ${missing[0]}`);
}

/**
 * Runs worker definitions in this process until SIGTERM/SIGINT (or `stop()`).
 * Throws at once, naming the variable, if the environment is invalid, and
 * naming the queue if one does not exist.
 *
 * @example
 * import { defineWorker, runWorkers } from 'sluice';
 * const emails = defineWorker({ queue: 'emails', handler: async (m) => console.log(m.body) });
 * const running = await runWorkers([emails]);
 * await running.done; // after SIGTERM: drained, nothing left in flight
 */
export async function runWorkers(
  definitions: readonly WorkerDefinition[],
  options: RunWorkersOptions = {},
): Promise<RunningWorkers> {
  const env = options.env ?? process.env;
  const config = readWorkerEnv(env);
  const { fallback, sources } = envSettings(env, config);
  const defs = definitions.map((d) => withFallbackSettings(d, fallback, sources));
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const client =
    options.client ??
    awsClient({ endpoint: config.endpoint, region: config.region, workerId: config.workerId });
  try {
    await requireQueues(client, defs, options.endpoint ?? config.endpoint);
  } catch (error) {
    if (!options.client) await client.close();
    throw error;
  }
  const registry = new Registry();
  registry.setDefaultLabels({ worker_id: config.workerId });
  const stats = new StatsLine({
    workerId: config.workerId,
    clock,
    write: options.writeStats ?? ((line) => void process.stdout.write(`${line}\n`)),
  });
  const { protection, described: taskProtection } = taskProtectionFor(config, clock, logger);
  if (protection) registerProtectionGauge(registry, () => protection.protected);
  const metrics = metricsFor(createWorkerMetrics(registry), stats, protection);
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per worker

  // Listening before the first receive: a SIGTERM that comes while the workers start
  // (a supervisor's quick scale-in) drains them instead of killing the process.
  const handleSignals = options.handleSignals ?? true;
  let forcedBy: NodeJS.Signals | undefined;
  const abandonAll = (reason: string) => {
    if (!shutdown.signal.aborted) shutdown.abort(reason);
    for (const { worker } of workers) void worker.abandon(reason);
  };
  const stopListening = handleSignals
    ? onStopSignal(
        (signal) => {
          logger.info({ signal }, 'signal received; draining');
          shutdown.abort(signal);
        },
        (signal) => {
          logger.warn({ signal }, 'second signal: handing back what is held and exiting now');
          forcedBy = signal;
          abandonAll(`second ${signal}`);
        },
      )
    : () => {};

  const workers = defs.map((definition) => {
    const liveness = new PollLiveness({
      clock,
      stallAfterMs: (definition.settings.waitTimeSeconds + 60) * 1000,
    });
    const worker = startWorker(definition, {
      client,
      clock,
      logger,
      metrics,
      liveness,
      workerId: config.workerId,
      signal: shutdown.signal,
    });
    const stopProbe = startBacklogProbe({
      client,
      clock,
      log: logger,
      queues: () => worker.queues,
      liveness,
    });
    return { worker, liveness, stopProbe };
  });

  let health: HealthServer;
  try {
    health = await startHealthServer({
      host: config.healthHost,
      port: config.healthPort,
      registry,
      live: () => {
        for (const { worker, liveness } of workers) {
          const result = liveness.check();
          if (!result.ok) return { ok: false, reason: `${worker.name}: ${result.reason}` };
        }
        return { ok: true };
      },
      ready: () => {
        const notRunning = workers.find(({ worker }) => worker.state !== 'running');
        return notRunning
          ? { ok: false, reason: `${notRunning.worker.name} is ${notRunning.worker.state}` }
          : { ok: true };
      },
    });
  } catch (error) {
    // No probe endpoint (the port is taken): do not leave the workers running without one.
    shutdown.abort('health server failed to start');
    await Promise.all(workers.map(({ worker }) => worker.done));
    for (const { stopProbe } of workers) stopProbe();
    await protection?.stop();
    stopListening();
    if (!options.client) await client.close();
    throw healthServerError(error, config);
  }
  stats.start();
  const stopReporting = reportToSupervisor({
    registry,
    stats,
    env,
    onOrphaned: () => {
      logger.warn('the supervisor is gone; draining');
      shutdown.abort('supervisor gone');
    },
  });
  logger.info(
    {
      workerId: config.workerId,
      workers: defs.map((d) => d.name),
      health: health.url,
      healthHost: `${config.healthHost}: ${config.healthHostReason}`,
      ...(taskProtection === undefined ? {} : { taskProtection }),
    },
    'workers running',
  );
  announceReady(env); // PM2's wait_ready

  const outcome = (): StopOutcome => {
    if (forcedBy) return { kind: 'forced', signal: forcedBy };
    return workers.some(({ worker }) => worker.abandoned > 0) ? { kind: 'abandoned' } : { kind: 'drained' };
  };
  const done = (async () => {
    await new Promise<void>((resolve) =>
      shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.all(workers.map(({ worker }) => worker.done));
    for (const { stopProbe } of workers) stopProbe();
    await protection?.stop(); // after the drain: nothing is held any more
    stats.stop({ flush: true });
    await stopReporting();
    await health.close();
    if (!options.client) await client.close();
    stopListening();
    logger.info('workers stopped');
  })();

  return {
    config,
    workers: workers.map((w) => w.worker),
    health,
    stop(reason = 'stop() called') {
      if (!shutdown.signal.aborted) shutdown.abort(reason);
      return done;
    },
    abandon(reason = 'abandon() called') {
      abandonAll(reason);
      return done;
    },
    get outcome() {
      return outcome();
    },
    get exitCode() {
      return exitCodeOf(outcome());
    },
    done,
  };
}

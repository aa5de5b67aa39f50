/**
 * Runs a config's system in this process against a client: the workers
 * (runWorkers: health server, metrics, stats line), the schedules and,
 * when asked, the producers. Shared by `sluice dev` and `sluice start`.
 *
 * Stopping, in order: producers end (their signal aborts), the scheduler
 * stops ticking, the workers drain (nothing left in flight), then the
 * config's onShutdown runs. Signals are the caller's business.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import { type RunningScheduler, startScheduler } from '../scheduler/index.ts';
import { coerceError } from '../worker/boundary.ts';
import { type RunningWorkers, runWorkers } from '../worker/run.ts';
import type { SluiceConfig } from './config-file.ts';
import type { ProducerContext } from './producer.ts';

export interface RunSystemOptions {
  client: QueueClient;
  logger: Logger;
  /** WORKER_* settings; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Run the producers (default false). */
  producers?: boolean;
  /** Where `client` goes, for messages (default SLUICE_ENDPOINT, else Amazon SQS). */
  endpoint?: string;
}

export interface RunningSystem {
  readonly workers: RunningWorkers;
  readonly schedules: number;
  /** The running schedules, when the config has any (the dashboard's "run now"). */
  readonly scheduler?: RunningScheduler;
  readonly producers: number;
  /** Stops everything (see above); resolves when all has stopped. */
  stop(reason?: string): Promise<void>;
}

function producerContext(client: QueueClient, log: Logger, signal: AbortSignal): ProducerContext {
  const urls = new Map<string, Promise<string>>();
  const urlOf = (queue: string) => {
    let url = urls.get(queue);
    if (!url) {
      url = client.getQueueUrl({ QueueName: queue }).then((r) => r.QueueUrl);
      url.catch(() => urls.delete(queue));
      urls.set(queue, url);
    }
    return url;
  };
  return {
    client,
    log,
    signal,
    async send(queue, body, options = {}) {
      await client.sendMessage({
        QueueUrl: await urlOf(queue),
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        ...(options.groupId ? { MessageGroupId: options.groupId } : {}),
        ...(options.dedupId ? { MessageDeduplicationId: options.dedupId } : {}),
      });
    },
  };
}

/**
 * Starts a config's workers, schedules and (optionally) producers.
 *
 * @example
 * const config = await loadConfig('sluice.config.ts', { dataDir: 'data', mode: 'start' });
 * const system = await runSystem(config, { client: createClient({ endpoint }), logger: createLogger() });
 * process.once('SIGTERM', () => void system.stop('SIGTERM'));
 */
export async function runSystem(config: SluiceConfig, options: RunSystemOptions): Promise<RunningSystem> {
  const { client, logger } = options;
  const workers = await runWorkers(config.workers, {
    client,
    logger,
    handleSignals: false,
    ...(options.env ? { env: options.env } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const scheduler: RunningScheduler | undefined =
    config.schedules.length > 0
      ? startScheduler(config.schedules, { client, logger: logger.child({ component: 'scheduler' }) })
      : undefined;

  const producerStop = new AbortController();
  const producers = (options.producers ? config.producers : []).map((p) => {
    const log = logger.child({ producer: p.name });
    // A producer that throws is logged; it never takes the system down.
    return Promise.resolve()
      .then(() => p.run(producerContext(client, log, producerStop.signal)))
      .catch((e: unknown) => {
        if (!producerStop.signal.aborted)
          log.error({ err: coerceError(e) }, 'producer stopped with an error');
      });
  });

  let stopping: Promise<void> | undefined;
  return {
    workers,
    schedules: config.schedules.length,
    ...(scheduler ? { scheduler } : {}),
    producers: producers.length,
    stop(reason = 'stop() called') {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        producerStop.abort(reason);
        await Promise.all(producers);
        await scheduler?.stop();
        await workers.stop(reason);
        try {
          await config.onShutdown?.();
        } catch (e) {
          logger.error({ err: coerceError(e) }, 'onShutdown failed');
        }
      })();
      return stopping;
    },
  };
}

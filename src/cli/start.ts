/**
 * `sluice start [config]`: a config's workers and schedules, for production,
 * against SLUICE_ENDPOINT or (unset) Amazon SQS, with WORKER_* settings.
 *
 *   sluice start [sluice.config.ts] [--create-queues] [--producers] [--data ./data]
 *
 * Queues are not created unless `--create-queues` (in production they are
 * infrastructure, made by CDK/Terraform); a queue the config names that does
 * not exist stops the start at once, in one line naming it. Producers do not run unless
 * `--producers` (in production the traffic comes from real applications; the
 * flag is for load tests and staging). Each replica may run the schedules: the
 * scheduler's FIFO deduplication keeps one message per tick. SIGTERM/SIGINT
 * drain the workers, then the process exits at once with the drain's code
 * (0 when every handler finished; see config/until-signal.ts); the same
 * signal again hands back what is held and exits within seconds.
 */
import { defineCommand } from 'citty';
import { awsClient } from '../client/aws.ts';
import { loadConfig } from '../config/config-file.ts';
import { configPathOf, DEFAULT_CONFIG } from '../config/default-config.ts';
import { chosenProfile, profileArgs } from '../config/profiles.ts';
import { ensureQueues, missingQueues, noSuchQueues } from '../config/queues.ts';
import { runSystem } from '../config/run-system.ts';
import { drainOnSignal } from '../config/until-signal.ts';
import { readWorkerEnv } from '../config/worker-env.ts';
import { createLogger } from '../observe/logger.ts';
import { applyLogArgs, logArgs } from './common/log-options.ts';

export default defineCommand({
  meta: {
    name: 'start',
    description: 'Run a config’s workers and schedules against SLUICE_ENDPOINT or Amazon SQS',
  },
  args: {
    config: { type: 'positional', required: false, description: `Config file (default ${DEFAULT_CONFIG})` },
    'create-queues': { type: 'boolean', description: 'Create the config’s queues and DLQs first' },
    producers: { type: 'boolean', description: 'Also run the config’s producers' },
    data: { type: 'string', description: 'Directory for the system’s own local data', default: 'data' },
    ...logArgs,
    ...profileArgs,
  },
  async run({ args }) {
    applyLogArgs(args);
    const configPath = configPathOf(args.config);
    const env = readWorkerEnv(process.env);
    const logger = createLogger();
    const client = awsClient({ endpoint: env.endpoint, region: env.region });
    let system: Awaited<ReturnType<typeof runSystem>>;
    try {
      const config = await loadConfig(configPath, {
        dataDir: String(args.data),
        mode: 'start',
        client,
        profile: chosenProfile(args, process.env),
      });
      if (args['create-queues']) await ensureQueues(client, config.queues);
      else {
        const missing = await missingQueues(client, config.queues);
        if (missing.length > 0)
          throw noSuchQueues(missing, env.endpoint, 'create them, or pass --create-queues');
      }
      system = await runSystem(config, {
        client,
        logger,
        producers: args.producers === true,
        ...(env.endpoint ? { endpoint: env.endpoint } : {}),
      });
    } catch (e) {
      await client.close();
      throw e;
    }
    logger.info(
      {
        endpoint: env.endpoint ?? 'Amazon SQS',
        health: system.workers.health.url,
        schedules: system.schedules,
        producers: system.producers,
      },
      'sluice start: running',
    );
    // A signal, or the workers stopping on their own (under `sluice scale`, when the supervisor is gone).
    const stopping = drainOnSignal({
      abandon: (reason) => system.workers.abandon(reason),
      onForce: (signal) =>
        logger.warn({ signal }, 'second signal: handing back what is held and exiting now'),
    });
    const reason = await Promise.race([
      stopping.signalled,
      system.workers.done.then(() => 'workers stopped'),
    ]);
    await system.stop(reason);
    await client.close();
    // Whatever the config left running (abandoned handlers, timers) ends here.
    process.exit(stopping.exitCode(system.workers.exitCode));
  },
});

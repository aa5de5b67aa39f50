/**
 * `sluice dev [config]`: the whole system in one process, for a laptop or CI.
 *
 *   sluice dev [sluice.config.ts] [--port 9324] [--host 127.0.0.1]
 *              [--data ./data] [--sync full|normal] [--store postgres://…] [--health-port 3003] [--no-producers]
 *              [--log-level info] [--log-format pretty|json]
 *
 * Starts the embedded server (store in <data>/sluice.sqlite), creates the
 * config's queues with their DLQs, runs the workers (over HTTP, through the
 * same client as in production), the schedules and the producers, and prints
 * where everything is. SIGTERM/SIGINT: producers stop, the scheduler stops,
 * the workers drain, then the server closes; exit 0. `npm start` runs this.
 *
 * In a terminal the logs are pretty (one short line each; JSON otherwise or
 * with --log-format json), and the addresses, which they scroll away, come
 * back as one line on stderr every 60 s.
 */
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { awsClient } from '../client/aws.ts';
import { loadConfig } from '../config/config-file.ts';
import { configPathOf, DEFAULT_CONFIG } from '../config/default-config.ts';
import { chosenProfile, profileArgs } from '../config/profiles.ts';
import { ensureQueues } from '../config/queues.ts';
import { runSystem } from '../config/run-system.ts';
import { drainOnSignal } from '../config/until-signal.ts';
import { ScheduleBoard } from '../dashboard/schedules.ts';
import { createLogger, logSettings } from '../observe/logger.ts';
import { repeatLine } from '../observe/repeat-line.ts';
import { nextFireTimes } from '../scheduler/index.ts';
import { startServer } from '../server/server.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { systemClock } from '../time/clock.ts';
import { applyLogArgs, logArgs } from './common/log-options.ts';
import { describeStoreUrl, openUrlStore, storeArg, storeOption } from './common/store-option.ts';
import { syncArgs, syncOption } from './common/sync-option.ts';

/** The one-line reminder of where everything is, for a terminal whose logs scrolled the banner away. */
export function summaryLine(endpoint: string, health: string, queue: string): string {
  return `sluice dev: endpoint ${endpoint}  dashboard ${endpoint}/dashboard  health ${health}/health  metrics ${health}/metrics  send one: npx sluice send ${queue} '{"to":"ana","title":"hello"}' --endpoint ${endpoint}`;
}

function portOption(value: unknown, name: string): number {
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new Error(`--${name} must be an integer 0–65535, got "${text}"`);
  return Number(text);
}

export default defineCommand({
  meta: {
    name: 'dev',
    description: 'Run a config on the embedded server: queues, workers, schedules, producers',
  },
  args: {
    config: { type: 'positional', required: false, description: `Config file (default ${DEFAULT_CONFIG})` },
    host: { type: 'string', description: 'Address the server binds', default: '127.0.0.1' },
    port: { type: 'string', description: 'Server port (0 picks one)', default: '9324' },
    data: {
      type: 'string',
      description: 'Directory for the queue store and the system’s own data',
      default: 'data',
    },
    ...storeArg,
    ...syncArgs,
    'health-port': {
      type: 'string',
      description: 'Worker health/metrics port (default WORKER_HEALTH_PORT or 3003)',
    },
    producers: {
      type: 'boolean',
      description: 'Run the config’s producers (--no-producers: off)',
      default: true,
    },
    ...logArgs,
    ...profileArgs,
  },
  async run({ args }) {
    applyLogArgs(args);
    const configPath = configPathOf(args.config);
    const port = portOption(args.port, 'port');
    const healthPort =
      args['health-port'] === undefined ? undefined : portOption(args['health-port'], 'health-port');
    const dataDir = String(args.data);
    const storeUrl = storeOption(args);
    const sync = syncOption(args, process.env);
    const logger = createLogger();

    const scheduleBoard = new ScheduleBoard();
    const server = await startServer({
      host: String(args.host),
      port,
      openStore: (baseUrl) =>
        storeUrl
          ? openUrlStore(storeUrl, { baseUrl })
          : openSqliteStore({
              path: join(dataDir, 'sluice.sqlite'),
              synchronous: sync,
              identity: { baseUrl },
            }),
      dashboard: { schedules: scheduleBoard },
    });
    const client = awsClient({ endpoint: server.url, region: 'us-east-1' });
    let system: Awaited<ReturnType<typeof runSystem>>;
    let queues: Awaited<ReturnType<typeof ensureQueues>>;
    let schedules: Awaited<ReturnType<typeof loadConfig>>['schedules'];
    try {
      const config = await loadConfig(configPath, {
        dataDir,
        mode: 'dev',
        client,
        profile: chosenProfile(args, process.env),
      });
      queues = await ensureQueues(client, config.queues);
      schedules = config.schedules;
      system = await runSystem(config, {
        client,
        logger,
        producers: args.producers !== false,
        env:
          healthPort === undefined ? process.env : { ...process.env, WORKER_HEALTH_PORT: String(healthPort) },
      });
      if (system.scheduler) scheduleBoard.attach(schedules, system.scheduler);
    } catch (e) {
      await client.close();
      await server.shutdown();
      throw e;
    }

    const example = queues[0]?.name ?? 'QUEUE';
    const lines = [
      '',
      `sluice dev: ${configPath}`,
      `  endpoint   ${server.url}   (SLUICE_ENDPOINT; queue URLs ${server.baseUrl}/000000000000/NAME)`,
      `  dashboard  ${server.url}/dashboard`,
      `  health     ${system.workers.health.url}/health  /ready  /metrics`,
      `  store      ${storeUrl ? describeStoreUrl(storeUrl) : `${join(dataDir, 'sluice.sqlite')} (sync ${sync.toLowerCase()})`}`,
      `  queues     ${queues.map((q) => (q.dlqUrl ? `${q.name} (+DLQ)` : q.name)).join(', ')}`,
      `  workers    ${system.workers.workers.map((w) => w.name).join(', ')}`,
      ...schedules.map(
        (s) =>
          `  schedule   ${s.name}: "${s.cron}" ${s.timezone}, next ${nextFireTimes(s, new Date())[0]?.toISOString()}`,
      ),
      ...schedules.map(
        (s) =>
          `  run now    npx sluice schedule run ${s.name} ${configPath}${dataDir === 'data' ? '' : ` --data ${dataDir}`} --endpoint ${server.url}`,
      ),
      `  producers  ${system.producers > 0 ? 'running' : 'off'}`,
      `  send one   npx sluice send ${example} '{"to":"ana","title":"hello"}' --endpoint ${server.url}`,
      `  other CLI  export SLUICE_ENDPOINT=${server.url}   then: npx sluice stats, npx sluice queues list`,
      '  stop       Ctrl-C drains the workers, then closes the server; Ctrl-C again hands back and exits now',
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    const { format, colour } = logSettings();
    const stopSummary =
      format === 'pretty'
        ? repeatLine({
            clock: systemClock,
            line: () => summaryLine(server.url, system.workers.health.url, example),
            write: (line) => void process.stderr.write(colour ? `\x1b[1m${line}\x1b[0m\n` : `${line}\n`),
          })
        : () => {};

    // As `sluice start`: a signal drains; the same signal again hands back what is held and exits now.
    const stopping = drainOnSignal({
      abandon: (reason) => system.workers.abandon(reason),
      onForce: (again) =>
        process.stderr.write(`sluice dev: second ${again}: handing back what is held and exiting now\n`),
    });
    const signal = await stopping.signalled;
    stopSummary();
    process.stderr.write(`sluice dev: ${signal}, draining\n`);
    await system.stop(signal);
    await client.close();
    await server.shutdown();
    process.stderr.write('sluice dev: stopped\n');
    // Whatever the config left running (abandoned handlers, timers) ends here.
    process.exit(stopping.exitCode(system.workers.exitCode));
  },
});

/**
 * `sluice scale <worker file | config>`: runs the workers as a pool of
 * processes (WORKER_ID `<prefix>-1…N`) — each `sluice worker <file>`, or for a
 * config (defineConfig) `sluice start <config>` — at `--workers N`, or
 * autoscaled by the policy the flags describe from live samples of the queues
 * the workers read (the age of the oldest message from a sluice server's
 * GET /stats, or on Amazon SQS from CloudWatch when age steps need it).
 * Crashed processes restart with backoff; one over
 * `--memory-limit` is drained and restarted; scale-in drains the newest.
 * SIGTERM/SIGINT drain them all and exit 0. The last few decisions are kept
 * in tags on the first queue sampled, for a server's dashboard
 * (src/scale/decision-tags.ts). See src/scale/run-scale.ts.
 *
 * The same policy can drive an ECS service instead (`--ecs cluster/service`,
 * `--dry-run` prints the calls), or be printed as a KEDA ScaledObject
 * (`--export keda --deployment NAME`).
 *
 *   sluice scale worker.ts --workers 4
 *   sluice scale worker.ts --min 1 --max 10 --target 100 --steps 300-600:+1,600:+2 --evaluation-periods 2
 *   sluice scale worker.ts --max 30 --target 50000 --ecs prod/push-worker --dry-run
 *   sluice scale worker.ts --max 10 --target 100 --export keda --deployment push-worker
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { createClient, type QueueClient } from '../client/index.ts';
import { noteNodeVersion } from '../client/node-version.ts';
import { isConfigDefinition, loadConfig } from '../config/config-file.ts';
import { importFile } from '../config/import-file.ts';
import { chosenProfile, profileArgs } from '../config/profiles.ts';
import { readWorkerEnv } from '../config/worker-env.ts';
import { kedaScaledObject } from '../deploy/k8s/keda.ts';
import { createLogger, logEnv } from '../observe/logger.ts';
import type { Actuator } from '../scale/actuator.ts';
import { ecsActuator } from '../scale/actuators/ecs.ts';
import { type CloudWatchAges, cloudWatchAges } from '../scale/cloudwatch-age.ts';
import { parseScalePolicy, type ScalePolicy } from '../scale/config.ts';
import { DecisionTags } from '../scale/decision-tags.ts';
import { runScale } from '../scale/run-scale.ts';
import { queuesObserver } from '../scale/sampler.ts';
import type { WorkerDefinition } from '../worker/define.ts';
import { type Connection, connectionArgs, connectionOf, reasonOf } from './common/connection.ts';
import { applyLogArgs, logArgs } from './common/log-options.ts';
import { intOption, stringOption } from './common/options.ts';
import { about } from './common/queue.ts';
import {
  bytesOption,
  hasPolicyFlags,
  numberOption,
  policyArgs,
  policyInputOf,
} from './common/scale-options.ts';
import { workersOf } from './worker.ts';

const args = {
  file: {
    type: 'positional',
    required: true,
    description: 'A module exporting defineWorker(...) results, or a config (defineConfig)',
  },
  workers: { type: 'string', description: 'A fixed number of worker processes (no autoscaling)' },
  ...policyArgs,
  queue: {
    type: 'string',
    description: 'Sample this queue (name or URL) instead of the ones the workers read',
  },
  'sample-interval': {
    type: 'string',
    description: 'Seconds between queue samples (default: period ÷ 4, ≥ 1)',
  },
  'memory-limit': {
    type: 'string',
    description: 'Drain and restart a process whose memory exceeds this (512M, 1G)',
  },
  'drain-timeout': {
    type: 'string',
    description: 'Seconds a draining process gets before SIGKILL (default 60)',
  },
  prefix: { type: 'string', description: 'WORKER_ID prefix (default: the host name)' },
  data: { type: 'string', description: 'For a config: its local data directory (default ./data)' },
  ecs: { type: 'string', description: 'Scale this ECS service (cluster/service) instead of local processes' },
  'ecs-endpoint': { type: 'string', description: 'An ECS-compatible endpoint (default: Amazon ECS)' },
  'dry-run': { type: 'boolean', description: 'With --ecs: print the UpdateService calls, send none' },
  export: { type: 'string', description: 'Print the policy for another scaler and exit: keda' },
  deployment: { type: 'string', description: 'With --export keda: the Deployment to scale' },
  namespace: { type: 'string', description: 'With --export keda: its namespace' },
  'auth-ref': { type: 'string', description: 'With --export keda: a TriggerAuthentication name' },
  ...logArgs,
  ...connectionArgs,
  ...profileArgs,
} as const;

type Args = Record<string, unknown>;

/** What the file runs in each process, and the workers it declares. */
async function load(
  path: string,
  file: string,
  dataDir: string,
  profile: string | undefined,
  client: QueueClient,
) {
  const module = await importFile(path);
  if (isConfigDefinition(module.default)) {
    const config = await loadConfig(path, { dataDir, mode: 'start', client, profile });
    if (config.workers.length === 0) throw new Error(`${file} declares no worker`);
    const env = profile === undefined ? [] : ['--env', profile];
    return {
      childArgs: ['start', path, '--data', dataDir, ...env],
      workers: config.workers,
      policy: config.scale,
    };
  }
  const workers = workersOf(module);
  if (workers.length === 0) throw new Error(`${file} exports no worker (see defineWorker) and is no config`);
  return { childArgs: ['worker', path], workers, policy: undefined };
}

/** URLs of the queues to sample: --queue, or every queue the workers read. */
async function queueUrls(client: QueueClient, workers: readonly WorkerDefinition[], only?: string) {
  const refs = only ? [only] : [...new Set(workers.flatMap((w) => w.queues.map((q) => q.queue)))];
  return Promise.all(
    refs.map((ref) =>
      /^https?:\/\//.test(ref)
        ? ref
        : about(ref, client.getQueueUrl({ QueueName: ref })).then((r) => r.QueueUrl),
    ),
  );
}

/** The options checked once, before anything starts. */
function options(a: Args) {
  const fixed = intOption(a, 'workers', 0, 1000);
  if (fixed !== undefined && hasPolicyFlags(a))
    throw new Error('--workers sets a fixed count: leave out the policy flags (--min, --max, --target, …)');
  const policy = hasPolicyFlags(a) ? parseScalePolicy(policyInputOf(a)) : undefined;
  const ecs = stringOption(a, 'ecs');
  const ecsParts = ecs?.split('/');
  if (ecs !== undefined && (ecsParts?.length !== 2 || !ecsParts[0] || !ecsParts[1]))
    throw new Error(`--ecs must be cluster/service, got "${ecs}"`);
  if (a['dry-run'] === true && ecs === undefined) throw new Error('--dry-run goes with --ecs');
  const exported = stringOption(a, 'export');
  if (exported !== undefined && exported !== 'keda')
    throw new Error(`--export must be keda, got "${exported}"`);
  if (exported !== undefined && a.deployment === undefined)
    throw new Error('--export keda needs --deployment NAME');
  const drain = numberOption(a, 'drain-timeout');
  const sample = numberOption(a, 'sample-interval', 0.1);
  return {
    fixed,
    policy,
    ecs: ecsParts && ecs !== undefined ? { cluster: ecsParts[0]!, service: ecsParts[1]! } : undefined,
    exported,
    memoryLimitBytes: bytesOption(a, 'memory-limit'),
    drainTimeoutMs: drain === undefined ? undefined : drain * 1000,
    sampleIntervalMs: sample === undefined ? undefined : sample * 1000,
    prefix: stringOption(a, 'prefix') ?? hostname(),
    dataDir: stringOption(a, 'data') ?? 'data',
  };
}

function exportKeda(policy: ScalePolicy, a: Args, queueUrl: string, connection: Connection): void {
  const { yaml, warnings } = kedaScaledObject(policy, {
    name: String(a.deployment),
    deployment: String(a.deployment),
    queueUrls: [queueUrl],
    region: connection.region ?? 'us-east-1',
    ...(typeof a.namespace === 'string' ? { namespace: a.namespace } : {}),
    ...(typeof a['auth-ref'] === 'string' ? { authRef: a['auth-ref'] } : {}),
    ...(connection.endpoint ? { awsEndpoint: connection.endpoint } : {}),
  });
  process.stdout.write(yaml.endsWith('\n') ? yaml : `${yaml}\n`);
  for (const w of warnings) process.stderr.write(`sluice: warning: ${w}\n`);
}

export default defineCommand({
  meta: {
    name: 'scale',
    description: 'Run workers as a pool of processes, fixed or autoscaled (or scale ECS)',
  },
  args,
  async run({ args: a }) {
    applyLogArgs(a);
    const path = resolve(String(a.file));
    if (!existsSync(path)) throw new Error(`${a.file}: no such file`);
    const o = options(a);
    const connection = connectionOf(a, process.env);
    // sluice's one line about Node 20 instead of the SDK's nine (the pool's processes inherit the
    // switch), said once the pool starts, so a refusal stays one line.
    let nodeNotice = '';
    noteNodeVersion(process.env, (line) => (nodeNotice = line));
    const health = readWorkerEnv({ ...process.env, WORKER_ID: 'scale' }); // the pool's probes: WORKER_HEALTH_*
    const client = createClient({
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      ...(connection.region ? { region: connection.region } : {}),
    });
    let actuator: (Actuator & { close(): void }) | undefined;
    let cloudWatch: CloudWatchAges | undefined;
    try {
      const {
        childArgs,
        workers,
        policy: configured,
      } = await load(path, String(a.file), o.dataDir, chosenProfile(a, process.env), client);
      // Flags replace the config's policy as a whole; --workers needs none.
      const policy = o.fixed === undefined ? (o.policy ?? configured) : undefined;
      if (o.fixed === undefined && !policy)
        throw new Error(
          'give --workers N, or a policy: --max with --target, --latency or --steps (or scale in the config)',
        );
      if (o.ecs && !policy) throw new Error('--ecs follows a policy: give --max and --target or --steps');
      const urls = await queueUrls(client, workers, stringOption(a, 'queue'));
      if (o.exported) {
        if (urls.length !== 1)
          throw new Error(
            `the workers read ${urls.length} queues; KEDA's trigger watches one: pick it with --queue`,
          );
        if (!policy) throw new Error('--export keda exports a policy: give --max and --target');
        return exportKeda(policy, a, urls[0]!, connection);
      }
      if (o.ecs)
        actuator = ecsActuator({
          ...o.ecs,
          ...(connection.region ? { region: connection.region } : {}),
          ...(typeof a['ecs-endpoint'] === 'string' ? { endpoint: a['ecs-endpoint'] } : {}),
          dryRun: a['dry-run'] === true,
        });
      // On Amazon SQS the age is a CloudWatch metric: read only when age steps need it.
      if (!connection.endpoint && policy && policy.steps.length > 0)
        cloudWatch = cloudWatchAges(connection.region ? { region: connection.region } : {});
      const observe = queuesObserver({
        client,
        queueUrls: urls,
        ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
        ...(cloudWatch ? { cloudWatch } : {}),
      });
      process.stderr.write(nodeNotice);
      const log = createLogger();
      // A dry run changes nothing on AWS, tags included.
      const decisions =
        a['dry-run'] === true
          ? undefined
          : new DecisionTags({ client, queueUrl: urls[0]!, prefix: o.prefix, log });
      const running = await runScale({
        childArgs,
        mode: policy ? { policy, observe } : { fixed: o.fixed ?? 0 },
        ...(actuator ? { actuator } : {}),
        log,
        idPrefix: o.prefix,
        ...(decisions ? { decisions } : {}),
        env: {
          ...process.env,
          ...logEnv(), // every worker process logs at the pool's level, in its format
          ...(connection.endpoint ? { SLUICE_ENDPOINT: connection.endpoint } : {}),
          ...(connection.region ? { AWS_REGION: connection.region } : {}),
        },
        health: { host: health.healthHost, port: health.healthPort },
        ...(o.memoryLimitBytes !== undefined ? { memoryLimitBytes: o.memoryLimitBytes } : {}),
        ...(o.drainTimeoutMs !== undefined ? { drainTimeoutMs: o.drainTimeoutMs } : {}),
        ...(o.sampleIntervalMs !== undefined ? { sampleIntervalMs: o.sampleIntervalMs } : {}),
      });
      await running.done;
    } catch (e) {
      throw new Error(reasonOf(e, connection), { cause: e });
    } finally {
      actuator?.close();
      cloudWatch?.close();
      await client.close();
    }
  },
});

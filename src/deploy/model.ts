/**
 * The deployment model: one pure, frozen description of what runs, computed
 * from the config (its queues, workers and `scale` policy, parsed by the same
 * code `sluice scale` uses) and its `deploy` settings. Every renderer (PM2,
 * compose, Kubernetes; later CDK, Pulumi, Terraform) is a thin function of
 * this model, so a number is decided here once and never typed twice.
 *
 * Checked once, here, each refusal one line naming the field:
 * - the config has workers and a scale policy (the pool's size comes from it);
 * - no worker drains longer than `deploy.shutdownTimeoutSeconds` (a worker's
 *   own shutdownTimeoutMs would outlive the grace period the platform gives);
 * - `deploy.env` sets no variable the model owns, and its WORKER_* values are
 *   valid for the worker runtime (checked by readWorkerEnv itself).
 */
import type { QueueConfig, SluiceConfig } from '../config/config-file.ts';
import { ConfigError, readWorkerEnv } from '../config/worker-env.ts';
import type { ScalePolicy } from '../scale/config.ts';
import { type DeployInput, type DeploySettings, parseDeploySettings } from './settings.ts';

/**
 * Seconds a platform waits past the worker's shutdown timeout before it
 * kills: after the timeout the worker still hands back what it held, flushes
 * its deletes and closes its client.
 */
export const STOP_MARGIN_SECONDS = 10;

/** Variables the model sets itself, from the named setting. */
const OWNED: Readonly<Record<string, string>> = {
  SLUICE_ENDPOINT: 'deploy.endpoint',
  AWS_REGION: 'deploy.region',
  WORKER_ID: 'each target (one per process or pod)',
  WORKER_HEALTH_HOST: 'each target',
  WORKER_HEALTH_PORT: 'deploy.healthPort',
  WORKER_SHUTDOWN_TIMEOUT_MS: 'deploy.shutdownTimeoutSeconds',
  SLUICE_ENV: '--env (the profile the config was read with)',
};

/** A queue a worker reads, with its URL where it is known. */
export interface ConsumedQueue {
  readonly name: string;
  /** Undefined on Amazon SQS without `deploy.accountId`. */
  readonly url: string | undefined;
}

export interface DeployModel {
  readonly name: string;
  readonly image: string;
  readonly namespace: string | undefined;
  /** The config file, as the service's working directory sees it (posix). */
  readonly configFile: string;
  /** `sluice` arguments the service runs. */
  readonly args: readonly string[];
  /** The names of the workers the service runs, for comments. */
  readonly workers: readonly string[];
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly shutdownTimeoutSeconds: number;
  /** shutdown timeout + STOP_MARGIN_SECONDS: kill_timeout, stop_grace_period, terminationGracePeriodSeconds. */
  readonly stopTimeoutSeconds: number;
  readonly health: { readonly port: number; readonly live: '/health'; readonly ready: '/ready' };
  /** Every service's environment but WORKER_ID and WORKER_HEALTH_HOST, sorted by name. */
  readonly env: Readonly<Record<string, string>>;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly queues: readonly QueueConfig[];
  readonly consumed: readonly ConsumedQueue[];
  readonly scale: ScalePolicy;
  readonly authRef: string | undefined;
  readonly jobSeconds: number;
}

/** A config that cannot be deployed as it is; the message is one line naming the field. */
export class DeployModelError extends Error {
  override readonly name = 'DeployModelError';
}

export interface ModelOptions {
  /** Where the config file is, relative to the service's working directory. */
  readonly configFile: string;
  /** Settings given on the command line (`--image`), over the config's. */
  readonly overrides?: DeployInput;
}

/** The queue name a worker refers to (a URL's last segment). */
const nameOf = (queue: string) => queue.split('/').at(-1) ?? queue;

function queueUrl(settings: DeploySettings, name: string): string | undefined {
  const account = settings.accountId;
  if (account === undefined) return undefined;
  const base = settings.endpoint ?? `https://sqs.${settings.region}.amazonaws.com`;
  return `${base.replace(/\/+$/, '')}/${account}/${name}`;
}

function environment(settings: DeploySettings, profile: string | undefined): Record<string, string> {
  const fail = (message: string): never => {
    throw new DeployModelError(message);
  };
  for (const name of Object.keys(settings.env))
    if (name in OWNED) fail(`deploy.env.${name} is set by ${OWNED[name]}: set that instead`);
  const env: Record<string, string> = {
    ...settings.env,
    ...(settings.endpoint === undefined ? {} : { SLUICE_ENDPOINT: settings.endpoint }),
    AWS_REGION: settings.region,
    // The service reads the config with the profile it was deployed with.
    ...(profile === undefined ? {} : { SLUICE_ENV: profile }),
    WORKER_HEALTH_PORT: String(settings.healthPort),
    WORKER_SHUTDOWN_TIMEOUT_MS: String(settings.shutdownTimeoutSeconds * 1000),
  };
  try {
    readWorkerEnv({ ...env, WORKER_ID: 'deploy-check' });
  } catch (e) {
    if (e instanceof ConfigError) fail(`deploy.env.${e.message}`);
    throw e;
  }
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The model of a config's deployment, validated and frozen.
 *
 * @example
 * const config = await loadConfig('sluice.config.ts', context);
 * const model = deployModel(config, { configFile: 'sluice.config.ts' });
 * model.stopTimeoutSeconds; // 40 with the default 30 s shutdown timeout
 */
export function deployModel(config: SluiceConfig, options: ModelOptions): DeployModel {
  const settings = options.overrides
    ? parseDeploySettings({ ...config.deploy, ...options.overrides })
    : (config.deploy ?? parseDeploySettings(undefined));
  const fail = (message: string): never => {
    throw new DeployModelError(message);
  };
  if (config.workers.length === 0)
    fail('workers: the config declares no worker, so there is nothing to deploy');
  const scale =
    config.scale ??
    fail(
      'scale is needed: the deployment is sized by the config’s scale policy, e.g. scale: { min: 1, max: 10, targetBacklogPerWorker: 100 }',
    );
  config.workers.forEach((w, i) => {
    const own = w.given.shutdownTimeoutMs;
    if (own !== undefined && own > settings.shutdownTimeoutSeconds * 1000)
      fail(
        `workers[${i}] (${w.name}) drains for up to ${own / 1000} s (shutdownTimeoutMs ${own}), longer than deploy.shutdownTimeoutSeconds (${settings.shutdownTimeoutSeconds}): raise that`,
      );
  });
  const env = environment(settings, config.profile);
  const consumed = [...new Set(config.workers.flatMap((w) => w.queues.map((q) => nameOf(q.queue))))].map(
    (name) => Object.freeze({ name, url: queueUrl(settings, name) }),
  );
  const configFile = options.configFile.replaceAll('\\', '/');
  return Object.freeze({
    name: settings.name,
    image: settings.image,
    namespace: settings.namespace,
    configFile,
    // Against a sluice server nothing else creates the queues; on Amazon SQS they are infrastructure.
    args: Object.freeze([
      'start',
      configFile,
      ...(settings.endpoint === undefined ? [] : ['--create-queues']),
    ]),
    workers: Object.freeze(config.workers.map((w) => w.name)),
    cpu: settings.cpu,
    memoryMiB: settings.memoryMiB,
    shutdownTimeoutSeconds: settings.shutdownTimeoutSeconds,
    stopTimeoutSeconds: settings.shutdownTimeoutSeconds + STOP_MARGIN_SECONDS,
    health: Object.freeze({ port: settings.healthPort, live: '/health', ready: '/ready' } as const),
    env: Object.freeze(env),
    endpoint: settings.endpoint,
    region: settings.region,
    queues: config.queues,
    consumed: Object.freeze(consumed),
    scale,
    authRef: settings.authRef,
    jobSeconds: settings.jobSeconds,
  });
}

/**
 * The config's `deploy` section: what a deployment needs that the queues,
 * workers and scale policy do not say (the image, the size of one worker,
 * how long it may drain, where the queues are). Parsed once with zod, frozen;
 * a bad value is refused naming the field (`deploy.memoryMiB must be an
 * integer 64–122880, got 10`). Defaults are the worker runtime's own
 * (WORKER_ENV_DEFAULTS), so a deployment without the section runs workers
 * exactly as `sluice start` would.
 */
import { z } from 'zod';
import { WORKER_ENV_DEFAULTS } from '../config/worker-env.ts';
import { type AwsSettings, awsSchema, awsSettingsOf } from './aws/settings.ts';

const int = (min: number, max: number) => {
  const error = `an integer ${min}–${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const label = z
  .string({ error: 'a name of lowercase letters, digits and -, starting with a letter (≤ 63)' })
  .regex(DNS_LABEL, { error: 'a name of lowercase letters, digits and -, starting with a letter (≤ 63)' });
const httpUrl = z
  .string({ error: 'an http:// or https:// URL' })
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
    error: 'an http:// or https:// URL',
  });
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const deploySchema = z.strictObject({
  name: label.optional(),
  image: z.string({ error: 'an image reference' }).regex(/^\S+$/, { error: 'an image reference' }).optional(),
  cpu: z
    .number({ error: 'a number of vCPUs 0.1–16' })
    .min(0.1, { error: 'a number of vCPUs 0.1–16' })
    .max(16, { error: 'a number of vCPUs 0.1–16' })
    .optional(),
  memoryMiB: int(64, 122_880).optional(),
  shutdownTimeoutSeconds: int(1, 3600).optional(),
  healthPort: int(0, 65_535).optional(),
  endpoint: httpUrl.optional(),
  region: z
    .string({ error: 'a region name such as us-east-1' })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'a region name such as us-east-1' })
    .optional(),
  accountId: z
    .string({ error: 'a 12-digit AWS account id' })
    .regex(/^\d{12}$/, { error: 'a 12-digit AWS account id' })
    .optional(),
  namespace: label.optional(),
  authRef: label.optional(),
  jobSeconds: int(60, 86_400).optional(),
  env: z
    .record(z.string().regex(ENV_NAME, { error: 'a variable name' }), z.string({ error: 'a string' }), {
      error: 'an object of variable names to strings',
    })
    .optional(),
  aws: awsSchema.optional(),
});

/** What a config writes under `deploy`. */
export type DeployInput = z.input<typeof deploySchema>;

/** The deploy section with every default filled in. */
export interface DeploySettings {
  /** The service's name: PM2 app, compose service, Kubernetes objects. */
  readonly name: string;
  /** The sluice image (its entrypoint is `sluice`). */
  readonly image: string;
  /** vCPUs one worker process gets. */
  readonly cpu: number;
  /** Memory one worker process may use before it is restarted (MiB). */
  readonly memoryMiB: number;
  /** WORKER_SHUTDOWN_TIMEOUT_MS in seconds: how long a stopping worker drains. */
  readonly shutdownTimeoutSeconds: number;
  /** WORKER_HEALTH_PORT (/health, /ready, /metrics). */
  readonly healthPort: number;
  /** SLUICE_ENDPOINT; unset: Amazon SQS. */
  readonly endpoint: string | undefined;
  readonly region: string;
  /** For the queue URLs on Amazon SQS (a sluice server's is 000000000000). */
  readonly accountId: string | undefined;
  readonly namespace: string | undefined;
  /** A KEDA TriggerAuthentication's name. */
  readonly authRef: string | undefined;
  /** How long one ScaledJob run works before it drains and ends. */
  readonly jobSeconds: number;
  /** More environment for the workers, sorted by name (WORKER_CONCURRENCY, …). */
  readonly env: Readonly<Record<string, string>>;
  /** What an AWS deployment (CDK, Pulumi, Terraform) needs besides: src/deploy/aws/settings.ts. */
  readonly aws: AwsSettings;
}

export const DEPLOY_DEFAULTS = Object.freeze({
  name: 'sluice-worker',
  image: 'sluice:latest',
  cpu: 0.25,
  memoryMiB: 512,
  shutdownTimeoutSeconds: WORKER_ENV_DEFAULTS.shutdownTimeoutMs / 1000,
  healthPort: WORKER_ENV_DEFAULTS.healthPort,
  region: 'us-east-1',
  jobSeconds: 600,
});

/** A bad deploy setting; the message is one line naming the field. */
export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * Validates the deploy section (undefined: every default) and returns it frozen.
 *
 * @example
 * parseDeploySettings({ image: 'ghcr.io/acme/push:1.4.2', memoryMiB: 1024 }).shutdownTimeoutSeconds; // 30
 */
export function parseDeploySettings(input: unknown): DeploySettings {
  const parsed = deploySchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = ['deploy', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys')
      throw new DeploySettingsError(`${at}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    const got = 'input' in issue && issue.input !== undefined ? `, got ${describe(issue.input)}` : '';
    throw new DeploySettingsError(`${at} must be ${issue.message}${got}`);
  }
  const d = parsed.data;
  const env = Object.fromEntries(Object.entries(d.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return Object.freeze({
    name: d.name ?? DEPLOY_DEFAULTS.name,
    image: d.image ?? DEPLOY_DEFAULTS.image,
    cpu: d.cpu ?? DEPLOY_DEFAULTS.cpu,
    memoryMiB: d.memoryMiB ?? DEPLOY_DEFAULTS.memoryMiB,
    shutdownTimeoutSeconds: d.shutdownTimeoutSeconds ?? DEPLOY_DEFAULTS.shutdownTimeoutSeconds,
    healthPort: d.healthPort ?? DEPLOY_DEFAULTS.healthPort,
    endpoint: d.endpoint,
    region: d.region ?? DEPLOY_DEFAULTS.region,
    accountId: d.accountId ?? (d.endpoint === undefined ? undefined : '000000000000'),
    namespace: d.namespace,
    authRef: d.authRef,
    jobSeconds: d.jobSeconds ?? DEPLOY_DEFAULTS.jobSeconds,
    env: Object.freeze(env),
    aws: awsSettingsOf(d.aws),
  });
}

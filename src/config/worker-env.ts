/**
 * Worker configuration from the environment, read once at start-up into a
 * frozen object; nothing reads `process.env` after that. Each variable's
 * check and the words describing it sit side by side in RULES, so a refusal
 * (`WORKER_CONCURRENCY must be an integer 1–10000, got "abc"`) cannot drift
 * from the check. All bad variables are reported together, in one line.
 *
 * An empty value (`WORKER_CONCURRENCY=` in a compose file) counts as unset.
 *
 * AWS_REGION: with SLUICE_ENDPOINT (a sluice server, ElasticMQ, LocalStack)
 * it defaults to us-east-1, because the region only names the signing scope
 * there. Without it (Amazon SQS) it is left undefined rather than required:
 * the AWS SDK then finds the region the way every AWS tool does (the profile
 * in ~/.aws/config; ECS, Fargate, Lambda and EKS set AWS_REGION themselves),
 * and the client should resolve it at start to fail early when there is none.
 *
 * WORKER_HEALTH_HOST: unset, it is 0.0.0.0 in a container (so Kubernetes
 * httpGet probes and ECS/Docker health checks from outside reach it) and
 * 127.0.0.1 elsewhere (a laptop's probes stay private); see healthHostDefault.
 *
 * ECS_AGENT_URI: set by the ECS agent in every task's containers (Fargate
 * included). With it, the worker protects its task from scale-in while it
 * holds messages (worker/task-protection.ts) unless WORKER_TASK_PROTECTION=off.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { z } from 'zod';

/** The variable that was refused, and why, for callers that show more than the message. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Bad configuration; the message is one line naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

export type WorkerEnv = Readonly<{
  /** SLUICE_ENDPOINT; undefined means Amazon SQS through the default AWS credential chain. */
  endpoint: string | undefined;
  /** AWS_REGION; undefined means "let the AWS SDK resolve it" (only without an endpoint). */
  region: string | undefined;
  workerId: string;
  concurrency: number;
  batchSize: number;
  /** Seconds. */
  visibilityTimeout: number;
  /** The pause after an empty short poll only; never between batches that return messages. */
  pollIntervalMs: number;
  healthHost: string;
  /** Why `healthHost` is what it is (the variable, or what was detected), for the log. */
  healthHostReason: string;
  healthPort: number;
  shutdownTimeoutMs: number;
  /** ECS_AGENT_URI: the ECS agent's endpoint in this task; undefined outside ECS. */
  ecsAgentUri: string | undefined;
  /** WORKER_TASK_PROTECTION: false (off) keeps the worker from asking for scale-in protection. */
  taskProtection: boolean;
  /** WORKER_TASK_PROTECTION_MINUTES: how long each protection lasts; renewed at half while busy. */
  taskProtectionMinutes: number;
}>;

const integer = (min: number, max: number, unit?: string) => ({
  expected: `an integer ${min}–${max}${unit ? ` (${unit})` : ''}`,
  schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max)),
});

const isHttpUrl = (v: string) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol);
const isHost = (v: string) => isIP(v) !== 0 || /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(v);

const RULES = {
  SLUICE_ENDPOINT: { expected: 'an http:// or https:// URL', schema: z.string().refine(isHttpUrl) },
  AWS_REGION: {
    expected: 'a region name such as us-east-1',
    schema: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  },
  WORKER_ID: {
    expected: '1–128 characters without whitespace',
    schema: z.string().regex(/^[^\s\p{Cc}]{1,128}$/u),
  },
  WORKER_CONCURRENCY: integer(1, 10_000),
  WORKER_BATCH_SIZE: integer(1, 10),
  WORKER_VISIBILITY_TIMEOUT: integer(0, 43_200, 'seconds'),
  // Capped: Node fires timers above 2^31 ms at once, and an hour is far past any sane pause.
  WORKER_POLL_INTERVAL_MS: integer(0, 3_600_000, 'milliseconds'),
  WORKER_HEALTH_HOST: { expected: 'an IP address or host name', schema: z.string().refine(isHost) },
  WORKER_HEALTH_PORT: integer(0, 65_535),
  WORKER_SHUTDOWN_TIMEOUT_MS: integer(0, 3_600_000, 'milliseconds'),
  ECS_AGENT_URI: { expected: 'an http:// or https:// URL', schema: z.string().refine(isHttpUrl) },
  WORKER_TASK_PROTECTION: { expected: 'on or off', schema: z.enum(['on', 'off']) },
  // ECS's own bounds for ExpiresInMinutes.
  WORKER_TASK_PROTECTION_MINUTES: integer(1, 2880, 'minutes'),
};
type Variable = keyof typeof RULES;
const VARIABLES = Object.keys(RULES) as Variable[];

/**
 * WORKER_HEALTH_HOST's default: 0.0.0.0 in a container, else 127.0.0.1, and
 * why. A container is told by what the runtimes leave behind: Docker's
 * /.dockerenv, Podman's /run/.containerenv, Kubernetes' KUBERNETES_SERVICE_HOST
 * (set in every pod), ECS's ECS_CONTAINER_METADATA_URI(_V4) (every task,
 * Fargate included).
 *
 * @example
 * healthHostDefault({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, () => false);
 * // { host: '0.0.0.0', reason: 'in Kubernetes (KUBERNETES_SERVICE_HOST is set)' }
 */
export function healthHostDefault(
  env: NodeJS.ProcessEnv,
  fileExists: (path: string) => boolean,
): { host: string; reason: string } {
  const anywhere = (reason: string) => ({ host: '0.0.0.0', reason });
  if (env.KUBERNETES_SERVICE_HOST) return anywhere('in Kubernetes (KUBERNETES_SERVICE_HOST is set)');
  for (const v of ['ECS_CONTAINER_METADATA_URI_V4', 'ECS_CONTAINER_METADATA_URI'])
    if (env[v]) return anywhere(`in ECS (${v} is set)`);
  for (const file of ['/.dockerenv', '/run/.containerenv'])
    if (fileExists(file)) return anywhere(`in a container (${file} exists)`);
  return {
    host: '127.0.0.1',
    reason: 'not in a container (set WORKER_HEALTH_HOST=0.0.0.0 to be probed from outside)',
  };
}

/** What an unset variable means (WORKER_ID, AWS_REGION and WORKER_HEALTH_HOST are computed: see readWorkerEnv). */
export const WORKER_ENV_DEFAULTS = Object.freeze({
  concurrency: 10,
  batchSize: 10,
  visibilityTimeout: 30,
  pollIntervalMs: 1000,
  healthPort: 3003,
  shutdownTimeoutMs: 30_000,
  taskProtectionMinutes: 60,
});

const schema = z
  .object(
    Object.fromEntries(VARIABLES.map((v) => [v, RULES[v].schema.optional()])) as {
      [V in Variable]: z.ZodOptional<(typeof RULES)[V]['schema']>;
    },
  )
  .transform((v) => {
    const d = WORKER_ENV_DEFAULTS;
    return {
      endpoint: v.SLUICE_ENDPOINT,
      region: v.AWS_REGION ?? (v.SLUICE_ENDPOINT === undefined ? undefined : 'us-east-1'),
      workerId: v.WORKER_ID ?? `${hostname()}-${process.pid}`,
      concurrency: v.WORKER_CONCURRENCY ?? d.concurrency,
      batchSize: v.WORKER_BATCH_SIZE ?? d.batchSize,
      visibilityTimeout: v.WORKER_VISIBILITY_TIMEOUT ?? d.visibilityTimeout,
      pollIntervalMs: v.WORKER_POLL_INTERVAL_MS ?? d.pollIntervalMs,
      healthPort: v.WORKER_HEALTH_PORT ?? d.healthPort,
      shutdownTimeoutMs: v.WORKER_SHUTDOWN_TIMEOUT_MS ?? d.shutdownTimeoutMs,
      ecsAgentUri: v.ECS_AGENT_URI,
      taskProtection: v.WORKER_TASK_PROTECTION !== 'off',
      taskProtectionMinutes: v.WORKER_TASK_PROTECTION_MINUTES ?? d.taskProtectionMinutes,
    };
  });

/** The value as the user wrote it, quoted and cut short so the message stays one readable line. */
const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

/**
 * Reads and validates the worker's variables; throws a ConfigError naming every bad one.
 * `fileExists` is how a container is detected (healthHostDefault).
 *
 * @example
 * const config = readWorkerEnv(process.env);
 * config.concurrency; // 10 unless WORKER_CONCURRENCY says otherwise
 */
export function readWorkerEnv(
  env: NodeJS.ProcessEnv,
  fileExists: (path: string) => boolean = existsSync,
): WorkerEnv {
  const input: Partial<Record<Variable, string>> = {};
  for (const v of VARIABLES) {
    const value = env[v];
    if (value !== undefined && value !== '') input[v] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) {
    const health = input.WORKER_HEALTH_HOST
      ? { host: input.WORKER_HEALTH_HOST, reason: 'WORKER_HEALTH_HOST' }
      : healthHostDefault(env, fileExists);
    return Object.freeze({ ...result.data, healthHost: health.host, healthHostReason: health.reason });
  }
  const bad = new Set(result.error.issues.map((issue) => issue.path[0]));
  const problems = VARIABLES.filter((v) => bad.has(v)).map((variable) => ({
    variable,
    message: `${variable} must be ${RULES[variable].expected}, got ${shown(input[variable] ?? '')}`,
  }));
  throw new ConfigError(problems);
}

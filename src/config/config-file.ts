/**
 * A sluice config file (`sluice.config.ts`): the queues a system needs (with
 * their dead-letter queues), its workers, schedules and producers, in one
 * place that `sluice dev` and `sluice start` both run unchanged.
 *
 * The config is checked once, by `defineConfig` (or by `loadConfig` for a
 * config written as a function of its context), and frozen. A bad value is
 * refused with its path in the config (`queues[1].dlq.maxReceiveCount must be
 * an integer 1–1000, got 0`), every problem in one error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { QueueClient } from '../client/queue-client.ts';
import {
  type DeployInput,
  type DeploySettings,
  DeploySettingsError,
  parseDeploySettings,
} from '../deploy/settings.ts';
import {
  parseScalePolicy,
  type ScalePolicy,
  ScalePolicyError,
  type ScalePolicyInput,
} from '../scale/config.ts';
import { isSchedule, type Schedule } from '../scheduler/index.ts';
import { isWorkerDefinition, type WorkerDefinition } from '../worker/define.ts';
import { importFile } from './import-file.ts';
import { isProducerDefinition, type ProducerDefinition } from './producer.ts';
import { applyProfile, type ProfileInput } from './profiles.ts';

/** A queue the system needs; `sluice dev` (and `sluice start --create-queues`) creates it. */
export interface QueueConfig {
  /** SQS queue name; a FIFO queue's ends in `.fifo`. */
  readonly name: string;
  /** Implied by a `.fifo` name. */
  readonly fifo: boolean;
  /** Seconds (VisibilityTimeout). */
  readonly visibilityTimeout?: number;
  /** Seconds (DelaySeconds). */
  readonly delaySeconds?: number;
  /** Seconds (MessageRetentionPeriod). */
  readonly retentionSeconds?: number;
  /** FIFO only: ContentBasedDeduplication. */
  readonly contentBasedDeduplication?: boolean;
  /** A dead-letter queue (named `<name>-dlq`, `.fifo` kept) after `maxReceiveCount` receives. */
  readonly dlq?: { readonly maxReceiveCount: number; readonly name: string };
}

export interface SluiceConfig {
  readonly queues: readonly QueueConfig[];
  readonly workers: readonly WorkerDefinition[];
  readonly schedules: readonly Schedule[];
  readonly producers: readonly ProducerDefinition[];
  /** How `sluice scale <config>` sizes the pool when no policy flag is given (src/scale/config.ts). */
  readonly scale?: ScalePolicy;
  /** What `sluice deploy` needs beyond the above: image, size, drain time (src/deploy/settings.ts). */
  readonly deploy?: DeploySettings;
  /** The profile merged over the base (`--env`, SLUICE_ENV), if any (src/config/profiles.ts). */
  readonly profile?: string;
  /** Called once after everything has stopped (close the example's databases, …). */
  readonly onShutdown?: () => void | Promise<void>;
}

/** What the runner tells a config written as a function. */
export interface ConfigContext {
  /** Directory for the system's own local state (`--data`, default ./data). */
  readonly dataDir: string;
  readonly mode: 'dev' | 'start';
  /** The client the system's workers use, for handlers that send messages of their own. */
  readonly client: QueueClient;
  /** The profile chosen with `--env NAME` or SLUICE_ENV, merged over the base; undefined: the base alone. */
  readonly profile?: string | undefined;
}

export interface ConfigInput {
  queues: readonly {
    name: string;
    fifo?: boolean;
    visibilityTimeout?: number;
    delaySeconds?: number;
    retentionSeconds?: number;
    contentBasedDeduplication?: boolean;
    dlq?: { maxReceiveCount: number; name?: string };
  }[];
  workers?: readonly WorkerDefinition[];
  schedules?: readonly Schedule[];
  producers?: readonly ProducerDefinition[];
  /** The scaling policy, e.g. `{ min: 1, max: 10, targetBacklogPerWorker: 100 }`. */
  scale?: ScalePolicyInput;
  /** For `sluice deploy`, e.g. `{ image: 'ghcr.io/acme/push:1.4.2', memoryMiB: 1024 }`. */
  deploy?: DeployInput;
  /**
   * Environments: what each changes in `scale` and `deploy`, chosen with `--env NAME` or
   * SLUICE_ENV, e.g. `{ dev: { scale: { max: 3 } }, prod: { scale: { max: 10 } } }`.
   */
  profiles?: Readonly<Record<string, ProfileInput>>;
  onShutdown?: () => void | Promise<void>;
}

/** A config as a file exports it: checked now, or once its context is known. */
export interface ConfigDefinition {
  resolve(context: ConfigContext): SluiceConfig;
}

/** A config that failed its checks; the message lists every problem, one per line. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    readonly problems: readonly string[],
    where = 'config',
  ) {
    super(`${where}: ${problems.join(`\n${where}: `)}`);
  }
}

const int = (min: number, max: number) => {
  const error = `an integer ${min}–${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const queueName = z
  .string({ error: 'a queue name (1–80 of A–Z a–z 0–9 _ -, .fifo for FIFO)' })
  .refine((v) => QUEUE_NAME.test(v.replace(/\.fifo$/, '')) && v.length <= 80, {
    error: 'a queue name (1–80 of A–Z a–z 0–9 _ -, .fifo for FIFO)',
  });

const queueSchema = z
  .strictObject({
    name: queueName,
    fifo: z.boolean({ error: 'true or false' }).optional(),
    visibilityTimeout: int(0, 43_200).optional(),
    delaySeconds: int(0, 900).optional(),
    retentionSeconds: int(60, 1_209_600).optional(),
    contentBasedDeduplication: z.boolean({ error: 'true or false' }).optional(),
    dlq: z.strictObject({ maxReceiveCount: int(1, 1000), name: queueName.optional() }).optional(),
  })
  .check((ctx) => {
    const q = ctx.value;
    const isFifo = q.name.endsWith('.fifo');
    if (q.fifo === true && !isFifo)
      ctx.issues.push({
        code: 'custom',
        input: q.name,
        path: ['name'],
        message: 'a name ending in .fifo (fifo: true)',
      });
    if (q.fifo === false && isFifo)
      ctx.issues.push({ code: 'custom', input: q.fifo, path: ['fifo'], message: 'true for a .fifo name' });
    if (q.dlq?.name !== undefined && q.dlq.name.endsWith('.fifo') !== isFifo)
      ctx.issues.push({
        code: 'custom',
        input: q.dlq.name,
        path: ['dlq', 'name'],
        message: `a ${isFifo ? 'FIFO' : 'standard'} queue name, like its source queue`,
      });
    if (q.contentBasedDeduplication !== undefined && !isFifo)
      ctx.issues.push({
        code: 'custom',
        input: q.contentBasedDeduplication,
        path: ['contentBasedDeduplication'],
        message: 'left out: it applies to FIFO queues only',
      });
  });

const workerSchema = z.custom<WorkerDefinition>(isWorkerDefinition, {
  error: 'a worker made by defineWorker',
});
const scheduleSchema = z.custom<Schedule>(isSchedule, { error: 'a schedule made by defineSchedule' });
const producerSchema = z.custom<ProducerDefinition>(isProducerDefinition, {
  error: 'a producer made by defineProducer',
});
const fn = z.custom<() => void>((v) => typeof v === 'function', { error: 'a function' });

const configSchema = z.strictObject({
  queues: z.array(queueSchema, { error: 'a list of queues' }),
  workers: z.array(workerSchema, { error: 'a list of workers' }).optional(),
  schedules: z.array(scheduleSchema, { error: 'a list of schedules' }).optional(),
  producers: z.array(producerSchema, { error: 'a list of producers' }).optional(),
  scale: z.unknown().optional(), // checked by parseScalePolicy, the policy's one validator
  deploy: z.unknown().optional(), // checked by parseDeploySettings, likewise
  onShutdown: fn.optional(),
});

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  } catch {
    return String(value);
  }
}

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );

/** The queue name a worker or schedule refers to (a URL's last segment). */
const nameOf = (queue: string) => queue.split('/').at(-1) ?? queue;

/** Checks what one field cannot: names unique, every queue read or written is declared. */
function crossCheck(config: SluiceConfig): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  config.queues.forEach((q, i) => {
    for (const [name, where] of [
      [q.name, `queues[${i}].name`],
      [q.dlq?.name, `queues[${i}].dlq.name`],
    ] as const) {
      if (name === undefined) continue;
      if (declared.has(name)) problems.push(`${where} must be unique, got "${name}" twice`);
      declared.add(name);
    }
  });
  config.workers.forEach((w, i) => {
    for (const { queue } of w.queues)
      if (!declared.has(nameOf(queue)))
        problems.push(
          `workers[${i}] (${w.name}) reads queue "${nameOf(queue)}", which queues does not declare`,
        );
  });
  config.schedules.forEach((s, i) => {
    if (!declared.has(nameOf(s.queue)))
      problems.push(
        `schedules[${i}] (${s.name}) sends to queue "${nameOf(s.queue)}", which queues does not declare`,
      );
  });
  const names = new Set<string>();
  config.schedules.forEach((s, i) => {
    if (names.has(s.name)) problems.push(`schedules[${i}].name must be unique, got "${s.name}" twice`);
    names.add(s.name);
  });
  return problems;
}

const dlqName = (name: string) => (name.endsWith('.fifo') ? `${name.slice(0, -5)}-dlq.fifo` : `${name}-dlq`);

/**
 * Validates a config object, with profile `profile` merged over it (src/config/profiles.ts);
 * throws a ConfigFileError naming every bad field.
 */
export function checkConfig(input: unknown, where = 'config', profile?: string): SluiceConfig {
  const profiled = applyProfile(input, profile);
  if (profiled.problems.length > 0) throw new ConfigFileError(profiled.problems, where);
  const parsed = configSchema.safeParse(profiled.input, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigFileError(
      parsed.error.issues.map((issue) => {
        if (issue.code === 'unrecognized_keys') {
          const at = pathOf(issue.path);
          return `${at ? `${at}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
        }
        const got = 'input' in issue && issue.input !== undefined ? `, got ${describe(issue.input)}` : '';
        return `${pathOf(issue.path) || '(config)'} must be ${issue.message}${got}`;
      }),
      where,
    );
  }
  const c = parsed.data;
  let scale: ScalePolicy | undefined;
  try {
    scale = c.scale === undefined ? undefined : parseScalePolicy(c.scale as ScalePolicyInput);
  } catch (e) {
    if (!(e instanceof ScalePolicyError)) throw e;
    throw new ConfigFileError([e.message.replace(/^scale policy /, 'scale.')], where);
  }
  let deploy: DeploySettings | undefined;
  try {
    deploy = c.deploy === undefined ? undefined : parseDeploySettings(c.deploy);
  } catch (e) {
    if (!(e instanceof DeploySettingsError)) throw e;
    throw new ConfigFileError([e.message], where);
  }
  const config: SluiceConfig = {
    queues: Object.freeze(
      c.queues.map((q): QueueConfig => {
        const { dlq, fifo: _fifo, ...rest } = q;
        return Object.freeze({
          ...rest,
          fifo: q.name.endsWith('.fifo'),
          ...(dlq
            ? {
                dlq: Object.freeze({
                  maxReceiveCount: dlq.maxReceiveCount,
                  name: dlq.name ?? dlqName(q.name),
                }),
              }
            : {}),
        });
      }),
    ),
    workers: Object.freeze([...(c.workers ?? [])]),
    schedules: Object.freeze([...(c.schedules ?? [])]),
    producers: Object.freeze([...(c.producers ?? [])]),
    ...(scale ? { scale } : {}),
    ...(deploy ? { deploy } : {}),
    ...(profile === undefined ? {} : { profile }),
    ...(c.onShutdown ? { onShutdown: c.onShutdown } : {}),
  };
  const problems = crossCheck(config);
  if (problems.length > 0) throw new ConfigFileError(problems, where);
  return Object.freeze(config);
}

const BRAND = Symbol.for('sluice.configDefinition');

/**
 * Declares a system: its queues (with DLQs), workers, schedules and
 * producers. An object is checked at once; a function of the context (where
 * local state lives, dev or start) is checked when `loadConfig` calls it.
 *
 * @example
 * import { defineConfig, defineWorker } from 'sluice';
 * export default defineConfig({
 *   queues: [{ name: 'emails', visibilityTimeout: 60, dlq: { maxReceiveCount: 3 } }],
 *   workers: [defineWorker({ queue: 'emails', handler: async (m) => console.log(m.body) })],
 * });
 */
export function defineConfig(
  input: ConfigInput | ((context: ConfigContext) => ConfigInput),
): ConfigDefinition {
  // An object is checked at once (with every profile, so a bad one is found before it is chosen).
  const eager = typeof input === 'function' ? undefined : checkConfig(input);
  if (typeof input !== 'function')
    for (const name of Object.keys(input.profiles ?? {})) checkConfig(input, 'config', name);
  const definition: ConfigDefinition = {
    resolve: (context) =>
      typeof input === 'function'
        ? checkConfig(input(context), 'config', context.profile)
        : context.profile === undefined
          ? (eager as SluiceConfig)
          : checkConfig(input, 'config', context.profile),
  };
  Object.defineProperty(definition, BRAND, { value: true });
  return Object.freeze(definition);
}

export function isConfigDefinition(value: unknown): value is ConfigDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Imports a config file (its default export, made by defineConfig) and
 * resolves it for the context. Errors name the file.
 *
 * @example
 * const config = await loadConfig('sluice.config.ts', { dataDir: 'data', mode: 'dev', client });
 */
export async function loadConfig(path: string, context: ConfigContext): Promise<SluiceConfig> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigFileError(['no such file'], path);
  let module: Record<string, unknown>;
  try {
    module = await importFile(file, path);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new ConfigFileError(e.problems, path);
    if (e instanceof TypeError) throw new ConfigFileError(e.message.split('\n'), path);
    throw e;
  }
  const exported = module.default;
  if (!isConfigDefinition(exported))
    throw new ConfigFileError(['must export default defineConfig({ queues, workers, … })'], path);
  try {
    return exported.resolve(context);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new ConfigFileError(e.problems, path);
    throw e;
  }
}

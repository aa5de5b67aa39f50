/**
 * `defineWorker`: a worker's options, validated once and frozen. Nothing is
 * read from them later that was not checked here; a bad value is refused
 * with its name, what was expected and what was given.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { WorkerMessage } from './message.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';

/** What a per-message handler gets besides the message. */
export interface WorkerContext {
  /** Aborts on shutdown (after `shutdownTimeoutMs`) or when the message's visibility can no longer be extended. */
  readonly signal: AbortSignal;
  /** A child of the worker's logger bound to `messageId`. */
  readonly log: Logger;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** Sets the message's visibility timeout to `seconds` from now (ChangeMessageVisibility). */
  extendVisibility(seconds: number): Promise<void>;
}

/** What a batch handler gets besides the messages. */
export interface BatchContext {
  /** Aborts on shutdown (after `shutdownTimeoutMs`) or when any message's visibility can no longer be extended. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Sets every message's visibility timeout to `seconds` from now. */
  extendVisibility(seconds: number): Promise<void>;
}

/** Lambda's partial batch response: the listed messages fail, the others succeed. */
export interface BatchItemFailures {
  batchItemFailures: { itemIdentifier: string }[];
}

export type MessageHandler<Body> = (message: WorkerMessage<Body>, ctx: WorkerContext) => unknown;
export type BatchHandler<Body> = (
  messages: WorkerMessage<Body>[],
  ctx: BatchContext,
) => BatchResult | Promise<BatchResult>;

/** Nothing (every message succeeded) or the failed ones. */
// biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` be a batch handler
export type BatchResult = BatchItemFailures | undefined | void;

/** The tunable settings; every one has a default, and `runWorkers` may fill unset ones from the environment. */
export interface WorkerSettings {
  /** Messages held at once (running, or waiting for their FIFO group); 1–10000. */
  concurrency: number;
  /** Messages asked for per receive; 1–10. */
  batchSize: number;
  /** Seconds a received message stays invisible before the heartbeat extends it; 1–43200. */
  visibilityTimeout: number;
  /** Long-poll wait per receive; 0–20 (0: short polls). */
  waitTimeSeconds: number;
  /** Pause after a short poll that found nothing, in ms. */
  pollIntervalMs: number;
  /** Total seconds a message's visibility is extended to at most, counted from its receipt; 0 never extends. */
  maxExtensionSeconds: number;
  /** A failed message comes back after a random delay in [0, min(max, base × 2^(receiveCount − 1))] s. */
  backoff: { baseSeconds: number; maxSeconds: number };
  /** How long in-flight handlers may run on after a stop, before their signals abort. */
  shutdownTimeoutMs: number;
  /** Several queues: `weighted` round-robin by weight, or `strict` (earlier queues first). */
  priority: 'weighted' | 'strict';
}

export interface QueueWeight {
  /** Queue name or URL. */
  queue: string;
  weight: number;
}

interface CommonOptions<Body> extends Partial<Omit<WorkerSettings, 'backoff'>> {
  /** A queue name or URL, or several with weights (in priority order for `priority: 'strict'`). */
  queue: string | readonly { queue: string; weight?: number }[];
  backoff?: Partial<WorkerSettings['backoff']>;
  /** For logs; defaults to the queue names. */
  name?: string;
  schema?: StandardSchemaV1<unknown, Body>;
}

export type WorkerOptions<Body> = CommonOptions<Body> &
  (
    | { handler: MessageHandler<Body>; batchHandler?: never }
    | { batchHandler: BatchHandler<Body>; handler?: never }
  );

export interface WorkerDefinition<Body = unknown> {
  readonly name: string;
  readonly queues: readonly Readonly<QueueWeight>[];
  readonly settings: Readonly<WorkerSettings>;
  /** The settings the options set themselves (the rest are defaults, which the environment may replace). */
  readonly given: Readonly<Partial<WorkerSettings>>;
  readonly schema: StandardSchemaV1<unknown, Body> | undefined;
  // Method syntax, so a definition of any body type is a WorkerDefinition<unknown> (runWorkers takes a list).
  handler?(message: WorkerMessage<Body>, ctx: WorkerContext): unknown;
  batchHandler?(messages: WorkerMessage<Body>[], ctx: BatchContext): ReturnType<BatchHandler<Body>>;
}

export const DEFAULT_SETTINGS: Readonly<WorkerSettings> = Object.freeze({
  concurrency: 10,
  batchSize: 10,
  visibilityTimeout: 30,
  waitTimeSeconds: 20,
  pollIntervalMs: 1000,
  maxExtensionSeconds: 3600,
  backoff: Object.freeze({ baseSeconds: 1, maxSeconds: 900 }),
  shutdownTimeoutMs: 30_000,
  priority: 'weighted',
});

const int = (min: number, max: number) => {
  const error = `an integer ${min}–${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const seconds = (max: number) => {
  const error = `a number of seconds 0–${max}`;
  return z.number({ error }).min(0, { error }).max(max, { error });
};
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { error: 'a function' });
const standardSchema = z.custom<StandardSchemaV1>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Partial<StandardSchemaV1>)['~standard']?.validate === 'function',
  { error: 'a Standard Schema (zod 4, valibot, arktype, …)' },
);
const queueName = z.string({ error: 'a queue name or URL' }).min(1, { error: 'a queue name or URL' });

const settingsShape = {
  concurrency: int(1, 10_000),
  batchSize: int(1, 10),
  visibilityTimeout: int(1, 43_200),
  waitTimeSeconds: int(0, 20),
  pollIntervalMs: int(0, 3_600_000),
  maxExtensionSeconds: int(0, 43_200),
  backoff: z.strictObject({ baseSeconds: seconds(43_200), maxSeconds: seconds(43_200) }).partial(),
  shutdownTimeoutMs: int(0, 86_400_000),
  priority: z.enum(['weighted', 'strict'], { error: '"weighted" or "strict"' }),
};

const settingsSchema = z.strictObject(settingsShape).partial();

const optionsSchema = z
  .strictObject({
    ...settingsSchema.shape,
    queue: z.union(
      [
        queueName,
        z
          .array(z.strictObject({ queue: queueName, weight: int(1, 1000).optional() }))
          .min(1, { error: 'at least one queue' }),
      ],
      { error: 'a queue name or URL, or a list of { queue, weight? }' },
    ),
    name: z.string({ error: 'a string' }).optional(),
    schema: standardSchema.optional(),
    handler: fn.optional(),
    batchHandler: fn.optional(),
  })
  .check((ctx) => {
    const { handler, batchHandler } = ctx.value;
    if ((handler === undefined) === (batchHandler === undefined)) {
      ctx.issues.push({ code: 'custom', input: undefined, path: ['handler'], message: 'HANDLER_XOR' });
    }
  });

/** Throws one TypeError listing every issue; `names` renames a setting (e.g. to its environment variable). */
function refuse(where: string | undefined, error: z.ZodError, names: Record<string, string> = {}): never {
  const lines = error.issues.map((issue) => {
    const prefix = where ? `${where}: ` : '';
    if (issue.message === 'HANDLER_XOR') return `${prefix}give exactly one of handler and batchHandler`;
    if (issue.code === 'unrecognized_keys') return `${prefix}${issue.message}`;
    const key = String(issue.path[0] ?? '');
    const path = names[key] ?? (issue.path.map(String).join('.') || '(options)');
    const got = 'input' in issue && issue.input !== undefined ? `, got ${describe(issue.input)}` : '';
    return `${prefix}${path} must be ${issue.message}${got}`;
  });
  throw new TypeError(lines.join('\n'));
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function resolveSettings(
  given: Partial<Omit<WorkerSettings, 'backoff'>> & { backoff?: Partial<WorkerSettings['backoff']> },
  fallback: Partial<WorkerSettings> = {},
): WorkerSettings {
  const backoff = { ...DEFAULT_SETTINGS.backoff, ...fallback.backoff, ...given.backoff };
  if (backoff.baseSeconds > backoff.maxSeconds) {
    throw new TypeError(
      `defineWorker: backoff.baseSeconds must be at most backoff.maxSeconds, got ${backoff.baseSeconds} > ${backoff.maxSeconds}`,
    );
  }
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return { ...DEFAULT_SETTINGS, ...defined(fallback), ...defined(given), backoff: Object.freeze(backoff) };
}

/** Marks definitions (a registered symbol: it survives two copies of sluice in one process). */
const BRAND = Symbol.for('sluice.workerDefinition');

function brand<D extends object>(definition: D): Readonly<D> {
  Object.defineProperty(definition, BRAND, { value: true });
  return Object.freeze(definition);
}

/**
 * Whether a value was made by `defineWorker` (how `sluice worker <file>` finds a file's workers).
 * @example
 * const workers = Object.values(await import('./workers.ts')).filter(isWorkerDefinition);
 */
export function isWorkerDefinition(value: unknown): value is WorkerDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Declares a worker: the queue(s) it reads, its handler, and how it runs.
 * Options are validated here, once; the result is frozen. Start it with
 * `startWorker` (or export it from a file that `sluice worker` runs).
 *
 * @example
 * import { z } from 'zod';
 * import { defineWorker } from 'sluice';
 *
 * export default defineWorker({
 *   queue: 'emails',
 *   concurrency: 100,
 *   schema: z.object({ to: z.string(), subject: z.string() }),
 *   handler: async (message, ctx) => {
 *     ctx.log.info({ to: message.body.to }, 'sending');
 *     await fetch('https://mail.example/send', { method: 'POST', body: message.rawBody, signal: ctx.signal });
 *   },
 * });
 */
export function defineWorker<S extends StandardSchemaV1>(
  options: WorkerOptions<StandardSchemaV1.InferOutput<S>> & { schema: S },
): WorkerDefinition<StandardSchemaV1.InferOutput<S>>;
export function defineWorker(
  options: WorkerOptions<string> & { schema?: undefined },
): WorkerDefinition<string>;
export function defineWorker(options: object): WorkerDefinition<unknown> {
  const parsed = optionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success) refuse('defineWorker', parsed.error);
  const o = parsed.data;
  const queues = (typeof o.queue === 'string' ? [{ queue: o.queue }] : o.queue).map((q) =>
    Object.freeze({ queue: q.queue, weight: q.weight ?? 1 }),
  );
  const { queue: _q, name, schema, handler, batchHandler, ...givenSettings } = o;
  const settings = resolveSettings(givenSettings);
  const given = Object.freeze({ ...givenSettings });
  return brand({
    name: name ?? queues.map((q) => q.queue.split('/').at(-1) ?? q.queue).join('+'),
    queues: Object.freeze(queues),
    settings: Object.freeze(settings),
    given: given as Partial<WorkerSettings>,
    handler: handler as MessageHandler<unknown> | undefined,
    batchHandler: batchHandler as BatchHandler<unknown> | undefined,
    schema: schema as StandardSchemaV1<unknown, unknown> | undefined,
  });
}

/**
 * The definition with unset settings taken from `fallback` (e.g. the
 * environment) instead of the built-in defaults; what the definition sets wins.
 */
export function withFallbackSettings<Body>(
  definition: WorkerDefinition<Body>,
  fallback: Partial<WorkerSettings>,
  /** Where each fallback value came from (e.g. `{ concurrency: 'WORKER_CONCURRENCY' }`), for error messages. */
  sources: Partial<Record<keyof WorkerSettings, string>> = {},
): WorkerDefinition<Body> {
  const parsed = settingsSchema.safeParse(fallback, { reportInput: true });
  if (!parsed.success) refuse(undefined, parsed.error, sources);
  const settings = resolveSettings(definition.given, parsed.data as Partial<WorkerSettings>);
  return brand({ ...definition, settings: Object.freeze(settings) });
}

/**
 * Producers: small loops that send traffic, declared in a sluice config next
 * to the workers. `sluice dev` runs them so there is something to watch;
 * `sluice start` runs them only with `--producers` (in production, traffic
 * comes from the real applications).
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';

export interface ProducerContext {
  readonly client: QueueClient;
  readonly log: Logger;
  /** Aborts on shutdown; `run` should return soon after. */
  readonly signal: AbortSignal;
  /** Sends one message to a queue by name (objects are JSON-encoded); the URL is looked up once. */
  send(queue: string, body: string | object, options?: { groupId?: string; dedupId?: string }): Promise<void>;
}

export interface ProducerDefinition {
  readonly name: string;
  run(ctx: ProducerContext): Promise<void>;
}

const BRAND = Symbol.for('sluice.producerDefinition');

/** Whether a value was made by `defineProducer`. */
export function isProducerDefinition(value: unknown): value is ProducerDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Declares a producer: `run` loops until `ctx.signal` aborts.
 *
 * @example
 * export const ticks = defineProducer({
 *   name: 'ticks',
 *   async run(ctx) {
 *     while (!ctx.signal.aborted) {
 *       await ctx.send('events', { type: 'tick', at: Date.now() });
 *       await new Promise((r) => setTimeout(r, 1000));
 *     }
 *   },
 * });
 */
export function defineProducer(options: {
  name: string;
  run(ctx: ProducerContext): Promise<void>;
}): ProducerDefinition {
  if (typeof options?.name !== 'string' || options.name === '')
    throw new TypeError('defineProducer: name must be a non-empty string');
  if (typeof options.run !== 'function') throw new TypeError('defineProducer: run must be a function');
  const definition = { name: options.name, run: options.run };
  Object.defineProperty(definition, BRAND, { value: true });
  return Object.freeze(definition);
}

/** Sleeps `ms`, or less when the signal aborts; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

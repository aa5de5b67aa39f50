/**
 * Worker test harness: the real SQLite store in memory (used directly as the
 * QueueClient), a ManualClock shared by store and worker, a logger that
 * keeps its lines, and wrappers that record or disturb the real client's
 * calls (never a mock: every call still reaches the store).
 */
import { afterEach, beforeEach } from 'node:test';
import { type Logger, pino } from 'pino';
import type { QueueClient } from '../../src/client/queue-client.ts';
import type { Message } from '../../src/sqs/types.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import type { QueueStats } from '../../src/store/types.ts';
import { ManualClock } from '../../src/time/clock.ts';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** A pino logger at debug level whose lines are kept, parsed. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

export interface Env {
  clock: ManualClock;
  store: Store;
  log: { logger: Logger; lines: LogLine[] };
  close(): Promise<void>;
}

/**
 * A fresh Env for every test of the enclosing `describe` (closed after each).
 * Read its fields inside tests.
 *
 * @example
 * describe('acks', () => {
 *   const env = useEnv();
 *   it('…', async () => { await createQueue(env.store, 'q'); });
 * });
 */
export function useEnv(): Env {
  const env = {} as Env;
  beforeEach(async () => {
    Object.assign(env, await setup());
  });
  afterEach(() => env.close());
  return env;
}

export async function setup(): Promise<Env> {
  const clock = new ManualClock();
  const store = openSqliteStore({ path: ':memory:', clock });
  return {
    clock,
    store,
    log: memoryLogger(),
    async close() {
      await store.close();
    },
  };
}

export async function createQueue(
  store: Store,
  name: string,
  attributes?: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await store.createQueue({ QueueName: name, Attributes: attributes });
  return QueueUrl;
}

/** A queue with a dead-letter queue (`${name}-dlq`) after `maxReceiveCount` receives. */
export async function queueWithDlq(
  store: Store,
  name: string,
  maxReceiveCount = 5,
  attributes: Record<string, string> = {},
): Promise<{ url: string; dlqUrl: string }> {
  const fifo = name.endsWith('.fifo');
  const dlqName = fifo ? `${name.slice(0, -5)}-dlq.fifo` : `${name}-dlq`;
  const dlqUrl = await createQueue(store, dlqName, fifo ? { FifoQueue: 'true' } : undefined);
  const arn = `arn:aws:sqs:us-east-1:000000000000:${dlqName}`;
  const url = await createQueue(store, name, {
    ...attributes,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }),
  });
  return { url, dlqUrl };
}

export async function send(
  store: Store,
  QueueUrl: string,
  bodies: string[],
  extra: (i: number) => Record<string, unknown> = () => ({}),
): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const Entries = bodies.slice(i, i + 10).map((MessageBody, j) => ({
      Id: String(j),
      MessageBody,
      ...extra(i + j),
    }));
    const out = await store.sendMessageBatch({ QueueUrl, Entries });
    if (out.Failed.length) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
  }
}

export const bodies = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

export async function stats(store: Store, name: string): Promise<QueueStats> {
  const s = (await store.stats(name)).find((q) => q.name === name);
  if (!s) throw new Error(`no queue ${name}`);
  return s;
}

/** Lets pending I/O (the store's group commits, promise chains) run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Waits until `cond` holds, advancing the clock by `stepMs` per round
 * (0: only lets I/O run). Fails after `rounds` rounds.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  clock: ManualClock,
  { stepMs = 0, rounds = 2000, what = 'condition' } = {},
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await cond()) return;
    if (stepMs) await clock.advance(stepMs);
    await settle(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Takes every message left in a queue (short polls), for inspection. */
export async function drainQueue(store: Store, QueueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await store.receiveMessage({
      QueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    if (!Messages.length) return all;
    all.push(...Messages);
  }
}

export interface Call {
  action: string;
  input: Record<string, unknown>;
  /** Order of the call among all calls. */
  at: number;
}

/**
 * The real client, with every call recorded and an optional `before` hook
 * that may throw to make a call fail (a network error) before it reaches the store.
 */
export function recording(
  client: QueueClient,
  before?: (action: string, input: Record<string, unknown>) => void,
): { client: QueueClient; calls: Call[]; count(action: string): number } {
  const calls: Call[] = [];
  let seq = 0;
  const wrapped = new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (input: Record<string, unknown>, ...rest: unknown[]) => {
        calls.push({ action: key, input, at: seq++ });
        try {
          before?.(key, input);
        } catch (err) {
          return Promise.reject(err);
        }
        return value.call(target, input, ...rest);
      };
    },
  });
  return { client: wrapped, calls, count: (action) => calls.filter((c) => c.action === action).length };
}

/** A promise and its resolver. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** Stops a worker, moving the clock on (1 s per round) so that its shutdown timeout can pass. */
export async function stopWorker(worker: { stop(): Promise<void> }, clock: ManualClock): Promise<void> {
  let stopped = false;
  const done = worker.stop().then(() => {
    stopped = true;
  });
  for (let i = 0; !stopped && i < 10_000; i++) {
    await clock.advance(1000);
    await settle(2);
  }
  await done;
}

/** Moves the clock by `ms` in steps of `stepMs`, letting I/O run between steps (as time passes in life). */
export async function advance(clock: ManualClock, ms: number, stepMs = 1000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await clock.advance(Math.min(stepMs, ms - t));
    await settle(3);
  }
}

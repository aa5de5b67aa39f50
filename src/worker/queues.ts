/**
 * The queues a worker reads: names resolved to URLs once at start (retried
 * with backoff until they resolve or the worker stops), and the choice of
 * queue for each receive (weighted round-robin or strict priority).
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import type { Clock } from '../time/clock.ts';
import { receiveErrorDelayMs } from './backoff.ts';
import { coerceError } from './boundary.ts';
import type { QueueWeight } from './define.ts';
import type { QueueRef } from './message.ts';

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const nameOf = (url: string) =>
  url
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .at(-1) ?? url;

export interface ResolveOptions {
  client: QueueClient;
  clock: Clock;
  random: () => number;
  log: Logger;
  signal: AbortSignal;
}

/** One queue's URL; retries (logging each failure) until it resolves; undefined if `signal` aborts first. */
async function resolveOne(queue: string, o: ResolveOptions): Promise<QueueRef | undefined> {
  if (isUrl(queue)) {
    const name = nameOf(queue);
    return { url: queue, name, fifo: name.endsWith('.fifo') };
  }
  for (let attempt = 1; !o.signal.aborted; attempt++) {
    try {
      // A stop must not wait for a request hung on a dead network.
      const answer = await untilAborted(o.client.getQueueUrl({ QueueName: queue }), o.signal);
      if (!answer) return undefined;
      return { url: answer.QueueUrl, name: queue, fifo: queue.endsWith('.fifo') };
    } catch (thrown) {
      const delay = receiveErrorDelayMs(attempt, o.random);
      o.log.error({ queue, err: coerceError(thrown), retryInMs: delay }, 'cannot resolve the queue URL');
      await sleep(o.clock, delay, o.signal);
    }
  }
  return undefined;
}

/** Every queue's URL, in the given order; undefined if the worker stopped first. */
export async function resolveQueues(
  queues: readonly QueueWeight[],
  options: ResolveOptions,
): Promise<{ ref: QueueRef; weight: number }[] | undefined> {
  const refs = await Promise.all(queues.map((q) => resolveOne(q.queue, options)));
  if (refs.some((r) => r === undefined)) return undefined;
  return refs.map((ref, i) => ({ ref: ref as QueueRef, weight: queues[i]?.weight ?? 1 }));
}

/** The promise's value, or undefined as soon as `signal` aborts (the promise is left to settle alone). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms` on the clock, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface Candidate {
  readonly weight: number;
  /** Smooth weighted round-robin's running score. */
  current: number;
}

/**
 * The queue for the next receive among those `eligible` now. `strict`: the
 * first (queues are in priority order). `weighted`: smooth weighted
 * round-robin (nginx's): over any window, each eligible queue is chosen in
 * proportion to its weight, evenly interleaved.
 */
export function pickQueue<C extends Candidate>(
  candidates: readonly C[],
  priority: 'weighted' | 'strict',
  eligible: (c: C) => boolean,
): C | undefined {
  if (priority === 'strict') return candidates.find(eligible);
  let best: C | undefined;
  let total = 0;
  for (const c of candidates) {
    if (!eligible(c)) continue;
    c.current += c.weight;
    total += c.weight;
    if (!best || c.current > best.current) best = c;
  }
  if (best) best.current -= total;
  return best;
}

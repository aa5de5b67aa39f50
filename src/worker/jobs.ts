/**
 * The dispatcher's jobs: one message for a `handler`, one receive's messages
 * for a `batchHandler`. A job decodes the bodies, runs the user's code
 * through `runHandler` (the one boundary; it never throws), and settles each
 * message: success → delete (coalesced), failure → retry or dead-letter.
 */
import type { Logger } from 'pino';
import type { WorkerMetrics } from '../observe/metrics.ts';
import type { Clock } from '../time/clock.ts';
import type { Acker } from './acker.ts';
import { coerceError, runHandler } from './boundary.ts';
import type { BatchContext, WorkerContext, WorkerDefinition } from './define.ts';
import type { Job } from './dispatcher.ts';
import type { Failures } from './failure.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { Held, Holdings } from './holdings.ts';
import { decodeBody, type WorkerMessage } from './message.ts';
import type { WorkerTracing } from './tracing.ts';

export interface JobRuntime {
  definition: WorkerDefinition<unknown>;
  clock: Clock;
  log: Logger;
  metrics: Pick<WorkerMetrics, 'processed' | 'failed'>;
  acker: Acker;
  failures: Failures;
  heartbeat: Heartbeat;
  holdings: Holdings;
  tracing: WorkerTracing;
}

/** Still RUNNING after an await (not handed back at the shutdown timeout meanwhile). */
const running = (h: Held): boolean => h.state === 'running';

const SKIPPED = 'a message before it in its group will be retried';

/** A FIFO lane: one per queue and message group. */
export const laneOf = (h: Held): string => `${h.queue.url}\u0000${h.message.groupId ?? ''}`;

/** The jobs for one receive's messages. */
export function jobsFor(rt: JobRuntime, held: readonly Held[]): Job[] {
  return rt.definition.batchHandler ? [batchJob(rt, held)] : held.map((h) => messageJob(rt, h));
}

function succeed(rt: JobRuntime, h: Held, startedAt: number): void {
  rt.holdings.settling(h);
  rt.acker.delete(h.queue.url, h.message.receiptHandle, h.message.messageId);
  rt.metrics.processed(h.queue.name, (rt.clock.now() - startedAt) / 1000);
  rt.holdings.settled(h);
  rt.tracing.settled(h, 'succeeded');
}

async function fail(rt: JobRuntime, h: Held, message: WorkerMessage<unknown>, error: Error) {
  rt.holdings.settling(h);
  rt.metrics.failed(h.queue.name);
  const fate = await rt.failures.handle(h.queue, message, error);
  rt.holdings.settled(h);
  rt.tracing.settled(h, fate, error);
  return fate;
}

function messageJob(rt: JobRuntime, h: Held): Job {
  let skipped = false;
  let log: Logger | undefined;
  const ctx: WorkerContext = {
    get signal() {
      return h.lease.signal;
    },
    get log() {
      log ??= rt.log.child({ queue: h.queue.name, messageId: h.message.messageId });
      return log;
    },
    receiveCount: h.message.receiveCount,
    extendVisibility: (seconds) => rt.heartbeat.extend(h.lease, seconds),
  };
  const handler = rt.definition.handler as NonNullable<WorkerDefinition<unknown>['handler']>;
  return {
    keys: h.queue.fifo ? [laneOf(h)] : [],
    size: 1,
    cancel: () => rt.holdings.release(h, 'stopping'),
    skip: () => {
      skipped = true;
    },
    async run() {
      if (skipped) rt.holdings.release(h, SKIPPED);
      if (h.state !== 'waiting') return [];
      rt.holdings.start(h);
      const decoded = await decodeBody(rt.definition.schema, h.message);
      if (!running(h)) return [];
      if (!decoded.ok) {
        await fail(rt, h, h.message, decoded.error);
        return [];
      }
      const startedAt = rt.clock.now();
      const outcome = await rt.tracing.handler(h, () =>
        runHandler((m, c) => handler.call(rt.definition, m, c), decoded.value, ctx),
      );
      if (!running(h)) return []; // handed back at the shutdown timeout: the result is moot
      if (outcome.ok) {
        succeed(rt, h, startedAt);
        return [];
      }
      const fate = await fail(rt, h, decoded.value, outcome.error);
      return fate === 'retried' && h.queue.fifo ? [laneOf(h)] : [];
    },
  };
}

/** `batchItemFailures` as Lambda defines it: ids of the failed messages; anything else fails the whole batch. */
function failedIds(value: unknown): Set<string> | Error {
  if (value === undefined || value === null) return new Set();
  const list = (value as { batchItemFailures?: unknown }).batchItemFailures;
  if (typeof value !== 'object' || !Array.isArray(list)) {
    return new Error('the batch handler returned neither nothing nor { batchItemFailures: [...] }');
  }
  const ids = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return new Error('a batchItemFailures entry has no itemIdentifier: the whole batch fails');
    }
    ids.add(id);
  }
  return ids;
}

function batchJob(rt: JobRuntime, items: readonly Held[]): Job {
  const skipped = new Set<string>();
  const fifo = items[0]?.queue.fifo ?? false;
  const batchHandler = rt.definition.batchHandler as NonNullable<WorkerDefinition<unknown>['batchHandler']>;
  return {
    keys: fifo ? [...new Set(items.map(laneOf))] : [],
    size: items.length,
    cancel: () => {
      for (const h of items) rt.holdings.release(h, 'stopping');
    },
    skip: (key) => {
      skipped.add(key);
    },
    async run() {
      for (const h of items) if (skipped.has(laneOf(h))) rt.holdings.release(h, SKIPPED);
      const live = items.filter((h) => h.state === 'waiting');
      for (const h of live) rt.holdings.start(h);
      const decoded = await Promise.all(live.map((h) => decodeBody(rt.definition.schema, h.message)));
      const runnable: { h: Held; message: WorkerMessage<unknown> }[] = [];
      const settling: Promise<unknown>[] = [];
      live.forEach((h, i) => {
        const d = decoded[i];
        if (!running(h) || !d) return;
        if (d.ok) runnable.push({ h, message: d.value });
        else settling.push(fail(rt, h, h.message, d.error));
      });
      const broken = new Set<string>();
      if (runnable.length) {
        const controller = new AbortController();
        for (const { h } of runnable) h.lease.onAbort = (reason) => controller.abort(reason);
        for (const { h } of runnable) if (h.lease.aborted) controller.abort(new Error('visibility lost'));
        let log: Logger | undefined;
        const ctx: BatchContext = {
          signal: controller.signal,
          get log() {
            log ??= rt.log.child({
              queue: runnable[0]?.h.queue.name,
              messageIds: runnable.map((r) => r.h.message.messageId),
            });
            return log;
          },
          extendVisibility: async (seconds) => {
            await Promise.all(runnable.map(({ h }) => rt.heartbeat.extend(h.lease, seconds)));
          },
        };
        const startedAt = rt.clock.now();
        const outcome = await rt.tracing.batchHandler(
          runnable.map((r) => r.h),
          () =>
            runHandler(
              (ms, c) => batchHandler.call(rt.definition, ms, c),
              runnable.map((r) => r.message),
              ctx,
            ),
        );
        const reported = outcome.ok ? failedIds(outcome.value) : outcome.error;
        if (reported instanceof Set) {
          const known = new Set(runnable.map((r) => r.h.message.messageId));
          const unknown = [...reported].filter((id) => !known.has(id));
          if (unknown.length)
            rt.log.warn({ unknown }, 'batchItemFailures lists ids not in the batch; ignored');
        }
        for (const { h, message } of runnable) {
          if (!running(h)) continue; // handed back at the shutdown timeout
          const error =
            reported instanceof Set
              ? reported.has(h.message.messageId)
                ? new Error('reported in batchItemFailures')
                : undefined
              : coerceError(reported);
          if (!error) succeed(rt, h, startedAt);
          else {
            settling.push(
              fail(rt, h, message, error).then((fate) => {
                if (fate === 'retried' && fifo) broken.add(laneOf(h));
              }),
            );
          }
        }
      }
      await Promise.all(settling);
      return [...broken];
    },
  };
}

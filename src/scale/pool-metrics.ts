/**
 * One /metrics for the whole pool: each worker process's registry (asked over
 * IPC, answered as JSON; see observe/supervised.ts) merged by prom-client's
 * AggregatorRegistry with the supervisor's own series. Every worker series
 * keeps its `worker_id` label, so a scrape shows each process and sums across
 * them are one PromQL `sum()` away. A process that does not answer within
 * `timeoutMs` is left out of that scrape rather than failing it.
 */
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { isMetricsAnswer, type MetricsRequest } from '../observe/supervised.ts';
import type { Supervisor } from './supervisor.ts';

export interface PoolMetrics {
  readonly registry: Registry;
  /** The policy's decision was applied: out or in. */
  scaled(direction: 'out' | 'in'): void;
  restarted(why: 'crash' | 'memory'): void;
  /** For the health server: the merged exposition. */
  readonly exposition: { contentType: string; metrics(): Promise<string> };
}

let requestIds = 0;

/** Asks one process for its metrics; undefined if it does not answer in time. */
function ask(
  child: import('node:child_process').ChildProcess,
  timeoutMs: number,
): Promise<unknown[] | undefined> {
  if (!child.connected) return Promise.resolve(undefined);
  const id = ++requestIds;
  return new Promise((resolve) => {
    const done = (value: unknown[] | undefined) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(value);
    };
    const onMessage = (m: unknown) => {
      if (isMetricsAnswer(m) && m.id === id) done(m.metrics);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    child.on('message', onMessage);
    try {
      child.send({ sluice: 'metrics?', id } satisfies MetricsRequest, (error) => {
        if (error) done(undefined);
      });
    } catch {
      done(undefined);
    }
  });
}

/**
 * @example
 * const metrics = createPoolMetrics(pool);
 * await startHealthServer({ port: 3003, registry: metrics.exposition, live, ready });
 */
export function createPoolMetrics(pool: Supervisor, timeoutMs = 1000): PoolMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'sluice_scale_workers',
    help: 'Worker processes asked for (running, restarting or being replaced)',
    registers: [registry],
    collect() {
      this.set(pool.count);
    },
  });
  const decisions = new Counter({
    name: 'sluice_scale_decisions_total',
    help: 'Scaling decisions applied, by direction',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'sluice_scale_restarts_total',
    help: 'Worker processes restarted, by why (crash, memory)',
    labelNames: ['why'] as const,
    registers: [registry],
  });
  for (const d of ['out', 'in']) decisions.inc({ direction: d }, 0);
  for (const w of ['crash', 'memory']) restarts.inc({ why: w }, 0);
  return {
    registry,
    scaled: (direction) => decisions.inc({ direction }),
    restarted: (why) => restarts.inc({ why }),
    exposition: {
      contentType: registry.contentType,
      async metrics() {
        const answers = await Promise.all(pool.children().map(({ child }) => ask(child, timeoutMs)));
        const all = [await registry.getMetricsAsJSON(), ...answers.filter((a) => a !== undefined)];
        return AggregatorRegistry.aggregate(
          all as Parameters<typeof AggregatorRegistry.aggregate>[0],
        ).metrics();
      },
    },
  };
}

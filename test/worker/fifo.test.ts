/** FIFO queues: one message at a time per group, in order; groups in parallel. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { createQueue, send, settle, stats, until, useEnv } from './harness.ts';

describe('FIFO', () => {
  const env = useEnv();

  async function fifoQueue(perGroup: number, groups: string[]) {
    const url = await createQueue(env.store, 'jobs.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    const items = Array.from({ length: perGroup }, (_, i) => groups.map((g) => `${g}${i}`)).flat();
    await send(env.store, url, items, (i) => ({ MessageGroupId: items[i]?.[0] }));
    return url;
  }

  it('keeps each group in order, one at a time, and runs groups in parallel', async () => {
    await fifoQueue(6, ['A', 'B', 'C']);
    const order: Record<string, string[]> = {};
    const active = new Map<string, number>();
    let maxParallel = 0;
    let running = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs.fifo',
        concurrency: 10,
        handler: async (m) => {
          const g = m.groupId ?? '?';
          active.set(g, (active.get(g) ?? 0) + 1);
          running++;
          maxParallel = Math.max(maxParallel, running);
          assert.equal(active.get(g), 1, `two messages of group ${g} at once`);
          await settle(3);
          order[g] = [...(order[g] ?? []), m.body];
          active.set(g, (active.get(g) ?? 0) - 1);
          running--;
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => Object.values(order).flat().length === 18, env.clock, { stepMs: 5 });
    for (const g of ['A', 'B', 'C'])
      assert.deepEqual(
        order[g],
        [0, 1, 2, 3, 4, 5].map((i) => `${g}${i}`),
      );
    assert.ok(maxParallel > 1, 'groups ran one after another');
    await until(async () => (await stats(env.store, 'jobs.fifo')).inFlight === 0, env.clock, { stepMs: 5 });
    await worker.stop();
  });

  it('a retried message is not overtaken by the rest of its group', async () => {
    await fifoQueue(4, ['A', 'B']);
    const succeeded: string[] = [];
    let failedOnce = false;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs.fifo',
        concurrency: 10,
        handler: async (m) => {
          if (m.body === 'A1' && !failedOnce) {
            failedOnce = true;
            throw new Error('transient');
          }
          succeeded.push(m.body);
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(() => succeeded.length === 8, env.clock, { stepMs: 50 });
    assert.deepEqual(
      succeeded.filter((b) => b.startsWith('A')),
      ['A0', 'A1', 'A2', 'A3'],
    );
    assert.deepEqual(
      succeeded.filter((b) => b.startsWith('B')),
      ['B0', 'B1', 'B2', 'B3'],
    );
    // A2 and A3 came in the same receive as A1 and were handed back unprocessed.
    const handedBack = env.log.lines.filter(
      (l) => l.why === 'a message before it in its group will be retried',
    );
    assert.equal(handedBack.length, 2);
    await worker.stop();
  });

  it('a batch handler gets each group in order, a batch at a time per group', async () => {
    await fifoQueue(10, ['A', 'B']);
    const seen: string[][] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs.fifo',
        concurrency: 20,
        batchSize: 4,
        batchHandler: async (messages) => {
          seen.push(messages.map((m) => m.body));
          await settle(2);
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => seen.flat().length === 20, env.clock, { stepMs: 5 });
    for (const g of ['A', 'B']) {
      const order = seen.flat().filter((b) => b.startsWith(g));
      assert.deepEqual(
        order,
        Array.from({ length: 10 }, (_, i) => `${g}${i}`),
      );
    }
    await worker.stop();
  });
});

/** Several queues: strict priority and weights. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, gate, send, until, useEnv } from './harness.ts';

describe('several queues', () => {
  const env = useEnv();

  it('strict: the lower queue only when the higher is empty', async () => {
    await send(env.store, await createQueue(env.store, 'high'), bodies(5, 'h'));
    await send(env.store, await createQueue(env.store, 'low'), bodies(5, 'l'));
    const order: string[] = [];
    const worker = startWorker(
      defineWorker({
        queue: [{ queue: 'high' }, { queue: 'low' }],
        priority: 'strict',
        concurrency: 1,
        batchSize: 1,
        handler: (m) => void order.push(m.body),
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => order.length === 10, env.clock, { stepMs: 1000 });
    assert.deepEqual(order, [...bodies(5, 'h'), ...bodies(5, 'l')]);
    await worker.stop();
  });

  it('strict: messages arriving on the higher queue overtake the lower backlog within pollIntervalMs', async () => {
    const highUrl = await createQueue(env.store, 'high');
    await createQueue(env.store, 'low');
    await send(env.store, await createQueue(env.store, 'low'), bodies(30, 'l'));
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const worker = startWorker(
      defineWorker({
        queue: [{ queue: 'high' }, { queue: 'low' }],
        priority: 'strict',
        concurrency: 2,
        batchSize: 1,
        pollIntervalMs: 1000,
        handler: async (m) => {
          const g = gate();
          gates.push(g.open);
          await g.promise;
          order.push(m.body);
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => gates.length >= 1, env.clock);
    await send(env.store, highUrl, bodies(3, 'h'));
    // One message per 250 ms of clock time.
    await until(
      () => {
        gates.shift()?.();
        return order.filter((b) => b.startsWith('h')).length === 3;
      },
      env.clock,
      { stepMs: 250 },
    );
    const lowDone = order.filter((b) => b.startsWith('l')).length;
    assert.ok(lowDone <= 12, `${lowDone} low messages went first`);
    await until(
      () => {
        gates.shift()?.();
        return order.length === 33;
      },
      env.clock,
      { stepMs: 250 },
    );
    await worker.stop();
  });

  it('weighted: receives in proportion to the weights while both have messages', async () => {
    await send(env.store, await createQueue(env.store, 'a'), bodies(40, 'a'));
    await send(env.store, await createQueue(env.store, 'b'), bodies(40, 'b'));
    const order: string[] = [];
    const worker = startWorker(
      defineWorker({
        queue: [
          { queue: 'a', weight: 3 },
          { queue: 'b', weight: 1 },
        ],
        concurrency: 1,
        batchSize: 1,
        handler: (m) => void order.push(m.body),
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => order.length >= 40, env.clock, { stepMs: 5 });
    const fromA = order.slice(0, 40).filter((b) => b.startsWith('a')).length;
    assert.ok(fromA >= 28 && fromA <= 32, `${fromA} of 40 from the weight-3 queue`);
    await worker.stop();
  });
});

/** The poller keeps the slots full, never overfull, with no idle gap between batches. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, gate, recording, send, stats, until, useEnv } from './harness.ts';

describe('concurrency', () => {
  const env = useEnv();

  it('never runs more than `concurrency` handlers, and does reach it', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(60));
    let running = 0;
    let max = 0;
    let done = 0;
    const gates: (() => void)[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 7,
        batchSize: 3,
        handler: async () => {
          running++;
          max = Math.max(max, running);
          const g = gate();
          gates.push(g.open);
          await g.promise;
          running--;
          done++;
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    while (done < 60) {
      await until(() => running === Math.min(7, 60 - done), env.clock, { what: 'all slots busy' });
      assert.equal(worker.inFlight, running);
      for (const open of gates.splice(0)) open();
      await until(() => running === 0 || gates.length > 0, env.clock);
    }
    assert.equal(max, 7);
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    await worker.stop();
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
  });

  it('starts the next receive as soon as a batch worth of slots frees up, not when a whole batch ends', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(30));
    const rec = recording(env.store);
    const gates = new Map<string, () => void>();
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 10,
        batchSize: 5,
        handler: async (m) => {
          const g = gate();
          gates.set(m.body, g.open);
          await g.promise;
        },
      }),
      { client: rec.client, clock: env.clock, logger: env.log.logger },
    );
    // The clock never moves in this test: any wait on a timer would hang it.
    await until(() => gates.size === 10, env.clock, { what: 'two receives of 5' });
    const receives = rec.count('receiveMessage');
    const firstTen = [...gates.keys()];
    // Finish 3 messages of the first receive and 2 of the second: 5 slots free, both batches still running.
    const received = rec.calls.filter((c) => c.action === 'receiveMessage');
    assert.ok(received.length >= 2);
    for (const body of [...firstTen.slice(0, 3), ...firstTen.slice(5, 7)]) gates.get(body)?.();
    await until(() => gates.size === 15, env.clock, { what: 'a third receive while 5 handlers still run' });
    assert.equal(worker.running, 10);
    assert.ok(rec.count('receiveMessage') > receives);
    const asked = rec.calls
      .filter((c) => c.action === 'receiveMessage')
      .map((c) => c.input.MaxNumberOfMessages);
    assert.ok(asked.every((n) => typeof n === 'number' && n <= 5));
    // Let the rest through: opening a gate twice is harmless.
    await until(
      () => {
        for (const open of gates.values()) open();
        return gates.size === 30 && worker.running === 0;
      },
      env.clock,
      { what: 'the other 15' },
    );
    await worker.stop();
  });

  it('long polls back to back with no pause while messages flow', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(100));
    let done = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 10,
        batchSize: 10,
        pollIntervalMs: 60_000,
        handler: () => void done++,
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => done === 100, env.clock, { what: '100 messages with a frozen clock' });
    await worker.stop();
  });
});

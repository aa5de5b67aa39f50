/** The pure parts: backoff, queue choice, the batcher's coalescing, the dispatcher's lanes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchIdsOutput } from '../../src/sqs/types.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { backoffCeiling, receiveErrorDelayMs, retryDelaySeconds } from '../../src/worker/backoff.ts';
import { Batcher } from '../../src/worker/batcher.ts';
import { Dispatcher, type Job } from '../../src/worker/dispatcher.ts';
import { pickQueue } from '../../src/worker/queues.ts';
import { gate, settle } from './harness.ts';

describe('backoff', () => {
  const policy = { baseSeconds: 1, maxSeconds: 900 };
  it('doubles with the receive count up to the cap, with full jitter', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 11, 100].map((n) => backoffCeiling(policy, n)),
      [1, 2, 4, 8, 512, 900, 900],
    );
    assert.equal(
      retryDelaySeconds(policy, 5, () => 0),
      0,
    );
    assert.equal(
      retryDelaySeconds(policy, 5, () => 0.5),
      8,
    );
    assert.equal(
      retryDelaySeconds(policy, 5, () => 0.999),
      16,
    );
    assert.equal(
      retryDelaySeconds(policy, 50, () => 0.999),
      899,
    );
  });
  it('backs receive errors off from 100 ms to 20 s, never below 50 ms', () => {
    assert.equal(
      receiveErrorDelayMs(1, () => 0),
      50,
    );
    assert.equal(
      receiveErrorDelayMs(1, () => 1),
      100,
    );
    assert.equal(
      receiveErrorDelayMs(4, () => 1),
      800,
    );
    assert.equal(
      receiveErrorDelayMs(30, () => 1),
      20_000,
    );
  });
});

describe('pickQueue', () => {
  const queues = () => [
    { name: 'a', weight: 3, current: 0 },
    { name: 'b', weight: 1, current: 0 },
  ];
  it('weighted: interleaves in proportion to the weights', () => {
    const q = queues();
    const picks = Array.from({ length: 8 }, () => pickQueue(q, 'weighted', () => true)?.name).join('');
    assert.equal(picks, 'aabaaaba');
  });
  it('weighted: skips queues that are not eligible', () => {
    const q = queues();
    const picks = Array.from({ length: 4 }, () => pickQueue(q, 'weighted', (c) => c.name === 'b')?.name);
    assert.deepEqual(picks, ['b', 'b', 'b', 'b']);
  });
  it('strict: always the first eligible', () => {
    const q = queues();
    assert.equal(pickQueue(q, 'strict', () => true)?.name, 'a');
    assert.equal(pickQueue(q, 'strict', (c) => c.name !== 'a')?.name, 'b');
    assert.equal(
      pickQueue(q, 'strict', () => false),
      undefined,
    );
  });
});

describe('Batcher', () => {
  function setup() {
    const clock = new ManualClock();
    const calls: string[][] = [];
    const batcher = new Batcher<{ ReceiptHandle: string }>({
      clock,
      delayMs: 5,
      send: async (_url, entries): Promise<BatchIdsOutput> => {
        calls.push(entries.map((e) => e.ReceiptHandle));
        const bad = entries.filter((e) => e.ReceiptHandle.startsWith('bad'));
        return {
          Successful: entries.filter((e) => !bad.includes(e)).map((e) => ({ Id: e.Id })),
          Failed: bad.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid' })),
        };
      },
    });
    return { clock, calls, batcher };
  }

  it('waits delayMs for company, then sends one call per queue', async () => {
    const { clock, calls, batcher } = setup();
    const results = [batcher.add('q1', { ReceiptHandle: 'a' }), batcher.add('q1', { ReceiptHandle: 'b' })];
    batcher.add('q2', { ReceiptHandle: 'c' });
    await settle();
    assert.equal(calls.length, 0);
    await clock.advance(5);
    assert.deepEqual(calls, [['a', 'b'], ['c']]);
    assert.deepEqual(await Promise.all(results), [{ ok: true }, { ok: true }]);
  });

  it('sends at once when 10 are waiting, and at most 10 per call', async () => {
    const { calls, batcher } = setup();
    for (let i = 0; i < 23; i++) void batcher.add('q', { ReceiptHandle: `h${i}` });
    await settle();
    assert.deepEqual(
      calls.map((c) => c.length),
      [10, 10],
    );
    await batcher.flush();
    assert.deepEqual(
      calls.map((c) => c.length),
      [10, 10, 3],
    );
  });

  it("reports each entry's own failure", async () => {
    const { batcher } = setup();
    const ok = batcher.add('q', { ReceiptHandle: 'good' });
    const bad = batcher.add('q', { ReceiptHandle: 'bad' });
    await batcher.flush();
    assert.deepEqual(await ok, { ok: true });
    const result = await bad;
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.senderFault && /ReceiptHandleIsInvalid/.test(result.error.message));
  });
});

describe('Dispatcher', () => {
  function job(keys: string[], size: number, log: string[], name: string, broken: string[] = []) {
    const g = gate();
    const skipped: string[] = [];
    const j: Job & { finish(): void; skipped: string[] } = {
      keys,
      size,
      skipped,
      async run() {
        log.push(`start ${name}`);
        await g.promise;
        log.push(`end ${name}`);
        return broken;
      },
      cancel: () => log.push(`cancel ${name}`),
      skip: (key) => skipped.push(key),
      finish: g.open,
    };
    return j;
  }

  it('counts slots; frees them when a job ends and says so', async () => {
    let freed = 0;
    const d = new Dispatcher({ concurrency: 5, onFree: () => freed++ });
    d.reserve(3);
    assert.equal(d.free, 2);
    assert.throws(() => d.reserve(3), /reserving 3 slots with 2 free/);
    d.unreserve(1);
    assert.equal(d.free, 3);
    const log: string[] = [];
    const a = job([], 2, log, 'a');
    d.submit(a);
    assert.equal(d.running, 1);
    a.finish();
    await settle();
    assert.equal(d.free, 5);
    assert.equal(freed, 2);
  });

  it('runs a lane one job at a time in order, lanes in parallel, and tells later jobs of a broken order', async () => {
    const d = new Dispatcher({ concurrency: 10, onFree: () => {} });
    const log: string[] = [];
    const a1 = job(['A'], 1, log, 'a1', ['A']);
    const a2 = job(['A'], 1, log, 'a2');
    const b1 = job(['B'], 1, log, 'b1');
    const ab = job(['A', 'B'], 2, log, 'ab');
    d.reserve(5);
    for (const j of [a1, a2, b1, ab]) d.submit(j);
    await settle();
    assert.deepEqual(log, ['start a1', 'start b1']);
    b1.finish();
    await settle();
    assert.deepEqual(log, ['start a1', 'start b1', 'end b1']); // ab still waits for lane A
    a1.finish();
    await settle();
    assert.deepEqual(a2.skipped, ['A']);
    assert.deepEqual(ab.skipped, ['A']);
    assert.deepEqual(log.slice(3), ['end a1', 'start a2']);
    d.cancelQueued();
    assert.deepEqual(log.slice(5), ['cancel ab']);
    assert.equal(d.free, 9);
  });
});

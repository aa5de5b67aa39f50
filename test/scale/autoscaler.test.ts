/**
 * The autoscaler loop under a manual clock: it samples on its interval, hands
 * changes (and only changes) to the actuator, keeps the cooldowns between its
 * own decisions, lets age steps fire after their periods, survives a failing
 * sample or actuator, measures throughput from the pool's counts, and stops.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { Actuator } from '../../src/scale/actuator.ts';
import { type DecisionRecord, startAutoscaler } from '../../src/scale/autoscaler.ts';
import { parseScalePolicy, type ScalePolicyInput } from '../../src/scale/config.ts';
import type { QueueObservation } from '../../src/scale/sampler.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { steps as fieldSteps } from './table.ts';

/** An actuator that holds a count: the port's simplest honest implementation. */
function counter(start: number) {
  const applied: number[] = [];
  let count = start;
  let failNext = false;
  const actuator: Actuator = {
    target: 'test',
    current: async () => count,
    apply: async (n) => {
      if (failNext) {
        failNext = false;
        throw new Error('service unavailable');
      }
      applied.push(n);
      count = n;
    },
  };
  return { actuator, applied, failOnce: () => (failNext = true) };
}

function setUp(input: ScalePolicyInput, start = 1, observe?: () => Promise<QueueObservation[]>) {
  const clock = new ManualClock();
  let queue: QueueObservation = { visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0 };
  const records: DecisionRecord[] = [];
  const { actuator, applied, failOnce } = counter(start);
  let processed = 0;
  const errors: string[] = [];
  const warnings: string[] = [];
  const infos: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        const parsed = JSON.parse(line) as { level: number };
        if (parsed.level >= 50) errors.push(line);
        else if (parsed.level === 40) warnings.push(line);
        else if (parsed.level === 30) infos.push(parsed);
      },
    },
  );
  const scaler = startAutoscaler({
    policy: parseScalePolicy(input),
    observe: observe ?? (async () => [queue]),
    actuator,
    log,
    clock,
    sampleIntervalMs: 15_000,
    processed: () => processed,
    onDecision: (r) => records.push(r),
  });
  return {
    clock,
    records,
    applied,
    errors,
    warnings,
    infos,
    /** The info lines that explain a hold. */
    holds: () => infos.filter((l) => String(l.msg).startsWith('holding')),
    failOnce,
    scaler,
    set: (q: Partial<QueueObservation>) => (queue = { ...queue, ...q }),
    process: (n: number) => (processed += n),
    /** Lets the first tick (started at once) finish. */
    settle: () => clock.advance(0),
  };
}

describe('startAutoscaler', () => {
  it('ticks every interval and applies only changes, with their reasons', async () => {
    const s = setUp({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      scaleOutCooldownSeconds: 0,
      scaleInCooldownSeconds: 0,
      scaleInEvaluationPeriods: 1,
      periodSeconds: 15, // the scale-in window: one sample
    });
    await s.settle();
    assert.equal(s.records.length, 1);
    assert.deepEqual(s.applied, [], 'an empty queue at min holds');
    s.set({ visible: 450 });
    await s.clock.advance(14_999);
    assert.equal(s.records.length, 1, 'no tick before the interval');
    await s.clock.advance(1);
    assert.deepEqual(s.applied, [5]);
    assert.match(s.records.at(-1)!.reason, /target tracking: backlog 450 .* ÷ 100 per worker → 5/);
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [5], 'the same backlog holds at 5');
    s.set({ visible: 0 });
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [5, 1]);
    s.scaler.stop();
    await s.clock.advance(60_000);
    assert.equal(s.records.length, 4, 'no tick after stop');
  });

  it('keeps the scale-out cooldown (60 s) and the scale-in cooldown (300 s) between its own decisions', async () => {
    const s = setUp({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      scaleInEvaluationPeriods: 1,
      periodSeconds: 15, // the scale-in window: one sample
    });
    await s.settle();
    s.set({ visible: 300 });
    await s.clock.advance(15_000); // t = 15 s
    assert.deepEqual(s.applied, [3]);
    s.set({ visible: 800 });
    await s.clock.advance(45_000); // t = 60 s
    assert.deepEqual(s.applied, [3], 'held inside the scale-out cooldown');
    assert.match(s.records.at(-1)!.reason, /scale-out cooldown: 45 s of 60 s/);
    await s.clock.advance(15_000); // t = 75 s
    assert.deepEqual(s.applied, [3, 8]);
    s.set({ visible: 0 });
    await s.clock.advance(15_000);
    assert.deepEqual(
      s.applied,
      [3, 8, 1],
      'no scale-in yet, so no scale-in cooldown; an empty queue goes straight to min',
    );
    s.set({ visible: 600 });
    await s.clock.advance(60_000);
    assert.deepEqual(s.applied, [3, 8, 1, 6]);
    s.set({ visible: 0 });
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [3, 8, 1, 6], 'within 300 s of the last scale-in');
    await s.clock.advance(300_000);
    assert.deepEqual(s.applied, [3, 8, 1, 6, 1]);
    s.scaler.stop();
  });

  it('does not count its own start (0 → min) as a scale-out: the first real decision scales out at once', async () => {
    const s = setUp({ min: 1, max: 30, targetBacklogPerWorker: 100 }, 0); // the default 60-s cooldown
    await s.settle(); // t = 0: the pool starts, the queue still empty
    assert.deepEqual(s.applied, [1]);
    s.set({ visible: 1843 });
    await s.clock.advance(15_000); // the first tick after the start
    assert.deepEqual(s.applied, [1, 19], s.records.at(-1)!.reason);
    s.scaler.stop();
  });

  it('does not count activation from zero as a scale-out: the measured target applies at the next tick', async () => {
    const queue = { visible: 1843, inFlight: 0, delayed: 0, oldestAgeSeconds: 0 }; // waiting at start
    const s = setUp({ min: 0, max: 30, acceptableLatencySeconds: 60 }, 0, async () => [queue]);
    await s.settle(); // no throughput measured yet: activation to 1
    assert.deepEqual(s.applied, [1]);
    s.process(150); // 1 worker, 15 s: 10 msg/s → target 600 per worker
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [1, 4], s.records.at(-1)!.reason);
    s.scaler.stop();
  });

  it('logs a hold at info with its reason, once per reason, not at every tick', async () => {
    const s = setUp({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      scaleInEvaluationPeriods: 2,
      periodSeconds: 60,
    });
    await s.settle();
    s.set({ visible: 300 });
    await s.clock.advance(15_000); // t = 15 s: 1 → 3, the cooldown starts
    s.set({ visible: 800 });
    await s.clock.advance(45_000); // t = 30, 45, 60 s: held three times
    assert.deepEqual(s.applied, [3]);
    assert.equal(s.holds().length, 1, JSON.stringify(s.holds()));
    const out = s.holds()[0]!;
    assert.equal(out.msg, 'holding 3 (wants 8): the scale-out cooldown holds for 45 s more');
    assert.equal(out.wanted, 8);
    assert.equal(out.until, new Date(s.clock.now() - 45_000 + 60_000).toISOString().replace(/\.000Z$/, 'Z'));
    assert.match(String(out.reason), /^scale-out cooldown: 15 s of 60 s/);
    await s.clock.advance(15_000); // t = 75 s: 3 → 8
    assert.deepEqual(s.applied, [3, 8]);
    s.set({ visible: 100 });
    await s.clock.advance(60_000); // four low ticks inside the 2 × 60-s scale-in window
    assert.deepEqual(s.applied, [3, 8]);
    const holds = s.holds().slice(1);
    assert.equal(holds.length, 1, JSON.stringify(holds));
    assert.match(
      String(holds[0]!.msg),
      /^holding 8 \(wants 1\): scale-in waits for \d more low periods? of 60 s/,
    );
    s.scaler.stop();
  });

  it('fires an age step after two 60-s periods over the threshold, at most once per period', async () => {
    const s = setUp({ ...fieldSteps, scaleOutCooldownSeconds: 0 }); // the field's steps, 2 × 60-s periods
    await s.settle(); // t = 0: age 0
    s.set({ visible: 10, oldestAgeSeconds: 400 }); // sampled from t = 15 s on
    await s.clock.advance(60_000);
    assert.deepEqual(s.applied, [], 'the period holding t = 0 never breached');
    await s.clock.advance(15_000); // t = 75 s: periods (15, 75] and (−45, 15] both reached 400 s
    assert.deepEqual(s.applied, [2], '+1 after two periods in 300–600 s');
    await s.clock.advance(45_000);
    assert.deepEqual(s.applied, [2], 'samples every 15 s, but the step waits a period');
    await s.clock.advance(15_000); // t = 135 s
    assert.deepEqual(s.applied, [2, 3], 'still in alarm a period later: +1 again');
    s.set({ oldestAgeSeconds: 700 });
    await s.clock.advance(120_000);
    const steps = s.records.filter((r) => r.to !== r.from);
    const last = steps.at(-1)!;
    assert.equal(last.to - last.from, 2, '+2 once both periods are over 600 s');
    for (let i = 1; i < steps.length; i++)
      assert.ok(steps[i]!.at - steps[i - 1]!.at >= 60_000, 'at most one step per period');
    s.scaler.stop();
  });

  it('survives a failing sample and a failing actuator, and tries again next interval', async () => {
    let fail = true;
    const queue = { visible: 500, inFlight: 0, delayed: 0, oldestAgeSeconds: 5 };
    const s = setUp(
      { min: 1, max: 10, targetBacklogPerWorker: 100, scaleOutCooldownSeconds: 0 },
      1,
      async () => {
        if (fail) throw new Error('queue out of reach');
        return [queue];
      },
    );
    await s.settle();
    assert.equal(s.errors.length, 1);
    assert.match(s.errors[0]!, /queue out of reach/);
    fail = false;
    s.failOnce();
    await s.clock.advance(15_000);
    assert.equal(s.errors.length, 2);
    assert.match(s.errors[1]!, /service unavailable/);
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [5]);
    s.scaler.stop();
  });

  it('derives the target from measured throughput: latency × messages per second per worker', async () => {
    const s = setUp({ min: 1, max: 20, acceptableLatencySeconds: 60, scaleOutCooldownSeconds: 0 }, 2);
    s.set({ visible: 1200 });
    await s.settle();
    assert.deepEqual(s.applied, [], 'no measurement yet: no target');
    s.process(300); // 2 workers, 15 s: 10 msg/s each → target 600 per worker
    await s.clock.advance(15_000);
    assert.equal(s.records.at(-1)!.sample.throughputPerWorker, 10);
    assert.deepEqual(s.applied, []);
    assert.match(s.records.at(-1)!.reason, /÷ 600 \(60 s × 10 msg\/s measured\) per worker → 2/);
    s.set({ visible: 3000 });
    s.process(300);
    await s.clock.advance(15_000);
    assert.deepEqual(s.applied, [5]);
    s.scaler.stop();
  });

  it('sums several queues and takes the oldest age; an unknown age is marked, and said once when steps need it', async () => {
    const s = setUp(
      { min: 1, max: 10, targetBacklogPerWorker: 100, steps: [{ ageFromSeconds: 300, change: 1 }] },
      1,
      async () => [
        { visible: 120, inFlight: 30, delayed: 5, oldestAgeSeconds: 40 },
        { visible: 80, inFlight: 0, delayed: 0, oldestAgeSeconds: undefined },
      ],
    );
    await s.settle();
    const r = s.records[0]!;
    assert.deepEqual(
      {
        visible: r.sample.visible,
        inFlight: r.sample.inFlight,
        delayed: r.sample.delayed,
        age: r.sample.oldestAgeSeconds,
      },
      { visible: 200, inFlight: 30, delayed: 5, age: 40 },
    );
    assert.equal(r.ageKnown, false);
    assert.deepEqual(s.applied, [3]);
    await s.clock.advance(30_000);
    assert.equal(s.warnings.length, 1, 'said once');
    assert.match(s.warnings[0]!, /age steps will not fire/);
    s.scaler.stop();
  });
});

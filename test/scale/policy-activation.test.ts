import { describe } from 'node:test';
import { at, runTable, steps, T0 } from './table.ts';

describe('activation and scale to zero', () => {
  const zero = { min: 0, max: 10, targetBacklogPerWorker: 100 };
  runTable([
    {
      name: 'from zero, one message → 1',
      policy: zero,
      samples: [at(0, { visible: 1 })],
      state: { count: 0 },
      desired: 1,
      reason: /^activation from zero: target tracking/,
    },
    {
      name: 'from zero, ignores the scale-out cooldown',
      policy: zero,
      samples: [at(5, { visible: 1 })],
      state: { count: 0, lastScaleOutAt: T0 },
      desired: 1,
      reason: /^activation from zero/,
    },
    {
      name: 'from zero, 450 messages → 5 at once',
      policy: zero,
      samples: [at(0, { visible: 450 })],
      state: { count: 0 },
      desired: 5,
      reason: /^activation from zero: .*→ 5/,
    },
    {
      name: 'from zero, steps-only policy still activates',
      policy: { ...steps, min: 0 },
      samples: [at(0, { visible: 1, oldestAgeSeconds: 1 })],
      state: { count: 0 },
      desired: 1,
      reason: /^activation from zero: raised to 1 while the queue is not empty/,
    },
    {
      name: 'activation off: the cooldown applies from zero',
      policy: { ...zero, activation: false },
      samples: [at(5, { visible: 1 })],
      state: { count: 0, lastScaleOutAt: T0 },
      desired: 0,
      reason: /^scale-out cooldown/,
    },
    {
      name: 'empty queue, min 0 → 0',
      policy: zero,
      samples: [at(0)],
      state: { count: 2 },
      desired: 0,
      reason: /^scale to zero \(min 0, queue empty\)/,
    },
    {
      name: 'in flight only (not counted) is not empty: keep 1',
      policy: { ...zero, scaleOnInFlight: false },
      samples: [at(0, { inFlight: 3 })],
      state: { count: 2 },
      desired: 1,
      reason: /raised to 1 while the queue is not empty/,
    },
    {
      name: 'only delayed, not counted: empty → 0',
      policy: zero,
      samples: [at(0, { delayed: 3 })],
      state: { count: 1 },
      desired: 0,
      reason: /^scale to zero/,
    },
    {
      name: 'empty queue, min 1 → 1, never zero',
      policy: { ...zero, min: 1 },
      samples: [at(0)],
      state: { count: 2 },
      desired: 1,
      reason: /^raised to min 1/,
    },
    {
      name: 'no samples: hold',
      policy: zero,
      samples: [],
      state: { count: 3 },
      desired: 3,
      reason: /^no samples/,
    },
  ]);
});

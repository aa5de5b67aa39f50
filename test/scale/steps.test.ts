import { describe } from 'node:test';
import { ages, at, runTable, steps } from './table.ts';

describe('step scaling on the age of the oldest message', () => {
  runTable([
    {
      name: '0–300 s: no change',
      policy: steps,
      samples: ages(120, 250),
      state: { count: 3 },
      desired: 3,
      reason: /no rule fired/,
    },
    {
      name: '300–600 s for 2 periods: +1',
      policy: steps,
      samples: ages(320, 450),
      state: { count: 3 },
      desired: 4,
      reason: /oldest age 300–600 s for 2×60 s periods \(max 450, 320 s\) → 3 \+ 1 = 4/,
    },
    {
      name: 'over 600 s for 2 periods: +2',
      policy: steps,
      samples: ages(650, 900),
      state: { count: 3 },
      desired: 5,
      reason: /oldest age ≥ 600 s .* → 3 \+ 2 = 5/,
    },
    {
      name: 'one period over 600, one in 300–600: +1 (both reached that band)',
      policy: steps,
      samples: ages(400, 700),
      state: { count: 3 },
      desired: 4,
      reason: /300–600 s/,
    },
    {
      name: 'only the latest period breaches: no alarm',
      policy: steps,
      samples: ages(200, 700),
      state: { count: 3 },
      desired: 3,
      reason: /no rule fired/,
    },
    {
      name: 'a period with no data: no alarm',
      policy: steps,
      samples: [at(90, { visible: 5, oldestAgeSeconds: 900 })],
      state: { count: 3 },
      desired: 3,
      reason: /no rule fired/,
    },
    {
      name: 'period maximum counts, not the last value',
      policy: steps,
      samples: [
        at(10, { visible: 5, oldestAgeSeconds: 350 }),
        at(50, { visible: 5, oldestAgeSeconds: 10 }),
        at(90, { visible: 5, oldestAgeSeconds: 310 }),
      ],
      state: { count: 3 },
      desired: 4,
      reason: /max 310, 350 s/,
    },
    {
      name: '+2 at 9 of max 10: clamped to 10',
      policy: steps,
      samples: ages(700, 700),
      state: { count: 9 },
      desired: 10,
      reason: /^clamped to max 10/,
    },
    {
      name: 'larger wins: step 3+2=5 over target 4',
      policy: { ...steps, targetBacklogPerWorker: 100 },
      samples: [
        at(30, { visible: 400, oldestAgeSeconds: 700 }),
        at(90, { visible: 400, oldestAgeSeconds: 700 }),
      ],
      state: { count: 3 },
      desired: 5,
      reason: /^step scaling: .* = 5 \(larger than target tracking: .* → 4\)/,
    },
    {
      name: 'larger wins: target 8 over step 3+1=4',
      policy: { ...steps, targetBacklogPerWorker: 100 },
      samples: [
        at(30, { visible: 800, oldestAgeSeconds: 400 }),
        at(90, { visible: 800, oldestAgeSeconds: 400 }),
      ],
      state: { count: 3 },
      desired: 8,
      reason: /^target tracking: .* → 8 \(larger than step scaling/,
    },
  ]);
});

import { describe } from 'node:test';
import { at, runTable, T0 } from './table.ts';

const env = {
  dev: { min: 1, max: 3, targetBacklogPerWorker: 100 },
  prodSmall: { min: 1, max: 10, targetBacklogPerWorker: 100 },
  prodLarge: { min: 10, max: 30, targetBacklogPerWorker: 100 },
};
describe('min/max per environment', () => {
  runTable([
    {
      name: 'dev 1–3: 1,000 → 10, clamped to 3',
      policy: env.dev,
      samples: [at(0, { visible: 1000 })],
      state: { count: 1 },
      desired: 3,
      reason: /^clamped to max 3/,
    },
    {
      name: 'dev 1–3: empty queue keeps min 1',
      policy: env.dev,
      samples: [at(0)],
      state: { count: 2 },
      desired: 1,
      reason: /^raised to min 1/,
    },
    {
      name: 'prod 1–10: 700 → 7',
      policy: env.prodSmall,
      samples: [at(0, { visible: 700 })],
      state: { count: 7 },
      desired: 7,
      reason: /→ 7$/,
    },
    {
      name: 'prod 1–10: 5,000 → 50, clamped to 10',
      policy: env.prodSmall,
      samples: [at(0, { visible: 5000 })],
      state: { count: 4 },
      desired: 10,
      reason: /^clamped to max 10/,
    },
    {
      name: 'prod 10–30: 700 → 7, raised to 10',
      policy: env.prodLarge,
      samples: [at(0, { visible: 700 })],
      state: { count: 10 },
      desired: 10,
      reason: /^raised to min 10/,
    },
    {
      name: 'prod 10–30: 2,500 → 25',
      policy: env.prodLarge,
      samples: [at(0, { visible: 2500 })],
      state: { count: 10 },
      desired: 25,
      reason: /→ 25$/,
    },
    {
      name: 'prod 10–30: count 40 above max is corrected despite cooldown',
      policy: env.prodLarge,
      samples: [at(0, { visible: 5000 })],
      state: { count: 40, lastScaleInAt: T0 },
      desired: 30,
      reason: /^clamped to max 30/,
    },
  ]);
});

describe('cooldowns: scale-out 60 s, scale-in 300 s', () => {
  const p = { min: 1, max: 10, targetBacklogPerWorker: 100 };
  runTable([
    {
      name: 'scale-out 30 s after a scale-out: held',
      policy: p,
      samples: [at(30, { visible: 800 })],
      state: { count: 4, lastScaleOutAt: T0 },
      desired: 4,
      reason: /^scale-out cooldown: 30 s of 60 s .* holding 4 \(wanted 8/,
    },
    {
      name: 'scale-out 60 s after a scale-out: allowed',
      policy: p,
      samples: [at(60, { visible: 800 })],
      state: { count: 4, lastScaleOutAt: T0 },
      desired: 8,
      reason: /^target tracking/,
    },
    {
      name: 'scale-out 10 s after a scale-in: allowed (separate cooldowns)',
      policy: p,
      samples: [at(10, { visible: 800 })],
      state: { count: 4, lastScaleInAt: T0 },
      desired: 8,
      reason: /^target tracking/,
    },
    {
      name: 'scale-in 299 s after a scale-in: held',
      policy: p,
      samples: [at(299, { visible: 180 })],
      state: { count: 6, lastScaleInAt: T0 },
      desired: 6,
      reason: /^scale-in cooldown: 299 s of 300 s .* holding 6 \(wanted 2/,
    },
    {
      name: 'scale-in 300 s after a scale-in: allowed',
      policy: p,
      samples: [at(300, { visible: 180 })],
      state: { count: 6, lastScaleInAt: T0 },
      desired: 2,
      reason: /^target tracking/,
    },
    {
      name: 'scale-in 10 s after a scale-out: allowed',
      policy: p,
      samples: [at(10, { visible: 180 })],
      state: { count: 6, lastScaleOutAt: T0 },
      desired: 2,
      reason: /^target tracking/,
    },
    {
      name: 'scale-in keeps 10 % below the target: backlog 200 from 6 goes to 3, not 2 (100 each, the target itself)',
      policy: p,
      samples: [at(400, { visible: 200 })],
      state: { count: 6, lastScaleInAt: T0 },
      desired: 3,
      reason: /^target tracking: backlog 200 .* → 2$/,
    },
    {
      name: 'while the age alarm holds and its next step waits a period, target tracking does not scale in',
      policy: { ...p, steps: [{ ageFromSeconds: 300, change: 1 }] },
      samples: [at(330, { visible: 50, oldestAgeSeconds: 400 })],
      state: { count: 5, lastScaleInAt: T0, lastStepAt: T0 + 300_000 },
      desired: 5,
      reason: /^step scaling: the age alarm holds \(oldest 400 s\); next step after its period, no scale-in/,
    },
    {
      name: 'scale-in waits for 15 periods of samples (AWS target tracking: 15 one-minute datapoints)',
      policy: { ...p, scaleInEvaluationPeriods: 15 },
      samples: [at(400, { visible: 800 }), at(1000, { visible: 150 })],
      state: { count: 8, lastScaleInAt: T0 },
      desired: 8,
      reason: /but scale-in waits for 15 × 60 s of samples \(600 s so far\): holding 8/,
    },
    {
      name: 'scale-in judges the largest backlog of the last 15 periods',
      policy: { ...p, scaleInEvaluationPeriods: 15 },
      samples: [at(400, { visible: 900 }), at(700, { visible: 700 }), at(1300, { visible: 150 })],
      state: { count: 8, lastScaleInAt: T0 },
      desired: 8,
      reason: /8 workers hold 87\.5 each \(up to 700 in the last 15 × 60 s\), not below 90/,
    },
    {
      name: 'after 15 low periods it scales in',
      policy: { ...p, scaleInEvaluationPeriods: 15 },
      samples: [at(400, { visible: 900 }), at(1200, { visible: 300 }), at(1301, { visible: 150 })],
      state: { count: 8, lastScaleInAt: T0 },
      desired: 4,
      reason: /^target tracking: backlog 150 .* → 2$/,
    },
    {
      name: 'a backlog hovering just under a multiple of the target holds the count (no flapping)',
      policy: p,
      samples: [at(400, { visible: 195 })],
      state: { count: 3, lastScaleInAt: T0 },
      desired: 3,
      reason: /3 workers hold 65 each, not below 90 \(90 % of the target\): holding 3/,
    },
    {
      name: 'custom cooldowns are honoured',
      policy: { ...p, scaleOutCooldownSeconds: 120 },
      samples: [at(90, { visible: 800 })],
      state: { count: 4, lastScaleOutAt: T0 },
      desired: 4,
      reason: /90 s of 120 s/,
    },
  ]);
});

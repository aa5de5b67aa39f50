import { describe } from 'node:test';
import { at, runTable } from './table.ts';

const perTask100 = { min: 1, max: 10, targetBacklogPerWorker: 100 };
const perWorker50k = { min: 10, max: 30, targetBacklogPerWorker: 50_000 };

describe('target tracking on backlog per worker', () => {
  runTable([
    {
      name: '100/task: 1,000 visible → 10',
      policy: perTask100,
      samples: [at(0, { visible: 1000 })],
      state: { count: 2 },
      desired: 10,
      reason: /backlog 1000 \(visible 1000 \+ inFlight 0\) ÷ 100 per worker → 10/,
    },
    {
      name: '100/task: 950 visible + 50 in flight → 10',
      policy: perTask100,
      samples: [at(0, { visible: 950, inFlight: 50 })],
      state: { count: 2 },
      desired: 10,
      reason: /backlog 1000/,
    },
    {
      name: '100/task: 250 → ceil(2.5) = 3',
      policy: perTask100,
      samples: [at(0, { visible: 250 })],
      state: { count: 3 },
      desired: 3,
      reason: /÷ 100 per worker → 3/,
    },
    {
      name: '100/task: scaleOnInFlight false ignores in flight',
      policy: { ...perTask100, scaleOnInFlight: false },
      samples: [at(0, { visible: 500, inFlight: 500 })],
      state: { count: 5 },
      desired: 5,
      reason: /backlog 500 \(visible 500\)/,
    },
    {
      name: '100/task: delayed ignored by default',
      policy: perTask100,
      samples: [at(0, { visible: 300, delayed: 400 })],
      state: { count: 3 },
      desired: 3,
      reason: /backlog 300/,
    },
    {
      name: '100/task: scaleOnDelayed counts delayed',
      policy: { ...perTask100, scaleOnDelayed: true },
      samples: [at(0, { visible: 300, delayed: 400 })],
      state: { count: 3 },
      desired: 7,
      reason: /delayed 400\) ÷ 100 per worker → 7/,
    },
    {
      name: '100/task derived: 10 s latency ÷ 0.1 s/msg',
      policy: { min: 1, max: 10, acceptableLatencySeconds: 10, secondsPerMessage: 0.1 },
      samples: [at(0, { visible: 1000 })],
      state: { count: 2 },
      desired: 10,
      reason: /÷ 100 \(10 s ÷ 0.1 s\/msg\) per worker → 10/,
    },
    {
      name: '50,000/worker: 600k → 12',
      policy: perWorker50k,
      samples: [at(0, { visible: 600_000 })],
      state: { count: 10 },
      desired: 12,
      reason: /÷ 50000 per worker → 12/,
    },
    {
      name: '50,000/worker: 2.8M → 56, clamped to max 30',
      policy: perWorker50k,
      samples: [at(0, { visible: 2_800_000 })],
      state: { count: 10 },
      desired: 30,
      reason: /^clamped to max 30: .*→ 56/,
    },
    {
      name: '50,000/worker: 100k → 2, raised to min 10',
      policy: perWorker50k,
      samples: [at(0, { visible: 100_000 })],
      state: { count: 10 },
      desired: 10,
      reason: /^raised to min 10: .*→ 2/,
    },
    {
      name: '50,000/worker derived: 43,200/day ≈ 2 s/msg, 100,000 s latency',
      policy: { min: 10, max: 30, acceptableLatencySeconds: 100_000, secondsPerMessage: 2 },
      samples: [at(0, { visible: 600_000 })],
      state: { count: 10 },
      desired: 12,
      reason: /÷ 50000 \(100000 s ÷ 2 s\/msg\)/,
    },
    {
      name: 'measured: 1,000 s latency × 0.5 msg/s = 500 per worker',
      policy: { min: 1, max: 10, acceptableLatencySeconds: 1000 },
      samples: [
        at(0, { visible: 9000, throughputPerWorker: 0.25 }),
        at(60, { visible: 2600, throughputPerWorker: 0.5 }),
      ],
      state: { count: 2 },
      desired: 6,
      reason: /÷ 500 \(1000 s × 0.5 msg\/s measured\) per worker → 6/,
    },
    {
      name: 'measured: no throughput yet, no target candidate',
      policy: { min: 1, max: 10, acceptableLatencySeconds: 1000 },
      samples: [at(0, { visible: 2600 })],
      state: { count: 2 },
      desired: 2,
      reason: /^no rule fired/,
    },
  ]);
});

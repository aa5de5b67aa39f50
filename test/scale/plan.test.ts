import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CapacityInput, planCapacity } from '../../src/scale/plan.ts';

// The field's case: 2.8M backlog, 600k new a day, 43,200/day per worker
// (one message every 2 s). It quoted 18–37 workers; those are the truncated
// quotients of two assumptions, and the planner rounds up:
// - drain within 14 days while arrivals continue: (2.8M + 600k × 14) = 11.2M
//   over 14 days = 800k/day ÷ 43,200 = 18.52 → 19 (the field's "18");
// - the same 11.2M pushed through in 7 days (no further arrivals counted):
//   1.6M/day ÷ 43,200 = 37.04 → 38 (the field's "37").
// Draining in 7 days with arrivals continuing is 7M / 7 d → 23.15 → 24, and
// 14 workers (13.89) only keep up with the arrivals: the backlog never drains.
const field = { perWorkerPerDay: 43_200 };
const rows: [string, CapacityInput, number, number, RegExp][] = [
  [
    '14-day drain with arrivals: 800k/day → 19',
    { ...field, backlog: 2_800_000, arrivalsPerDay: 600_000, drainWithinDays: 14 },
    19,
    18.52,
    /\(2800000 \+ 600000\/day × 14 d\) ÷ \(43200\/day × 14 d\) = 18\.52 → 19 workers \(14 only keep up/,
  ],
  [
    '11.2M in 7 days → 38',
    { ...field, backlog: 11_200_000, arrivalsPerDay: 0, drainWithinDays: 7 },
    38,
    37.04,
    /= 37\.04 → 38 workers/,
  ],
  [
    '7-day drain with arrivals → 24',
    { ...field, backlog: 2_800_000, arrivalsPerDay: 600_000, drainWithinDays: 7 },
    24,
    23.15,
    /= 23\.15 → 24 workers/,
  ],
  [
    '800,000/day with no backlog → 19',
    { ...field, backlog: 0, arrivalsPerDay: 800_000, drainWithinDays: 1 },
    19,
    18.52,
    /→ 19 workers/,
  ],
  [
    'no backlog: keep up with 600k/day → 14',
    { ...field, backlog: 0, arrivalsPerDay: 600_000, drainWithinDays: 1 },
    14,
    13.89,
    /→ 14 workers \(14 only keep up/,
  ],
];

describe('planCapacity', () => {
  for (const [name, input, workers, exact, reason] of rows) {
    it(name, () => {
      const plan = planCapacity(input);
      assert.equal(plan.workers, workers);
      assert.equal(Math.round(plan.exact * 100) / 100, exact);
      assert.match(plan.reason, reason);
    });
  }

  it('never plans fewer than keep-up, even with a generous deadline', () => {
    const plan = planCapacity({ ...field, backlog: 0, arrivalsPerDay: 600_000, drainWithinDays: 1000 });
    assert.equal(plan.workers, 14);
  });

  it('refuses a zero throughput or deadline, and negative numbers', () => {
    const base = { ...field, backlog: 1, arrivalsPerDay: 1, drainWithinDays: 1 };
    assert.throws(() => planCapacity({ ...base, perWorkerPerDay: 0 }), /perWorkerPerDay must be > 0/);
    assert.throws(() => planCapacity({ ...base, drainWithinDays: 0 }), /drainWithinDays must be > 0/);
    assert.throws(
      () => planCapacity({ ...base, backlog: -1 }),
      /backlog must be a finite number ≥ 0, got -1/,
    );
  });
});

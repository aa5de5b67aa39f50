import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateCost } from '../../src/scale/cost.ts';
import { measuredThroughput } from '../../src/scale/measured.ts';
import { type CapacityInput, type DrainState, drainWith, planCapacity } from '../../src/scale/plan.ts';

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

// Time to drain with N workers: backlog ÷ (N × 43,200 − arrivals) days.
// The field's arrivals (600k/day) need 600000 ÷ 43200 = 13.89 workers: 14
// outpace them (by 4,800/day: 2.8M takes 583 days), 13 fall behind.
const drainRows: [
  string,
  { backlog: number; arrivalsPerDay: number; workers: number },
  DrainState,
  number | null,
][] = [
  [
    '19 workers drain 2.8M against 600k/day in 12.68 d',
    { backlog: 2_800_000, arrivalsPerDay: 600_000, workers: 19 },
    'drains',
    12.68,
  ],
  [
    '38 workers drain 2.8M against 600k/day in 2.69 d',
    { backlog: 2_800_000, arrivalsPerDay: 600_000, workers: 38 },
    'drains',
    2.69,
  ],
  [
    '38 workers drain 11.2M with no arrivals in 6.82 d',
    { backlog: 11_200_000, arrivalsPerDay: 0, workers: 38 },
    'drains',
    6.82,
  ],
  [
    '14 workers (keep-up) drain 2.8M, slowly: 583.33 d',
    { backlog: 2_800_000, arrivalsPerDay: 600_000, workers: 14 },
    'drains',
    583.33,
  ],
  [
    '13 workers never drain: the backlog grows',
    { backlog: 2_800_000, arrivalsPerDay: 600_000, workers: 13 },
    'grows',
    null,
  ],
  [
    'no backlog but 13 workers: grows from empty',
    { backlog: 0, arrivalsPerDay: 600_000, workers: 13 },
    'grows',
    null,
  ],
  [
    'no backlog and 14 workers: already drained',
    { backlog: 0, arrivalsPerDay: 600_000, workers: 14 },
    'empty',
    0,
  ],
  [
    'exactly matching arrivals holds a backlog',
    { backlog: 1_000_000, arrivalsPerDay: 864_000, workers: 20 },
    'holds',
    null,
  ],
  [
    'exactly matching arrivals with no backlog keeps up',
    { backlog: 0, arrivalsPerDay: 864_000, workers: 20 },
    'empty',
    0,
  ],
];

describe('drainWith', () => {
  for (const [name, input, state, days] of drainRows) {
    it(name, () => {
      const d = drainWith({ ...field, ...input });
      assert.equal(d.state, state, d.reason);
      assert.equal(d.canDrain, state === 'drains' || state === 'empty');
      assert.equal(d.days === null ? null : Math.round(d.days * 100) / 100, days);
      assert.equal(d.netPerDay, input.workers * 43_200 - input.arrivalsPerDay);
    });
  }

  it("can never drain the field's queue with 13 workers or fewer, always with 14 or more", () => {
    for (let workers = 0; workers <= 40; workers++) {
      const d = drainWith({ ...field, backlog: 2_800_000, arrivalsPerDay: 600_000, workers });
      assert.equal(d.canDrain, workers >= 14, `${workers} workers: ${d.reason}`);
      assert.equal(d.minimumToDrain, 14);
    }
  });

  it('the minimum to drain is one more than an exact ratio (equal only holds)', () => {
    assert.equal(drainWith({ ...field, backlog: 1, arrivalsPerDay: 864_000, workers: 1 }).minimumToDrain, 21);
    assert.equal(drainWith({ ...field, backlog: 1, arrivalsPerDay: 0, workers: 1 }).minimumToDrain, 1);
    // 3 × 0.1 is 0.30000000000000004 in floating point: still "holds", not "drains".
    const d = drainWith({ backlog: 5, arrivalsPerDay: 0.3, perWorkerPerDay: 0.1, workers: 3 });
    assert.equal(d.minimumToDrain, 4);
    assert.equal(d.state, 'holds');
  });

  it('explains itself', () => {
    const at = (workers: number) =>
      drainWith({ ...field, backlog: 2_800_000, arrivalsPerDay: 600_000, workers }).reason;
    assert.equal(at(19), '2800000 ÷ (19 × 43200/day − 600000/day) = 12.68 d');
    assert.equal(
      at(10),
      '10 × 43200/day = 432000/day < 600000/day arriving: the backlog grows by 168000/day' +
        ' and never drains (14 or more workers drain it)',
    );
  });

  // The planner and the forecast agree: the planned count drains by the
  // deadline, one fewer does not (or never drains at all).
  for (const [name, input, workers] of rows) {
    it(`${name}: ${workers} drain by the deadline, ${workers - 1} do not`, () => {
      const by = (n: number) => drainWith({ ...input, workers: n });
      assert.ok(by(workers).days! <= input.drainWithinDays, by(workers).reason);
      const fewer = by(workers - 1);
      assert.ok(fewer.days === null || fewer.days > input.drainWithinDays, fewer.reason);
    });
  }

  it('refuses a zero throughput, fractional workers and negative numbers', () => {
    const base = { ...field, backlog: 1, arrivalsPerDay: 1, workers: 1 };
    assert.throws(() => drainWith({ ...base, perWorkerPerDay: 0 }), /perWorkerPerDay must be > 0/);
    assert.throws(() => drainWith({ ...base, workers: 1.5 }), /workers must be an integer/);
    assert.throws(() => drainWith({ ...base, backlog: -1 }), /backlog must be a finite number ≥ 0, got -1/);
  });
});

// Monthly cost, hand-computed (730 h a month; 730/24 = 30.4167 days):
// - the field, 19 workers at $0.05: 19 × 0.05 × 730 = $693.50; 600,000 × 30.4167
//   = 18.25M messages × 3 requests = 54.75M × $0.40/M = $21.90; idle polls at
//   most 19 × 180 × 730 = 2,496,600 × $0.40/M = $0.99864; backlog 2.8M × 3 =
//   8.4M × $0.40/M = $3.36 once.
// - 11.2M in 7 days, 38 workers: 38 × 0.05 × 730 = $1,387; no arrivals: $0;
//   idle 38 × 180 × 730 = 4,993,200 → $1.99728; backlog 33.6M → $13.44 once.
// - everything batched (0.3), 0.5 vCPU/1 GB ($0.0247), FIFO ($0.50/M), 10-s
//   polls, 14 workers: 14 × 0.0247 × 730 = $252.434; 18.25M × 0.3 = 5.475M ×
//   0.5 = $2.7375; idle 14 × 360 × 730 = 3,679,200 × 0.5 = $1.8396.
const prices = { taskHourPrice: 0.05, sqsPricePerMillion: 0.4, requestsPerMessage: 3, waitSeconds: 20 };
const costRows: [string, Parameters<typeof estimateCost>[0], [number, number, number, number, number]][] = [
  [
    'the field with 19 workers',
    { ...prices, workers: 19, arrivalsPerDay: 600_000, backlog: 2_800_000 },
    [693.5, 21.9, 0.99864, 716.39864, 3.36],
  ],
  [
    '11.2M in 7 days with 38 workers',
    { ...prices, workers: 38, arrivalsPerDay: 0, backlog: 11_200_000 },
    [1387, 0, 1.99728, 1388.99728, 13.44],
  ],
  [
    'all batched, small tasks, FIFO, 10-s polls',
    {
      workers: 14,
      arrivalsPerDay: 600_000,
      backlog: 0,
      taskHourPrice: 0.0247,
      sqsPricePerMillion: 0.5,
      requestsPerMessage: 0.3,
      waitSeconds: 10,
    },
    [252.434, 2.7375, 1.8396, 257.0111, 0],
  ],
];

describe('estimateCost', () => {
  const near = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);
  for (const [name, input, [compute, messages, idle, monthly, once]] of costRows) {
    it(name, () => {
      const c = estimateCost(input);
      near(c.compute.dollars, compute, 'compute');
      near(c.messages.dollars, messages, 'messages');
      near(c.idlePolls.dollars, idle, 'idle polls');
      near(c.monthly, monthly, 'monthly');
      near(c.backlogOnce.dollars, once, 'backlog once');
      assert.equal(c.hoursPerMonth, 730);
    });
  }

  it('shows its arithmetic', () => {
    const c = estimateCost(costRows[0]![1]);
    assert.equal(c.compute.reason, '19 tasks × $0.05/task-hour × 730 h');
    assert.equal(c.messages.reason, '600000/day × 30.42 d × 3 requests/message = 54.75M requests × $0.4/M');
    assert.match(c.idlePolls.reason, /^19 workers × 180 empty receives\/h × 730 h = 2\.5M requests/);
  });

  it('refuses negative prices and a zero long-poll wait', () => {
    const base = costRows[0]![1];
    assert.throws(
      () => estimateCost({ ...base, taskHourPrice: -1 }),
      /taskHourPrice must be a finite number ≥ 0/,
    );
    assert.throws(() => estimateCost({ ...base, waitSeconds: 0 }), /waitSeconds must be > 0/);
  });
});

// Measured throughput: (depth before − depth after) ÷ running ÷ seconds; an
// assumed arrival rate is never added in.
describe('measuredThroughput', () => {
  const depth = (visible: number, inFlight = 0, delayed = 0) => ({ visible, inFlight, delayed });
  const rows: [string, Parameters<typeof measuredThroughput>[0], number, number][] = [
    // 120 gone in 60 s by 2 workers: 1/s each.
    [
      'no arrivals',
      { before: depth(1000, 20), after: depth(880, 20), seconds: 60, running: 2, arriving: false },
      120,
      1,
    ],
    // Arrivals are unseen: only the 300 the depth fell by count (300 ÷ 3 ÷ 60 = 5/3 per second).
    [
      'with arrivals',
      { before: depth(5000), after: depth(4700), seconds: 60, running: 3, arriving: true },
      300,
      5 / 3,
    ],
    // In flight and delayed are still in the queue: only the 50 deleted count.
    [
      'in flight and delayed count as waiting',
      { before: depth(100, 0, 0), after: depth(0, 40, 10), seconds: 10, running: 1, arriving: false },
      50,
      5,
    ],
    // The depth grew: nothing measurable (the CLI refuses it).
    ['growth', { before: depth(100), after: depth(160), seconds: 10, running: 1, arriving: false }, -60, -6],
  ];
  for (const [name, input, processed, perSecond] of rows) {
    it(name, () => {
      const m = measuredThroughput(input);
      assert.ok(Math.abs(m.processed - processed) < 1e-9, `${m.processed}`);
      assert.ok(Math.abs(m.perWorkerPerSecond - perSecond) < 1e-9, `${m.perWorkerPerSecond}`);
      assert.ok(Math.abs(m.perWorkerPerDay - perSecond * 86_400) < 1e-6);
    });
  }

  it('is a lower bound when the queue ran empty (the workers may have idled) or messages arrived unseen', () => {
    assert.equal(measuredThroughput(rows[0]![1]).lowerBound, false);
    const empty = measuredThroughput(rows[2]![1]);
    assert.equal(empty.lowerBound, true);
    assert.match(empty.reason, /= 432000\/day per worker \(at least: the queue ran empty/);
    assert.equal(measuredThroughput(rows[1]![1]).lowerBound, true);
  });

  it('explains itself', () => {
    const m = measuredThroughput(rows[1]![1]);
    assert.equal(
      m.reason,
      '(5000 − 4700) ÷ 3 workers ÷ 60 s = 1.67/s = 144000/day per worker (at least: messages that arrived meanwhile are not seen)',
    );
  });

  it('refuses an empty window or no running workers', () => {
    const base = rows[0]![1];
    assert.throws(() => measuredThroughput({ ...base, seconds: 0 }), /seconds must be > 0/);
    assert.throws(() => measuredThroughput({ ...base, running: 0 }), /running must be ≥ 1/);
  });
});

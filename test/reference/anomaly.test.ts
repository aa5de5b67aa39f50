/** The cost-collection anomaly rule on crafted histories: more than 50% off the 30-day average. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../examples/reference/cost/anomaly.ts';
import { addDays, dayIn } from '../../examples/reference/cost/days.ts';
import { dayToCollect } from '../../examples/reference/cost/job.ts';

const flat = (cents: number, days = 30) => Array.from({ length: days }, () => cents);

describe('anomaly rule', () => {
  it('exactly 50% above or below the average is not an anomaly; 51% is', () => {
    assert.equal(judge(150_00, flat(100_00)).anomaly, false);
    assert.equal(judge(50_00, flat(100_00)).anomaly, false);
    assert.equal(judge(151_00, flat(100_00)).anomaly, true);
    assert.equal(judge(49_00, flat(100_00)).anomaly, true);
    assert.equal(judge(150_01, flat(100_00)).anomaly, true, 'one cent past 50%');
  });

  it('compares against the average of an uneven history, exactly', () => {
    // 15 days at 80.00 and 15 at 120.00: average 100.00.
    const history = [...flat(80_00, 15), ...flat(120_00, 15)];
    assert.equal(judge(150_00, history).anomaly, false);
    assert.equal(judge(151_00, history).anomaly, true);
    // Average 100.10 (odd cents): 50% above is 150.15; 150.15 is not an anomaly, 150.16 is.
    const odd = [...flat(100_00, 27), 101_00, 101_00, 101_00];
    assert.equal(judge(150_15, odd).anomaly, false);
    assert.equal(judge(150_16, odd).anomaly, true);
    assert.equal(judge(150_15, odd).deviation, 0.5);
  });

  it('has no verdict without history; any cost against a zero average is an anomaly', () => {
    assert.equal(judge(1_000_00, []).anomaly, false);
    assert.equal(judge(0, flat(0)).anomaly, false);
    assert.equal(judge(1, flat(0)).anomaly, true);
  });
});

describe('the day collected', () => {
  it('is yesterday in New York, whatever the UTC date of the tick', () => {
    // 02:00 EST on 23 Nov 2026 is 07:00 UTC.
    assert.equal(dayToCollect(new Date('2026-11-23T07:00:00Z')), '2026-11-22');
    // 02:00 EDT on 2 Jul 2026 is 06:00 UTC; 23:30 EDT on 1 Jul is already 2 Jul in UTC.
    assert.equal(dayToCollect(new Date('2026-07-02T06:00:00Z')), '2026-07-01');
    assert.equal(dayIn(new Date('2026-07-02T03:30:00Z'), 'America/New_York'), '2026-07-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  });
});

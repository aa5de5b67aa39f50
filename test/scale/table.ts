/** Shared helpers for the table-driven policy tests (not itself a test file). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseScalePolicy, type ScalePolicyInput } from '../../src/scale/config.ts';
import { decideScale, type Sample, type ScaleState } from '../../src/scale/policy.ts';

export const T0 = 1_000_000_000;

/** A sample at `seconds` after T0; queue fields default to an empty queue. */
export function at(seconds: number, fields: Partial<Omit<Sample, 'at'>> = {}): Sample {
  return { at: T0 + seconds * 1000, visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, ...fields };
}

export interface Row {
  readonly name: string;
  readonly policy: ScalePolicyInput;
  readonly samples: readonly Sample[];
  readonly state: ScaleState;
  readonly desired: number;
  readonly reason: RegExp;
}

/**
 * Runs decision rows. A row is mostly one observation, so unless it sets
 * scaleInEvaluationPeriods, target tracking may scale in on that one sample
 * (scaleInEvaluationPeriods 1); the scale-in window has rows of its own.
 */
export function runTable(rows: readonly Row[]) {
  for (const row of rows) {
    it(row.name, () => {
      const policy = parseScalePolicy({ scaleInEvaluationPeriods: 1, ...row.policy });
      const decision = decideScale(row.samples, row.state, policy);
      assert.equal(decision.desired, row.desired, decision.reason);
      assert.match(decision.reason, row.reason);
    });
  }
}

// Step scaling on the oldest message's age: 0–300 s no change, 300–600 s +1,
// over 600 s +2; alarm after 2 consecutive 60-s periods.
export const steps: ScalePolicyInput = {
  min: 1,
  max: 10,
  steps: [
    { ageFromSeconds: 0, ageToSeconds: 300, change: 0 },
    { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
    { ageFromSeconds: 600, change: 2 },
  ],
  evaluationPeriods: 2,
  periodSeconds: 60,
};
/** One sample in each of the two periods, older first. */
export const ages = (older: number, newer: number) => [
  at(30, { visible: 5, oldestAgeSeconds: older }),
  at(90, { visible: 5, oldestAgeSeconds: newer }),
];

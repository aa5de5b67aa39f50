import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScalePolicy, ScalePolicyError, type ScalePolicyInput } from '../../src/scale/config.ts';

describe('parseScalePolicy', () => {
  it('fills the documented defaults and freezes', () => {
    const policy = parseScalePolicy({ min: 1, max: 10, targetBacklogPerWorker: 100 });
    assert.deepEqual(policy, {
      min: 1,
      max: 10,
      target: 100,
      targetSource: 'given',
      acceptableLatencySeconds: undefined,
      scaleOnInFlight: true,
      scaleOnDelayed: false,
      steps: [],
      evaluationPeriods: 1,
      scaleInEvaluationPeriods: 15,
      periodSeconds: 60,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 300,
      activation: true,
    });
    assert.ok(Object.isFrozen(policy));
  });

  it('derives the target as acceptable latency ÷ seconds per message', () => {
    assert.equal(
      parseScalePolicy({ min: 0, max: 5, acceptableLatencySeconds: 10, secondsPerMessage: 0.1 }).target,
      100,
    );
  });

  const refused: [string, ScalePolicyInput, RegExp][] = [
    ['min above max', { min: 5, max: 3, targetBacklogPerWorker: 1 }, /min \(5\) must not exceed max \(3\)/],
    ['neither target nor steps', { min: 0, max: 3 }, /needs a target/],
    [
      'both target forms',
      { min: 0, max: 3, targetBacklogPerWorker: 1, acceptableLatencySeconds: 1, secondsPerMessage: 1 },
      /not both/,
    ],
    [
      'seconds per message without latency',
      { min: 0, max: 3, secondsPerMessage: 2 },
      /needs acceptableLatencySeconds/,
    ],
    ['negative min', { min: -1, max: 3, targetBacklogPerWorker: 1 }, /^scale policy min:/],
    ['zero target', { min: 0, max: 3, targetBacklogPerWorker: 0 }, /^scale policy targetBacklogPerWorker:/],
    [
      'unknown key',
      { min: 0, max: 3, targetBacklogPerWorker: 1, cooldown: 5 } as ScalePolicyInput,
      /cooldown/,
    ],
    [
      'overlapping steps',
      {
        min: 0,
        max: 3,
        steps: [
          { ageFromSeconds: 0, ageToSeconds: 400, change: 0 },
          { ageFromSeconds: 300, change: 1 },
        ],
      },
      /steps\[0\] overlaps steps\[1\]/,
    ],
    [
      'open-ended step before another',
      {
        min: 0,
        max: 3,
        steps: [
          { ageFromSeconds: 0, change: 0 },
          { ageFromSeconds: 300, change: 1 },
        ],
      },
      /overlaps/,
    ],
    [
      'empty step band',
      { min: 0, max: 3, steps: [{ ageFromSeconds: 300, ageToSeconds: 300, change: 1 }] },
      /ageToSeconds must exceed/,
    ],
  ];
  for (const [name, input, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseScalePolicy(input),
        (error: unknown) => error instanceof ScalePolicyError && message.test(error.message),
      );
    });
  }
});

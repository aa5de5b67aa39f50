/**
 * The workers service's Application Auto Scaling, from the config's scale
 * policy (the one `sluice scale` follows), with every number decided here:
 *
 * - **scale out, target tracking** on backlog per task, metric math: the
 *   policy's backlog (visible; + in flight with scaleOnInFlight; + delayed
 *   with scaleOnDelayed) ÷ running tasks, at the policy's target. Its own
 *   scale-in is off: scale-in follows the outstanding messages (below).
 * - **scale out, step scaling on the age of the oldest message**: the
 *   policy's table of absolute ages becomes one alarm at the first band that
 *   adds tasks and step intervals *relative to that threshold*, which is how
 *   AWS reads them (ageStepsOf; the seeds' 300 s alarm with 0–300/300–600/600+
 *   intervals meant 600 and 900 s — this function is why no renderer can
 *   repeat that).
 * - **scale in on outstanding messages** (visible + in flight): when they
 *   stay below 90 % of the target per task for scaleInEvaluationPeriods,
 *   remove at most half the tasks, less the nearer the target — as the local
 *   policy and AWS's target tracking do — and never the last task while a
 *   message is outstanding.
 * - **0 → 1**: with min 0, target tracking has nothing to divide by; a step
 *   sets one task when a message is visible and none runs.
 * - no CPU policy; scale-out and scale-in have their own cooldowns.
 */
import type { ScalePolicy, StepBand } from '../../scale/config.ts';
import { SCALE_IN_MARGIN } from '../../scale/policy.ts';
import { DeployModelError } from '../model.ts';
import { deepFreeze } from './freeze.ts';
import { type MetricQuery, perTask, type QueueMetricName, queueMax, queueSum } from './metrics.ts';

/** One row of the age table in absolute seconds: [fromSeconds, toSeconds) → change. */
export interface AgeRow {
  readonly fromSeconds: number;
  readonly toSeconds: number | undefined;
  readonly change: number;
}

/** A step adjustment as AWS takes it: bounds relative to the alarm's threshold, lower inclusive. */
export interface StepAdjustment {
  readonly lowerBound: number | undefined;
  readonly upperBound: number | undefined;
  readonly change: number;
}

export type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';

export interface ScalingAlarm {
  readonly query: MetricQuery;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly treatMissingData: 'notBreaching';
}

export interface StepPolicy {
  readonly name: 'age' | 'scale-in' | 'activation';
  readonly description: string;
  readonly alarm: ScalingAlarm;
  readonly adjustmentType: 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity';
  readonly adjustments: readonly StepAdjustment[];
  /** How the step policy aggregates the alarm's datapoints. */
  readonly metricAggregationType: 'Maximum' | 'Average';
  readonly cooldownSeconds: number;
}

/** The age policy keeps the table it came from, in absolute ages. */
export interface AgeStepPolicy extends StepPolicy {
  readonly name: 'age';
  readonly table: readonly AgeRow[];
}

export interface TargetTracking {
  readonly query: MetricQuery;
  readonly targetValue: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** Scale-in follows the outstanding messages instead (scaleIn). */
  readonly disableScaleIn: true;
}

export interface AwsScaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** The queues whose metrics drive the scaling. */
  readonly queues: readonly string[];
  readonly targetTracking: TargetTracking;
  readonly ageSteps: AgeStepPolicy | undefined;
  readonly scaleIn: StepPolicy;
  /** With min 0 (and the policy's activation on): 0 → 1 task when a message is visible. */
  readonly activation: StepPolicy | undefined;
}

const fail = (message: string): never => {
  throw new DeployModelError(message);
};

/**
 * The policy's age table (absolute ages, [from, to) → change) as AWS step scaling takes it:
 * the alarm's threshold is where the first band that adds tasks begins, and each interval is
 * relative to it; gaps and the open end become bands of change 0. Undefined when no band adds tasks.
 *
 * @example
 * ageStepsOf([{ ageFromSeconds: 0, ageToSeconds: 300, change: 0 },
 *             { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
 *             { ageFromSeconds: 600, ageToSeconds: undefined, change: 2 }]);
 * // { threshold: 300, adjustments: [{ lowerBound: 0, upperBound: 300, change: 1 },
 * //                                 { lowerBound: 300, upperBound: undefined, change: 2 }] }
 */
export function ageStepsOf(
  bands: readonly StepBand[],
): { threshold: number; adjustments: readonly StepAdjustment[] } | undefined {
  bands.forEach((b, i) => {
    if (b.change < 0)
      fail(
        `scale.steps[${i}].change must not be negative on AWS (the age alarm adds tasks), got ${b.change}`,
      );
    const before = bands[i - 1];
    if (before && b.change < before.change)
      fail(
        `scale.steps[${i}].change (+${b.change}) is less than steps[${i - 1}]'s (+${before.change}): an older message must not add fewer tasks`,
      );
  });
  const first = bands.findIndex((b) => b.change > 0);
  if (first < 0) return undefined;
  const threshold = bands[first]!.ageFromSeconds;
  const rows: AgeRow[] = [];
  for (const b of bands.slice(first)) {
    const end = rows.at(-1)?.toSeconds;
    if (end !== undefined && end < b.ageFromSeconds)
      rows.push({ fromSeconds: end, toSeconds: b.ageFromSeconds, change: 0 });
    rows.push({ fromSeconds: b.ageFromSeconds, toSeconds: b.ageToSeconds, change: b.change });
  }
  const last = rows.at(-1)!;
  if (last.toSeconds !== undefined)
    rows.push({ fromSeconds: last.toSeconds, toSeconds: undefined, change: 0 });
  return Object.freeze({
    threshold,
    adjustments: Object.freeze(
      rows.map((r) =>
        Object.freeze({
          lowerBound: r.fromSeconds - threshold,
          upperBound: r.toSeconds === undefined ? undefined : r.toSeconds - threshold,
          change: r.change,
        }),
      ),
    ),
  });
}

/**
 * Back to absolute ages: what an AWS step policy does at each age (for tests and comments).
 *
 * @example
 * absoluteAges(300, [{ lowerBound: 0, upperBound: 300, change: 1 }]); // [{ fromSeconds: 300, toSeconds: 600, change: 1 }]
 */
export function absoluteAges(threshold: number, adjustments: readonly StepAdjustment[]): AgeRow[] {
  return adjustments.map((a) => ({
    fromSeconds: threshold + (a.lowerBound ?? Number.NEGATIVE_INFINITY),
    toSeconds: a.upperBound === undefined ? undefined : threshold + a.upperBound,
    change: a.change,
  }));
}

/**
 * Scale-in bands on outstanding messages per task, relative to the threshold m (90 % of the
 * target): below m/2 remove half the tasks, below 3m/4 a quarter, below m a tenth. Each leaves
 * the remaining tasks at most at the target, so scale-in never provokes the next scale-out.
 */
function scaleInAdjustments(m: number): StepAdjustment[] {
  return [
    { lowerBound: -m / 4, upperBound: 0, change: -10 },
    { lowerBound: -m / 2, upperBound: -m / 4, change: -25 },
    { lowerBound: undefined, upperBound: -m / 2, change: -50 },
  ].map((a) => Object.freeze(a));
}

/**
 * The scaling of the workers service reading `queues`, from the policy.
 *
 * @example
 * const scaling = awsScaling(parseScalePolicy({ min: 1, max: 10, targetBacklogPerWorker: 100 }), ['jobs']);
 * scaling.targetTracking.targetValue; // 100
 */
export function awsScaling(policy: ScalePolicy, queues: readonly string[]): AwsScaling {
  if (policy.target === undefined)
    fail(
      policy.targetSource === 'measured'
        ? 'scale.acceptableLatencySeconds alone measures the target while running: on AWS give targetBacklogPerWorker, or secondsPerMessage with it'
        : 'scale needs targetBacklogPerWorker on AWS: target tracking and scale-in follow it (steps alone only add tasks)',
    );
  const target = policy.target as number;
  const period = policy.periodSeconds;
  if (period % 60 !== 0)
    fail(
      `scale.periodSeconds must be a multiple of 60 on AWS (SQS sends its metrics once a minute), got ${period}`,
    );
  for (const field of ['scaleOutCooldownSeconds', 'scaleInCooldownSeconds'] as const)
    if (!Number.isInteger(policy[field]))
      fail(`scale.${field} must be whole seconds on AWS, got ${policy[field]}`);
  if (policy.min === 0 && !policy.activation && policy.steps.length === 0)
    fail(
      'scale.activation is false with scale.min 0 and no steps: on AWS nothing would start the first task',
    );

  const backlog: QueueMetricName[] = [
    'ApproximateNumberOfMessagesVisible',
    ...(policy.scaleOnInFlight ? (['ApproximateNumberOfMessagesNotVisible'] as const) : []),
    ...(policy.scaleOnDelayed ? (['ApproximateNumberOfMessagesDelayed'] as const) : []),
  ];
  const outstanding: QueueMetricName[] = [
    'ApproximateNumberOfMessagesVisible',
    'ApproximateNumberOfMessagesNotVisible',
    ...(policy.scaleOnDelayed ? (['ApproximateNumberOfMessagesDelayed'] as const) : []),
  ];
  const margin = target * SCALE_IN_MARGIN;

  const ages = ageStepsOf(policy.steps);
  const ageSteps: AgeStepPolicy | undefined = ages && {
    name: 'age',
    description: `age of the oldest message: ${policy.steps
      .map((s) => `${s.ageFromSeconds}–${s.ageToSeconds ?? '∞'} s ${s.change > 0 ? `+${s.change}` : 'none'}`)
      .join(', ')}`,
    table: Object.freeze(
      policy.steps.map((s) =>
        Object.freeze({ fromSeconds: s.ageFromSeconds, toSeconds: s.ageToSeconds, change: s.change }),
      ),
    ),
    alarm: Object.freeze({
      query: queueMax(queues, 'ApproximateAgeOfOldestMessage', 'age of the oldest message (s)', period),
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: ages.threshold,
      evaluationPeriods: policy.evaluationPeriods,
      treatMissingData: 'notBreaching',
    }),
    adjustmentType: 'ChangeInCapacity',
    adjustments: ages.adjustments,
    metricAggregationType: 'Maximum',
    cooldownSeconds: policy.scaleOutCooldownSeconds,
  };

  const activation: StepPolicy | undefined =
    policy.min === 0 && policy.activation
      ? {
          name: 'activation',
          description: 'from zero: one task as soon as a message is visible',
          alarm: Object.freeze({
            query: queueSum(
              queues,
              ['ApproximateNumberOfMessagesVisible'],
              'Sum',
              'messages visible while no task runs',
              period,
              (sum, tasks) => `IF(${sum} > 0 AND FILL(${tasks}, 0) == 0, 1, 0)`,
            ),
            comparison: 'GreaterThanOrEqualToThreshold',
            threshold: 1,
            evaluationPeriods: 1,
            treatMissingData: 'notBreaching',
          }),
          adjustmentType: 'ExactCapacity',
          adjustments: [Object.freeze({ lowerBound: 0, upperBound: undefined, change: 1 })],
          metricAggregationType: 'Maximum',
          cooldownSeconds: 0, // as the local policy: activation waits for no cooldown
        }
      : undefined;

  return deepFreeze({
    minTasks: policy.min,
    maxTasks: policy.max,
    queues: [...queues],
    targetTracking: {
      query: queueSum(queues, backlog, 'Sum', 'backlog per task', period, perTask),
      targetValue: target,
      scaleOutCooldownSeconds: policy.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: policy.scaleInCooldownSeconds,
      disableScaleIn: true,
    },
    ageSteps,
    scaleIn: {
      name: 'scale-in',
      description: `outstanding messages (visible + in flight) below ${margin} per task for ${policy.scaleInEvaluationPeriods} × ${period} s`,
      alarm: {
        // The last task stays while anything is outstanding (reported as the threshold: no alarm).
        query: queueSum(
          queues,
          outstanding,
          'Sum',
          'outstanding messages per task',
          period,
          (sum, tasks) => `IF(${tasks} <= 1 AND ${sum} > 0, ${margin}, ${sum} / ${tasks})`,
        ),
        comparison: 'LessThanThreshold',
        threshold: margin,
        evaluationPeriods: policy.scaleInEvaluationPeriods,
        treatMissingData: 'notBreaching',
      },
      adjustmentType: 'PercentChangeInCapacity',
      adjustments: scaleInAdjustments(margin),
      metricAggregationType: 'Average',
      cooldownSeconds: policy.scaleInCooldownSeconds,
    },
    activation,
  });
}

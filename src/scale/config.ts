/**
 * The scaling policy's configuration: parsed once with zod, frozen, and
 * refused with the field's name and what was expected.
 */
import { z } from 'zod';

const count = z.number().int().min(0);
const seconds = z.number().nonnegative();

const stepSchema = z.object({
  ageFromSeconds: seconds,
  ageToSeconds: seconds.optional(),
  change: z.number().int(),
});

const policySchema = z
  .object({
    min: count,
    max: count,
    targetBacklogPerWorker: z.number().positive().optional(),
    acceptableLatencySeconds: z.number().positive().optional(),
    secondsPerMessage: z.number().positive().optional(),
    scaleOnInFlight: z.boolean().default(true),
    scaleOnDelayed: z.boolean().default(false),
    steps: z.array(stepSchema).default([]),
    evaluationPeriods: z.number().int().min(1).default(1),
    scaleInEvaluationPeriods: z.number().int().min(1).default(15),
    periodSeconds: z.number().positive().default(60),
    scaleOutCooldownSeconds: seconds.default(60),
    scaleInCooldownSeconds: seconds.default(300),
    activation: z.boolean().default(true),
  })
  .strict();

/** What a caller writes; defaults fill the rest. */
export type ScalePolicyInput = z.input<typeof policySchema>;

/** One step band on the age of the oldest message: [from, to) seconds. */
export interface StepBand {
  readonly ageFromSeconds: number;
  readonly ageToSeconds: number | undefined;
  readonly change: number;
}

/** A validated, frozen policy. `target` is undefined for a steps-only policy. */
export interface ScalePolicy {
  readonly min: number;
  readonly max: number;
  readonly target: number | undefined;
  /**
   * How the target was obtained: "given", "10 s ÷ 0.1 s/msg", or "measured"
   * (latency × the newest sample's throughputPerWorker; `target` undefined).
   */
  readonly targetSource: string;
  /** Set when the target is derived from measured throughput. */
  readonly acceptableLatencySeconds: number | undefined;
  readonly scaleOnInFlight: boolean;
  readonly scaleOnDelayed: boolean;
  readonly steps: readonly StepBand[];
  readonly evaluationPeriods: number;
  /**
   * Target tracking scales in only after the backlog has been low enough for
   * this many periods (AWS's target tracking: 15 one-minute datapoints).
   */
  readonly scaleInEvaluationPeriods: number;
  readonly periodSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  readonly activation: boolean;
}

/** Thrown for an invalid policy; the message names the field. */
export class ScalePolicyError extends Error {
  override name = 'ScalePolicyError';
}

/**
 * Validates a policy once and returns it frozen.
 *
 * @example
 * const policy = parseScalePolicy({ min: 1, max: 10, targetBacklogPerWorker: 100 });
 * // policy.target === 100, policy.scaleOutCooldownSeconds === 60
 */
export function parseScalePolicy(input: ScalePolicyInput): ScalePolicy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'policy';
    throw new ScalePolicyError(`scale policy ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const p = parsed.data;
  const fail = (message: string): never => {
    throw new ScalePolicyError(`scale policy ${message}`);
  };
  if (p.min > p.max) fail(`min (${p.min}) must not exceed max (${p.max})`);

  let target: number | undefined;
  let targetSource = 'none';
  const latency = p.acceptableLatencySeconds;
  const perMessage = p.secondsPerMessage;
  if (p.targetBacklogPerWorker !== undefined) {
    if (latency !== undefined || perMessage !== undefined) {
      fail('give targetBacklogPerWorker or acceptableLatencySeconds/secondsPerMessage, not both');
    }
    target = p.targetBacklogPerWorker;
    targetSource = 'given';
  } else if (latency !== undefined || perMessage !== undefined) {
    if (latency === undefined) {
      fail('secondsPerMessage needs acceptableLatencySeconds');
    } else if (perMessage === undefined) {
      targetSource = 'measured';
    } else {
      target = latency / perMessage;
      targetSource = `${latency} s ÷ ${perMessage} s/msg`;
    }
  }
  if (target === undefined && targetSource !== 'measured' && p.steps.length === 0) {
    fail('needs a target (targetBacklogPerWorker or latency ÷ seconds per message) or steps');
  }

  const steps = [...p.steps].sort((a, b) => a.ageFromSeconds - b.ageFromSeconds);
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    if (step.ageToSeconds !== undefined && step.ageToSeconds <= step.ageFromSeconds) {
      fail(`steps[${i}]: ageToSeconds must exceed ageFromSeconds`);
    }
    if (next && (step.ageToSeconds === undefined || step.ageToSeconds > next.ageFromSeconds)) {
      fail(`steps[${i}] overlaps steps[${i + 1}]`);
    }
  });

  return Object.freeze({
    min: p.min,
    max: p.max,
    target,
    targetSource,
    acceptableLatencySeconds: targetSource === 'measured' ? latency : undefined,
    scaleOnInFlight: p.scaleOnInFlight,
    scaleOnDelayed: p.scaleOnDelayed,
    steps: Object.freeze(steps.map((s) => Object.freeze({ ...s, ageToSeconds: s.ageToSeconds }))),
    evaluationPeriods: p.evaluationPeriods,
    scaleInEvaluationPeriods: p.scaleInEvaluationPeriods,
    periodSeconds: p.periodSeconds,
    scaleOutCooldownSeconds: p.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: p.scaleInCooldownSeconds,
    activation: p.activation,
  });
}

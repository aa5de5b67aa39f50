/**
 * Step scaling on the age of the oldest message, with CloudWatch-style
 * evaluation periods.
 *
 * The last `evaluationPeriods` windows of `periodSeconds` each, ending at the
 * newest sample, are reduced to their Maximum age. A period with no sample
 * counts as not breaching (CloudWatch's default for missing data), so no band
 * fires. The band that fires is the one the *lowest* period maximum falls in:
 * every one of the N consecutive periods reached at least that band.
 */
import type { StepBand } from './config.ts';
import type { Sample } from './policy.ts';

/** The band that fired and the evidence, or undefined when no alarm. */
export interface StepFiring {
  readonly band: StepBand;
  readonly periodMaxima: readonly number[];
}

/** The band containing `age` ([from, to)), if any. */
export function bandFor(steps: readonly StepBand[], age: number): StepBand | undefined {
  return steps.find((s) => age >= s.ageFromSeconds && (s.ageToSeconds === undefined || age < s.ageToSeconds));
}

/**
 * Evaluates the step alarm over `samples` (sorted by `at`, ms).
 *
 * @example
 * const steps = [{ ageFromSeconds: 300, ageToSeconds: 600, change: 1 }];
 * const s = (at: number) => ({ at, visible: 5, inFlight: 0, delayed: 0, oldestAgeSeconds: 400 });
 * evaluateSteps(steps, 2, 60, [s(30_000), s(90_000)]); // fires +1
 */
export function evaluateSteps(
  steps: readonly StepBand[],
  evaluationPeriods: number,
  periodSeconds: number,
  samples: readonly Sample[],
): StepFiring | undefined {
  const newest = samples.at(-1);
  if (steps.length === 0 || newest === undefined) return undefined;
  const periodMs = periodSeconds * 1000;
  const periodMaxima: number[] = [];
  for (let k = 0; k < evaluationPeriods; k++) {
    const end = newest.at - k * periodMs;
    const start = end - periodMs;
    const inPeriod = samples.filter((s) => s.at > start && s.at <= end);
    if (inPeriod.length === 0) return undefined;
    periodMaxima.push(Math.max(...inPeriod.map((s) => s.oldestAgeSeconds)));
  }
  const band = bandFor(steps, Math.min(...periodMaxima));
  return band ? { band, periodMaxima } : undefined;
}

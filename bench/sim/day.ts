/**
 * The simulated day and the policy, both compressed by one factor.
 *
 * Time: 1 real second = FACTOR simulated seconds. 300 makes a day 288 real
 * seconds, and it is the factor that maps the field's age steps exactly: the
 * server measures the age of the oldest message in whole real seconds, and
 * 300 s ÷ 300 = 1 s, 600 s ÷ 300 = 2 s. (At 480, a 3-minute day, the steps
 * would be 0.625 s and 1.25 s, which whole-second ages can only read as 1 s
 * and 2 s: 8 and 16 simulated minutes instead of 5 and 10.)
 *
 * Arrivals (messages per real second): a backlog sent at 00:00; a daily
 * curve, a cosine from `nightRate` at `quietestHour` to `peakRate` twelve
 * hours later; a burst of `burst.rate` more from `burst.fromHour` to
 * `burst.toHour`.
 */
import type { ScalePolicyInput } from '../../src/scale/config.ts';

export const FACTOR = 300;
export const DAY_HOURS = 24;
/** Real seconds one simulated day takes. */
export const DAY_SECONDS = (DAY_HOURS * 3600) / FACTOR;

/** A simulated hour from real seconds since 00:00, and back. */
export const hourAt = (realSeconds: number): number => (realSeconds * FACTOR) / 3600;
export const realSecondsAt = (hour: number): number => (hour * 3600) / FACTOR;

export interface DayShape {
  readonly backlog: number;
  readonly nightRate: number;
  readonly peakRate: number;
  readonly quietestHour: number;
  readonly burst: { readonly fromHour: number; readonly toHour: number; readonly rate: number };
}

export const DAY: DayShape = {
  backlog: 3000,
  nightRate: 12,
  peakRate: 170,
  quietestHour: 4,
  burst: { fromHour: 12, toHour: 12.5, rate: 330 },
};

const omega = (2 * Math.PI) / DAY_HOURS;

/** Messages per real second arriving at simulated `hour` (the backlog aside). */
export function arrivalRate(hour: number, day: DayShape = DAY): number {
  const curve =
    day.nightRate + ((day.peakRate - day.nightRate) * (1 - Math.cos(omega * (hour - day.quietestHour)))) / 2;
  const { fromHour, toHour, rate } = day.burst;
  return curve + (hour >= fromHour && hour < toHour ? rate : 0);
}

/** Messages due by simulated `hour` (0–24), the backlog included: the integral of arrivalRate. */
export function arrivalsBy(hour: number, day: DayShape = DAY): number {
  const h = Math.min(Math.max(hour, 0), DAY_HOURS);
  const half = (day.peakRate - day.nightRate) / 2;
  const phase = (x: number) => Math.sin(omega * (x - day.quietestHour)) / omega;
  const curveHours = day.nightRate * h + half * (h - (phase(h) - phase(0)));
  const { fromHour, toHour, rate } = day.burst;
  const burstHours = Math.max(0, Math.min(h, toHour) - fromHour) * rate;
  // Rates are per real second; one simulated hour lasts 3600 ÷ FACTOR real seconds.
  return day.backlog + (curveHours + burstHours) * realSecondsAt(1);
}

/** The field's policy (a prod service: 1–10 tasks), in field seconds. */
export const FIELD_POLICY = {
  min: 1,
  max: 10,
  targetBacklogPerWorker: 100,
  steps: [
    { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
    { ageFromSeconds: 600, change: 2 },
  ],
  evaluationPeriods: 2,
  periodSeconds: 60,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
} as const satisfies ScalePolicyInput;

/** One field task clears 43,200 messages a day (0.5 msg/s), so its target of 100 is 200 s of work. */
export const FIELD_SECONDS_PER_MESSAGE = 2;

/**
 * The field's policy with every time constant divided by FACTOR. The target
 * keeps its meaning, not its count: 200 field seconds of work per worker is
 * 200 ÷ FACTOR real seconds of a sim worker's `workerRate` messages per second.
 */
export function scaledPolicy(workerRate: number): ScalePolicyInput {
  const f = FIELD_POLICY;
  const workSeconds = f.targetBacklogPerWorker * FIELD_SECONDS_PER_MESSAGE;
  return {
    min: f.min,
    max: f.max,
    targetBacklogPerWorker: Math.round((workSeconds / FACTOR) * workerRate),
    steps: f.steps.map((s) => ({
      ageFromSeconds: s.ageFromSeconds / FACTOR,
      ...('ageToSeconds' in s ? { ageToSeconds: s.ageToSeconds / FACTOR } : {}),
      change: s.change,
    })),
    evaluationPeriods: f.evaluationPeriods,
    periodSeconds: f.periodSeconds / FACTOR,
    scaleOutCooldownSeconds: f.scaleOutCooldownSeconds / FACTOR,
    scaleInCooldownSeconds: f.scaleInCooldownSeconds / FACTOR,
  };
}

/** "HH:MM" of a simulated hour (past 24 h it goes on: "25:30"). */
export function clockOf(hour: number): string {
  const minutes = Math.round(hour * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

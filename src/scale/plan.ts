/**
 * The capacity planner's arithmetic: how many workers drain a backlog while
 * new messages keep arriving.
 *
 * workers = ceil((backlog + arrivalsPerDay × drainWithinDays)
 *                ÷ (perWorkerPerDay × drainWithinDays))
 *
 * and never fewer than ceil(arrivalsPerDay ÷ perWorkerPerDay), the count that
 * merely keeps up (below it the queue can never drain).
 */

export interface CapacityInput {
  readonly backlog: number;
  readonly arrivalsPerDay: number;
  readonly perWorkerPerDay: number;
  readonly drainWithinDays: number;
}

export interface CapacityPlan {
  readonly workers: number;
  /** The unrounded quotient, so a reader can see what ceil did. */
  readonly exact: number;
  /** Workers that only keep up with arrivals. */
  readonly keepUp: number;
  readonly reason: string;
}

/**
 * Workers needed to drain `backlog` within `drainWithinDays` with arrivals.
 *
 * @example
 * planCapacity({ backlog: 2_800_000, arrivalsPerDay: 600_000, perWorkerPerDay: 43_200, drainWithinDays: 14 });
 * // { workers: 19, exact: 18.518…, keepUp: 14, reason: '(2800000 + 600000/day × 14 d) ÷ (43200/day × 14 d) = 18.52 → 19 workers (14 only keep up with arrivals)' }
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const { backlog, arrivalsPerDay, perWorkerPerDay, drainWithinDays } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`planCapacity ${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (perWorkerPerDay <= 0) throw new RangeError('planCapacity perWorkerPerDay must be > 0');
  if (drainWithinDays <= 0) throw new RangeError('planCapacity drainWithinDays must be > 0');

  const total = backlog + arrivalsPerDay * drainWithinDays;
  const exact = total / (perWorkerPerDay * drainWithinDays);
  const keepUp = Math.ceil(arrivalsPerDay / perWorkerPerDay);
  const workers = Math.max(Math.ceil(exact), keepUp);
  const reason =
    `(${backlog} + ${arrivalsPerDay}/day × ${drainWithinDays} d) ÷ ` +
    `(${perWorkerPerDay}/day × ${drainWithinDays} d) = ${round2(exact)} → ${workers} workers` +
    ` (${keepUp} only keep up with arrivals)`;
  return { workers, exact, keepUp, reason };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export interface DrainInput {
  readonly backlog: number;
  readonly arrivalsPerDay: number;
  readonly perWorkerPerDay: number;
  readonly workers: number;
}

/**
 * - `drains`: the workers outpace arrivals; the backlog is gone in `days`.
 * - `empty`: no backlog and the workers keep up (already drained).
 * - `holds`: the workers exactly match arrivals; a backlog stays as it is.
 * - `grows`: arrivals outpace the workers; the backlog grows every day.
 */
export type DrainState = 'drains' | 'empty' | 'holds' | 'grows';

export interface DrainForecast {
  readonly workers: number;
  readonly state: DrainState;
  /** `drains` or `empty`. */
  readonly canDrain: boolean;
  /** Days until the backlog is gone; 0 when empty, null when it never drains. */
  readonly days: number | null;
  /** workers × perWorkerPerDay − arrivalsPerDay (negative: the backlog grows by that much a day). */
  readonly netPerDay: number;
  /** The fewest workers that outpace arrivals (and so drain any backlog). */
  readonly minimumToDrain: number;
  readonly reason: string;
}

/**
 * How long `workers` take to drain the backlog while messages keep arriving:
 *
 * days = backlog ÷ (workers × perWorkerPerDay − arrivalsPerDay)
 *
 * defined only when the workers outpace the arrivals; otherwise it never drains.
 *
 * @example
 * drainWith({ backlog: 2_800_000, arrivalsPerDay: 600_000, perWorkerPerDay: 43_200, workers: 19 });
 * // { state: 'drains', canDrain: true, days: 12.68…, netPerDay: 220800, minimumToDrain: 14, … }
 */
export function drainWith(input: DrainInput): DrainForecast {
  const { backlog, arrivalsPerDay, perWorkerPerDay, workers } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`drainWith ${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (perWorkerPerDay <= 0) throw new RangeError('drainWith perWorkerPerDay must be > 0');
  if (!Number.isInteger(workers))
    throw new RangeError(`drainWith workers must be an integer, got ${workers}`);

  const capacity = workers * perWorkerPerDay;
  const netPerDay = sameRate(capacity, arrivalsPerDay) ? 0 : capacity - arrivalsPerDay;
  const minimumToDrain = minimumToOutpace(arrivalsPerDay, perWorkerPerDay);
  const pace = `${workers} × ${fmt(perWorkerPerDay)}/day = ${fmt(capacity)}/day`;
  const base = { workers, netPerDay, minimumToDrain };
  if (netPerDay < 0) {
    return {
      ...base,
      state: 'grows',
      canDrain: false,
      days: null,
      reason:
        `${pace} < ${fmt(arrivalsPerDay)}/day arriving: the backlog grows by ${fmt(-netPerDay)}/day` +
        ` and never drains (${minimumToDrain} or more workers drain it)`,
    };
  }
  if (backlog === 0) {
    return {
      ...base,
      state: 'empty',
      canDrain: true,
      days: 0,
      reason: `no backlog, and ${pace} ≥ ${fmt(arrivalsPerDay)}/day arriving: keeps up`,
    };
  }
  if (netPerDay === 0) {
    return {
      ...base,
      state: 'holds',
      canDrain: false,
      days: null,
      reason:
        `${pace}, exactly the ${fmt(arrivalsPerDay)}/day arriving: the backlog holds at ${fmt(backlog)}` +
        ` and never drains (${minimumToDrain} or more workers drain it)`,
    };
  }
  const days = backlog / netPerDay;
  return {
    ...base,
    state: 'drains',
    canDrain: true,
    days,
    reason:
      `${fmt(backlog)} ÷ (${workers} × ${fmt(perWorkerPerDay)}/day − ${fmt(arrivalsPerDay)}/day)` +
      ` = ${days < 1 ? `${round2(days * 24)} h` : `${round2(days)} d`}`,
  };
}

/** The smallest n with n × perWorkerPerDay > arrivalsPerDay (at least 1); an exact ratio only holds. */
function minimumToOutpace(arrivalsPerDay: number, perWorkerPerDay: number): number {
  const outpaces = (n: number) =>
    n * perWorkerPerDay > arrivalsPerDay && !sameRate(n * perWorkerPerDay, arrivalsPerDay);
  let n = Math.max(1, Math.floor(arrivalsPerDay / perWorkerPerDay));
  while (n > 1 && outpaces(n - 1)) n--;
  while (!outpaces(n)) n++;
  return n;
}

/** Equal but for floating-point rounding (0.1 × 3 against 0.3). */
function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** A count as it reads in a reason: integers as they are, fractions to 2 places. */
function fmt(n: number): string {
  return String(round2(n));
}

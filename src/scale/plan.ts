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

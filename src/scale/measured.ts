/**
 * Per-worker throughput measured from a running queue: two observations of
 * its depth (visible + in flight + delayed) `seconds` apart, while `running`
 * workers consume it and messages keep arriving at `arrivalsPerDay`:
 *
 *   processed  = (depth before − depth after) + arrivalsPerDay × seconds ÷ 86400
 *   per worker = processed ÷ running ÷ seconds   (messages/s; × 86400 per day)
 *
 * In-flight messages count as not yet processed: a message leaves the depth
 * only when it is deleted. Arrivals are the caller's figure, not observed
 * (SQS has no counter of sends); a window that is short against the
 * arrivals' burstiness measures the burst, not the workers.
 *
 * Only workers with messages waiting show what they can do: when the queue
 * had nothing visible at either observation, they may have idled part of the
 * window, and the figure is a lower bound (`lowerBound`).
 */

export interface Depth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface ThroughputInput {
  readonly before: Depth;
  readonly after: Depth;
  readonly seconds: number;
  readonly running: number;
  readonly arrivalsPerDay: number;
}

export interface MeasuredThroughput {
  readonly depthBefore: number;
  readonly depthAfter: number;
  /** Messages assumed to have arrived during the window. */
  readonly arrived: number;
  readonly processed: number;
  readonly perWorkerPerSecond: number;
  readonly perWorkerPerDay: number;
  /** Nothing was visible at one of the observations: the workers may have idled. */
  readonly lowerBound: boolean;
  readonly reason: string;
}

export const depthOf = (d: Depth): number => d.visible + d.inFlight + d.delayed;

/**
 * Throughput per worker from two depth observations.
 *
 * @example
 * measuredThroughput({ before: { visible: 1000, inFlight: 20, delayed: 0 },
 *   after: { visible: 880, inFlight: 20, delayed: 0 }, seconds: 60, running: 2, arrivalsPerDay: 0 });
 * // { processed: 120, perWorkerPerSecond: 1, perWorkerPerDay: 86400, … }
 */
export function measuredThroughput(input: ThroughputInput): MeasuredThroughput {
  const { seconds, running, arrivalsPerDay } = input;
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError(`seconds must be > 0, got ${seconds}`);
  if (!(Number.isInteger(running) && running > 0))
    throw new RangeError(`running must be ≥ 1, got ${running}`);
  if (!(Number.isFinite(arrivalsPerDay) && arrivalsPerDay >= 0))
    throw new RangeError(`arrivalsPerDay must be ≥ 0, got ${arrivalsPerDay}`);
  const depthBefore = depthOf(input.before);
  const depthAfter = depthOf(input.after);
  const arrived = (arrivalsPerDay * seconds) / 86_400;
  const processed = depthBefore - depthAfter + arrived;
  const perWorkerPerSecond = processed / running / seconds;
  const perWorkerPerDay = perWorkerPerSecond * 86_400;
  const lowerBound = input.before.visible === 0 || input.after.visible === 0;
  const reason =
    `(${depthBefore} − ${depthAfter} + ${round2(arrivalsPerDay)}/day × ${round2(seconds)} s ÷ 86400)` +
    ` ÷ ${running} worker${running === 1 ? '' : 's'} ÷ ${round2(seconds)} s = ${round2(perWorkerPerSecond)}/s` +
    ` = ${Math.round(perWorkerPerDay)}/day per worker` +
    (lowerBound ? ' (at least: the queue ran empty, the workers may have idled)' : '');
  return {
    depthBefore,
    depthAfter,
    arrived,
    processed,
    perWorkerPerSecond,
    perWorkerPerDay,
    lowerBound,
    reason,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

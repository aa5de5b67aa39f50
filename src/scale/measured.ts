/**
 * Per-worker throughput measured from a running queue: two observations of
 * its depth (visible + in flight + delayed) `seconds` apart, while `running`
 * workers consume it:
 *
 *   processed  = depth before − depth after
 *   per worker = processed ÷ running ÷ seconds   (messages/s; × 86400 per day)
 *
 * Only what was observed counts. Messages that arrive during the window are
 * not seen (SQS has no counter of sends), and an assumed arrival rate is not
 * added in: it would be measured back as throughput (with --incoming 190M,
 * every worker "did" 190M/day). So when messages may be arriving
 * (`arriving`), the figure is a lower bound: measure with the producers
 * paused for the workers' full pace.
 *
 * In-flight messages count as not yet processed: a message leaves the depth
 * only when it is deleted. When the queue had nothing visible at either
 * observation, the workers may have idled part of the window: a lower bound
 * too.
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
  /** Messages may have arrived during the window (unseen: the figure is then a lower bound). */
  readonly arriving: boolean;
}

export interface MeasuredThroughput {
  readonly depthBefore: number;
  readonly depthAfter: number;
  readonly processed: number;
  readonly perWorkerPerSecond: number;
  readonly perWorkerPerDay: number;
  /** At least this much: the workers may have idled (nothing visible), or arrivals went unseen. */
  readonly lowerBound: boolean;
  readonly reason: string;
}

export const depthOf = (d: Depth): number => d.visible + d.inFlight + d.delayed;

/**
 * Throughput per worker from two depth observations.
 *
 * @example
 * measuredThroughput({ before: { visible: 1000, inFlight: 20, delayed: 0 },
 *   after: { visible: 880, inFlight: 20, delayed: 0 }, seconds: 60, running: 2, arriving: false });
 * // { processed: 120, perWorkerPerSecond: 1, perWorkerPerDay: 86400, … }
 */
export function measuredThroughput(input: ThroughputInput): MeasuredThroughput {
  const { seconds, running } = input;
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError(`seconds must be > 0, got ${seconds}`);
  if (!(Number.isInteger(running) && running > 0))
    throw new RangeError(`running must be ≥ 1, got ${running}`);
  const depthBefore = depthOf(input.before);
  const depthAfter = depthOf(input.after);
  const processed = depthBefore - depthAfter;
  const perWorkerPerSecond = processed / running / seconds;
  const perWorkerPerDay = perWorkerPerSecond * 86_400;
  const idled = input.before.visible === 0 || input.after.visible === 0;
  const lowerBound = idled || input.arriving;
  const why = [
    idled ? 'the queue ran empty, the workers may have idled' : '',
    input.arriving ? 'messages that arrived meanwhile are not seen' : '',
  ].filter(Boolean);
  const reason =
    `(${depthBefore} − ${depthAfter}) ÷ ${running} worker${running === 1 ? '' : 's'} ÷ ${round2(seconds)} s` +
    ` = ${round2(perWorkerPerSecond)}/s = ${Math.round(perWorkerPerDay)}/day per worker` +
    (lowerBound ? ` (at least: ${why.join('; ')})` : '');
  return {
    depthBefore,
    depthAfter,
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

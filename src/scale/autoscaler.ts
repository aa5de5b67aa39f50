/**
 * The autoscaler loop: every `sampleIntervalMs` it observes the queues,
 * appends a sample to a history as long as the policy looks back, asks the
 * policy (decideScale) for a count, and hands a change to the actuator. It
 * owns the cooldown bookkeeping (when it last scaled out and in), nothing
 * else: the numbers are the policy's, the doing is the actuator's.
 *
 * Loop states: idle ──timer──▶ ticking ──(decided, applied or failed)──▶ idle;
 * stop() from either ends it after the tick in progress. A tick that throws
 * (queue out of reach, actuator refused) is logged and the loop goes on: the
 * scaler must outlive its callbacks.
 *
 * The pool's start is no scaling decision: bringing the count up to `min`,
 * or activation from zero, does not start the scale-out cooldown, so the
 * first real decision (a backlog waiting at start) scales out at once.
 *
 * A hold (a rule keeps the count another wants changed: a cooldown, the
 * scale-in window, max) is logged at info with its reason when the holding
 * rule changes, not at every sample; the rest of the steady ticks at debug.
 *
 * With several queues, the sample is their sum (visible, in flight, delayed)
 * and the oldest age among them; an unknown age counts as 0 (no age step fires).
 */
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../time/clock.ts';
import type { Actuator } from './actuator.ts';
import type { ScalePolicy } from './config.ts';
import { decideScale, type Hold, type Sample, SCALE_IN_MARGIN, type ScaleState } from './policy.ts';
import type { QueueObservation } from './sampler.ts';

/** What the loop saw and did at one tick. */
export interface DecisionRecord {
  readonly at: number;
  readonly sample: Sample;
  readonly ageKnown: boolean;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
  /** Said at info: the count changed, or a rule began holding it (the decisions `sluice scale` records). */
  readonly announced: boolean;
}

export interface AutoscalerOptions {
  policy: ScalePolicy;
  /** One observation per queue the workers read. */
  observe(): Promise<readonly QueueObservation[]>;
  actuator: Actuator;
  log: Logger;
  clock?: Clock;
  /** Default: a quarter of the policy's period, at least 1 s. */
  sampleIntervalMs?: number;
  /** Messages processed so far by all workers, for measured throughput (target from latency). */
  processed?(): number;
  onDecision?(record: DecisionRecord): void;
}

export interface Autoscaler {
  /** Runs one tick now (tests, and the first tick at start). */
  tick(): Promise<DecisionRecord | undefined>;
  stop(): void;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** One line saying what holds the count and for how long, e.g. `holding 3 (wants 8): the scale-out cooldown holds for 45 s more`. */
export function holdMessage(count: number, held: Hold, now: number, policy: ScalePolicy): string {
  const left = held.until === undefined ? 0 : Math.max(0, held.until - now);
  const why = {
    'scale-out cooldown': `the scale-out cooldown holds for ${Math.ceil(left / 1000)} s more`,
    'scale-in cooldown': `the scale-in cooldown holds for ${Math.ceil(left / 1000)} s more`,
    'scale-in window': `scale-in waits for ${Math.max(1, Math.ceil(left / (policy.periodSeconds * 1000)))} more low period${left > policy.periodSeconds * 1000 ? 's' : ''} of ${policy.periodSeconds} s`,
    'scale-in margin': `scale-in waits until each worker would hold under ${Math.round(SCALE_IN_MARGIN * 100)} % of the target`,
    max: `max is ${policy.max}`,
  }[held.by];
  return `holding ${count} (wants ${held.wanted}): ${why}`;
}

/** Sums the queues into one sample at `at`. */
export function combine(
  at: number,
  observations: readonly QueueObservation[],
): { sample: Sample; ageKnown: boolean } {
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  let age = 0;
  let ageKnown = observations.length > 0;
  for (const o of observations) {
    visible += o.visible;
    inFlight += o.inFlight;
    delayed += o.delayed;
    if (o.oldestAgeSeconds === undefined) ageKnown = false;
    else age = Math.max(age, o.oldestAgeSeconds);
  }
  return { sample: { at, visible, inFlight, delayed, oldestAgeSeconds: age }, ageKnown };
}

/**
 * Starts the loop (its first tick right away).
 *
 * @example
 * const scaler = startAutoscaler({ policy, observe, actuator: supervisorActuator(pool), log });
 * // … later
 * scaler.stop();
 */
export function startAutoscaler(options: AutoscalerOptions): Autoscaler {
  const { policy, actuator, log } = options;
  const clock = options.clock ?? systemClock;
  const interval = options.sampleIntervalMs ?? Math.max(1000, (policy.periodSeconds * 1000) / 4);
  const lookBackMs =
    (Math.max(policy.evaluationPeriods, policy.scaleInEvaluationPeriods) + 1) * policy.periodSeconds * 1000;
  let history: Sample[] = [];
  let state: Omit<ScaleState, 'count'> = {};
  let lastProcessed: { at: number; total: number } | undefined;
  let stopped = false;
  let warnedAge = false;
  /** The rule that held at the last tick, so a hold is said once, not every interval. */
  let lastHold: Hold['by'] | undefined;
  let cancel: (() => void) | undefined;
  let running: Promise<DecisionRecord | undefined> | undefined;

  /** Messages per second per worker since the last tick, if the pool reports counts. */
  const throughput = (at: number, count: number): number | undefined => {
    if (!options.processed) return undefined;
    const total = options.processed();
    const before = lastProcessed;
    lastProcessed = { at, total };
    if (!before || at <= before.at || count === 0) return undefined;
    const rate = (total - before.total) / ((at - before.at) / 1000) / count;
    return rate > 0 ? Math.round(rate * 1000) / 1000 : undefined;
  };

  const once = async (): Promise<DecisionRecord | undefined> => {
    const at = clock.now();
    const [observations, count] = await Promise.all([options.observe(), actuator.current()]);
    const { sample: base, ageKnown } = combine(at, observations);
    if (!ageKnown && policy.steps.length > 0 && !warnedAge) {
      warnedAge = true;
      log.warn(
        'the age of the oldest message is unknown here (Amazon SQS publishes it only to CloudWatch; a sluice server gives it at GET /stats): age steps will not fire',
      );
    }
    const perWorker = throughput(at, count);
    const sample: Sample = perWorker === undefined ? base : { ...base, throughputPerWorker: perWorker };
    history = [...history.filter((s) => s.at > at - lookBackMs), sample];
    const scaleState: ScaleState = { count, ...state };
    const { desired, reason, byStep, held } = decideScale(history, scaleState, policy);
    const newHold = held !== undefined && held.by !== lastHold;
    const record: DecisionRecord = {
      at,
      sample,
      ageKnown,
      from: count,
      to: desired,
      reason,
      announced: newHold || desired !== count,
    };
    if (newHold) {
      log.info(
        {
          count,
          wanted: held.wanted,
          ...(held.until !== undefined ? { until: iso(held.until) } : {}),
          reason,
          visible: sample.visible,
          inFlight: sample.inFlight,
        },
        holdMessage(count, held, at, policy),
      );
    }
    lastHold = held?.by;
    if (desired !== count) {
      log.info(
        {
          from: count,
          to: desired,
          reason,
          visible: sample.visible,
          inFlight: sample.inFlight,
          oldestAgeSeconds: ageKnown ? sample.oldestAgeSeconds : null,
        },
        desired > count ? 'scaling out' : 'scaling in',
      );
      await actuator.apply(desired, reason);
      // Bringing the pool up (its start to min, activation from zero) is not a decision the cooldown paces.
      const start = count < policy.min || (count === 0 && policy.activation);
      if (desired < count) state = { ...state, lastScaleInAt: at };
      else if (!start) state = { ...state, lastScaleOutAt: at };
      if (byStep) state = { ...state, lastStepAt: at };
    } else if (!held) {
      log.debug({ count, reason }, 'holding');
    }
    options.onDecision?.(record);
    return record;
  };

  const tick = (): Promise<DecisionRecord | undefined> => {
    running ??= once()
      .catch((error: unknown) => {
        log.error({ err: error }, 'autoscaler tick failed; trying again next interval');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    cancel = clock.setTimer(interval, () => {
      void tick().then(schedule);
    });
  };
  void tick().then(schedule);

  return {
    tick,
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}

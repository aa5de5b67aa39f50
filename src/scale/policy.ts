/**
 * The scaling policy: pure functions, no I/O, no timers. Time is an input —
 * "now" is the `at` (ms) of the newest sample.
 *
 * Decision procedure of `decideScale(samples, state, policy)`:
 *
 * 1. No samples: hold the current count.
 * 2. Backlog = visible (+ inFlight if scaleOnInFlight, + delayed if
 *    scaleOnDelayed). The queue is *empty* when visible and inFlight are 0
 *    (and delayed too, if scaleOnDelayed).
 * 3. Candidates:
 *    - target tracking (AWS's backlog per instance): ceil(backlog ÷ target);
 *      a target given only as acceptableLatencySeconds is latency × the
 *      newest measured throughputPerWorker (no measurement: no candidate);
 *    - step scaling on the age of the oldest message (see steps.ts): when the
 *      alarm has held for `evaluationPeriods` periods, count + the band's change,
 *      at most once per period (state.lastStepAt), however often samples come.
 *    The largest candidate wins (AWS: with several policies, the one giving
 *    the most capacity decides, both out and in). With no candidate, hold.
 * 4. Clamp to [floor, max], where floor = min, raised to 1 while the queue is
 *    not empty: scale to zero only when min is 0 and the queue is empty.
 * 5. Activation: from zero with any message, go to at least 1 at once,
 *    ignoring cooldowns.
 * 6. Cooldowns, scale-out and scale-in separately: a scale-out within
 *    scaleOutCooldownSeconds of the last scale-out, or a scale-in within
 *    scaleInCooldownSeconds of the last scale-in, is held at the current
 *    count. A count outside [min, max] is corrected regardless. With
 *    activation off, leaving zero waits out the scale-out cooldown too.
 *
 * The reason names the rule that decided, with its numbers. A decision that
 * keeps the count although a rule wants another carries `held`: which rule
 * holds, the count it would go to, and when it lets go if that is known (the
 * autoscaler logs it once per rule, not at every sample).
 */
import type { ScalePolicy } from './config.ts';
import { evaluateSteps } from './steps.ts';

/** One observation of the queue. */
export interface Sample {
  /** Milliseconds (any epoch, consistent with the state's timestamps). */
  readonly at: number;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly oldestAgeSeconds: number;
  /** Measured messages per second per worker, if known. */
  readonly throughputPerWorker?: number;
}

/** The workers running now and when they last changed (ms). */
export interface ScaleState {
  readonly count: number;
  readonly lastScaleOutAt?: number;
  readonly lastScaleInAt?: number;
  /** When a step last decided a change: a step fires at most once per period, as CloudWatch evaluates once per period. */
  readonly lastStepAt?: number;
}

/** Why the count stays although the policy wants another. */
export interface Hold {
  readonly by: 'scale-out cooldown' | 'scale-in cooldown' | 'scale-in window' | 'scale-in margin' | 'max';
  /** The count it would go to without this rule. */
  readonly wanted: number;
  /** When the rule lets go (ms), if the queue stays as it is; unknown for the margin and max. */
  readonly until?: number;
}

export interface ScaleDecision {
  readonly desired: number;
  readonly reason: string;
  /** True when an age step decided (the caller records it as lastStepAt once applied). */
  readonly byStep?: boolean;
  /** Set when a rule keeps the count that another would change. */
  readonly held?: Hold;
}

/** Target tracking scales in only when the backlog per worker is below this share of the target. */
export const SCALE_IN_MARGIN = 0.9;

const round1 = (n: number) => Math.round(n * 10) / 10;

interface Candidate {
  readonly count: number;
  readonly why: string;
  readonly step?: boolean;
  readonly held?: Hold;
}

/** The target backlog per worker, given, derived, or from measured throughput. */
function targetFor(samples: readonly Sample[], policy: ScalePolicy) {
  const latency = policy.acceptableLatencySeconds;
  if (latency === undefined) {
    const source = policy.targetSource === 'given' ? '' : ` (${policy.targetSource})`;
    return { target: policy.target, source };
  }
  const measured = [...samples].reverse().find((s) => (s.throughputPerWorker ?? 0) > 0)?.throughputPerWorker;
  if (measured === undefined) return { target: undefined, source: '' };
  return { target: latency * measured, source: ` (${latency} s × ${measured} msg/s measured)` };
}

/** The backlog a sample counts: visible, plus in flight and delayed as the policy says. */
function backlogOf(sample: Sample, policy: ScalePolicy): number {
  return (
    sample.visible +
    (policy.scaleOnInFlight ? sample.inFlight : 0) +
    (policy.scaleOnDelayed ? sample.delayed : 0)
  );
}

/**
 * Target tracking's scale-in, as AWS's: only once the backlog has been low for
 * `scaleInEvaluationPeriods` periods (judged on the largest backlog of that
 * window), only to a count that leaves each worker below 90 % of the target —
 * a backlog hovering at a multiple of the target must not flip the count —
 * and by at most half the workers at a time.
 */
function scaleInCandidate(
  samples: readonly Sample[],
  newest: Sample,
  count: number,
  n: number,
  target: number,
  why: string,
  policy: ScalePolicy,
): Candidate {
  const periodMs = policy.periodSeconds * 1000;
  const windowMs = policy.scaleInEvaluationPeriods * periodMs;
  const first = samples[0]!;
  if (first.at > newest.at - windowMs + periodMs) {
    const seen = Math.round((newest.at - first.at) / 1000);
    return {
      count,
      held: { by: 'scale-in window', wanted: Math.max(n, policy.min), until: first.at + windowMs - periodMs },
      why: `${why}, but scale-in waits for ${policy.scaleInEvaluationPeriods} × ${policy.periodSeconds} s of samples (${seen} s so far): holding ${count}`,
    };
  }
  const window = samples.filter((s) => s.at > newest.at - windowMs);
  const peak = Math.max(...window.map((s) => backlogOf(s, policy)));
  const floor = Math.ceil(peak / (target * SCALE_IN_MARGIN));
  if (floor >= count) {
    const over =
      peak > backlogOf(newest, policy)
        ? ` (up to ${peak} in the last ${policy.scaleInEvaluationPeriods} × ${policy.periodSeconds} s)`
        : '';
    // The newest sample that keeps every worker busy enough: scale-in may come once it leaves the window.
    const blocking = window.filter(
      (s) => Math.ceil(backlogOf(s, policy) / (target * SCALE_IN_MARGIN)) >= count,
    );
    const last = blocking.at(-1);
    const wanted = Math.max(n, policy.min);
    return {
      count,
      held:
        last === undefined || last === newest
          ? { by: 'scale-in margin', wanted }
          : { by: 'scale-in window', wanted, until: last.at + windowMs },
      why: `${why}, but ${count} workers hold ${round1(peak / count)} each${over}, not below ${round1(target * SCALE_IN_MARGIN)} (90 % of the target): holding ${count}`,
    };
  }
  // Out at once, in gradually (as AWS's target tracking): at most half the workers per scale-in,
  // since an over-provisioned pool keeps the backlog near zero and so under-states what it needs.
  // A queue empty for the whole window may go straight down.
  const half = peak === 0 ? 0 : Math.ceil(count / 2);
  const to = Math.max(n, floor, half);
  return {
    count: to,
    why: to === half && half > Math.max(n, floor) ? `${why}; at most half the workers at a time: ${to}` : why,
  };
}

/** Target tracking and step candidates for the newest sample. */
function candidates(samples: readonly Sample[], newest: Sample, state: ScaleState, policy: ScalePolicy) {
  const { count } = state;
  const parts = [`visible ${newest.visible}`];
  let backlog = newest.visible;
  if (policy.scaleOnInFlight) {
    backlog += newest.inFlight;
    parts.push(`inFlight ${newest.inFlight}`);
  }
  if (policy.scaleOnDelayed) {
    backlog += newest.delayed;
    parts.push(`delayed ${newest.delayed}`);
  }
  const found: Candidate[] = [];
  const { target, source } = targetFor(samples, policy);
  if (target !== undefined) {
    const n = Math.ceil(backlog / target);
    const why = `target tracking: backlog ${backlog} (${parts.join(' + ')}) ÷ ${target}${source} per worker → ${n}`;
    found.push(
      n < count ? scaleInCandidate(samples, newest, count, n, target, why, policy) : { count: n, why },
    );
  }
  const fired = evaluateSteps(policy.steps, policy.evaluationPeriods, policy.periodSeconds, samples);
  const stepWaits =
    state.lastStepAt !== undefined && newest.at - state.lastStepAt < policy.periodSeconds * 1000;
  if (fired && fired.band.change > 0 && stepWaits) {
    // The age alarm still holds, its next step one period away: no scale-in meanwhile.
    found.push({
      count,
      why: `step scaling: the age alarm holds (oldest ${newest.oldestAgeSeconds} s); next step after its period, no scale-in`,
    });
  } else if (fired && fired.band.change !== 0 && !stepWaits) {
    const { ageFromSeconds: from, ageToSeconds: to, change } = fired.band;
    const n = Math.max(0, count + change);
    const band = to === undefined ? `≥ ${from} s` : `${from}–${to} s`;
    found.push({
      count: n,
      step: true,
      why: `step scaling: oldest age ${band} for ${policy.evaluationPeriods}×${policy.periodSeconds} s periods (max ${fired.periodMaxima.join(', ')} s) → ${count} ${change > 0 ? '+' : '−'} ${Math.abs(change)} = ${n}`,
    });
  }
  return { backlog, found };
}

/**
 * Decides the desired worker count from the sample history and current state.
 *
 * @example
 * const policy = parseScalePolicy({ min: 1, max: 10, targetBacklogPerWorker: 100 });
 * const sample = { at: 0, visible: 450, inFlight: 50, delayed: 0, oldestAgeSeconds: 20 };
 * decideScale([sample], { count: 2 }, policy);
 * // { desired: 5, reason: 'target tracking: backlog 500 (visible 450 + inFlight 50) ÷ 100 per worker → 5' }
 */
export function decideScale(
  samples: readonly Sample[],
  state: ScaleState,
  policy: ScalePolicy,
): ScaleDecision {
  const { count } = state;
  const newest = samples.at(-1);
  if (newest === undefined) return { desired: count, reason: 'no samples: holding' };
  const now = newest.at;

  const empty =
    newest.visible === 0 && newest.inFlight === 0 && (!policy.scaleOnDelayed || newest.delayed === 0);
  const { found } = candidates(samples, newest, state, policy);
  const sorted = [...found].sort((a, b) => b.count - a.count);
  const winner: Candidate = sorted[0] ?? { count, why: 'no rule fired: holding' };
  const others = sorted.slice(1).map((c) => c.why);
  let reason = winner.why + (others.length ? ` (larger than ${others.join('; ')})` : '');

  const floor = empty ? policy.min : Math.max(policy.min, 1);
  let desired = winner.count;
  let held = winner.held;
  if (desired > policy.max) {
    reason = `clamped to max ${policy.max}: ${reason}`;
    if (count === policy.max) held = { by: 'max', wanted: desired };
    desired = policy.max;
  } else if (desired < floor) {
    const rule = floor === policy.min ? `min ${policy.min}` : '1 while the queue is not empty';
    reason = `raised to ${rule}: ${reason}`;
    desired = floor;
  }
  if (desired === 0 && count > 0) reason = `scale to zero (min 0, queue empty): ${reason}`;

  if (count === 0 && !empty && policy.activation) {
    return { desired, reason: `activation from zero: ${reason}` };
  }
  const outside = count < policy.min || count > policy.max;
  if (desired > count && !outside && state.lastScaleOutAt !== undefined) {
    const since = (now - state.lastScaleOutAt) / 1000;
    if (since < policy.scaleOutCooldownSeconds) {
      const until = state.lastScaleOutAt + policy.scaleOutCooldownSeconds * 1000;
      return {
        desired: count,
        held: { by: 'scale-out cooldown', wanted: desired, until },
        reason: `scale-out cooldown: ${since} s of ${policy.scaleOutCooldownSeconds} s since last scale-out, holding ${count} (wanted ${desired}: ${reason})`,
      };
    }
  }
  if (desired < count && !outside && state.lastScaleInAt !== undefined) {
    const since = (now - state.lastScaleInAt) / 1000;
    if (since < policy.scaleInCooldownSeconds) {
      const until = state.lastScaleInAt + policy.scaleInCooldownSeconds * 1000;
      return {
        desired: count,
        held: { by: 'scale-in cooldown', wanted: desired, until },
        reason: `scale-in cooldown: ${since} s of ${policy.scaleInCooldownSeconds} s since last scale-in, holding ${count} (wanted ${desired}: ${reason})`,
      };
    }
  }
  if (desired !== count) return winner.step ? { desired, reason, byStep: true } : { desired, reason };
  // Only a count that differs is held back (min already asks for this one: nothing to say).
  return held && held.wanted !== count ? { desired, reason, held } : { desired, reason };
}

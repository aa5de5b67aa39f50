/**
 * The capacity planner's monthly cost estimate: workers as tasks billed by the
 * hour, and SQS billed by the request. Every price and rate is an input (the
 * CLI's flags, whose defaults are public list prices); nothing is looked up.
 *
 *   compute      = workers × taskHourPrice × 730 h
 *   messages     = arrivalsPerDay × 730/24 d × requestsPerMessage × sqsPricePerMillion / 1e6
 *   idle polls   = workers × 3600/waitSeconds receives/h × 730 h × sqsPricePerMillion / 1e6
 *   monthly      = compute + messages + idle polls
 *   backlog once = backlog × requestsPerMessage × sqsPricePerMillion / 1e6   (not monthly)
 *
 * 730 hours a month is AWS's billing convention (8,760 h ÷ 12).
 *
 * Requests per message: one SendMessage, one receive and one delete when
 * nothing is batched. Batching divides each part by up to 10 (a producer's
 * SendMessageBatch; sluice's worker receives up to 10 at once and coalesces
 * deletes into DeleteMessageBatch), but a worker whose handlers are slow frees
 * its slots one at a time and then receives and deletes about one message per
 * request; so the caller chooses, between 0.3 (all batched by 10) and 3 (none).
 * Each 64 KB of a body is billed as one more request: the caller's to add.
 *
 * Idle long polls: an idle sluice worker holds one long poll per queue; an
 * empty one returns after `waitSeconds`, so at most 3600/waitSeconds empty
 * receives an hour (180 at 20 s). They are counted as if every worker idled
 * all month: an upper bound (a busy worker's receives are the per-message ones).
 *
 * SQS's free tier (the first million requests a month) is not subtracted: it
 * is per account, shared by every queue and every other use of SQS there.
 */

export const HOURS_PER_MONTH = 730;

export interface CostInput {
  readonly workers: number;
  readonly arrivalsPerDay: number;
  readonly backlog: number;
  /** Dollars per task (worker) per hour. */
  readonly taskHourPrice: number;
  /** Dollars per million SQS requests. */
  readonly sqsPricePerMillion: number;
  readonly requestsPerMessage: number;
  /** The workers' long-poll wait (1–20 s). */
  readonly waitSeconds: number;
}

/** One priced line: how many units, at what price, and the formula that gave it. */
export interface CostLine {
  readonly dollars: number;
  readonly reason: string;
}

export interface CostEstimate {
  readonly hoursPerMonth: number;
  readonly compute: CostLine & { readonly taskHours: number };
  readonly messages: CostLine & { readonly messagesPerMonth: number; readonly requests: number };
  /** An upper bound (see the file's comment). */
  readonly idlePolls: CostLine & { readonly requests: number };
  /** compute + messages + idlePolls. */
  readonly monthly: number;
  /** Draining the current backlog, once (not part of `monthly`). */
  readonly backlogOnce: CostLine & { readonly requests: number };
}

/**
 * The monthly bill for `workers` running all month with `arrivalsPerDay` flowing through.
 *
 * @example
 * estimateCost({ workers: 19, arrivalsPerDay: 600_000, backlog: 2_800_000, taskHourPrice: 0.05,
 *   sqsPricePerMillion: 0.4, requestsPerMessage: 3, waitSeconds: 20 });
 * // compute $693.50 (19 × $0.05 × 730 h), messages $21.90 (54.75M requests), idle polls ≤ $1.00,
 * // monthly $716.40; the backlog once $3.36
 */
export function estimateCost(input: CostInput): CostEstimate {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`estimateCost ${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  const { workers, arrivalsPerDay, backlog, taskHourPrice, sqsPricePerMillion, requestsPerMessage } = input;
  if (input.waitSeconds <= 0) throw new RangeError('estimateCost waitSeconds must be > 0');
  const sqs = (requests: number) => (requests * sqsPricePerMillion) / 1e6;
  const perMillion = `$${sqsPricePerMillion}/M`;

  const taskHours = workers * HOURS_PER_MONTH;
  const computeDollars = taskHours * taskHourPrice;

  const messagesPerMonth = (arrivalsPerDay * HOURS_PER_MONTH) / 24;
  const messageRequests = messagesPerMonth * requestsPerMessage;

  const idlePerHour = 3600 / input.waitSeconds;
  const idleRequests = workers * idlePerHour * HOURS_PER_MONTH;

  const backlogRequests = backlog * requestsPerMessage;

  const compute = {
    dollars: computeDollars,
    taskHours,
    reason: `${count(workers, 'task')} × $${taskHourPrice}/task-hour × ${HOURS_PER_MONTH} h`,
  };
  const messages = {
    dollars: sqs(messageRequests),
    messagesPerMonth,
    requests: messageRequests,
    reason:
      `${round2(arrivalsPerDay)}/day × ${round2(HOURS_PER_MONTH / 24)} d × ${requestsPerMessage} requests/message` +
      ` = ${millions(messageRequests)} × ${perMillion}`,
  };
  const idlePolls = {
    dollars: sqs(idleRequests),
    requests: idleRequests,
    reason:
      `${count(workers, 'worker')} × ${round2(idlePerHour)} empty receives/h × ${HOURS_PER_MONTH} h` +
      ` = ${millions(idleRequests)} × ${perMillion} (at most)`,
  };
  const backlogOnce = {
    dollars: sqs(backlogRequests),
    requests: backlogRequests,
    reason: `${round2(backlog)} × ${requestsPerMessage} requests/message = ${millions(backlogRequests)} × ${perMillion}`,
  };
  return {
    hoursPerMonth: HOURS_PER_MONTH,
    compute,
    messages,
    idlePolls,
    monthly: compute.dollars + messages.dollars + idlePolls.dollars,
    backlogOnce,
  };
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A request count for a reason: "54.75M requests". */
function millions(n: number): string {
  return `${round2(n / 1e6)}M requests`;
}

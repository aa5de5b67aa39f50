/**
 * `sluice plan`: the capacity planner. From a backlog, the messages arriving
 * per day, one worker's throughput and a drain deadline, it prints the workers
 * needed, the count that only keeps up, how long N workers take to drain,
 * whether the queue can ever drain, and a monthly cost estimate.
 *
 *   sluice plan --backlog 2.8M --incoming 600k --per-worker 43200 --deadline 14d
 *   sluice plan --backlog 2.8M --incoming 600k --per-worker-rate 0.5 --workers 10
 *   sluice plan --measure jobs --running 4 [--window 60] --incoming 600k --deadline 7d
 *
 * Throughput is given per day (--per-worker), per second (--per-worker-rate),
 * or measured: `--measure <queue> --running N` observes the queue's depth
 * twice, `--window` seconds apart, while N workers consume it (see
 * src/scale/measured.ts); the backlog is then the depth measured, unless
 * --backlog says otherwise. The arithmetic is src/scale/plan.ts and
 * src/scale/cost.ts; this file parses, measures and prints.
 */
import { defineCommand } from 'citty';
import type { QueueClient } from '../client/queue-client.ts';
import { type QueueDepth, queueDepth } from '../client/queue-depth.ts';
import { type CostEstimate, estimateCost, HOURS_PER_MONTH } from '../scale/cost.ts';
import { type MeasuredThroughput, measuredThroughput } from '../scale/measured.ts';
import { type CapacityPlan, type DrainForecast, drainWith, planCapacity } from '../scale/plan.ts';
import { connectionArgs, withClient } from './common/connection.ts';
import { amountOption, intOption, stringOption } from './common/options.ts';
import { print } from './common/output.ts';
import { resolveQueue } from './common/queue.ts';

/** The cost flags: default, and what the default stands for (printed with the estimate). */
const PRICES = {
  'task-hour-price': {
    fallback: 0.05,
    about: '≈ Fargate 1 vCPU/2 GB Linux/x86 ($0.0494; 0.5 vCPU/1 GB: $0.0247)',
  },
  'sqs-price-per-million': { fallback: 0.4, about: 'SQS standard queue (FIFO: 0.50)' },
  'requests-per-message': {
    fallback: 3,
    about: '1 send + 1 receive + 1 delete, none batched (all batched by 10: 0.3)',
  },
} as const;
const WAIT_SECONDS = 20;

export interface PlanAssumptions {
  readonly taskHourPrice: number;
  readonly sqsPricePerMillion: number;
  readonly requestsPerMessage: number;
  readonly waitSeconds: number;
  readonly hoursPerMonth: number;
  readonly freeTier: 'not subtracted';
  /** The flags the user set (the rest are defaults). */
  readonly given: readonly string[];
}

export interface PlanReport {
  readonly backlog: number;
  readonly backlogFrom: 'given' | 'measured';
  readonly incomingPerDay: number;
  readonly perWorkerPerDay: number;
  readonly throughputFrom: 'per-worker' | 'per-worker-rate' | 'measured';
  readonly measured: (MeasuredThroughput & MeasureRequest & { before: QueueDepth; after: QueueDepth }) | null;
  readonly deadlineDays: number | null;
  /** Workers needed to drain by the deadline (null without --deadline). */
  readonly needed: CapacityPlan | null;
  /** Workers that only keep up with arrivals: ceil(incoming ÷ per worker). */
  readonly keepUp: number;
  /** The fewest workers that outpace arrivals and so drain any backlog. */
  readonly minimumToDrain: number;
  /** Drain forecasts: for the workers needed, then for --workers when it differs. */
  readonly drain: readonly DrainForecast[];
  readonly cost: CostEstimate & { readonly workers: number };
  readonly assumptions: PlanAssumptions;
}

export interface MeasureRequest {
  readonly queue: string;
  readonly running: number;
  readonly windowSeconds: number;
}

/** `14`, `14d`, `36h`, `2w` → days; plain numbers are days. */
function deadlineOption(args: Record<string, unknown>): number | undefined {
  const raw = args.deadline;
  if (raw === undefined) return undefined;
  const text = String(raw);
  const match = /^(\d+(?:\.\d+)?)([dhw]?)$/.exec(text);
  const days = match ? Number(match[1]) * ({ h: 1 / 24, d: 1, w: 7, '': 1 }[match[2]!] ?? 1) : 0;
  if (!(days > 0))
    throw new Error(`--deadline must be a time > 0 like 14 (days), 14d, 36h or 2w, got "${text}"`);
  return days;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Options that only make sense together, refused with one line. */
function throughputSource(args: Record<string, unknown>) {
  const given = (['per-worker', 'per-worker-rate', 'measure'] as const).filter((n) => args[n] !== undefined);
  if (given.length === 0)
    throw new Error(
      'give one of --per-worker (messages/day per worker), --per-worker-rate (messages/s) or --measure <queue>',
    );
  if (given.length > 1) throw new Error(`--${given[0]} and --${given[1]} are alternatives; give one`);
  for (const name of ['running', 'window'])
    if (args[name] !== undefined && given[0] !== 'measure') throw new Error(`--${name} needs --measure`);
  return given[0]!;
}

/** How a measurement waits out its window and reads the time (tests pass their own). */
export interface MeasureTiming {
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
}

const realTiming: MeasureTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};

/**
 * Observes the queue's depth twice, `windowSeconds` apart, and derives what
 * each of the running workers processed (src/scale/measured.ts). `arriving`:
 * messages may arrive meanwhile (--incoming > 0); they are not seen, so the
 * figure is a lower bound, never topped up with the assumed rate.
 */
export async function measureQueue(
  client: QueueClient,
  request: MeasureRequest,
  arriving: boolean,
  timing: MeasureTiming = realTiming,
): Promise<NonNullable<PlanReport['measured']>> {
  const queue = await resolveQueue(client, request.queue);
  if (process.stderr.isTTY) process.stderr.write(`measuring ${queue.name} for ${request.windowSeconds} s…\n`);
  const before = await queueDepth(client, queue.url);
  const start = timing.now();
  await timing.sleep(request.windowSeconds * 1000);
  const after = await queueDepth(client, queue.url);
  const seconds = (timing.now() - start) / 1000;
  const m = measuredThroughput({ before, after, seconds, running: request.running, arriving });
  if (!(m.processed > 0))
    throw new Error(
      `--measure ${request.queue}: nothing measurably processed in ${round2(seconds)} s` +
        ` (depth ${m.depthBefore} → ${m.depthAfter}${arriving ? '; arrivals kept pace or outran the workers' : ''});` +
        ` measure longer (--window)${arriving ? ' or with the producers paused' : ''}, or give --per-worker`,
    );
  return { ...request, queue: queue.name, windowSeconds: round2(seconds), before, after, ...m };
}

/** Parses the flags, measures if asked, and does the arithmetic. */
async function planFrom(args: Record<string, unknown>): Promise<PlanReport> {
  const source = throughputSource(args);
  const incoming = amountOption(args, 'incoming', { example: '600000 or 600k (per day; 0 if none)' });
  if (incoming === undefined)
    throw new Error('--incoming is required: messages arriving per day (0 if none)');
  let backlog = amountOption(args, 'backlog', { example: '2800000 or 2.8M' });
  const deadlineDays = deadlineOption(args);
  const workers = intOption(args, 'workers', 1, 1_000_000);
  if (deadlineDays === undefined && workers === undefined)
    throw new Error('give --deadline (days to drain within) or --workers (to see how long N workers take)');
  const prices = Object.fromEntries(
    Object.entries(PRICES).map(([name, p]) => [
      name,
      amountOption(args, name, { example: String(p.fallback), fallback: p.fallback })!,
    ]),
  ) as Record<keyof typeof PRICES, number>;
  const waitSeconds = intOption(args, 'wait-seconds', 1, 20, WAIT_SECONDS)!;

  let perWorkerPerDay: number;
  let measured: PlanReport['measured'] = null;
  if (source === 'measure') {
    const queue = stringOption(args, 'measure')!;
    const running = intOption(args, 'running', 1, 1_000_000);
    if (running === undefined) throw new Error('--measure needs --running N (the workers consuming it now)');
    const windowSeconds = intOption(args, 'window', 1, 3600, 60)!;
    measured = await withClient(args, (client) =>
      measureQueue(client, { queue, running, windowSeconds }, incoming > 0),
    );
    perWorkerPerDay = round2(measured.perWorkerPerDay);
    backlog ??= measured.depthAfter;
  } else if (source === 'per-worker') {
    perWorkerPerDay = amountOption(args, 'per-worker', {
      example: '43200 or 43.2k (per day)',
      positive: true,
    })!;
  } else {
    const rate = amountOption(args, 'per-worker-rate', { example: '0.5 (messages/s)', positive: true })!;
    perWorkerPerDay = Number((rate * 86_400).toPrecision(12)); // 1/3 × 86400 is 28800, not 28800.000000000004
  }
  if (backlog === undefined) throw new Error('--backlog is required (or --measure <queue> to read it)');

  const needed =
    deadlineDays === undefined
      ? null
      : planCapacity({ backlog, arrivalsPerDay: incoming, perWorkerPerDay, drainWithinDays: deadlineDays });
  const shown = workers ?? needed!.workers;
  const counts = [...new Set([needed?.workers, workers].filter((n) => n !== undefined))];
  const drain = counts.map((n) =>
    drainWith({ backlog, arrivalsPerDay: incoming, perWorkerPerDay, workers: n }),
  );
  const cost = estimateCost({
    workers: shown,
    arrivalsPerDay: incoming,
    backlog,
    taskHourPrice: prices['task-hour-price'],
    sqsPricePerMillion: prices['sqs-price-per-million'],
    requestsPerMessage: prices['requests-per-message'],
    waitSeconds,
  });
  return {
    backlog,
    backlogFrom: args.backlog === undefined ? 'measured' : 'given',
    incomingPerDay: incoming,
    perWorkerPerDay,
    throughputFrom: source === 'measure' ? 'measured' : source,
    measured,
    deadlineDays: deadlineDays ?? null,
    needed,
    keepUp: Math.ceil(incoming / perWorkerPerDay),
    minimumToDrain: drain[0]!.minimumToDrain,
    drain,
    cost: { ...cost, workers: shown },
    assumptions: {
      taskHourPrice: prices['task-hour-price'],
      sqsPricePerMillion: prices['sqs-price-per-million'],
      requestsPerMessage: prices['requests-per-message'],
      waitSeconds,
      hoursPerMonth: HOURS_PER_MONTH,
      freeTier: 'not subtracted',
      given: [...Object.keys(PRICES), 'wait-seconds'].filter((n) => args[n] !== undefined),
    },
  };
}

/** Rows of label, value and how it was reached, the first two columns aligned. */
function aligned(rows: readonly (readonly [string, string, string?])[]): string {
  const w0 = Math.max(...rows.map((r) => [...r[0]].length));
  const w1 = Math.max(...rows.map((r) => [...r[1]].length));
  return rows
    .map(([a, b, c]) => `${a.padEnd(w0)}  ${c ? b.padEnd(w1) : b}${c ? `  ${c}` : ''}`.trimEnd())
    .join('\n');
}

const days = (d: number | null) => (d === null ? 'never' : d < 1 ? `${round2(d * 24)} h` : `${round2(d)} d`);
const dollars = (n: number) => `$${n.toFixed(2)}`;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The human text of a plan. */
export function planText(r: PlanReport): string {
  const inputs: [string, string, string?][] = [
    [
      'backlog',
      `${r.backlog}`,
      r.backlogFrom === 'measured' ? `measured: depth of ${r.measured?.queue} now` : '',
    ],
    ['incoming', `${r.incomingPerDay}/day`],
    [
      'per worker',
      `${r.perWorkerPerDay}/day`,
      r.measured ? `measured: ${r.measured.reason}` : `given as --${r.throughputFrom}`,
    ],
  ];
  if (r.deadlineDays !== null) inputs.push(['deadline', days(r.deadlineDays)]);

  const ratio = round2(r.incomingPerDay / r.perWorkerPerDay);
  const answers: [string, string, string?][] = [];
  if (r.needed) answers.push(['workers needed', String(r.needed.workers), r.needed.reason]);
  answers.push([
    'keep up',
    String(r.keepUp),
    `${r.incomingPerDay}/day ÷ ${r.perWorkerPerDay}/day = ${ratio} → ${r.keepUp}` +
      (r.keepUp === r.minimumToDrain ? '' : `; that holds a backlog steady, ${r.minimumToDrain} drain it`),
  ]);
  for (const d of r.drain)
    answers.push([
      `with ${count(d.workers, 'worker')}`,
      d.state === 'empty' ? 'drained' : days(d.days),
      d.reason,
    ]);
  const shown = r.drain.at(-1)!;
  answers.push([
    'can it ever drain',
    shown.canDrain ? 'yes' : 'no',
    `${shown.canDrain ? 'with' : 'not with'} ${count(shown.workers, 'worker')}; ${r.minimumToDrain} or more outpace arrivals`,
  ]);

  const c = r.cost;
  const money = [
    c.monthly,
    c.compute.dollars,
    c.messages.dollars,
    c.idlePolls.dollars,
    c.backlogOnce.dollars,
  ];
  const width = Math.max(...money.map((m) => dollars(m).length));
  const $ = (n: number) => dollars(n).padStart(width);
  const cost: [string, string, string?][] = [
    ['monthly cost', $(c.monthly), `${count(c.workers, 'worker')} all month`],
    ['  compute', $(c.compute.dollars), c.compute.reason],
    ['  SQS messages', $(c.messages.dollars), c.messages.reason],
    ['  idle long polls', $(c.idlePolls.dollars), c.idlePolls.reason],
    ['backlog, once', $(c.backlogOnce.dollars), `${c.backlogOnce.reason} (not monthly)`],
  ];

  const a = r.assumptions;
  const flag = (name: string, value: number, fallback: number, about: string): [string, string] => [
    `  --${name} ${value}`,
    a.given.includes(name) ? `given (default ${fallback}: ${about})` : about,
  ];
  const notes: [string, string][] = [
    ['assumptions', 'defaults are list prices (us-east-1, on demand) unless marked given'],
    flag(
      'task-hour-price',
      a.taskHourPrice,
      PRICES['task-hour-price'].fallback,
      PRICES['task-hour-price'].about,
    ),
    flag(
      'sqs-price-per-million',
      a.sqsPricePerMillion,
      PRICES['sqs-price-per-million'].fallback,
      PRICES['sqs-price-per-million'].about,
    ),
    flag(
      'requests-per-message',
      a.requestsPerMessage,
      PRICES['requests-per-message'].fallback,
      PRICES['requests-per-message'].about,
    ),
    flag(
      'wait-seconds',
      a.waitSeconds,
      WAIT_SECONDS,
      `an idle worker's long poll: ≤ 3600/${a.waitSeconds} receives/h`,
    ),
    [`  ${a.hoursPerMonth} h a month`, "AWS's convention (8760 h ÷ 12)"],
    ['  SQS free tier', 'the first 1M requests/month are not subtracted (shared by the whole account)'],
  ];
  return [aligned(inputs), aligned(answers), aligned(cost), aligned(notes)].join('\n\n');
}

/** Dollars to the cent, for scripts. */
function centsIn(r: PlanReport): PlanReport {
  const cents = (n: number) => Math.round(n * 100) / 100;
  const c = r.cost;
  return {
    ...r,
    cost: {
      ...c,
      monthly: cents(c.monthly),
      compute: { ...c.compute, dollars: cents(c.compute.dollars) },
      messages: { ...c.messages, dollars: cents(c.messages.dollars) },
      idlePolls: { ...c.idlePolls, dollars: cents(c.idlePolls.dollars) },
      backlogOnce: { ...c.backlogOnce, dollars: cents(c.backlogOnce.dollars) },
    },
  };
}

export default defineCommand({
  meta: { name: 'plan', description: 'Workers needed to drain a backlog, time to drain, and monthly cost' },
  args: {
    ...connectionArgs,
    backlog: {
      type: 'string',
      description: 'Messages waiting now, e.g. 2.8M (default with --measure: its depth)',
    },
    incoming: { type: 'string', description: 'Messages arriving per day, e.g. 600k (0 if none)' },
    'per-worker': { type: 'string', description: 'Messages one worker processes per day, e.g. 43200' },
    'per-worker-rate': { type: 'string', description: 'Messages one worker processes per second, e.g. 0.5' },
    measure: { type: 'string', description: 'Measure per-worker throughput on this queue (name or URL)' },
    running: { type: 'string', description: 'With --measure: workers consuming the queue now' },
    window: {
      type: 'string',
      description: 'With --measure: seconds between the two observations (1–3600, default 60)',
    },
    deadline: { type: 'string', description: 'Drain within: days, or 36h, 14d, 2w' },
    workers: { type: 'string', description: 'Show time to drain and cost with this many workers' },
    'task-hour-price': {
      type: 'string',
      description: `$ per worker task-hour (default ${PRICES['task-hour-price'].fallback})`,
    },
    'sqs-price-per-million': {
      type: 'string',
      description: `$ per million SQS requests (default ${PRICES['sqs-price-per-million'].fallback})`,
    },
    'requests-per-message': {
      type: 'string',
      description: `SQS requests per message, send to delete (default ${PRICES['requests-per-message'].fallback})`,
    },
    'wait-seconds': {
      type: 'string',
      description: `Workers' long-poll wait, 1–20 (default ${WAIT_SECONDS})`,
    },
  },
  run: async ({ args }) => {
    const report = await planFrom(args);
    print(args.json === true, centsIn(report), () => planText(report));
  },
});

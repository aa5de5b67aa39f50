/**
 * What the scaling simulation writes: the chart (bench/scale-sim.svg), every
 * tick and decision (bench/results/scale-sim.json), and the generated part of
 * its section in bench/README.md (between the sim-scale markers; the reading
 * above them is written by hand).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionRecord } from '../../src/scale/autoscaler.ts';
import type { ScalePolicyInput } from '../../src/scale/config.ts';
import type { Machine } from '../lib/machine.ts';
import { replaceSection } from '../lib/readme.ts';
import { fmtInt } from '../lib/run.ts';
import { renderChart } from './chart.ts';
import {
  arrivalRate,
  clockOf,
  DAY_HOURS,
  DAY_SECONDS,
  type DayShape,
  FACTOR,
  FIELD_POLICY,
  FIELD_SECONDS_PER_MESSAGE,
  hourAt,
} from './day.ts';

/** One tick: the autoscaler's record and the pool beside it. */
export interface Tick {
  readonly record: DecisionRecord;
  /** Processes in state 'running' (started, not draining). */
  readonly running: number;
  /** Running processes that have reported to the supervisor: up and polling. */
  readonly serving: number;
  readonly sent: number;
  readonly processed: number;
}

export interface SimRun {
  readonly benchDir: string;
  readonly machine: Machine;
  /** 00:00, epoch ms. */
  readonly t0: number;
  readonly endedAt: number;
  readonly ticks: readonly Tick[];
  readonly policyInput: ScalePolicyInput;
  readonly worker: {
    concurrency: number;
    handlerMs: number;
    nominalRate: number;
    visibilityTimeoutSeconds: number;
  };
  readonly sampleIntervalMs: number;
  readonly servingAfterMs: { median: number; max: number; n: number };
  readonly totals: {
    sent: number;
    handled: number;
    handledRecords: number;
    duplicates: number;
    lost: number;
    unknown: number;
    byWorker: Record<string, number>;
  };
  readonly processes: { started: number; exitedZero: number; killedBySignal: number; crashed: number };
  readonly day: DayShape;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const simMinutes = (realSeconds: number) => (realSeconds * FACTOR) / 60;

/** The reason without what only repeats the numbers: the parts of the backlog, the losing candidates. */
export function shortReason(reason: string, max = 170): string {
  const short = reason
    .replace(/ \(visible \d+ \+ inFlight \d+\)/g, '')
    // The losing candidates always come last, and may hold parentheses of their own.
    .replace(/ \(larger than .*$/, '')
    .replace(/ per worker/g, '/worker');
  return short.length > max ? `${short.slice(0, max - 1)}…` : short;
}

/** Messages per second per serving worker, over the ticks where the queue had a backlog for every worker. */
function measuredRate(ticks: readonly Tick[]): number {
  let messages = 0;
  let workerSeconds = 0;
  for (let i = 1; i < ticks.length; i++) {
    const a = ticks[i - 1]!;
    const b = ticks[i]!;
    const busy = (t: Tick) => t.record.sample.visible >= 10 * Math.max(1, t.serving);
    if (!busy(a) || !busy(b) || a.serving === 0) continue;
    messages += b.processed - a.processed;
    workerSeconds += (a.serving * (b.record.at - a.record.at)) / 1000;
  }
  return workerSeconds > 0 ? round(messages / workerSeconds, 1) : 0;
}

/**
 * Each time the age of the oldest message rose from 0 to 1 s or more after the
 * backlog was worked off, and how long after the last scale-in (a process
 * drained) that was.
 */
function ageAlarms(run: SimRun) {
  const out: { at: string; afterScaleInSeconds: number | undefined }[] = [];
  let lastScaleIn: number | undefined;
  let backlogDone = false;
  let previous = 0;
  for (const t of run.ticks) {
    const { from, to, sample } = t.record;
    if (to < from) lastScaleIn = t.record.at;
    if (t.record.at < run.t0) continue;
    if (!backlogDone) backlogDone = sample.visible === 0 && sample.oldestAgeSeconds === 0;
    else if (previous === 0 && sample.oldestAgeSeconds >= 1) {
      out.push({
        at: clockOf(hourAt((t.record.at - run.t0) / 1000)),
        afterScaleInSeconds:
          lastScaleIn === undefined ? undefined : round((t.record.at - lastScaleIn) / 1000),
      });
    }
    previous = sample.oldestAgeSeconds;
  }
  return out;
}

/** The rule that decided, past a clamp: was it an age step? */
const byStep = (t: Tick) => /^(clamped to max \d+: )?step scaling/.test(t.record.reason);

/** Scale-ins followed by a scale-out within `withinMs`. */
function scaleInsUndone(changes: readonly Tick[], withinMs: number): number {
  return changes.filter((t, i) => {
    const next = changes[i + 1];
    return (
      t.record.to < t.record.from &&
      next !== undefined &&
      next.record.to > next.record.from &&
      next.record.at - t.record.at <= withinMs
    );
  }).length;
}

function summarize(run: SimRun) {
  const firstStep = Math.min(...(run.policyInput.steps ?? []).map((s) => s.ageFromSeconds));
  const day = run.ticks.filter((t) => t.record.at >= run.t0);
  const depth = (t: Tick) => t.record.sample.visible + t.record.sample.inFlight;
  const peak = (f: (t: Tick) => number) => day.reduce((best, t) => (f(t) > f(best) ? t : best), day[0]!);
  const deepest = peak(depth);
  const oldest = peak((t) => t.record.sample.oldestAgeSeconds);
  const changes = run.ticks.filter((t) => t.record.to !== t.record.from);
  const count = (prefix: string) => run.ticks.filter((t) => t.record.reason.startsWith(prefix)).length;
  return {
    ticks: run.ticks.length,
    decisions: changes.length,
    scaleOuts: changes.filter((t) => t.record.to > t.record.from).length,
    scaleIns: changes.filter((t) => t.record.to < t.record.from).length,
    byStep: changes.filter((t) => byStep(t) && t.record.to > t.record.from).length,
    scaleInsUndone: scaleInsUndone(changes, (run.policyInput.scaleInCooldownSeconds ?? 0) * 1000),
    scaleInsUnderAgeAlarm: changes.filter(
      (t) => t.record.to < t.record.from && t.record.sample.oldestAgeSeconds >= firstStep,
    ).length,
    heldByScaleOutCooldown: count('scale-out cooldown'),
    heldByScaleInCooldown: count('scale-in cooldown'),
    maxWorkers: Math.max(...day.map((t) => t.record.to)),
    maxRunning: Math.max(...day.map((t) => t.running)),
    peakDepth: { messages: depth(deepest), at: clockOf(hourAt((deepest.record.at - run.t0) / 1000)) },
    peakAge: {
      realSeconds: oldest.record.sample.oldestAgeSeconds,
      simMinutes: simMinutes(oldest.record.sample.oldestAgeSeconds),
      at: clockOf(hourAt((oldest.record.at - run.t0) / 1000)),
    },
    measuredRatePerWorker: measuredRate(run.ticks),
    ageAlarms: ageAlarms(run),
    realSeconds: round((run.endedAt - run.t0) / 1000, 1),
  };
}

export function simChart(run: SimRun): string {
  const hourOf = (t: Tick) => hourAt((t.record.at - run.t0) / 1000);
  const day = run.ticks.filter((t) => t.record.at >= run.t0);
  const pts = (f: (t: Tick) => number) => day.map((t) => [hourOf(t), f(t)] as const);
  const xMax = Math.max(DAY_HOURS, ...day.map(hourOf));
  const curve = Array.from({ length: Math.ceil(xMax * 12) + 1 }, (_, i) => i / 12).map(
    (h) => [h, h < DAY_HOURS ? arrivalRate(h, run.day) / run.worker.nominalRate : 0] as const,
  );
  const [from, to] = run.policyInput.steps?.map((s) => simMinutes(s.ageFromSeconds)) ?? [];
  const p = run.policyInput;
  const f = FIELD_POLICY;
  return renderChart({
    title: 'sluice scale: a compressed day, the real supervisor against the embedded server',
    subtitle: [
      `1 real s = ${FACTOR / 60} simulated min: the day in ${DAY_SECONDS} s. A backlog of ${fmtInt(run.day.backlog)} at 00:00, arrivals on a daily curve, a burst at ${clockOf(run.day.burst.fromHour)}.`,
      `A worker process clears ~${run.worker.nominalRate} msg/s. The field's policy: target ${f.targetBacklogPerWorker} messages per task (here ${p.targetBacklogPerWorker} per worker: the same ${f.targetBacklogPerWorker * FIELD_SECONDS_PER_MESSAGE} s of work);`,
      `age of the oldest message 5–10 min: +1, ≥ 10 min: +2, after 2 × 1-min periods; ${p.min}–${p.max} workers; cooldowns: scale-out 1 min, scale-in 5 min.`,
    ],
    xLabel: 'simulated time of day (hours)',
    xMin: 0,
    xMax,
    xTicks: Array.from({ length: Math.floor(xMax / 3) + 1 }, (_, i) => i * 3),
    xTickLabel: (h) => clockOf(h),
    bands: [{ from: run.day.burst.fromHour, to: run.day.burst.toHour, label: 'burst' }],
    panels: [
      {
        title: 'queue depth (messages)',
        height: 150,
        series: [
          { label: 'visible + in flight', color: '#2563eb', fill: 0.15, points: pts(depthOf) },
          { label: 'in flight', color: '#7c3aed', width: 1, points: pts((t) => t.record.sample.inFlight) },
        ],
      },
      {
        title: 'age of the oldest message (simulated minutes; the server counts whole real seconds = 5 min)',
        height: 160,
        series: [
          {
            label: 'oldest age',
            color: '#dc2626',
            step: true,
            points: stepPoints(pts((t) => simMinutes(t.record.sample.oldestAgeSeconds))),
          },
        ],
        lines: [
          ...(from !== undefined
            ? [{ y: from, label: `+1 from ${from} min`, color: '#d97706', below: true }]
            : []),
          ...(to !== undefined ? [{ y: to, label: `+2 from ${to} min`, color: '#b91c1c' }] : []),
        ],
        yMax: (to ?? 10) * 1.5,
      },
      {
        title: 'worker processes',
        integer: true,
        yMax: p.max,
        height: 230,
        series: [
          {
            label: `needed (arrivals ÷ ${run.worker.nominalRate} msg/s)`,
            color: '#9ca3af',
            dash: '4 3',
            width: 1.2,
            points: curve,
          },
          {
            label: 'running',
            color: '#86efac',
            step: true,
            width: 4,
            points: stepPoints(pts((t) => t.running)),
          },
          {
            label: 'serving',
            color: '#f97316',
            step: true,
            width: 1.4,
            points: stepPoints(pts((t) => t.serving)),
          },
          {
            label: 'asked for',
            color: '#1e3a8a',
            step: true,
            width: 1.2,
            points: stepPoints(pts((t) => t.record.to)),
          },
        ],
      },
    ],
  });
}

const depthOf = (t: Tick) => t.record.sample.visible + t.record.sample.inFlight;

/** Only the points where a held value changes (and the last one). */
function stepPoints(points: readonly (readonly [number, number])[]) {
  return points.filter((p, i) => i === 0 || i === points.length - 1 || p[1] !== points[i - 1]![1]);
}

const COLUMNS = [
  'realSeconds',
  'simHour',
  'visible',
  'inFlight',
  'delayed',
  'oldestAgeSeconds',
  'from',
  'to',
  'running',
  'serving',
  'sent',
  'processed',
] as const;

function resultJson(run: SimRun, summary: ReturnType<typeof summarize>): string {
  const rel = (at: number) => round((at - run.t0) / 1000);
  const rows = run.ticks.map((t) => {
    const s = t.record.sample;
    const r = rel(t.record.at);
    return [r, round(hourAt(r), 3), s.visible, s.inFlight, s.delayed, s.oldestAgeSeconds]
      .concat([t.record.from, t.record.to, t.running, t.serving, t.sent, t.processed])
      .join(',');
  });
  const decisions = run.ticks
    .filter((t) => t.record.to !== t.record.from)
    .map((t) => ({
      realSeconds: rel(t.record.at),
      simTime: t.record.at < run.t0 ? 'start' : clockOf(hourAt(rel(t.record.at))),
      from: t.record.from,
      to: t.record.to,
      visible: t.record.sample.visible,
      inFlight: t.record.sample.inFlight,
      oldestAgeSeconds: t.record.sample.oldestAgeSeconds,
      reason: t.record.reason,
    }));
  const result = {
    machine: run.machine,
    compression: {
      factor: FACTOR,
      daySeconds: DAY_SECONDS,
      note: '1 real second = FACTOR simulated seconds',
    },
    day: run.day,
    fieldPolicy: FIELD_POLICY,
    policy: run.policyInput,
    worker: run.worker,
    sampleIntervalMs: run.sampleIntervalMs,
    servingAfterMs: run.servingAfterMs,
    totals: run.totals,
    processes: run.processes,
    summary,
    decisions,
    ticks: { columns: COLUMNS, rows: '@ROWS@' },
  };
  const rowsText = `[\n${rows.map((r) => `      [${r}]`).join(',\n')}\n    ]`;
  return `${JSON.stringify(result, null, 2).replace('"@ROWS@"', rowsText)}\n`;
}

function readmeSection(run: SimRun, summary: ReturnType<typeof summarize>): string {
  const p = run.policyInput;
  const f = FIELD_POLICY;
  const [plusOne, plusTwo] = p.steps ?? [];
  const m = run.machine;
  const { totals } = run;
  const rel = (at: number) => (at - run.t0) / 1000;
  const decisions = run.ticks
    .filter((t) => t.record.to !== t.record.from)
    .map((t) => {
      const s = t.record.sample;
      const when = t.record.at < run.t0 ? 'start' : clockOf(hourAt(rel(t.record.at)));
      const real = t.record.at < run.t0 ? '' : rel(t.record.at).toFixed(1);
      return `| ${when} | ${real} | ${t.record.from} → ${t.record.to} | ${fmtInt(s.visible + s.inFlight)} | ${s.oldestAgeSeconds} | ${shortReason(t.record.reason).replace(/\|/g, '\\|')} |`;
    });
  const workSeconds = f.targetBacklogPerWorker * FIELD_SECONDS_PER_MESSAGE;
  return [
    '<!-- sim-scale:start -->',
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; ${summary.realSeconds} s from 00:00 to the end of the run.`,
    '',
    `**Compression.** 1 real second = ${FACTOR / 60} simulated minutes (×${FACTOR}): the day takes ${DAY_SECONDS} s. Every time constant of the policy is divided by ${FACTOR}; the server measures the age of the oldest message in whole real seconds, so one step of the age axis is ${FACTOR / 60} simulated minutes, and ×${FACTOR} is the factor that puts the field's age steps exactly on it.`,
    '',
    '| policy | field | simulation (real time) |',
    '| --- | --- | --- |',
    `| target tracking (backlog = visible + in flight) | ${f.targetBacklogPerWorker} messages per task (a task clears 1 message per ${FIELD_SECONDS_PER_MESSAGE} s: ${workSeconds} s of work) | ${p.targetBacklogPerWorker} messages per worker (${workSeconds} ÷ ${FACTOR} = ${round(workSeconds / FACTOR)} s of a worker's ${run.worker.nominalRate} msg/s) |`,
    `| age step +1 | ${f.steps[0].ageFromSeconds}–${f.steps[0].ageToSeconds} s | ${plusOne?.ageFromSeconds}–${plusOne?.ageToSeconds} s |`,
    `| age step +2 | ≥ ${f.steps[1].ageFromSeconds} s | ≥ ${plusTwo?.ageFromSeconds} s |`,
    `| alarm | ${f.evaluationPeriods} consecutive ${f.periodSeconds}-s periods | ${p.evaluationPeriods} consecutive ${p.periodSeconds}-s periods |`,
    `| workers | ${f.min}–${f.max} | ${p.min}–${p.max} |`,
    `| scale-out cooldown | ${f.scaleOutCooldownSeconds} s | ${p.scaleOutCooldownSeconds} s |`,
    `| scale-in cooldown | ${f.scaleInCooldownSeconds} s | ${p.scaleInCooldownSeconds} s |`,
    `| visibility timeout (WORKER_VISIBILITY_TIMEOUT) | 30 s | ${run.worker.visibilityTimeoutSeconds} s (30 ÷ ${FACTOR} = ${round(30 / FACTOR)} s, raised to SQS's whole second) |`,
    `| samples | (CloudWatch: per minute) | every ${run.sampleIntervalMs} ms (${(run.sampleIntervalMs / 1000) * FACTOR} simulated s) |`,
    '',
    `**Load.** A backlog of ${fmtInt(run.day.backlog)} messages at 00:00; arrivals on a cosine from ${run.day.nightRate} msg/s at ${clockOf(run.day.quietestHour)} to ${run.day.peakRate} msg/s twelve hours later; a burst of ${run.day.burst.rate} msg/s more from ${clockOf(run.day.burst.fromHour)} to ${clockOf(run.day.burst.toHour)} (rates per real second). Each worker process handles ${run.worker.concurrency} messages at a time, ${run.worker.handlerMs} ms each: ${run.worker.nominalRate} msg/s nominal, ${summary.measuredRatePerWorker} msg/s measured while the queue had a backlog. A process served (first report to the supervisor) ${round(run.servingAfterMs.median / 1000, 1)} s after it was started (median of ${run.servingAfterMs.n}; max ${round(run.servingAfterMs.max / 1000, 1)} s), i.e. ${round(simMinutes(run.servingAfterMs.median / 1000), 0)} simulated minutes.`,
    '',
    '![queue depth, age of the oldest message and workers over the simulated day](scale-sim.svg)',
    '',
    '| totals | |',
    '| --- | ---: |',
    `| messages sent | ${fmtInt(totals.sent)} |`,
    `| handled (distinct) | ${fmtInt(totals.handled)} |`,
    `| duplicates (handled twice or more) | ${fmtInt(totals.duplicates)} |`,
    `| lost | ${fmtInt(totals.lost)} |`,
    `| scaling decisions (out / in; out by an age step) | ${summary.decisions} (${summary.scaleOuts} / ${summary.scaleIns}; ${summary.byStep}) |`,
    `| scale-ins undone by a scale-out within the scale-in cooldown (${run.policyInput.scaleInCooldownSeconds} s) | ${summary.scaleInsUndone} of ${summary.scaleIns} |`,
    `| scale-ins decided while the oldest age was at or over the first step | ${summary.scaleInsUnderAgeAlarm} |`,
    `| ticks held by the scale-out / scale-in cooldown | ${fmtInt(summary.heldByScaleOutCooldown)} / ${fmtInt(summary.heldByScaleInCooldown)} of ${fmtInt(summary.ticks)} |`,
    `| most workers asked for / running | ${summary.maxWorkers} / ${summary.maxRunning} |`,
    `| worker processes started / exited 0 / ended by a signal | ${run.processes.started} / ${run.processes.exitedZero} / ${run.processes.killedBySignal} |`,
    `| after the backlog: times the oldest age rose from 0 to ≥ 1 s / of them within ${run.worker.visibilityTimeoutSeconds} s of a scale-in | ${summary.ageAlarms.length} / ${summary.ageAlarms.filter((a) => a.afterScaleInSeconds !== undefined && a.afterScaleInSeconds <= run.worker.visibilityTimeoutSeconds).length} |`,
    `| peak depth | ${fmtInt(summary.peakDepth.messages)} at ${summary.peakDepth.at} |`,
    `| peak age of the oldest message | ${summary.peakAge.realSeconds} s real = ${summary.peakAge.simMinutes} simulated min, at ${summary.peakAge.at} |`,
    '',
    `<details><summary>Every scaling decision (${decisions.length}; the ticks that held are in <code>results/scale-sim.json</code>)</summary>`,
    '',
    '| sim time | real s | workers | depth | age (real s) | reason |',
    '| --- | ---: | --- | ---: | ---: | --- |',
    ...decisions,
    '',
    '</details>',
    '<!-- sim-scale:end -->',
  ].join('\n');
}

/** Writes the chart, the JSON and the README section. */
export function writeOutputs(run: SimRun): void {
  const summary = summarize(run);
  mkdirSync(join(run.benchDir, 'results'), { recursive: true });
  writeFileSync(join(run.benchDir, 'scale-sim.svg'), simChart(run));
  writeFileSync(join(run.benchDir, 'results/scale-sim.json'), resultJson(run, summary));
  replaceSection(
    join(run.benchDir, 'README.md'),
    '<!-- sim-scale:start -->',
    '<!-- sim-scale:end -->',
    readmeSection(run, summary),
  );
}

/**
 * The week's output: a console summary, bench/week.svg (throughput, queue,
 * CPU and memory over the run, drawn by the simulation's chart code),
 * bench/results/week.json and the week section of bench/README.md.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../lib/machine.ts';
import { replaceSection, writeJson } from '../lib/readme.ts';
import { fmtInt } from '../lib/run.ts';
import { renderChart, type Series } from '../sim/chart.ts';
import type { ProcSample } from './procs.ts';

export interface Sample {
  /** Seconds since the workers and the producer started. */
  t: number;
  handled: number;
  duplicates: number;
  sent: number;
  visible: number;
  inFlight: number;
  oldestAgeSeconds: number;
  /** Cumulative CPU seconds. */
  cpu: { server: number; workers: number; scale: number };
  rss: { server: number; workers: number };
  diskBytes: number;
}

interface Disk {
  db: number;
  wal: number;
  total: number;
}

export interface WeekResult {
  machine: Host;
  config: {
    messages: number;
    backlog: number;
    rate: number;
    workers: number;
    concurrency: number;
    handlerMs: number;
    sync: string;
    sampleMs: number;
    bodyBytes: number;
  };
  quick: boolean;
  loadAverage: number;
  prefillSeconds: number;
  wallSeconds: number;
  producerSeconds: number | undefined;
  complete: boolean;
  handled: number;
  duplicates: number;
  strays: number;
  missing: number[];
  leftInQueue: number;
  scaleExitCode: number | null;
  samples: Sample[];
  statsLines: Record<string, unknown>[];
  processes: (ProcSample & { role: string })[];
  cpuSeconds: { server: number; serverDuringRun: number; workers: number; scale: number; bench: number };
  disk: { peak: Disk; afterDrain: Disk; afterStop: Disk; pageSize: number; pages: number; freePages: number };
}

const START = '<!-- week-bench:start -->';
const END = '<!-- week-bench:end -->';
const GOAL_SECONDS = 2 * 3600;
const MiB = 2 ** 20;
const mib = (bytes: number) => `${fmtInt(Math.round(bytes / MiB))} MiB`;
const duration = (s: number) =>
  s >= 3600
    ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`
    : s >= 60
      ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
      : `${s.toFixed(1)} s`;
const micros = (cpu: number, n: number) => fmtInt(Math.round((cpu * 1e6) / n));

/** Rates between consecutive samples, placed at the later one. */
function rates(samples: Sample[], f: (s: Sample) => number, scale = 1): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.t > a.t) out.push([b.t / 60, ((f(b) - f(a)) / (b.t - a.t)) * scale]);
  }
  return out;
}

export function weekChart(r: WeekResult): string {
  const s = r.samples;
  const xMax = Math.max(1 / 60, ...s.map((x) => x.t / 60));
  const step = [1, 2, 5, 10, 15, 30, 60].find((m) => xMax / m <= 12) ?? 120;
  const pts = (f: (x: Sample) => number): [number, number][] => s.map((x) => [x.t / 60, f(x)]);
  const series = (label: string, color: string, points: [number, number][], extra: Partial<Series> = {}) => ({
    label,
    color,
    points,
    ...extra,
  });
  const c = r.config;
  return renderChart({
    title: `sluice: the field's week on one machine — ${fmtInt(c.messages)} messages${r.quick ? ' (quick run)' : ''}`,
    subtitle: [
      `sluice server (file store, sync ${c.sync}) + sluice scale --workers ${c.workers} (concurrency ${c.concurrency} each, handler awaits ${c.handlerMs} ms).`,
      `A backlog of ${fmtInt(c.backlog)} sent before t = 0, then ${fmtInt(c.messages - c.backlog)} arriving at ${fmtInt(c.rate)} msg/s; drained in ${duration(r.wallSeconds)}.`,
    ],
    xLabel: 'minutes since the workers started',
    xMin: 0,
    xMax,
    xTicks: Array.from({ length: Math.floor(xMax / step) + 1 }, (_, i) => i * step),
    xTickLabel: (m) => String(m),
    panels: [
      {
        title: 'throughput (messages/s)',
        series: [
          series(
            'handled',
            '#2563eb',
            rates(s, (x) => x.handled),
            { width: 1.6 },
          ),
          series(
            'arrivals (acknowledged sends)',
            '#9ca3af',
            rates(s, (x) => x.sent),
            { dash: '4 3', width: 1.2 },
          ),
        ],
      },
      {
        title: 'queue (messages)',
        series: [
          series(
            'visible + in flight',
            '#2563eb',
            pts((x) => x.visible + x.inFlight),
            { fill: 0.15 },
          ),
          series(
            'in flight',
            '#7c3aed',
            pts((x) => x.inFlight),
            { width: 1 },
          ),
        ],
      },
      {
        title: 'CPU (% of one core)',
        height: 150,
        series: [
          series(
            'server',
            '#dc2626',
            rates(s, (x) => x.cpu.server, 100),
          ),
          series(
            `workers (${c.workers} processes)`,
            '#16a34a',
            rates(s, (x) => x.cpu.workers, 100),
          ),
        ],
      },
      {
        title: 'resident memory (MiB)',
        height: 150,
        series: [
          series(
            'server',
            '#dc2626',
            pts((x) => x.rss.server / MiB),
          ),
          series(
            'workers (sum)',
            '#16a34a',
            pts((x) => x.rss.workers / MiB),
          ),
          series(
            'store on disk',
            '#d97706',
            pts((x) => x.diskBytes / MiB),
            { dash: '4 3' },
          ),
        ],
      },
    ],
  });
}

function lines(r: WeekResult): string[] {
  const c = r.config;
  const n = c.messages;
  const lost = n - r.handled;
  const verdict = r.quick
    ? `the 2-hour goal is for the full 11,200,000; at this run's pace that would take ${duration((r.wallSeconds * 11_200_000) / n)}`
    : `goal under 2 hours: ${r.complete && r.wallSeconds < GOAL_SECONDS ? 'met' : 'NOT met'}`;
  const worker = r.processes.filter((p) => p.role === 'worker');
  const d = r.disk;
  const lastStats = new Map<string, Record<string, unknown>>();
  for (const line of r.statsLines) lastStats.set(String(line.workerId), line);
  return [
    `| | |`,
    `| --- | ---: |`,
    `| wall time from the workers' start to the last message handled | ${duration(r.wallSeconds)} (${verdict}) |`,
    `| pre-fill of the backlog (before t = 0) | ${fmtInt(c.backlog)} in ${duration(r.prefillSeconds)} (${fmtInt(Math.round(c.backlog / r.prefillSeconds))} msg/s) |`,
    `| arrivals | ${fmtInt(n - c.backlog)} asked at ${fmtInt(c.rate)} msg/s${r.producerSeconds ? `, all acknowledged by ${duration(r.producerSeconds)}` : ''} |`,
    `| average throughput, t = 0 to drained | ${fmtInt(Math.round(n / r.wallSeconds))} msg/s |`,
    `| messages sent / handled (distinct ids) | ${fmtInt(n)} / ${fmtInt(r.handled)} |`,
    `| lost (sent, never handled) | ${fmtInt(lost)}${lost ? ` (first ids: ${r.missing.join(', ')})` : ''} |`,
    `| handled more than once | ${fmtInt(r.duplicates)}${r.duplicates ? ' (a message whose visibility ran out before its delete landed, or held by a process that stopped: at-least-once delivery)' : ''} |`,
    `| left in the queue after the pool drained | ${fmtInt(r.leftInQueue)} |`,
    `| \`sluice scale\` exit code after SIGTERM | ${r.scaleExitCode} |`,
    '',
    'CPU (user + system) per message, over all messages:',
    '',
    '| process | CPU s | µs per message |',
    '| --- | ---: | ---: |',
    `| sluice server (pre-fill included) | ${r.cpuSeconds.server.toFixed(1)} | ${micros(r.cpuSeconds.server, n)} |`,
    `| sluice server, from t = 0 only | ${r.cpuSeconds.serverDuringRun.toFixed(1)} | ${micros(r.cpuSeconds.serverDuringRun, n)} |`,
    `| workers (${worker.length} processes) | ${r.cpuSeconds.workers.toFixed(1)} | ${micros(r.cpuSeconds.workers, n)} |`,
    `| sluice scale (supervisor) | ${r.cpuSeconds.scale.toFixed(1)} | ${micros(r.cpuSeconds.scale, n)} |`,
    `| bench process (producer, sampling, the record) | ${r.cpuSeconds.bench.toFixed(1)} | ${micros(r.cpuSeconds.bench, n)} |`,
    '',
    'Memory at its peak (VmHWM) per process, and the store on disk:',
    '',
    '| | |',
    '| --- | ---: |',
    ...r.processes.map((p) => `| ${p.role} (pid ${p.pid}) | ${mib(p.peakRssBytes)} |`),
    `| store at its peak (database + WAL + shm) | ${mib(d.peak.total)} (database ${mib(d.peak.db)}, WAL ${mib(d.peak.wal)}) |`,
    `| store after the drain (server running) | ${mib(d.afterDrain.total)} (database ${mib(d.afterDrain.db)}, WAL ${mib(d.afterDrain.wal)}) |`,
    `| store after the server stopped | ${mib(d.afterStop.total)}: ${fmtInt(d.pages)} pages of ${fmtInt(d.pageSize)} B, ${fmtInt(d.freePages)} free (${mib(d.freePages * d.pageSize)} that later sends reuse; the file does not shrink) |`,
    '',
    `![throughput, queue, CPU and memory over the run](week.svg)`,
    '',
    "The workers' stats lines, the last of each process (and the pool's, workerId `week`):",
    '',
    '```',
    ...[...lastStats.values()].map((l) => JSON.stringify((({ at: _, ...rest }) => rest)(l))),
    '```',
  ];
}

export function printReport(r: WeekResult): void {
  for (const line of lines(r)) if (!line.startsWith('![')) console.log(line);
}

function markdown(r: WeekResult): string {
  const m = r.machine;
  const c = r.config;
  return [
    START,
    ...(r.quick
      ? [
          `**Quick run** (scaled down: ${fmtInt(c.messages)} messages, not the field's 11,200,000; the full run is \`npm run bench:week\`). Not the committed result.`,
          '',
        ]
      : []),
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; load average ${r.loadAverage.toFixed(1)} at the end.`,
    '',
    `\`sluice server\` (file store, sync ${c.sync}) and \`sluice scale bench/week/week-worker.ts --workers ${c.workers}\` (concurrency ${c.concurrency}, receives of 10, handler awaiting ${c.handlerMs} ms), ` +
      `a backlog of ${fmtInt(c.backlog)} (${c.bodyBytes}-byte bodies) sent first, then ${fmtInt(c.messages - c.backlog)} arriving at ${fmtInt(c.rate)} msg/s from t = 0, sampled every ${c.sampleMs / 1000} s.`,
    '',
    ...lines(r),
    END,
  ].join('\n');
}

export function writeOutputs(benchDir: string, r: WeekResult): void {
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'week.svg'), weekChart(r));
  writeJson(join(benchDir, 'results/week.json'), r);
  replaceSection(join(benchDir, 'README.md'), START, END, markdown(r));
}

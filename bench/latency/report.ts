import type { Host } from '../lib/machine.ts';
import { replaceSection } from '../lib/readme.ts';
import { fmtInt, fmtPct } from '../lib/run.ts';
import type { Percentiles } from './timeline.ts';

export interface LoadResult {
  /** Fraction of the system's measured maximum, e.g. 0.5. */
  load: number;
  targetPerSec: number;
  sentPerSec: number;
  heldBack: number;
  /** Messages measured (sent in the measured window). */
  messages: number;
  undrained: number;
  beforeAck: number;
  wait?: Percentiles;
  sendToAck?: Percentiles;
  /** The send issued → the handler's start: what a message waits, its own send included. */
  sendToStart?: Percentiles;
  ackToReceived?: Percentiles;
  receivedToStart?: Percentiles;
}

export interface SystemResult {
  name: string;
  version: string;
  maxPerSec: number;
  loads: LoadResult[];
  duplicates: number;
}

export interface LatencyBenchResult {
  machine: Host;
  config: {
    seconds: number;
    warmupSeconds: number;
    maxSeconds: number;
    loads: number[];
    concurrency: number;
    producers: number;
    maxInFlight: number;
    bodyBytes: number;
  };
  /** Scaled down from the defaults: label it so. */
  quick: boolean;
  /** The machine's 1-minute load average at the end: other work skews every number. */
  loadAverage: number;
  systems: SystemResult[];
  verdicts: string[];
}

const START = '<!-- latency-bench:start -->';
const END = '<!-- latency-bench:end -->';
export const GOALS = { inProcessP99Ms: 5, httpP99Ms: 20, atLoad: 0.5 } as const;

const ms = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const pair = (p: Percentiles | undefined) => (p ? `${ms(p.p50)} / ${ms(p.p99)}` : '–');

const HEADER = [
  'system',
  'load',
  'msg/s asked',
  'msg/s sent',
  'messages',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
];
const rows = (r: LatencyBenchResult) =>
  r.systems.flatMap((s) =>
    s.loads.map((l) => [
      s.name,
      fmtPct(l.load),
      fmtInt(l.targetPerSec),
      fmtInt(l.sentPerSec),
      fmtInt(l.messages) + (l.undrained ? ` (${fmtInt(l.undrained)} never started)` : ''),
      ms(l.wait?.p50),
      ms(l.wait?.p95),
      ms(l.wait?.p99),
      ms(l.wait?.max),
    ]),
  );

const PARTS_HEADER = [
  'system',
  'load',
  'send → ack',
  'ack → received',
  'received → handler start',
  'send → handler start',
  'started before the ack',
];
const partRows = (r: LatencyBenchResult) =>
  r.systems
    .filter((s) => s.loads.some((l) => l.ackToReceived))
    .flatMap((s) =>
      s.loads.map((l) => [
        s.name,
        fmtPct(l.load),
        pair(l.sendToAck),
        pair(l.ackToReceived),
        pair(l.receivedToStart),
        pair(l.sendToStart),
        l.messages ? fmtPct(l.beforeAck / l.messages) : '–',
      ]),
    );

/** Issue 17's goals, judged within this run on the durable default (sync full). */
export function verdicts(systems: SystemResult[]): string[] {
  const at = (name: string) =>
    systems.find((s) => s.name === name)?.loads.find((l) => l.load === GOALS.atLoad)?.wait;
  const out: string[] = [];
  const pct = fmtPct(GOALS.atLoad);
  const inProcess = at('sluice in-process (sync full)');
  const http = at('sluice over HTTP (sync full)');
  const bull = at('BullMQ');
  if (inProcess)
    out.push(
      `sluice in-process (sync full), p99 at ${pct}: ${ms(inProcess.p99)} ms (target < ${GOALS.inProcessP99Ms} ms: ${inProcess.p99 < GOALS.inProcessP99Ms ? 'met' : 'NOT met'})`,
    );
  if (http)
    out.push(
      `sluice over HTTP (sync full), p99 at ${pct}: ${ms(http.p99)} ms (target < ${GOALS.httpP99Ms} ms: ${http.p99 < GOALS.httpP99Ms ? 'met' : 'NOT met'})`,
    );
  for (const [name, p] of [
    ['in-process', inProcess],
    ['over HTTP', http],
  ] as const) {
    if (p && bull)
      out.push(
        `sluice ${name} (sync full) p99 vs BullMQ's at ${pct} of each one's maximum: ${ms(p.p99)} vs ${ms(bull.p99)} ms (target: ahead: ${p.p99 < bull.p99 ? 'met' : 'NOT met'})`,
      );
  }
  return out;
}

function table(header: string[], body: string[][]): string[] {
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all.map((row) =>
    row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

const md = (header: string[], body: string[][], left = 2) =>
  [header, header.map((_, i) => (i < left ? '---' : '---:')), ...body].map((row) => `| ${row.join(' | ')} |`);

export function printReport(r: LatencyBenchResult): void {
  for (const s of r.systems) console.log(`${s.name}: ${s.version}; maximum ${fmtInt(s.maxPerSec)} msg/s`);
  console.log();
  for (const line of table(HEADER, rows(r))) console.log(line);
  console.log();
  for (const line of table(PARTS_HEADER, partRows(r))) console.log(line);
  console.log();
  for (const line of r.verdicts) console.log(line);
}

export { writeJson } from '../lib/readme.ts';

function markdown(r: LatencyBenchResult): string {
  const m = r.machine;
  const c = r.config;
  const dups = r.systems.filter((s) => s.duplicates > 0);
  return [
    START,
    ...(r.quick
      ? [
          `**Quick run** (scaled down: ${c.seconds} s per load, ${c.maxSeconds} s to find the maximum; the full run is \`npm run bench:latency\`). Not the committed result.`,
          '',
        ]
      : []),
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; load average ${r.loadAverage.toFixed(1)} at the end.`,
    '',
    `Waiting time = a send's acknowledgement (its promise resolving in the producer) → the handler's start, per message, in one process (one clock). ` +
      `Each system's maximum is the handler starts per second with ${c.producers} producer loops sending as fast as acknowledged (${c.maxSeconds} s); ` +
      `each load is an open-loop producer at that fraction of it for ${c.warmupSeconds} s (not counted) then ${c.seconds} s (counted). ` +
      `Workers: concurrency ${c.concurrency}, no-op handler; sluice receives 10 at a time; ${c.bodyBytes}-byte bodies.`,
    '',
    ...r.systems.map((s) => `- ${s.name}: ${s.version}; maximum ${fmtInt(s.maxPerSec)} msg/s`),
    '',
    ...md(HEADER, rows(r)),
    '',
    "Where sluice's time goes (p50 / p99, ms): the send's own round trip, then ack → the receive that brought the message returns in the worker (long-poll wake-up, the receive's commit, the answer), then → the handler starts (dispatch); and the whole: the send issued → the handler's start, with the share of handlers that started before their send's ack reached the producer. Under sync full a message is receivable at commit while its ack waits for the fsync, so most start before it: their wait (and ack → received) counts as 0, and send → handler start is the number to read.",
    '',
    ...md(PARTS_HEADER, partRows(r)),
    '',
    ...r.verdicts.map((v) => `- ${v}`),
    ...(dups.length
      ? [`- handled twice: ${dups.map((s) => `${s.name} ${fmtInt(s.duplicates)}`).join(', ')}`]
      : []),
    END,
  ].join('\n');
}

export function writeReadme(path: string, r: LatencyBenchResult): void {
  replaceSection(path, START, END, markdown(r));
}

import type { Machine } from '../lib/machine.ts';
import { replaceSection } from '../lib/readme.ts';
import { fmtInt, fmtPct } from '../lib/run.ts';
import type { PhaseResult } from './raw.ts';

export interface Fill {
  from: number;
  to: number;
  seconds: number;
  perSec: number;
}

/** The store at one sync level: its results at each depth and its pre-fills. */
export interface StoreRun {
  sync: 'FULL' | 'NORMAL';
  results: PhaseResult[];
  fills: Fill[];
}

export interface StoreBenchResult {
  machine: Machine;
  config: {
    sizes: number[];
    messagesPerPhase: number;
    warmup: number;
    rounds: number;
    concurrency: number;
    fillConcurrency: number;
    bodyBytes: number;
    syncs: readonly ('FULL' | 'NORMAL')[];
    pragmas: readonly string[];
  };
  raw: PhaseResult[];
  /** The raw ceiling on each SQLite driver this Node has (better-sqlite3 first; node:sqlite from Node 22). */
  drivers: { label: string; sqlite: string; results: PhaseResult[] }[];
  /** The store at each sync level measured (BENCH_SYNC), in that order. */
  stores: StoreRun[];
  ratios: {
    /** The store run the ratios are taken from: NORMAL (the raw ceiling's level) where measured. */
    sync: 'FULL' | 'NORMAL';
    /** Store lifecycle ÷ raw lifecycle, both at 0 queued. Target ≥ 0.6. */
    storeVsRaw: number;
    /** Store lifecycle at the deepest size ÷ at 0 queued. Target ≥ 0.8. */
    storeDeepVsEmpty: number;
    deepest: number;
  };
}

export const TARGETS = { storeVsRaw: 0.6, storeDeepVsEmpty: 0.8 } as const;

const START = '<!-- store-bench:start -->';
const END = '<!-- store-bench:end -->';

/** The run the ratios (and the main table) use. */
const ratioRun = (r: StoreBenchResult): StoreRun => r.stores.find((s) => s.sync === r.ratios.sync)!;
const syncName = (sync: string) => `synchronous=${sync}`;

function rows(r: StoreBenchResult): string[][] {
  return ratioRun(r).results.map((s, i) => {
    const raw = r.raw[i];
    return [
      fmtInt(s.queued),
      raw ? fmtInt(raw.sendPerSec) : '–',
      raw ? fmtInt(raw.receiveDeletePerSec) : '–',
      raw ? fmtInt(raw.lifecyclePerSec) : '–',
      fmtInt(s.sendPerSec),
      fmtInt(s.receiveDeletePerSec),
      fmtInt(s.lifecyclePerSec),
      raw ? fmtPct(s.lifecyclePerSec / raw.lifecyclePerSec) : '–',
    ];
  });
}

const HEADER = [
  'queued',
  'raw insert/s',
  'raw select+delete/s',
  'raw lifecycle/s',
  'store send/s',
  'store receive+delete/s',
  'store lifecycle/s',
  'store ÷ raw',
];

function verdict(value: number, target: number): string {
  return `${fmtPct(value)} (target ≥ ${fmtPct(target)}: ${value >= target ? 'met' : 'NOT met'})`;
}

export function ratioLines(r: StoreBenchResult): string[] {
  return [
    `store lifecycle ÷ raw lifecycle, at 0 queued: ${verdict(r.ratios.storeVsRaw, TARGETS.storeVsRaw)}`,
    `store lifecycle at ${fmtInt(r.ratios.deepest)} queued ÷ at 0: ${verdict(r.ratios.storeDeepVsEmpty, TARGETS.storeDeepVsEmpty)}`,
  ];
}

export function fillLines(r: StoreBenchResult): string[] {
  return r.stores.flatMap((run) =>
    run.fills.map(
      (f) =>
        `store (${syncName(run.sync)}) pre-fill ${fmtInt(f.from)} → ${fmtInt(f.to)}: ${f.seconds.toFixed(1)} s (${fmtInt(f.perSec)} msg/s, ${r.config.fillConcurrency} loops)`,
    ),
  );
}

/** The store at each sync level side by side, and FULL ÷ NORMAL where both ran. */
function syncTable(r: StoreBenchResult): string[][] {
  if (r.stores.length < 2) return [];
  const full = r.stores.find((s) => s.sync === 'FULL');
  const normal = r.stores.find((s) => s.sync === 'NORMAL');
  const header = [
    'queued',
    ...r.stores.flatMap((s) => [
      `${syncName(s.sync)} send/s`,
      `${syncName(s.sync)} receive+delete/s`,
      `${syncName(s.sync)} lifecycle/s`,
    ]),
    ...(full && normal ? ['FULL ÷ NORMAL'] : []),
  ];
  const body = r.stores[0]!.results.map((first, i) => [
    fmtInt(first.queued),
    ...r.stores.flatMap((s) => {
      const x = s.results[i];
      return x
        ? [fmtInt(x.sendPerSec), fmtInt(x.receiveDeletePerSec), fmtInt(x.lifecyclePerSec)]
        : ['–', '–', '–'];
    }),
    ...(full && normal
      ? [fmtPct((full.results[i]?.lifecyclePerSec ?? 0) / (normal.results[i]?.lifecyclePerSec ?? 1))]
      : []),
  ]);
  return [header, ...body];
}

/** The raw lifecycle on each driver and each other driver ÷ the first (better-sqlite3). */
function driverTable(r: StoreBenchResult): string[][] {
  const [first, ...others] = r.drivers;
  if (!first || others.length === 0) return [];
  const header = [
    'queued',
    ...r.drivers.map((d) => `${d.label} (SQLite ${d.sqlite}) raw lifecycle/s`),
    ...others.map((d) => `${d.label.split(' ')[0]} ÷ ${first.label.split(' ')[0]}`),
  ];
  const rows = first.results.map((base, i) => [
    fmtInt(base.queued),
    ...r.drivers.map((d) => fmtInt(d.results[i]?.lifecyclePerSec ?? 0)),
    ...others.map((d) => fmtPct((d.results[i]?.lifecyclePerSec ?? 0) / base.lifecyclePerSec)),
  ]);
  return [header, ...rows];
}

export function printTable(r: StoreBenchResult): void {
  const table = [HEADER, ...rows(r)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  for (const row of table) {
    console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  '));
  }
  console.log();
  for (const line of [...fillLines(r), ...ratioLines(r)]) console.log(line);
  for (const extra of [syncTable(r), driverTable(r)]) {
    if (extra.length === 0) continue;
    console.log();
    for (const row of extra) console.log(row.join('  '));
  }
}

export { writeJson } from '../lib/readme.ts';

function markdown(r: StoreBenchResult): string {
  const m = r.machine;
  const c = r.config;
  const table = markdownTable([HEADER, ...rows(r)]);
  return [
    START,
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ` +
      `better-sqlite3 ${m.betterSqlite3} (SQLite ${m.sqlite}), ${m.platform}.`,
    '',
    `${fmtInt(c.messagesPerPhase)} messages per phase, median of ${c.rounds} rounds after ${fmtInt(c.warmup)} warm-up, ` +
      `${c.bodyBytes}-byte bodies, ${c.concurrency} concurrent loops against the store; ` +
      `pragmas: ${c.pragmas.join(', ')} (the store in this table: ${syncName(r.ratios.sync)}). Rates are messages/s.`,
    '',
    ...table,
    '',
    ...[...ratioLines(r), ...fillLines(r)].map((l) => `- ${l}`),
    ...syncMarkdown(r),
    ...driverMarkdown(r),
    END,
  ].join('\n');
}

const markdownTable = ([header = [], ...rows]: string[][]): string[] =>
  [header, header.map(() => '---:'), ...rows].map((row) => `| ${row.join(' | ')} |`);

function syncMarkdown(r: StoreBenchResult): string[] {
  const table = syncTable(r);
  if (table.length === 0) return [];
  return [
    '',
    'The store at each sync level, same run, rounds alternating (FULL: an fsync of the WAL per group commit of sends; receives and deletes skip it):',
    '',
    ...markdownTable(table),
  ];
}

function driverMarkdown(r: StoreBenchResult): string[] {
  const table = driverTable(r);
  if (table.length === 0) return [];
  return [
    '',
    'The raw ceiling on each SQLite driver, same statements, same run (node:sqlite is still experimental here):',
    '',
    ...markdownTable(table),
  ];
}

/** Replaces the results section of the README, or appends one if it has none yet. */
export function writeReadme(path: string, r: StoreBenchResult): void {
  replaceSection(path, START, END, markdown(r));
}

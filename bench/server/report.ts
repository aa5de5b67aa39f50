import type { Host } from '../lib/machine.ts';
import { replaceSection } from '../lib/readme.ts';
import { fmtInt, fmtPct } from '../lib/run.ts';

export interface Rates {
  seconds: number;
  messages: number;
  requests: number;
  messagesPerSec: number;
  requestsPerSec: number;
}

export interface TargetResult {
  name: string;
  version: string;
  send: Rates;
  consume?: Rates;
  /** Server CPU (user + system) per message, send through delete, in microseconds. */
  cpuMicrosPerMessage?: number;
  /** The ceiling only: its CPU per request, node:http's floor. */
  cpuMicrosPerRequest?: number;
}

export interface SqliteRaw {
  microsPerMessage: number;
  fsyncMicros: number;
}

export interface ServerBenchResult {
  machine: Host;
  config: { messages: number; warmup: number; rounds: number; loops: number; bodyBytes: number };
  /** The machine's 1-minute load average, lowest and highest seen at the rounds' ends (absent in older results). */
  loadAverage?: { min: number; max: number };
  targets: TargetResult[];
  /** When sluice-nostore ran: raw SQLite's CPU per message lifecycle and one fdatasync's CPU, in this run (server/sqlite-floor.ts). */
  sqliteRaw?: SqliteRaw;
  verdicts: string[];
}

const START = '<!-- server-bench:start -->';
const END = '<!-- server-bench:end -->';
const HEADER = [
  'server',
  'version',
  'send msg/s',
  'send req/s',
  'recv+del msg/s',
  'recv+del req/s',
  'server CPU µs/msg',
];
export const ELASTICMQ_REFERENCE =
  'ElasticMQ (published REST figure, other hardware, for reference only): ≈2,600 msg/s.';

const rows = (r: ServerBenchResult) =>
  r.targets.map((t) => [
    t.name,
    t.version,
    fmtInt(t.send.messagesPerSec),
    fmtInt(t.send.requestsPerSec),
    t.consume ? fmtInt(t.consume.messagesPerSec) : '–',
    t.consume ? fmtInt(t.consume.requestsPerSec) : '–',
    t.cpuMicrosPerMessage !== undefined
      ? fmtInt(Math.round(t.cpuMicrosPerMessage))
      : t.cpuMicrosPerRequest !== undefined
        ? `${fmtInt(Math.round(t.cpuMicrosPerRequest))} per request`
        : '–',
  ]);

/** Issue 17's bars, judged within this run. */
export const BARS = { throughput: 0.95, cpuVsPeer: 0.8 } as const;

/**
 * Issue 17's bars, judged within this run: the like-for-like row (the client's
 * MD5 checks off, as against the ceiling) ≥ 95% of the ceiling's requests/s for
 * sends and for receive+delete; sluice on the durable default (sync full) ≤ 0.8×
 * the better in-memory peer's CPU per message. The other rows are compared too,
 * for information.
 */
export function verdicts(targets: TargetResult[], sqliteRaw?: SqliteRaw): string[] {
  const by = (n: string) => targets.find((t) => t.name === n);
  const ceiling = by('ceiling');
  const out: string[] = [];
  const judge = (what: string, value: number, bar: number, higher: boolean) =>
    `${what}: ${fmtPct(value)} (target ${higher ? '≥' : '≤'} ${fmtPct(bar)}: ${(higher ? value >= bar : value <= bar) ? 'met' : 'NOT met'})`;
  const plain = by('sluice-file-md5off');
  if (ceiling && plain) {
    out.push(
      judge(
        'like for like (client MD5 checks off for both), sluice (file, sync full) sends, requests/s ÷ ceiling',
        plain.send.requestsPerSec / ceiling.send.requestsPerSec,
        BARS.throughput,
        true,
      ),
    );
    if (plain.consume)
      out.push(
        judge(
          'like for like, sluice (file, sync full) receive+delete, requests/s ÷ ceiling',
          plain.consume.requestsPerSec / ceiling.send.requestsPerSec,
          BARS.throughput,
          true,
        ),
      );
  }
  for (const name of ['sluice-file-full', 'sluice-file-normal']) {
    const file = by(name);
    if (ceiling && file)
      out.push(
        `${name} with the SDK's default MD5 checks: sends ÷ ceiling ${fmtPct(file.send.requestsPerSec / ceiling.send.requestsPerSec)}` +
          (file.consume
            ? `, receive+delete ÷ ceiling ${fmtPct(file.consume.requestsPerSec / ceiling.send.requestsPerSec)}`
            : ''),
      );
  }
  const peers = ['local-aws-sqs', 'fauxqs']
    .map(by)
    .filter((t) => t?.cpuMicrosPerMessage !== undefined) as TargetResult[];
  const best = peers.length
    ? peers.reduce((a, b) => (a.cpuMicrosPerMessage! <= b.cpuMicrosPerMessage! ? a : b))
    : undefined;
  const floor = floorLine(ceiling, by('sluice-file-full'), [by('sluice-nostore'), by('sluice-memory'), best]);
  if (floor) out.push(floor);
  const room = storeRoomLine(by('sluice-nostore'), best, sqliteRaw);
  if (room) out.push(room);
  for (const name of ['sluice-file-full', 'sluice-file-normal']) {
    const file = by(name);
    if (!best || file?.cpuMicrosPerMessage === undefined) continue;
    const ratio = file.cpuMicrosPerMessage / best.cpuMicrosPerMessage!;
    const what = `${name} CPU per message ÷ better peer (${best.name}, in memory)`;
    out.push(
      name === 'sluice-file-full' ? judge(what, ratio, BARS.cpuVsPeer, false) : `${what}: ${fmtPct(ratio)}`,
    );
  }
  return out;
}

/**
 * node:http's floor per message: what the ceiling burns per request, times the
 * requests sluice's message lifecycle took in this run (a send batch, receives,
 * delete batches: ~0.3 per message). Every server here pays it; what each burns
 * above it is its own work.
 */
function floorLine(
  ceiling: TargetResult | undefined,
  file: TargetResult | undefined,
  others: (TargetResult | undefined)[],
): string | undefined {
  if (ceiling?.cpuMicrosPerRequest === undefined || !file?.consume || file.cpuMicrosPerMessage === undefined)
    return undefined;
  const perMessage = (file.send.requests + file.consume.requests) / file.send.messages;
  const floor = ceiling.cpuMicrosPerRequest * perMessage;
  const above = (t: TargetResult) => `${t.name} ${fmtInt(Math.round(t.cpuMicrosPerMessage! - floor))}`;
  return (
    `node:http floor: ${fmtInt(Math.round(ceiling.cpuMicrosPerRequest))} µs per request (the ceiling) × ${perMessage.toFixed(2)} requests per message = ${fmtInt(Math.round(floor))} µs/msg; ` +
    `above it, µs/msg: ${[file, ...others]
      .filter((t) => t?.cpuMicrosPerMessage !== undefined)
      .map((t) => above(t!))
      .join(', ')}`
  );
}

/**
 * What the CPU bar leaves for storage: 0.8 × the better peer's CPU per message,
 * less what sluice's request path burns with no store (sluice-nostore). Beside
 * it, from the same run, the least any durable store on SQLite must spend: raw
 * SQLite's own lifecycle (no fsync, no queue work), plus an fdatasync per group
 * commit of sends — so the line says how many messages each fsync would have
 * to carry for the two to fit, or that raw SQLite alone does not.
 */
function storeRoomLine(nostore?: TargetResult, peer?: TargetResult, raw?: SqliteRaw): string | undefined {
  if (nostore?.cpuMicrosPerMessage === undefined || peer?.cpuMicrosPerMessage === undefined) return undefined;
  const bar = BARS.cpuVsPeer * peer.cpuMicrosPerMessage;
  const room = bar - nostore.cpuMicrosPerMessage;
  const one = (x: number) => x.toFixed(1);
  const line =
    `room for the store under the CPU bar: ${BARS.cpuVsPeer} × ${peer.name} ${one(peer.cpuMicrosPerMessage)} = ${one(bar)} µs/msg, ` +
    `less sluice's request path with no store (sluice-nostore) ${one(nostore.cpuMicrosPerMessage)} = ${one(room)} µs/msg for storing, WAL and fsync together`;
  if (!raw) return line;
  const left = room - raw.microsPerMessage;
  return (
    `${line}; raw SQLite alone (WAL, synchronous=NORMAL: no fsync; 10 inserts, then select + delete 10, per transaction; none of the store's work) ` +
    `burned ${one(raw.microsPerMessage)} µs/msg and an fdatasync ${fmtInt(Math.round(raw.fsyncMicros))} µs in this run: ` +
    (left <= 0
      ? 'raw SQLite alone needs more than the room, before any fsync'
      : `a durable store doing no more than raw SQLite would have to carry ${fmtInt(Math.ceil(raw.fsyncMicros / left))} messages in every fsync to fit`)
  );
}

export function printTable(r: ServerBenchResult): void {
  const table = [HEADER, ...rows(r)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  for (const row of table)
    console.log(
      row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
  console.log();
  if (r.loadAverage)
    console.log(
      `load average ${r.loadAverage.min.toFixed(1)}–${r.loadAverage.max.toFixed(1)} during the rounds`,
    );
  for (const line of [...r.verdicts, ELASTICMQ_REFERENCE]) console.log(line);
}

export { writeJson } from '../lib/readme.ts';

function markdown(r: ServerBenchResult): string {
  const m = r.machine;
  const c = r.config;
  return [
    START,
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node} (client and sluice), ${m.platform}` +
      (r.loadAverage
        ? `; load average ${r.loadAverage.min.toFixed(1)}–${r.loadAverage.max.toFixed(1)} during the rounds.`
        : '.'),
    '',
    `${fmtInt(c.messages)} messages per round (${c.bodyBytes}-byte bodies), each figure the median of ${c.rounds} rounds' after ${fmtInt(c.warmup)} warm-up, ` +
      `${c.loops} request loops in one @aws-sdk/client-sqs client process; each server in its own process, all up at once, their rounds alternating. ` +
      'The ceiling answers every request with a canned SendMessageBatch result (MD5 checks off for it only).',
    '',
    ...[HEADER, HEADER.map((_, i) => (i < 2 ? '---' : '---:')), ...rows(r)].map(
      (row) => `| ${row.join(' | ')} |`,
    ),
    '',
    ...r.verdicts.map((v) => `- ${v}`),
    `- ${ELASTICMQ_REFERENCE}`,
    END,
  ].join('\n');
}

export function writeReadme(path: string, r: ServerBenchResult): void {
  replaceSection(path, START, END, markdown(r));
}

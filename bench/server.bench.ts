/**
 * `npm run bench:server`: is the server ever the bottleneck, and how much CPU
 * does it burn per message? In one run, each server in its own process,
 * driven by @aws-sdk/client-sqs from this one:
 *
 *   ceiling         a canned-answer HTTP server: the SDK's own limit (sends only)
 *   sluice-file-full    sluice with the durable SQLite file store, --sync full (the default)
 *   sluice-file-normal  the same with --sync normal (BENCH_SYNC picks which of the two run)
 *   sluice-file-md5off  sluice-file-full with the client's MD5 checks off as against the ceiling:
 *                   the like-for-like row, the throughput bar
 *   sluice-memory   sluice in memory
 *   sluice-nostore  sluice's request path with the three actions answered from an array, no store:
 *                   what the server burns before storage; with it, raw SQLite's own CPU per
 *                   message is measured between the rounds (server/sqlite-floor.ts)
 *   local-aws-sqs   peer emulator, in memory (installed into bench/.peers on demand)
 *   fauxqs          peer emulator 2.x, in memory, on Node 22 (likewise)
 *
 * Per round: BENCH_SERVER_MESSAGES sent with SendMessageBatch, then received
 * (ReceiveMessage 10) and deleted (DeleteMessageBatch), BENCH_SERVER_LOOPS loops;
 * the server's CPU from /proc/PID/stat from the round's start to its next
 * round's, per message. All servers are up at once and their rounds alternate,
 * so that a shared machine's load is spread over every target alike.
 *
 * Env: BENCH_SERVER_MESSAGES (20000), BENCH_SERVER_ROUNDS (5), BENCH_SERVER_WARMUP (20000),
 * BENCH_SERVER_LOOPS (16), BENCH_BODY_BYTES (128), BENCH_SERVER_TARGETS (all, comma-separated),
 * BENCH_SYNC (full,normal: the sluice-file-<level> rows among the targets),
 * BENCH_NO_WRITE=1 (print only).
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describeHost } from './lib/machine.ts';
import { envInt, envSyncLevels, fmtInt, rate } from './lib/run.ts';
import { type CpuTimes, cpuTimes } from './server/cpu.ts';
import { client, consumePhase, createQueue, type Phase, sendPhase } from './server/load.ts';
import {
  printTable,
  type Rates,
  type ServerBenchResult,
  type TargetResult,
  verdicts,
  writeJson,
  writeReadme,
} from './server/report.ts';
import { openSqliteFloor } from './server/sqlite-floor.ts';
import { ensureServerPeers, startTarget, type Target, type TargetName } from './server/targets.ts';

const here = dirname(fileURLToPath(import.meta.url));
const config = {
  messages: envInt('BENCH_SERVER_MESSAGES', 20_000),
  rounds: Math.max(1, envInt('BENCH_SERVER_ROUNDS', 5)),
  warmup: envInt('BENCH_SERVER_WARMUP', 20_000),
  loops: envInt('BENCH_SERVER_LOOPS', 16),
  bodyBytes: envInt('BENCH_BODY_BYTES', 128),
};
const ALL: TargetName[] = [
  'ceiling',
  ...envSyncLevels().map((l) => `sluice-file-${l.toLowerCase()}` as TargetName),
  'sluice-file-md5off',
  'sluice-memory',
  'sluice-nostore',
  'local-aws-sqs',
  'fauxqs',
];
const names = (process.env.BENCH_SERVER_TARGETS?.split(',').map((s) => s.trim()) ?? ALL) as TargetName[];
const log = (line: string): void => console.log(`[bench] ${line}`);

const rates = (p: Phase): Rates => ({
  ...p,
  messagesPerSec: rate(p.messages, p.seconds),
  requestsPerSec: rate(p.requests, p.seconds),
});
const median = <T>(xs: T[], key: (x: T) => number): T =>
  [...xs].sort((a, b) => key(a) - key(b))[Math.floor((xs.length - 1) / 2)]!;

/** One round against a target: its sends (and, but for the ceiling, receives and deletes) and its CPU. */
interface Round {
  send: Rates;
  consume?: Rates;
  /** The server's CPU times when the round began. */
  start?: CpuTimes;
  /** CPU µs per message from this round's start to the next's (see cycleCpu); for the ceiling, per request during its sends. */
  cpu?: number;
}

/** A target, started and warmed, ready for rounds. */
interface Running {
  name: TargetName;
  target: Target;
  sqs: SQSClient;
  rounds: Round[];
}

/** After the last round, how long the servers may finish work they put off, before the last CPU reading. */
const SETTLE_MS = 3000;

const cannedUrl = (t: Target) => `${t.url}/000000000000/canned`;

async function start(name: TargetName): Promise<Running> {
  const target = await startTarget(name, join(here, '.data/server', name));
  const sqs = client(target.url, name !== 'ceiling' && name !== 'sluice-file-md5off');
  if (name === 'ceiling') {
    await sendPhase(sqs, cannedUrl(target), config.warmup, config.loops, config.bodyBytes);
  } else {
    const warm = await createQueue(sqs, 'bench-warmup');
    await sendPhase(sqs, warm, config.warmup, config.loops, config.bodyBytes);
    await consumePhase(sqs, warm, config.warmup, config.loops);
  }
  return { name, target, sqs, rounds: [] };
}

async function round(t: Running, r: number): Promise<void> {
  if (t.name === 'ceiling') {
    const start = cpuTimes(t.target.pid);
    const send = rates(
      await sendPhase(t.sqs, cannedUrl(t.target), config.messages, config.loops, config.bodyBytes),
    );
    // node:http's own cost of a request: the floor under every server here (see floorLine).
    const cpu = cpuMicros(cpuTimes(t.target.pid), start, send.requests).total;
    log(
      `${t.name} round ${r + 1}: send ${fmtInt(send.messagesPerSec)} msg/s, ${fmtInt(Math.round(cpu))} µs CPU/request`,
    );
    t.rounds.push({ send, cpu });
    return;
  }
  const queue = await createQueue(t.sqs, `bench-${r}`);
  const start = cpuTimes(t.target.pid);
  const send = rates(await sendPhase(t.sqs, queue, config.messages, config.loops, config.bodyBytes));
  const consume = rates(await consumePhase(t.sqs, queue, config.messages, config.loops));
  const inRound = perMessage(cpuTimes(t.target.pid), start);
  log(
    `${t.name} round ${r + 1}: send ${fmtInt(send.messagesPerSec)} msg/s, receive+delete ${fmtInt(consume.messagesPerSec)} msg/s, ${fmtInt(Math.round(inRound.total))} µs CPU/msg during the round (system ${fmtInt(Math.round(inRound.system))})`,
  );
  t.rounds.push({ send, consume, start });
}

/** CPU µs (user + system, and system alone) between two readings, per unit of `count`. */
const cpuMicros = (end: CpuTimes, start: CpuTimes, count: number) => ({
  total: ((end.user + end.system - start.user - start.system) * 1e6) / count,
  system: ((end.system - start.system) * 1e6) / count,
});
const perMessage = (end: CpuTimes, start: CpuTimes) => cpuMicros(end, start, config.messages);

/**
 * A round's CPU runs from its start to the start of the server's next round
 * (the last: to a snapshot after every round and a pause), so work a server
 * puts off until after a round (a garbage collection, a sweep, a checkpoint)
 * is charged to it while it idles through the other servers' rounds.
 */
function cycleCpu(t: Running, end: CpuTimes): void {
  t.rounds.forEach((round, i) => {
    const next = t.rounds[i + 1]?.start ?? end;
    const cycle = perMessage(next, round.start!);
    round.cpu = cycle.total;
    log(
      `${t.name} round ${i + 1}: ${fmtInt(Math.round(cycle.total))} µs CPU/msg until its next round (system ${fmtInt(Math.round(cycle.system))})`,
    );
  });
}

/**
 * Each measure's median over the rounds, on its own: the sends of the round
 * with the median send rate, the receives and deletes of the round with the
 * median receive+delete rate, the median CPU per message. (Another job's load
 * on this machine moves them apart; one "median round" for all three would
 * report whichever phase it happened to catch.)
 */
function summary(t: Running): TargetResult {
  const { name, version } = t.target;
  const send = median(t.rounds, (x) => x.send.requestsPerSec).send;
  if (t.name === 'ceiling')
    return { name, version, send, cpuMicrosPerRequest: median(t.rounds, (x) => x.cpu!).cpu };
  const consume = median(t.rounds, (x) => x.consume!.requestsPerSec).consume;
  const cpu = median(t.rounds, (x) => x.cpu!).cpu;
  return { name, version, send, consume, cpuMicrosPerMessage: cpu };
}

if (names.includes('local-aws-sqs') || names.includes('fauxqs')) ensureServerPeers(log);
// Every server runs for the whole benchmark and the rounds alternate (A B C … A B C …), so
// that another job's load on this machine falls on every target alike, not on whichever
// happened to run while it lasted; each server idles while the others are measured.
const running: Running[] = [];
const load: number[] = [loadavg()[0] ?? 0];
// With sluice-nostore (sluice's request path without a store), SQLite's own cost per message is measured too.
const sqlite = names.includes('sluice-nostore')
  ? openSqliteFloor(join(here, '.data/server/raw-sqlite'), config.messages, config.bodyBytes)
  : undefined;
const sqliteRounds: number[] = [];
const fsyncRounds: number[] = [];
try {
  for (const name of names) {
    log(`${name}: start and warm up…`);
    running.push(await start(name));
  }
  for (let r = 0; r < config.rounds; r++) {
    for (const t of running) {
      await round(t, r);
      load.push(loadavg()[0] ?? 0);
    }
    if (sqlite) {
      sqliteRounds.push(sqlite.measure());
      fsyncRounds.push(sqlite.fsync());
      log(
        `raw SQLite round ${r + 1}: ${sqliteRounds.at(-1)!.toFixed(1)} µs CPU/msg; an fdatasync ${fsyncRounds.at(-1)!.toFixed(0)} µs CPU`,
      );
    }
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  for (const t of running) if (t.name !== 'ceiling') cycleCpu(t, cpuTimes(t.target.pid));
} finally {
  sqlite?.close();
  for (const t of running) {
    t.sqs.destroy();
    await t.target.stop();
  }
}
const targets = running.map(summary);
rmSync(join(here, '.data/server'), { recursive: true, force: true });
const machine = describeHost();
const sqliteRaw = sqliteRounds.length
  ? { microsPerMessage: median(sqliteRounds, (x) => x), fsyncMicros: median(fsyncRounds, (x) => x) }
  : undefined;
const result: ServerBenchResult = {
  machine,
  config,
  loadAverage: { min: Math.min(...load), max: Math.max(...load) },
  targets,
  ...(sqliteRaw ? { sqliteRaw } : {}),
  verdicts: verdicts(targets, sqliteRaw),
};
printTable(result);
if (!process.env.BENCH_NO_WRITE) {
  writeJson(join(here, 'results/server.json'), result);
  writeReadme(join(here, 'README.md'), result);
}

/**
 * `npm run bench:latency`: waiting time — a send's acknowledgement → the
 * handler's start, per message — at 10%, 50% and 90% of each system's
 * measured maximum throughput (issue 17, part 2), in one run:
 *
 *   sluice in-process   the durable file store in this process (createClient({ store }))
 *   sluice over HTTP    a `sluice server` child process (file store), the SDK as producer
 *   BullMQ              the npm package on the local Redis (installed into bench/.peers)
 *
 * sluice runs at each sync level in BENCH_SYNC (default full,normal). Producer
 * and worker share this process, so ack and handler start are read on one clock.
 *
 * Env: BENCH_LATENCY_SECONDS (30, counted per load), BENCH_LATENCY_WARMUP (3),
 * BENCH_LATENCY_MAX_SECONDS (10), BENCH_LATENCY_LOADS (10,50,90),
 * BENCH_LATENCY_TARGETS (in-process,http,bullmq), BENCH_LATENCY_CONCURRENCY (100),
 * BENCH_LATENCY_PRODUCERS (32), BENCH_SYNC (full,normal), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379), BENCH_BODY_BYTES (128), BENCH_NO_WRITE=1 (print only).
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bullmq, ensureBullmq } from './latency/bullmq.ts';
import { Ids, paced, saturate } from './latency/pace.ts';
import {
  type LatencyBenchResult,
  type LoadResult,
  printReport,
  type SystemResult,
  verdicts,
  writeJson,
  writeReadme,
} from './latency/report.ts';
import { type System, type SystemOptions, sluiceInProcess, sluiceOverHttp } from './latency/sluice.ts';
import { Timeline } from './latency/timeline.ts';
import { describeHost } from './lib/machine.ts';
import { envInt, envIntList, envSyncLevels, fmtInt } from './lib/run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '.data/latency');
const DEFAULTS = { seconds: 30, maxSeconds: 10 };
const config = {
  seconds: envInt('BENCH_LATENCY_SECONDS', DEFAULTS.seconds),
  warmupSeconds: envInt('BENCH_LATENCY_WARMUP', 3),
  maxSeconds: Math.max(2, envInt('BENCH_LATENCY_MAX_SECONDS', DEFAULTS.maxSeconds)),
  loads: envIntList('BENCH_LATENCY_LOADS', [10, 50, 90]).map((p) => p / 100),
  concurrency: envInt('BENCH_LATENCY_CONCURRENCY', 100),
  producers: envInt('BENCH_LATENCY_PRODUCERS', 32),
  maxInFlight: 5000,
  bodyBytes: envInt('BENCH_BODY_BYTES', 128),
};
const targets = (process.env.BENCH_LATENCY_TARGETS ?? 'in-process,http,bullmq')
  .split(',')
  .map((s) => s.trim());
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string): void => console.log(`[bench] ${line}`);
const version = (JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as { version: string })
  .version;

type Open = (o: SystemOptions) => Promise<System>;
const opens: Open[] = [];
for (const sync of envSyncLevels()) {
  if (targets.includes('in-process')) opens.push((o) => sluiceInProcess(sync, o));
  if (targets.includes('http')) opens.push((o) => sluiceOverHttp(sync, o));
}
if (targets.includes('bullmq')) {
  ensureBullmq(log);
  opens.push((o) => bullmq(redisUrl, o));
}

async function measure(open: Open): Promise<SystemResult> {
  const timeline = new Timeline();
  const system = await open({
    timeline,
    dataDir,
    concurrency: config.concurrency,
    bodyBytes: config.bodyBytes,
    version,
  });
  const ids = new Ids();
  try {
    const max = await saturate(system, timeline, ids, {
      loops: config.producers,
      seconds: config.maxSeconds,
      warmupSeconds: Math.min(2, config.maxSeconds / 2),
    });
    log(`${system.name}: maximum ${fmtInt(max.perSec)} msg/s (${fmtInt(max.sent)} sent)`);
    if (max.undrained)
      throw new Error(`${system.name}: ${max.undrained} messages never started after the maximum`);
    const loads: LoadResult[] = [];
    for (const load of config.loads) {
      const rate = Math.max(1, Math.round(max.perSec * load));
      const run = await paced(system, timeline, ids, {
        rate,
        seconds: config.seconds,
        warmupSeconds: config.warmupSeconds,
        maxInFlight: config.maxInFlight,
      });
      const spans = timeline.spans(run.from, run.to);
      loads.push({
        load,
        targetPerSec: rate,
        sentPerSec: run.sentPerSec,
        heldBack: run.heldBack,
        messages: run.to - run.from,
        undrained: run.undrained,
        beforeAck: spans.beforeAck,
        ...(spans.wait ? { wait: spans.wait } : {}),
        ...(spans.sendToAck ? { sendToAck: spans.sendToAck } : {}),
        ...(spans.sendToStart ? { sendToStart: spans.sendToStart } : {}),
        ...(spans.ackToReceived ? { ackToReceived: spans.ackToReceived } : {}),
        ...(spans.receivedToStart ? { receivedToStart: spans.receivedToStart } : {}),
      });
      const w = spans.wait;
      log(
        `${system.name} @${Math.round(load * 100)}% (${fmtInt(rate)} msg/s): p50 ${w?.p50.toFixed(2)} p99 ${w?.p99.toFixed(2)} max ${w?.max.toFixed(1)} ms` +
          (run.undrained ? `, ${run.undrained} never started` : ''),
      );
    }
    return {
      name: system.name,
      version: system.version,
      maxPerSec: max.perSec,
      loads,
      duplicates: timeline.duplicates,
    };
  } finally {
    await system.close();
  }
}

rmSync(dataDir, { recursive: true, force: true });
const systems: SystemResult[] = [];
try {
  for (const open of opens) systems.push(await measure(open));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const machine = describeHost();
const result: LatencyBenchResult = {
  machine,
  config,
  quick: config.seconds < DEFAULTS.seconds || config.maxSeconds < DEFAULTS.maxSeconds,
  loadAverage: loadavg()[0] ?? 0,
  systems,
  verdicts: verdicts(systems),
};
console.log();
printReport(result);
if (!process.env.BENCH_NO_WRITE) {
  writeJson(join(here, 'results/latency.json'), result);
  writeReadme(join(here, 'README.md'), result);
  log('wrote bench/results/latency.json and bench/README.md');
}

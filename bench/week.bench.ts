/**
 * `npm run bench:week`: the field's worst week on one machine (issue 17,
 * part 1), driven the way a user runs sluice:
 *
 *   1. `sluice server --data DIR` (the durable file store, --sync BENCH_WEEK_SYNC)
 *      as a child process;
 *   2. the backlog — a quarter of BENCH_WEEK_MESSAGES, as the field's 2.8M of
 *      11.2M — sent as fast as the server takes it;
 *   3. at t = 0, `sluice scale bench/week/week-worker.ts --workers N` (the real
 *      CLI: N `sluice worker` processes, each handler awaiting 50 ms) and a
 *      producer sending the other three quarters at a steady rate;
 *   4. every BENCH_WEEK_SAMPLE_MS: the handled count (from the workers' record
 *      of ids), the queue's counts (GET /stats), each process's CPU and memory
 *      (/proc), the store's files on disk;
 *   5. once every id was handled: SIGTERM to the pool (it drains), the queue
 *      checked empty, the server stopped; the record proves each id handled
 *      (duplicates counted); the chart, the JSON and the README section.
 *
 * Env: BENCH_WEEK_MESSAGES (11200000), BENCH_WEEK_BACKLOG (a quarter of them),
 * BENCH_WEEK_RATE (1556 msg/s: the full week's arrivals in 90 minutes),
 * BENCH_WEEK_WORKERS (2), BENCH_WEEK_CONCURRENCY (250 per process),
 * BENCH_WEEK_HANDLER_MS (50), BENCH_WEEK_SYNC (full), BENCH_WEEK_SAMPLE_MS (5000),
 * BENCH_WEEK_LIMIT_MINUTES (240), BENCH_BODY_BYTES (128), BENCH_NO_WRITE=1 (print only).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import Database from '../src/store/sqlite/driver.ts';
import { describeHost } from './lib/machine.ts';
import { envInt, fmtInt } from './lib/run.ts';
import { client as sdkClient } from './server/load.ts';
import { freePort, startTarget } from './server/targets.ts';
import { childrenOf, ProcTable } from './week/procs.ts';
import { arrivals, sendAll } from './week/producer.ts';
import { HandledRecord } from './week/record.ts';
import { printReport, type Sample, type WeekResult, writeOutputs } from './week/report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dataDir = join(here, '.data/week');
const FIELD_WEEK = 11_200_000;
const messages = envInt('BENCH_WEEK_MESSAGES', FIELD_WEEK);
const syncLevel = (process.env.BENCH_WEEK_SYNC || 'full').toLowerCase();
if (syncLevel !== 'full' && syncLevel !== 'normal')
  throw new Error(`BENCH_WEEK_SYNC must be full or normal, got "${process.env.BENCH_WEEK_SYNC}"`);
const config = {
  messages,
  backlog: envInt('BENCH_WEEK_BACKLOG', Math.round(messages / 4)),
  rate: envInt('BENCH_WEEK_RATE', 1556),
  workers: envInt('BENCH_WEEK_WORKERS', 2),
  concurrency: envInt('BENCH_WEEK_CONCURRENCY', 250),
  handlerMs: envInt('BENCH_WEEK_HANDLER_MS', 50),
  sync: syncLevel,
  sampleMs: Math.max(200, envInt('BENCH_WEEK_SAMPLE_MS', 5000)),
  limitMinutes: envInt('BENCH_WEEK_LIMIT_MINUTES', 240),
  bodyBytes: envInt('BENCH_BODY_BYTES', 128),
};
if (config.backlog > messages) throw new Error('BENCH_WEEK_BACKLOG must not exceed BENCH_WEEK_MESSAGES');
const log = (line: string): void => console.log(`[week] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes of the store's files: the database, its WAL and shared memory. */
function storeBytes(dir: string): { db: number; wal: number; total: number } {
  const size = (f: string) => statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0;
  const db = size('sluice.sqlite');
  const wal = size('sluice.sqlite-wal');
  return { db, wal, total: db + wal + size('sluice.sqlite-shm') };
}

/** `sluice scale` as its own process; the JSON stats lines its workers and the pool print are kept. */
function startScale(endpoint: string, recordDir: string, healthPort: number) {
  const stats: Record<string, unknown>[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'scale',
      'bench/week/week-worker.ts',
      '--workers',
      String(config.workers),
      '--endpoint',
      endpoint,
      '--prefix',
      'week',
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        WORKER_CONCURRENCY: String(config.concurrency),
        WORKER_BATCH_SIZE: '10',
        WORKER_HEALTH_PORT: String(healthPort),
        WEEK_RECORD_DIR: recordDir,
        WEEK_HANDLER_MS: String(config.handlerMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    for (const line of text.slice(0, end + 1).split('\n')) {
      if (!line.startsWith('{"workerId"')) continue;
      try {
        stats.push({ at: performance.now(), ...(JSON.parse(line) as Record<string, unknown>) });
      } catch {
        // not a stats line after all
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stats, exited };
}

async function main(): Promise<WeekResult> {
  rmSync(dataDir, { recursive: true, force: true });
  const recordDir = join(dataDir, 'record');
  const serverDir = join(dataDir, 'server');
  mkdirSync(recordDir, { recursive: true });
  const target = await startTarget(
    config.sync === 'full' ? 'sluice-file-full' : 'sluice-file-normal',
    serverDir,
  );
  const procs = new ProcTable();
  const benchCpu0 = process.cpuUsage();
  const sqs = sdkClient(target.url);
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'week' }));
    if (!QueueUrl) throw new Error('no QueueUrl');

    log(`pre-filling the backlog: ${fmtInt(config.backlog)} messages`);
    const fillStart = performance.now();
    await sendAll(sqs, QueueUrl, 0, config.backlog, { loops: 32, bodyBytes: config.bodyBytes });
    const prefillSeconds = (performance.now() - fillStart) / 1000;
    log(
      `backlog in ${prefillSeconds.toFixed(1)} s (${fmtInt(Math.round(config.backlog / prefillSeconds))} msg/s)`,
    );
    procs.note('server', target.pid);
    const serverCpuAfterFill = procs.cpu('server');

    const record = new HandledRecord(recordDir, config.messages);
    const scale = startScale(target.url, recordDir, await freePort());
    const t0 = performance.now();
    const producer = arrivals(sqs, QueueUrl, config.backlog, config.messages, {
      rate: config.rate,
      bodyBytes: config.bodyBytes,
      maxInFlight: 64,
    });
    let producerError: unknown;
    let producerDoneAt: number | undefined;
    producer.done.then(
      () => (producerDoneAt = performance.now()),
      (e: unknown) => (producerError = e),
    );

    const samples: Sample[] = [];
    let peakDisk = storeBytes(serverDir);
    const limit = t0 + config.limitMinutes * 60_000;
    let drainedAt: number | undefined;
    for (;;) {
      await sleep(config.sampleMs);
      if (producerError !== undefined) throw producerError;
      if (scale.child.exitCode !== null) throw new Error(`sluice scale exited with ${scale.child.exitCode}`);
      record.update();
      const now = performance.now();
      const stats = (await (await fetch(`${target.url}/stats`)).json()) as {
        queues: { name: string; visible: number; inFlight: number; oldestAgeSeconds: number }[];
      };
      const q = stats.queues.find((x) => x.name === 'week');
      procs.note('server', target.pid);
      procs.note('scale', scale.child.pid!);
      for (const pid of childrenOf(scale.child.pid!, 'worker')) procs.note('worker', pid);
      const disk = storeBytes(serverDir);
      if (disk.total > peakDisk.total) peakDisk = disk;
      samples.push({
        t: (now - t0) / 1000,
        handled: record.distinct,
        duplicates: record.duplicates,
        sent: config.backlog + producer.sent(),
        visible: q?.visible ?? 0,
        inFlight: q?.inFlight ?? 0,
        oldestAgeSeconds: q?.oldestAgeSeconds ?? 0,
        cpu: { server: procs.cpu('server'), workers: procs.cpu('worker'), scale: procs.cpu('scale') },
        rss: {
          server: procs.ofRole('server').reduce((s, p) => s + p.rssBytes, 0),
          workers: procs.ofRole('worker').reduce((s, p) => s + p.rssBytes, 0),
        },
        diskBytes: disk.total,
      });
      const last = samples.at(-1)!;
      log(
        `${last.t.toFixed(0)} s: handled ${fmtInt(last.handled)} of ${fmtInt(config.messages)}, queue ${fmtInt(last.visible)} + ${fmtInt(last.inFlight)} in flight, disk ${fmtInt(Math.round(disk.total / 2 ** 20))} MiB`,
      );
      if (record.distinct >= config.messages) {
        drainedAt = now;
        break;
      }
      if (now > limit) {
        log(
          `limit of ${config.limitMinutes} min reached: stopping with ${fmtInt(config.messages - record.distinct)} not handled`,
        );
        break;
      }
    }

    // Everything was handled: the pool drains (its last acks flush), then the queue must be empty.
    for (const pid of childrenOf(scale.child.pid!, 'worker')) procs.note('worker', pid);
    procs.note('scale', scale.child.pid!);
    scale.child.kill('SIGTERM');
    const scaleExit = await scale.exited;
    record.update();
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const leftInQueue =
      Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    procs.note('server', target.pid);
    const afterDrain = storeBytes(serverDir);
    sqs.destroy();
    await target.stop();
    const afterStop = storeBytes(serverDir);
    const db = new Database(join(serverDir, 'sluice.sqlite'), { readonly: true });
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const freePages = Number(db.pragma('freelist_count', { simple: true }));
    const pages = Number(db.pragma('page_count', { simple: true }));
    db.close();
    const bench = process.cpuUsage(benchCpu0);

    return {
      machine: describeHost(),
      config,
      quick: config.messages < FIELD_WEEK,
      loadAverage: loadavg()[0] ?? 0,
      prefillSeconds,
      wallSeconds: ((drainedAt ?? performance.now()) - t0) / 1000,
      producerSeconds: producerDoneAt === undefined ? undefined : (producerDoneAt - t0) / 1000,
      complete: drainedAt !== undefined,
      handled: record.distinct,
      duplicates: record.duplicates,
      strays: record.strays,
      missing: record.missing(),
      leftInQueue,
      scaleExitCode: scaleExit,
      samples,
      statsLines: scale.stats,
      processes: [...procs.last.values()],
      cpuSeconds: {
        server: procs.cpu('server'),
        serverDuringRun: procs.cpu('server') - serverCpuAfterFill,
        workers: procs.cpu('worker'),
        scale: procs.cpu('scale'),
        bench: (bench.user + bench.system) / 1e6,
      },
      disk: {
        peak: peakDisk,
        afterDrain,
        afterStop,
        pageSize,
        pages,
        freePages,
      },
    };
  } finally {
    sqs.destroy();
    await target.stop();
  }
}

const result = await main();
rmSync(dataDir, { recursive: true, force: true });
printReport(result);
if (!process.env.BENCH_NO_WRITE) {
  writeOutputs(here, result);
  log('wrote bench/week.svg, bench/results/week.json and bench/README.md');
}
if (!result.complete || result.handled < result.config.messages) process.exitCode = 1;

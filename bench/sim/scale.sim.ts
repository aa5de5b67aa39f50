/**
 * `npm run sim:scale`: a compressed day drives the real supervisor (runScale:
 * real `sluice worker` processes) against a sluice server in this process
 * (durable SQLite file in a temp dir). Not a timed test: it runs about five
 * minutes and writes what it saw.
 *
 * The run, in order:
 *   1. server up, queue created; runScale with the scaled field policy, its
 *      observations from the server (counts over the SQS API, the age of the
 *      oldest message from GET /stats); every tick is recorded, with the
 *      processes running and serving (reported to the supervisor) next to the
 *      count asked for;
 *   2. once the pool's first worker serves, 00:00: the backlog is sent, then
 *      the day's arrivals (day.ts) until 24:00;
 *   3. the queue drains; stop() drains every process; the record the workers
 *      kept is checked against every id sent (nothing lost, duplicates counted);
 *   4. bench/scale-sim.svg, bench/results/scale-sim.json and the section of
 *      bench/README.md between the sim-scale markers are written.
 *
 * Env: SIM_NO_WRITE=1 prints only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { createLogger } from '../../src/observe/logger.ts';
import type { DecisionRecord } from '../../src/scale/autoscaler.ts';
import { parseScalePolicy } from '../../src/scale/config.ts';
import { type RunningScale, runScale } from '../../src/scale/run-scale.ts';
import { queuesObserver } from '../../src/scale/sampler.ts';
import { startServer } from '../../src/server/server.ts';
import Database from '../../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { describeMachine } from '../lib/machine.ts';
import { runLoops } from '../lib/run.ts';
import { arrivalsBy, clockOf, DAY, DAY_HOURS, FACTOR, hourAt, scaledPolicy } from './day.ts';
import { type Tick, writeOutputs } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const QUEUE = 'sim-jobs';
/** One process: CONCURRENCY messages at a time, HANDLER_MS each. */
const CONCURRENCY = 2;
const HANDLER_MS = 50;
const WORKER_RATE = (CONCURRENCY * 1000) / HANDLER_MS;
/**
 * The field's 30-s visibility timeout is 0.1 s here; SQS counts it in whole
 * seconds, so 1 s (5 simulated minutes). It matters: a message whose receive
 * a stopping worker abandons stays invisible that long, and counts as the
 * oldest message meanwhile.
 */
const VISIBILITY_SECONDS = 1;
/** A sample every 100 ms: half the scaled 0.2-s period, as 30 s is half the field's minute. */
const SAMPLE_MS = 100;
/** After 24:00, how long the queue may take to drain before the run gives up on it. */
const DRAIN_LIMIT_MS = 60_000;
const say = (line: string) => console.log(`[sim] ${line}`);

/** Sends the day's messages (bodies "m0", "m1", …) on time; `sent` counts those the server took. */
function startProducer(client: QueueClient, queueUrl: string, t0: number, signal: AbortSignal) {
  let next = 0;
  let sent = 0;
  const sendUpTo = async (due: number) => {
    await runLoops(8, async () => {
      if (next >= due) return false;
      const from = next;
      next = Math.min(due, from + 10);
      const ids = Array.from({ length: next - from }, (_, i) => from + i);
      const { Failed = [] } = await client.sendMessageBatch({
        QueueUrl: queueUrl,
        Entries: ids.map((id) => ({ Id: `e${id}`, MessageBody: `m${id}` })),
      });
      if (Failed.length > 0) throw new Error(`send refused: ${JSON.stringify(Failed[0])}`);
      sent += ids.length;
      return true;
    });
  };
  const done = (async () => {
    while (!signal.aborted) {
      const hour = hourAt((Date.now() - t0) / 1000);
      await sendUpTo(Math.floor(arrivalsBy(hour)));
      if (hour >= DAY_HOURS) break;
      await sleep(50);
    }
  })();
  return { sent: () => sent, done };
}

/** Waits until `check` is true, polling every 100 ms; false when `limitMs` passed or the run was interrupted. */
async function until(check: () => boolean, limitMs: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end || signal.aborted) return false;
    await sleep(100);
  }
  return true;
}

/** Checks the workers' record against ids 0 … sent − 1. */
function verify(recordFile: string, sent: number) {
  let lines: string[] = [];
  try {
    lines = readFileSync(recordFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    // nothing handled at all: every message counts as lost below
  }
  const seen = new Set<number>();
  const byWorker = new Map<string, number>();
  for (const line of lines) {
    const [worker = '?', body = ''] = line.split(' ');
    seen.add(Number(body.slice(1)));
    byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
  }
  let lost = 0;
  for (let id = 0; id < sent; id++) if (!seen.has(id)) lost++;
  const unknown = [...seen].filter((id) => !(id >= 0 && id < sent)).length;
  return {
    sent,
    handled: seen.size,
    handledRecords: lines.length,
    duplicates: lines.length - seen.size,
    lost,
    unknown,
    byWorker: Object.fromEntries(
      [...byWorker].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })),
    ),
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sim-'));
  const recordFile = join(dir, 'handled.txt');
  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    openStore: (baseUrl) => openSqliteStore({ path: join(dir, 'sim.sqlite'), identity: { baseUrl } }),
    log: () => {},
  });
  const client = awsClient({ endpoint: server.url, region: 'us-east-1' });
  let scale: RunningScale | undefined;
  try {
    const { QueueUrl: queueUrl } = await client.createQueue({ QueueName: QUEUE });
    const policyInput = scaledPolicy(WORKER_RATE);
    const policy = parseScalePolicy(policyInput);
    say(
      `server ${server.url}; 1 real s = ${FACTOR / 60} simulated min; policy ${JSON.stringify(policyInput)}`,
    );

    const ticks: Tick[] = [];
    const spawnedAt = new Map<number, number>();
    const servingAfterMs: number[] = [];
    /** Exits by a signal are processes stopped before their SIGTERM handler was installed. */
    const processes = { started: 0, exitedZero: 0, killedBySignal: 0, crashed: 0 };
    let producer: ReturnType<typeof startProducer> | undefined;
    let t0: number | undefined;
    const hourOf = (at: number) => (t0 === undefined ? 0 : hourAt((at - t0) / 1000));
    const onDecision = (record: DecisionRecord) => {
      const rows = scale?.pool.status() ?? [];
      const running = rows.filter((r) => r.state === 'running');
      const serving = running.filter((r) => r.rssBytes !== undefined);
      for (const r of serving) {
        const started = r.pid === undefined ? undefined : spawnedAt.get(r.pid);
        if (started === undefined || r.pid === undefined) continue;
        servingAfterMs.push(record.at - started);
        spawnedAt.delete(r.pid);
      }
      ticks.push({
        record,
        running: running.length,
        serving: serving.length,
        sent: producer?.sent() ?? 0,
        processed: scale?.pool.totals().processed ?? 0,
      });
      if (record.to !== record.from && t0 !== undefined) {
        say(`${clockOf(hourOf(record.at))} ${record.from} → ${record.to}: ${record.reason}`);
      }
    };

    scale = await runScale({
      childArgs: ['worker', join(here, 'sim-worker.ts')],
      mode: { policy, observe: queuesObserver({ client, queueUrls: [queueUrl], endpoint: server.url }) },
      log: createLogger({ level: 'warn' }),
      idPrefix: 'sim',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLUICE_ENDPOINT: server.url,
        AWS_REGION: 'us-east-1',
        WORKER_CONCURRENCY: String(CONCURRENCY),
        WORKER_BATCH_SIZE: String(CONCURRENCY),
        WORKER_VISIBILITY_TIMEOUT: String(VISIBILITY_SECONDS),
        SIM_QUEUE: QUEUE,
        SIM_RECORD_FILE: recordFile,
        SIM_HANDLER_MS: String(HANDLER_MS),
      },
      sampleIntervalMs: SAMPLE_MS,
      health: { host: '127.0.0.1', port: 0 },
      writeStats: () => {},
      onDecision,
      onEvent: (event) => {
        if (event.type === 'started') processes.started++;
        if (event.type === 'started' && event.pid !== undefined) spawnedAt.set(event.pid, Date.now());
        if (event.type === 'exited' && event.code === 0) processes.exitedZero++;
        if (event.type === 'exited' && event.signal !== null) processes.killedBySignal++;
        if (event.type === 'exited' && event.why === 'crash') processes.crashed++;
      },
      handleSignals: false,
    });
    const pool = scale.pool;
    const serving = () => pool.status().some((r) => r.state === 'running' && r.rssBytes !== undefined);
    if (!(await until(serving, 60_000, interrupted.signal))) throw new Error('no worker process came up');

    t0 = Date.now();
    const start = t0;
    producer = startProducer(client, queueUrl, t0, interrupted.signal);
    let lastHour = -1;
    const progress = setInterval(() => {
      const hour = Math.floor(hourAt((Date.now() - start) / 1000));
      const tick = ticks.at(-1);
      if (hour === lastHour || !tick) return;
      lastHour = hour;
      const s = tick.record.sample;
      say(
        `${clockOf(hour)} depth ${s.visible + s.inFlight} (in flight ${s.inFlight}), oldest ${s.oldestAgeSeconds} s; workers ${tick.record.to} asked, ${tick.running} running, ${tick.serving} serving; sent ${tick.sent}, handled ${tick.processed}`,
      );
    }, 250);
    await producer.done;
    const empty = () => {
      const s = ticks.at(-1)?.record.sample;
      return s !== undefined && s.at > Date.now() - 1000 && s.visible + s.inFlight + s.delayed === 0;
    };
    const drained = await until(empty, DRAIN_LIMIT_MS, interrupted.signal);
    say(drained ? 'queue empty' : 'the queue did not drain in time');
    // The tail: ten simulated minutes of an empty queue.
    await sleep(2000);
    clearInterval(progress);
    const endedAt = Date.now();
    await scale.stop();
    const totals = verify(recordFile, producer.sent());
    say(
      `sent ${totals.sent}, handled ${totals.handled} distinct (${totals.handledRecords} records), duplicates ${totals.duplicates}, lost ${totals.lost}`,
    );
    if (process.env.SIM_NO_WRITE === '1') return;
    const sqlite = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string };
    writeOutputs({
      benchDir: join(here, '..'),
      machine: describeMachine(sqlite.v),
      t0: start,
      endedAt,
      ticks,
      policyInput,
      worker: {
        concurrency: CONCURRENCY,
        handlerMs: HANDLER_MS,
        nominalRate: WORKER_RATE,
        visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      },
      sampleIntervalMs: SAMPLE_MS,
      servingAfterMs: {
        median: median(servingAfterMs),
        max: Math.max(0, ...servingAfterMs),
        n: servingAfterMs.length,
      },
      totals,
      processes,
      day: DAY,
    });
    say('wrote bench/scale-sim.svg, bench/results/scale-sim.json and bench/README.md');
  } finally {
    await scale?.stop();
    await client.close();
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

/**
 * `npm run bench:worker`: how fast one worker process drains a queue, in one
 * run, against the same `sluice server` (durable file store, its own process)
 * and the same number of messages (BENCH_WORKER_MESSAGES, 20,000):
 *
 *   (a) sluice, no-op handler, the store in this process (localClient)
 *   (b) sluice, no-op handler, over HTTP to sluice server (awsClient)
 *   (c) a handler that awaits 50 ms (I/O-bound, like a warehouse insert), over HTTP:
 *       sluice with concurrency 500; sqs-consumer with its defaults, and with
 *       batchSize 10; squiss-ts with maxInFlight 500.
 *
 * Slow consumers are measured over a time window (BENCH_WORKER_WINDOW_MS,
 * 20 s) instead of the whole queue: their rate over the window is what counts.
 * Env: BENCH_WORKER_MESSAGES, BENCH_WORKER_WINDOW_MS, BENCH_NO_WRITE=1.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsClient } from '../src/client/aws.ts';
import { localClient } from '../src/client/local.ts';
import type { QueueClient } from '../src/client/queue-client.ts';
import { createLogger } from '../src/observe/logger.ts';
import Database from '../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { defineWorker } from '../src/worker/define.ts';
import { startWorker } from '../src/worker/worker.ts';
import { describeMachine } from './lib/machine.ts';
import { ensurePeers, peerVersion } from './lib/peers.ts';
import { replaceSection, writeJson } from './lib/readme.ts';
import { body, envInt, fmtInt, runLoops } from './lib/run.ts';
import { startTarget } from './server/targets.ts';
import { type Drain, runSqsConsumer, runSquiss, SQUISS_VERSION } from './worker/peers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const n = envInt('BENCH_WORKER_MESSAGES', 20_000);
const windowMs = envInt('BENCH_WORKER_WINDOW_MS', 20_000);
const log = (line: string) => console.log(`[bench] ${line}`);
const quiet = createLogger({ level: 'silent' });
const sleep50 = () => new Promise<void>((r) => setTimeout(r, 50));

interface Row {
  case: string;
  consumer: string;
  processed: number;
  seconds: number;
  perSec: number;
}

async function fill(client: QueueClient, name: string): Promise<string> {
  const { QueueUrl } = await client.createQueue({ QueueName: name });
  let next = 0;
  await runLoops(16, async () => {
    if (next >= n) return false;
    const start = next;
    next += 10;
    await client.sendMessageBatch({
      QueueUrl,
      Entries: Array.from({ length: Math.min(10, n - start) }, (_, i) => ({
        Id: String(i),
        MessageBody: body(start + i, 128),
      })),
    });
    return true;
  });
  return QueueUrl;
}

/** Runs a sluice worker until `n` messages were handled (or the window closed). */
async function sluiceDrain(
  client: QueueClient,
  queue: string,
  handler: () => Promise<void>,
  concurrency: number,
) {
  let processed = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const def = defineWorker({
    queue,
    concurrency,
    handler: async () => {
      await handler();
      if (++processed === n) finish();
    },
  });
  const start = performance.now();
  const worker = startWorker(def, { client, logger: quiet });
  const timer = setTimeout(finish, windowMs * 3);
  await all;
  const seconds = (performance.now() - start) / 1000;
  clearTimeout(timer);
  await worker.stop('bench done');
  return { processed, seconds } satisfies Drain;
}

const row = (c: string, consumer: string, d: Drain): Row => ({
  case: c,
  consumer,
  processed: d.processed,
  seconds: Math.round(d.seconds * 100) / 100,
  perSec: Math.round(d.processed / d.seconds),
});

async function main(): Promise<void> {
  ensurePeers({ 'squiss-ts': SQUISS_VERSION }, log);
  const rows: Row[] = [];
  const data = join(here, '.data/worker');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });

  // (a) in-process store.
  const store = openSqliteStore({ path: join(data, 'local.sqlite') });
  const local = localClient(store);
  await fill(local, 'noop-local');
  rows.push(
    row('a', 'sluice (in-process store), no-op', await sluiceDrain(local, 'noop-local', async () => {}, 100)),
  );
  log(`(a) ${fmtInt(rows.at(-1)!.perSec)} msg/s`);
  await store.close();

  // (b) and (c) over HTTP to one sluice server process (durable file store, the default sync full).
  const server = await startTarget('sluice-file-full', join(data, 'server'));
  const http = awsClient({ endpoint: server.url, region: 'us-east-1' });
  try {
    await fill(http, 'noop-http');
    rows.push(row('b', 'sluice over HTTP, no-op', await sluiceDrain(http, 'noop-http', async () => {}, 100)));
    log(`(b) ${fmtInt(rows.at(-1)!.perSec)} msg/s`);

    const io = async (name: string, consumer: string, run: (queueUrl: string) => Promise<Drain>) => {
      const queueUrl = await fill(http, name);
      rows.push(row('c', consumer, await run(queueUrl)));
      log(`(c) ${consumer}: ${fmtInt(rows.at(-1)!.perSec)} msg/s`);
    };
    const peer = (queueUrl: string) => ({
      endpoint: server.url,
      queueUrl,
      n,
      limitMs: windowMs,
      handler: sleep50,
    });
    await io('io-sluice', 'sluice, concurrency 500', () => sluiceDrain(http, 'io-sluice', sleep50, 500));
    await io('io-sqs-consumer', 'sqs-consumer, defaults', (q) => runSqsConsumer(peer(q)));
    await io('io-sqs-consumer-10', 'sqs-consumer, batchSize 10', (q) => runSqsConsumer(peer(q), 10));
    await io('io-squiss', 'squiss-ts, maxInFlight 500', (q) => runSquiss(peer(q), 500));
  } finally {
    await http.close();
    await server.stop();
  }

  const by = (consumer: string) => rows.find((r) => r.consumer === consumer)!.perSec;
  const sluice = by('sluice, concurrency 500');
  const verdicts = [
    `(c) sluice ${fmtInt(sluice)} msg/s (target ≥ 2,000: ${sluice >= 2000 ? 'met' : 'NOT met'})`,
    `(c) sluice ÷ sqs-consumer defaults: ${(sluice / by('sqs-consumer, defaults')).toFixed(1)}× (target ≥ 10×: ${sluice >= 10 * by('sqs-consumer, defaults') ? 'met' : 'NOT met'})`,
    `(c) sluice ÷ squiss-ts: ${(sluice / by('squiss-ts, maxInFlight 500')).toFixed(2)}× (target ≥ 1×: ${sluice >= by('squiss-ts, maxInFlight 500') ? 'met' : 'NOT met'})`,
    `(a) sluice in-process no-op: ${fmtInt(by('sluice (in-process store), no-op'))} msg/s (target ≥ 20,000: ${by('sluice (in-process store), no-op') >= 20000 ? 'met' : 'NOT met'})`,
  ];
  console.table(rows);
  for (const v of verdicts) console.log(v);

  if (process.env.BENCH_NO_WRITE) return;
  const sqlite = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string };
  const machine = describeMachine(sqlite.v);
  const result = {
    machine,
    messages: n,
    windowMs,
    versions: { 'sqs-consumer': packageVersion('sqs-consumer'), 'squiss-ts': peerVersion('squiss-ts') },
    rows,
    verdicts,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeJson(join(here, 'results/worker.json'), result);
  const table = [
    '| case | consumer | messages | seconds | msg/s |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.case} | ${r.consumer} | ${fmtInt(r.processed)} | ${r.seconds} | ${fmtInt(r.perSec)} |`,
    ),
  ];
  replaceSection(
    join(here, 'README.md'),
    '<!-- worker-bench:start -->',
    '<!-- worker-bench:end -->',
    [
      '<!-- worker-bench:start -->',
      `Run on ${machine.date.slice(0, 10)}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; sqs-consumer ${result.versions['sqs-consumer']}, squiss-ts ${result.versions['squiss-ts']}.`,
      '',
      `${fmtInt(n)} messages per case (128-byte bodies); consumers slower than the whole queue allows are measured over a ${windowMs / 1000}-s window. One sluice server process (durable file store) for (b) and (c).`,
      '',
      ...table,
      '',
      ...verdicts.map((v) => `- ${v}`),
      '<!-- worker-bench:end -->',
    ].join('\n'),
  );
  log('wrote bench/results/worker.json and bench/README.md');
}

function packageVersion(name: string): string {
  const path = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

await main();
process.exit(0);

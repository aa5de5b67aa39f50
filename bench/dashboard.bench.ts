/**
 * The dashboard at depth: `npm run bench:dashboard`.
 *
 * A real `sluice server` (file store, WAL) with one queue of BENCH_DEPTH
 * messages (default 1,000,000; JSON bodies of ~128 bytes, a tenant attribute)
 * plus 20 small queues, and its dashboard's JSON API asked over HTTP, as the
 * page asks it. Each request is timed BENCH_TRIES times (default 9) after one
 * untimed warm-up; the median is the result, min and max beside it (the
 * machine is shared and noisy). The bars: the overview (GET /api/queues)
 * under 200 ms, a body search under 500 ms. A body search that matches one
 * message near the end of the queue reads every row: that is the worst case,
 * and the one the bar is held to.
 *
 * Also measured in the same run: the queue page's numbers, the first page of
 * the browser, a common body search, counting a search's matches, an
 * attribute search, the 24 h history, and a history sample (the server takes
 * one a minute; it holds the store's group commit while it counts).
 *
 * Env: BENCH_DEPTH, BENCH_TRIES, BENCH_NO_WRITE=1 (print only).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/server/server.ts';
import Database from '../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { describeMachine, type Machine } from './lib/machine.ts';
import { replaceSection, writeJson } from './lib/readme.ts';
import { envInt, fmtInt, runLoops, timed } from './lib/run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '.data', `dashboard-${process.pid}`);
const depth = envInt('BENCH_DEPTH', 1_000_000);
const tries = Math.max(1, envInt('BENCH_TRIES', 9));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Measure {
  name: string;
  request: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** What the answer held, to show the request did its work. */
  answer: string;
  bar?: { ms: number; met: boolean };
}

interface DashboardBenchResult {
  machine: Machine;
  config: { depth: number; tries: number; smallQueues: number };
  fillSeconds: number;
  measures: Measure[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const server = await startServer({
    port: 0,
    log: () => {},
    openStore: (baseUrl) => openSqliteStore({ path: join(dataDir, 'sluice.sqlite'), identity: { baseUrl } }),
  });
  try {
    const store = server.store;
    const { QueueUrl: dlq } = await store.createQueue({ QueueName: 'jobs-dlq' });
    const { QueueUrl: jobs } = await store.createQueue({
      QueueName: 'jobs',
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq',
          maxReceiveCount: 5,
        }),
      },
    });
    const smallQueues = 20;
    for (let i = 0; i < smallQueues; i++) {
      const { QueueUrl } = await store.createQueue({ QueueName: `small-${i}` });
      await store.sendMessage({ QueueUrl, MessageBody: `{"n":${i}}` });
    }
    await store.sendMessage({ QueueUrl: dlq, MessageBody: '{"dead":true}' });

    // The needle sits near the end: a search for it reads (almost) every row.
    const needleAt = depth - 10;
    const bodyOf = (i: number) =>
      JSON.stringify({
        order: i,
        customer: i === needleAt ? 'needle-ana' : `customer-${i % 5000}`,
        items: [{ sku: `sku-${i % 997}`, qty: 1 + (i % 5) }],
        note: 'x'.repeat(24),
      });
    let next = 0;
    const fillSeconds = await timed(() =>
      runLoops(64, async () => {
        if (next >= depth) return false;
        const from = next;
        next = Math.min(depth, next + 10);
        await store.sendMessageBatch({
          QueueUrl: jobs,
          Entries: Array.from({ length: next - from }, (_, k) => ({
            Id: String(k),
            MessageBody: bodyOf(from + k),
            MessageAttributes: {
              tenant: { DataType: 'String', StringValue: (from + k) % 2 ? 'acme' : 'globex' },
            },
          })),
        });
        return true;
      }),
    );
    log(`filled jobs with ${fmtInt(depth)} messages in ${fillSeconds.toFixed(1)} s`);
    // Some in flight, and a few samples of history.
    for (let i = 0; i < 10; i++) await store.receiveMessage({ QueueUrl: jobs, MaxNumberOfMessages: 10 });
    for (let i = 0; i < 3; i++) await store.recordHistory();

    const api = (path: string) => async () => {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const measures: Measure[] = [];
    const measure = async (
      name: string,
      request: string,
      run: () => Promise<Record<string, unknown> | undefined>,
      describe: (answer: Record<string, unknown> | undefined) => string,
      barMs?: number,
    ) => {
      let answer = await run(); // warm-up, untimed
      const times: number[] = [];
      for (let i = 0; i < tries; i++) {
        const start = performance.now();
        answer = await run();
        times.push(performance.now() - start);
      }
      const m: Measure = {
        name,
        request,
        medianMs: Math.round(median(times)),
        minMs: Math.round(Math.min(...times)),
        maxMs: Math.round(Math.max(...times)),
        answer: describe(answer),
      };
      if (barMs !== undefined) m.bar = { ms: barMs, met: m.medianMs < barMs };
      measures.push(m);
      log(`${name}: median ${m.medianMs} ms (min ${m.minMs}, max ${m.maxMs}) — ${m.answer}`);
    };
    type Q = { name: string; visible: number; inFlight: number }[];
    type Ms = { messages: { body: string }[] };
    const count = (a: Record<string, unknown> | undefined) => {
      const n = (a as Ms).messages.length;
      return `${n} ${n === 1 ? 'message' : 'messages'}`;
    };

    await measure(
      'overview',
      'GET /api/queues',
      api('/api/queues'),
      (a) => {
        const q = (a!.queues as Q).find((x) => x.name === 'jobs')!;
        return `${(a!.queues as Q).length} queues; jobs: ${fmtInt(q.visible)} visible, ${q.inFlight} in flight`;
      },
      200,
    );
    await measure(
      'body search, one match near the end',
      'GET /api/queues/jobs/messages?body=needle-ana',
      api('/api/queues/jobs/messages?body=needle-ana'),
      (a) => `${count(a)}; order ${JSON.parse((a as Ms).messages[0]!.body).order}`,
      500,
    );
    await measure(
      'queue page numbers',
      'GET /api/queues/jobs',
      api('/api/queues/jobs'),
      () => 'counts and attributes',
    );
    await measure(
      'browser, first page',
      'GET /api/queues/jobs/messages?limit=50',
      api('/api/queues/jobs/messages?limit=50'),
      count,
    );
    await measure(
      'body search, common text',
      'GET /api/queues/jobs/messages?body=customer-42',
      api('/api/queues/jobs/messages?body=customer-42'),
      count,
    );
    await measure(
      'count of a body search',
      'GET /api/queues/jobs/messages/count?body=needle-ana',
      api('/api/queues/jobs/messages/count?body=needle-ana'),
      (a) => `count ${a!.count}`,
    );
    await measure(
      'attribute search',
      'GET /api/queues/jobs/messages?attr=tenant%3Dacme',
      api('/api/queues/jobs/messages?attr=tenant%3Dacme'),
      count,
    );
    await measure(
      'history, 24 h',
      'GET /api/queues/jobs/history?range=24h',
      api('/api/queues/jobs/history?range=24h'),
      (a) => `${(a!.points as unknown[]).length} points`,
    );
    await measure(
      'history sample (every minute)',
      'store.recordHistory()',
      async () => {
        await store.recordHistory();
        return undefined;
      },
      () => `${smallQueues + 2} queues sampled`,
    );

    const db = new Database(':memory:');
    const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    db.close();
    const result: DashboardBenchResult = {
      machine: describeMachine(sqlite),
      config: { depth, tries, smallQueues },
      fillSeconds,
      measures,
    };
    const table = tableOf(result);
    console.log(`\n${table}`);
    if (process.env.BENCH_NO_WRITE !== '1') {
      writeJson(join(here, 'results', 'dashboard.json'), result);
      replaceSection(
        join(here, 'README.md'),
        '<!-- dashboard-bench:start -->',
        '<!-- dashboard-bench:end -->',
        `<!-- dashboard-bench:start -->\n${table}\n<!-- dashboard-bench:end -->`,
      );
      log('wrote bench/results/dashboard.json and bench/README.md');
    }
  } finally {
    await server.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function tableOf(r: DashboardBenchResult): string {
  const m = r.machine;
  return [
    `Run on ${m.date.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, better-sqlite3 ${m.betterSqlite3} (SQLite ${m.sqlite}), ${m.platform}.`,
    '',
    `${fmtInt(r.config.depth)} messages in \`jobs\` (filled in ${r.fillSeconds.toFixed(1)} s), ${r.config.smallQueues} small queues besides; each request timed ${r.config.tries} times over HTTP after one warm-up.`,
    '',
    '| what | request | median ms | min | max | bar | answer |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...r.measures.map(
      (x) =>
        `| ${x.name} | \`${x.request}\` | ${x.medianMs} | ${x.minMs} | ${x.maxMs} | ${x.bar ? `< ${x.bar.ms} ms: ${x.bar.met ? 'met' : '**missed**'}` : ''} | ${x.answer} |`,
    ),
  ].join('\n');
}

await main();

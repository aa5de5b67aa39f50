/**
 * The PostgreSQL row of `npm run bench:store`: the PostgreSQL store's message
 * lifecycle (sendMessageBatch of 10; receiveMessage 10 + deleteMessageBatch)
 * with one server and with two servers on the same database, beside
 * graphile-worker (installed on demand into bench/.peers, never a dependency)
 * processing no-op jobs on the same PostgreSQL in the same run. Each system
 * gets a database of its own, created and dropped here.
 *
 * "Two servers" are two stores (two pools, two LISTEN connections) in this
 * process, the load split between them: the database sees two servers; the
 * CPU of both is this process's. CPU per message: this process's user+system
 * time, and every `postgres` process's (from /proc), over the phase.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { ensurePeers, peerPath } from '../lib/peers.ts';
import { rate, runLoops } from '../lib/run.ts';
import type { ServerThreadCommand, ServerThreadData } from './postgres-server-thread.ts';

export const GRAPHILE_WORKER = '0.17.3';

export interface PgBenchConfig {
  adminUrl: string;
  messages: number;
  concurrency: number;
  bodyBytes: number;
}

export interface PgRow {
  system: string;
  messages: number;
  sendPerSec: number;
  receiveDeletePerSec: number;
  lifecyclePerSec: number;
  /** CPU ms per 1000 messages, this process (the server(s) or the worker). */
  appCpuMsPer1k: number;
  /** CPU ms per 1000 messages, all postgres processes. */
  pgCpuMsPer1k: number;
}

const CLK_TCK = 100;

/** User+system CPU ms of each postgres process of this machine, by pid. */
function postgresCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(pid), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * The PostgreSQL processes that work for the system under test: the backends
 * connected to its database (autovacuum's included) and the server's shared
 * writers. Backends of other databases (other jobs on a shared machine) are
 * left out.
 */
async function ourPostgresPids(url: string): Promise<Set<number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE (datname = current_database() AND pid <> pg_backend_pid())
         OR backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher')`,
    );
    return new Set(rows.map((r) => r.pid));
  } finally {
    await c.end();
  }
}

/** CPU per 1,000 messages of this process and of `url`'s PostgreSQL processes, from now to the call. */
function cpuMeter(url: string) {
  const app = process.cpuUsage();
  const before = postgresCpuMs();
  return async (messages: number) => {
    const used = process.cpuUsage(app);
    const pids = await ourPostgresPids(url);
    let pgMs = 0;
    for (const [pid, ms] of postgresCpuMs()) if (pids.has(pid)) pgMs += ms - (before.get(pid) ?? 0);
    return {
      appCpuMsPer1k: Math.round(((used.user + used.system) / 1000 / messages) * 1000),
      pgCpuMsPer1k: Math.round((pgMs / messages) * 1000),
    };
  };
}

async function withDatabase<R>(adminUrl: string, fn: (url: string) => Promise<R>): Promise<R> {
  const name = `sluice_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * A worker thread running a TypeScript file: tsx's loader is registered in
 * the thread first (Node 20's workers do not take `--import` hooks for their
 * entry module).
 */
function tsWorker(file: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * The store's lifecycle with `servers` servers on one database: each a worker
 * thread with its own store (postgres-server-thread.ts), the loops split
 * between them, all started at once. App CPU is this process's, all threads.
 */
export function storeRow(config: PgBenchConfig, servers: number): Promise<PgRow> {
  return withDatabase(config.adminUrl, async (url) => {
    const setup = await openPostgresStore({ connectionString: url, poolSize: 2 });
    const { QueueUrl } = await setup.createQueue({ QueueName: 'bench' });
    await setup.close();
    const consumed = new SharedArrayBuffer(4);
    const counter = new Int32Array(consumed);
    const loops = Math.ceil(config.concurrency / servers);
    const threads: Worker[] = [];
    const answer = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    try {
      for (let i = 0; i < servers; i++) {
        const data: ServerThreadData = {
          url,
          queueUrl: QueueUrl,
          loops,
          bodyBytes: config.bodyBytes,
          poolSize: loops + 2,
          consumed,
        };
        const w = tsWorker(new URL('./postgres-server-thread.ts', import.meta.url), data);
        threads.push(w);
        await answer(w);
      }
      let seq = 0;
      const all = (command: (i: number) => ServerThreadCommand) =>
        Promise.all(
          threads.map((w, i) => {
            const done = answer(w);
            w.postMessage(command(i));
            return done;
          }),
        );
      const phase = async (n: number) => {
        const share = Math.ceil(n / servers);
        const first = seq;
        seq += n;
        const t0 = performance.now();
        await all((i) => ({
          phase: 'send',
          messages: Math.max(0, Math.min(share, n - i * share)),
          firstSeq: first + i * share,
        }));
        const t1 = performance.now();
        Atomics.store(counter, 0, 0);
        await all(() => ({ phase: 'consume', messages: n }));
        return { t0, t1, t2: performance.now() };
      };
      await phase(Math.min(5000, config.messages));
      const cpu = cpuMeter(url);
      const { t0, t1, t2 } = await phase(config.messages);
      const n = config.messages;
      return {
        system:
          servers === 1 ? 'sluice PostgreSQL store, 1 server' : `sluice PostgreSQL store, ${servers} servers`,
        messages: n,
        sendPerSec: rate(n, (t1 - t0) / 1000),
        receiveDeletePerSec: rate(n, (t2 - t1) / 1000),
        lifecyclePerSec: rate(n, (t2 - t0) / 1000),
        ...(await cpu(n)),
      };
    } finally {
      await Promise.all(
        threads.map(async (w) => {
          // A thread that failed is not waited for.
          const closed = answer(w).catch(() => {});
          w.postMessage({ phase: 'close' });
          await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
          await w.terminate();
        }),
      );
    }
  });
}

interface GraphileRunner {
  events: { on(event: string, fn: () => void): void };
  stop(): Promise<void>;
}
interface GraphileWorkerModule {
  Logger: new (factory: () => (level: string, message: string) => void) => unknown;
  run(options: Record<string, unknown>): Promise<GraphileRunner>;
  makeWorkerUtils(options: Record<string, unknown>): Promise<{
    migrate(): Promise<void>;
    addJobs(jobs: { identifier: string; payload: unknown }[]): Promise<unknown>;
    release(): Promise<void>;
  }>;
}

/**
 * graphile-worker: add `messages` no-op jobs (batches of 10, as the store's
 * sends), then work them off with a runner of the same concurrency: with its
 * defaults (one job per fetch and per completion, as its own perf test runs
 * it), or `tuned`: a local queue of 500 jobs per fetch and completions
 * batched, its fastest setting for no-op jobs.
 */
export function graphileRow(
  config: PgBenchConfig,
  log: (line: string) => void,
  tuned: boolean,
): Promise<PgRow> {
  ensurePeers({ 'graphile-worker': GRAPHILE_WORKER }, log);
  const require = createRequire(peerPath('graphile-worker', 'package.json'));
  const gw = require(peerPath('graphile-worker')) as GraphileWorkerModule;
  return withDatabase(config.adminUrl, async (connectionString) => {
    // One pool of ours for the worker and its utils, ended before the database is dropped.
    const pgPool = new pg.Pool({ connectionString, max: config.concurrency + 4 });
    pgPool.on('error', () => {});
    const logger = new gw.Logger(() => () => {});
    const utils = await gw.makeWorkerUtils({ pgPool, logger });
    await utils.migrate();
    const phase = async (n: number) => {
      let left = n;
      const t0 = performance.now();
      await runLoops(config.concurrency, async () => {
        if (left <= 0) return false;
        const k = Math.min(10, left);
        left -= k;
        await utils.addJobs(Array.from({ length: k }, (_, i) => ({ identifier: 'noop', payload: { i } })));
        return true;
      });
      const t1 = performance.now();
      let done = 0;
      let finish = () => {};
      const finished = new Promise<void>((r) => {
        finish = r;
      });
      const runner = await gw.run({
        pgPool,
        concurrency: config.concurrency,
        noHandleSignals: true,
        pollInterval: 100,
        ...(tuned
          ? {
              preset: {
                worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
              },
            }
          : {}),
        taskList: { noop: async () => {} },
        // Silent: logging every job would measure the console.
        logger,
      });
      runner.events.on('job:success', () => {
        if (++done === n) finish();
      });
      await finished;
      const t2 = performance.now();
      await runner.stop();
      return { t0, t1, t2 };
    };
    try {
      await phase(Math.min(5000, config.messages));
      const cpu = cpuMeter(connectionString);
      const { t0, t1, t2 } = await phase(config.messages);
      const n = config.messages;
      return {
        system: `graphile-worker ${GRAPHILE_WORKER} (no-op jobs${tuned ? ', local queue 500, batched completions' : ', defaults'})`,
        messages: n,
        sendPerSec: rate(n, (t1 - t0) / 1000),
        receiveDeletePerSec: rate(n, (t2 - t1) / 1000),
        lifecyclePerSec: rate(n, (t2 - t0) / 1000),
        ...(await cpu(n)),
      };
    } finally {
      await utils.release();
      await pgPool.end();
    }
  });
}

export const PG_START = '<!-- store-pg-bench:start -->';
export const PG_END = '<!-- store-pg-bench:end -->';

export interface PgBenchResult {
  machine: unknown;
  config: Omit<PgBenchConfig, 'adminUrl'> & { quick: boolean; postgres: string; rounds: number };
  rows: PgRow[];
  /** The PostgreSQL store's lifecycle (1 server) ÷ graphile-worker's jobs worked/s, defaults (the bar: ≥ 0.75). */
  storeVsGraphile: number;
  /** The same ÷ graphile-worker tuned (local queue, batched completions). */
  storeVsGraphileTuned: number;
  /** The same ÷ graphile-worker's add-and-work rate (jobs ÷ (add time + work time), as the store's lifecycle). */
  storeVsGraphileLifecycle: number;
}

export function pgMarkdown(r: PgBenchResult): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const lines = [
    PG_START,
    `### PostgreSQL store${r.config.quick ? ' (quick run)' : ''}`,
    '',
    `${fmt(r.config.messages)} messages per system after a warm-up, ${r.config.bodyBytes}-byte bodies, ${r.config.concurrency} concurrent loops; ${r.config.postgres}; the median of ${r.config.rounds} rounds, each running every system once (order rotating), each in a new database. Rates are messages (jobs) per second; CPU in ms per 1,000 messages: this process, and the PostgreSQL processes working for the system's database (its backends, autovacuum, the WAL writer, checkpointer and background writer).`,
    '',
    '| system | send/s | receive+delete/s (jobs worked/s) | lifecycle/s | CPU app ms/1k | CPU PostgreSQL ms/1k |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (x) =>
        `| ${x.system} | ${fmt(x.sendPerSec)} | ${fmt(x.receiveDeletePerSec)} | ${fmt(x.lifecyclePerSec)} | ${fmt(x.appCpuMsPer1k)} | ${fmt(x.pgCpuMsPer1k)} |`,
    ),
    '',
    `- PostgreSQL store (1 server) lifecycle ÷ graphile-worker jobs worked/s (defaults, as its perf test runs): ${Math.round(r.storeVsGraphile * 100)}% (target ≥ 75%: ${r.storeVsGraphile >= 0.75 ? 'met' : 'not met'})`,
    `- the same ÷ graphile-worker tuned (local queue of 500, completions batched): ${Math.round(r.storeVsGraphileTuned * 100)}%`,
    `- the same ÷ graphile-worker's add-and-work rate (defaults; jobs ÷ (add + work time), measured as the store's lifecycle): ${Math.round(r.storeVsGraphileLifecycle * 100)}%`,
    '- graphile-worker adds its jobs with `addJobs` in batches of 10 from the same number of loops, then a runner with that concurrency works them off; the store sends with `sendMessageBatch` of 10, then receives 10 and deletes them with `deleteMessageBatch`. "Jobs worked/s" counts the work only, not the adding: the store\'s lifecycle rate counts both.',
    '- Each server is a worker thread with a store of its own (its pools, its LISTEN connection, its event loop), the loops split between them, all started at once; app CPU is the whole process (every thread).',
    PG_END,
  ];
  return lines.join('\n');
}

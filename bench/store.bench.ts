/**
 * `npm run bench:store`: the store against the raw SQLite ceiling, at several
 * queue depths, in one run (the machine is shared and noisy; only ratios within
 * one run mean much).
 *
 * For each depth in BENCH_SIZES (default 0,1000000,3000000):
 *   raw:   insert 10 rows per transaction; select 10 oldest visible + delete them per transaction.
 *   store: sendMessageBatch of 10; receiveMessage(10) + deleteMessageBatch; BENCH_CONCURRENCY loops.
 *   sync:  the store at each of BENCH_SYNC's levels (default full,normal), rounds alternating;
 *          the ratios to raw use NORMAL, the raw ceiling's own level.
 * Each phase moves BENCH_MESSAGES messages, BENCH_ROUNDS times after BENCH_WARMUP messages of
 * warm-up; the round with the median lifecycle rate is reported. The lifecycle rate is
 * messages ÷ (send time + receive-and-delete time).
 *
 * Then the PostgreSQL row (store/postgres.ts): the PostgreSQL store with one and two servers beside
 * graphile-worker, on BENCH_PG (default postgres://postgres@127.0.0.1:5432/test; `off` skips it).
 * BENCH_ONLY=postgres runs that row alone.
 *
 * Env: BENCH_SIZES, BENCH_MESSAGES (50000), BENCH_ROUNDS (3), BENCH_WARMUP (10000), BENCH_CONCURRENCY (16),
 * BENCH_FILL_CONCURRENCY (64), BENCH_BODY_BYTES (128), BENCH_SYNC (full,normal), BENCH_NO_WRITE=1 (print only).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { describeMachine } from './lib/machine.ts';
import { replaceSection } from './lib/readme.ts';
import { envInt, envIntList, envSyncLevels, fmtInt, rate } from './lib/run.ts';
import { type LoadTarget, measureStore, sendMany } from './store/load.ts';
import {
  graphileRow,
  PG_END,
  PG_START,
  type PgBenchResult,
  type PgRow,
  pgMarkdown,
  storeRow,
} from './store/postgres.ts';
import { openRawBench, type PhaseResult, type RawDriver, rawDrivers, STORE_PRAGMAS } from './store/raw.ts';
import { printTable, type StoreBenchResult, type StoreRun, writeJson, writeReadme } from './store/report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '.data');

const config = {
  sizes: [...new Set(envIntList('BENCH_SIZES', [0, 1_000_000, 3_000_000]))].sort((a, b) => a - b),
  messagesPerPhase: envInt('BENCH_MESSAGES', 50_000),
  warmup: envInt('BENCH_WARMUP', 10_000),
  rounds: Math.max(1, envInt('BENCH_ROUNDS', 3)),
  concurrency: envInt('BENCH_CONCURRENCY', 16),
  fillConcurrency: envInt('BENCH_FILL_CONCURRENCY', 64),
  bodyBytes: envInt('BENCH_BODY_BYTES', 128),
  syncs: envSyncLevels(),
  pragmas: STORE_PRAGMAS,
};
if (config.sizes[0] !== 0) config.sizes.unshift(0);
const deepest = config.sizes[config.sizes.length - 1] ?? 0;

const log = (line: string): void => console.log(`[bench] ${line}`);

/** The round with the median lifecycle rate: one noisy round (the machine is shared) does not decide. */
function median(rounds: PhaseResult[]): PhaseResult {
  const sorted = [...rounds].sort((a, b) => a.lifecyclePerSec - b.lifecyclePerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * The raw ceiling on each driver. With more than one, their rounds alternate
 * (A B A B …) at each depth, so a noisy minute on the shared machine falls on
 * both and the ratio between them stays fair.
 */
function runRaw(drivers: readonly RawDriver[]): { results: PhaseResult[]; sqliteVersion: string }[] {
  const benches = drivers.map((driver) => ({
    driver,
    raw: openRawBench(join(dataDir, `raw-${driver.replace(/\W/g, '')}.db`), config.bodyBytes, driver),
    rounds: [] as PhaseResult[],
    results: [] as PhaseResult[],
  }));
  let queued = 0;
  for (const size of config.sizes) {
    for (const b of benches) {
      if (size > queued) {
        const s = b.raw.fill(size - queued);
        log(`raw (${b.driver}) pre-fill ${fmtInt(queued)} → ${fmtInt(size)}: ${s.toFixed(1)} s`);
      }
      b.raw.measure(config.warmup, size);
      b.rounds = [];
    }
    queued = size;
    for (let i = 0; i < config.rounds; i++)
      for (const b of benches) b.rounds.push(b.raw.measure(config.messagesPerPhase, size));
    for (const b of benches) {
      const r = median(b.rounds);
      log(`raw (${b.driver}) @${fmtInt(size)}: lifecycle ${fmtInt(r.lifecyclePerSec)}/s`);
      b.results.push(r);
    }
  }
  return benches.map((b) => {
    const { sqliteVersion } = b.raw;
    b.raw.close();
    return { results: b.results, sqliteVersion };
  });
}

interface StoreUnderTest extends StoreRun {
  target: LoadTarget;
  close(): Promise<void>;
  rounds: PhaseResult[];
}

/**
 * The store at each sync level (BENCH_SYNC), one file each. At each depth every
 * store is pre-filled and warmed, then their rounds alternate (A B A B …), so a
 * noisy minute on the shared machine falls on all of them.
 */
async function runStores(): Promise<StoreRun[]> {
  const stores: StoreUnderTest[] = [];
  for (const sync of config.syncs) {
    const store = openSqliteStore({
      path: join(dataDir, `store-${sync.toLowerCase()}.db`),
      synchronous: sync,
    });
    const { QueueUrl } = await store.createQueue({ QueueName: 'bench' });
    stores.push({
      sync,
      target: { store, queueUrl: QueueUrl, bodyBytes: config.bodyBytes, seq: 0 },
      close: () => store.close(),
      results: [],
      fills: [],
      rounds: [],
    });
  }
  const label = (s: StoreUnderTest) => `store (sync ${s.sync.toLowerCase()})`;
  let queued = 0;
  try {
    for (const size of config.sizes) {
      for (const s of stores) {
        if (size > queued) {
          const start = performance.now();
          await sendMany(s.target, size - queued, config.fillConcurrency);
          const seconds = (performance.now() - start) / 1000;
          s.fills.push({ from: queued, to: size, seconds, perSec: rate(size - queued, seconds) });
          log(`${label(s)} pre-fill ${fmtInt(queued)} → ${fmtInt(size)}: ${seconds.toFixed(1)} s`);
        }
        const [stats] = await s.target.store.stats('bench');
        if (stats?.visible !== size)
          throw new Error(`expected ${size} visible messages, stats say ${stats?.visible}`);
        await measureStore(s.target, config.warmup, size, config.concurrency);
        s.rounds = [];
      }
      queued = size;
      for (let i = 0; i < config.rounds; i++)
        for (const s of stores)
          s.rounds.push(await measureStore(s.target, config.messagesPerPhase, size, config.concurrency));
      for (const s of stores) {
        const r = median(s.rounds);
        log(`${label(s)} @${fmtInt(size)}: lifecycle ${fmtInt(r.lifecyclePerSec)}/s`);
        s.results.push(r);
      }
    }
  } finally {
    for (const s of stores) await s.close();
  }
  return stores.map(({ sync, results, fills }) => ({ sync, results, fills }));
}

/** The PostgreSQL row: the store with one and two servers, and graphile-worker, on one PostgreSQL. */
async function runPostgres(): Promise<void> {
  const adminUrl = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (adminUrl === 'off') return;
  const pgConfig = {
    adminUrl,
    messages: envInt('BENCH_PG_MESSAGES', config.messagesPerPhase),
    concurrency: config.concurrency,
    bodyBytes: config.bodyBytes,
  };
  const rounds = Math.max(1, envInt('BENCH_PG_ROUNDS', 3));
  // Every system once per round, the order rotating, so that the machine's noise falls on all of them.
  const systems: { name: string; run: () => Promise<PgRow>; key: (r: PgRow) => number }[] = [
    { name: 'store, 1 server', run: () => storeRow(pgConfig, 1), key: (r) => r.lifecyclePerSec },
    { name: 'store, 2 servers', run: () => storeRow(pgConfig, 2), key: (r) => r.lifecyclePerSec },
    {
      name: 'graphile defaults',
      run: () => graphileRow(pgConfig, log, false),
      key: (r) => r.receiveDeletePerSec,
    },
    {
      name: 'graphile tuned',
      run: () => graphileRow(pgConfig, log, true),
      key: (r) => r.receiveDeletePerSec,
    },
  ];
  const runs: PgRow[][] = systems.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < systems.length; k++) {
      const i = (k + round) % systems.length;
      const row = await systems[i]!.run();
      log(
        `round ${round + 1}: ${row.system}: lifecycle ${fmtInt(row.lifecyclePerSec)}/s, worked ${fmtInt(row.receiveDeletePerSec)}/s`,
      );
      runs[i]!.push(row);
    }
  const median = (i: number) => {
    const sorted = [...runs[i]!].sort((a, b) => systems[i]!.key(a) - systems[i]!.key(b));
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const rows = systems.map((_, i) => median(i));
  const [one, , graphile, tuned] = rows as [PgRow, PgRow, PgRow, PgRow];
  const { messages, concurrency, bodyBytes } = pgConfig;
  const result: PgBenchResult = {
    machine: describeMachine(''),
    config: {
      messages,
      concurrency,
      bodyBytes,
      rounds,
      quick: process.env.BENCH_QUICK === '1',
      postgres: `PostgreSQL ${await postgresVersion(adminUrl)} on this machine`,
    },
    rows,
    storeVsGraphile: one.lifecyclePerSec / graphile.receiveDeletePerSec,
    storeVsGraphileTuned: one.lifecyclePerSec / tuned.receiveDeletePerSec,
    storeVsGraphileLifecycle: one.lifecyclePerSec / graphile.lifecyclePerSec,
  };
  console.log(pgMarkdown(result));
  if (process.env.BENCH_NO_WRITE !== '1') {
    writeJson(join(here, 'results', 'store-postgres.json'), result);
    replaceSection(join(here, 'README.md'), PG_START, PG_END, pgMarkdown(result));
    log('wrote bench/results/store-postgres.json and bench/README.md');
  }
}

async function postgresVersion(url: string): Promise<string> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v.split(' ')[0] ?? '?';
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'postgres') return runPostgres();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  try {
    log(
      `sizes ${config.sizes.map(fmtInt).join(', ')}; ${fmtInt(config.messagesPerPhase)} messages per phase`,
    );
    // node:sqlite too, where this Node has it: the same raw statements, to compare the drivers.
    const available = rawDrivers();
    const raws = runRaw(available.map((d) => d.driver));
    const raw = raws[0]!;
    const drivers = available.map(({ label }, i) => ({
      label,
      sqlite: raws[i]!.sqliteVersion,
      results: raws[i]!.results,
    }));
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const stores = await runStores();
    // The ratios are judged like for like: the store at the raw ceiling's own level (NORMAL) where measured.
    const store = stores.find((s) => s.sync === 'NORMAL') ?? stores[0]!;
    const at = (rs: PhaseResult[], size: number): number =>
      rs.find((r) => r.queued === size)?.lifecyclePerSec ?? 0;
    const result: StoreBenchResult = {
      machine: describeMachine(raw.sqliteVersion),
      config,
      raw: raw.results,
      drivers,
      stores,
      ratios: {
        sync: store.sync,
        storeVsRaw: at(store.results, 0) / at(raw.results, 0),
        storeDeepVsEmpty: at(store.results, deepest) / at(store.results, 0),
        deepest,
      },
    };
    console.log();
    printTable(result);
    if (process.env.BENCH_NO_WRITE !== '1') {
      writeJson(join(here, 'results', 'store.json'), result);
      writeReadme(join(here, 'README.md'), result);
      log('wrote bench/results/store.json and bench/README.md');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  await runPostgres();
}

await main();

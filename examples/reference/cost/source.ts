/**
 * The local cost source: accounts and their daily costs in SQLite (standing
 * in for a billing API), where anomalies and run summaries are recorded too.
 * `seedCostHistory` fills 60 days of synthetic history up to yesterday.
 */
import type { Db } from '../db.ts';
import { addDays } from './days.ts';

export interface Account {
  readonly id: string;
  readonly name: string;
}

export interface CostSource {
  activeAccounts(): Promise<Account[]>;
  /** Cents, or undefined when the day has no figure yet. */
  dailyCost(accountId: string, day: string): Promise<number | undefined>;
  /** The figures from `from` to `to`, both included, in cents. */
  history(accountId: string, from: string, to: string): Promise<number[]>;
}

export interface Anomaly {
  readonly accountId: string;
  readonly day: string;
  readonly cents: number;
  readonly averageCents: number;
  readonly deviation: number;
}

export interface AnomalyLog {
  /** Records an anomaly; false when it was already recorded (a retried run). */
  record(anomaly: Anomaly): Promise<boolean>;
}

export function createCostTables(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS daily_costs (
      account_id TEXT NOT NULL, day TEXT NOT NULL, cents INTEGER NOT NULL, PRIMARY KEY (account_id, day));
    CREATE TABLE IF NOT EXISTS cost_anomalies (
      account_id TEXT NOT NULL, day TEXT NOT NULL, cents INTEGER NOT NULL, average_cents REAL NOT NULL,
      deviation REAL NOT NULL, recorded_at INTEGER NOT NULL, PRIMARY KEY (account_id, day));
    CREATE TABLE IF NOT EXISTS cost_runs (day TEXT NOT NULL, finished_at INTEGER NOT NULL, summary TEXT NOT NULL);
  `);
}

/** The SQLite-backed source and anomaly log. */
export function sqliteCostSource(db: Db): CostSource & AnomalyLog {
  createCostTables(db);
  const active = db.prepare<[], Account>('SELECT id, name FROM accounts WHERE active = 1 ORDER BY id');
  const one = db.prepare<[string, string], { cents: number }>(
    'SELECT cents FROM daily_costs WHERE account_id = ? AND day = ?',
  );
  const range = db.prepare<[string, string, string], { cents: number }>(
    'SELECT cents FROM daily_costs WHERE account_id = ? AND day BETWEEN ? AND ? ORDER BY day',
  );
  const insert = db.prepare(
    'INSERT OR IGNORE INTO cost_anomalies VALUES (@accountId, @day, @cents, @averageCents, @deviation, @at)',
  );
  return {
    activeAccounts: async () => active.all(),
    dailyCost: async (accountId, day) => one.get(accountId, day)?.cents,
    history: async (accountId, from, to) => range.all(accountId, from, to).map((r) => r.cents),
    record: async (a) =>
      insert.run({ ...a, deviation: Number.isFinite(a.deviation) ? a.deviation : -1, at: Date.now() })
        .changes === 1,
  };
}

/** Deterministic pseudo-random numbers (mulberry32), so the history is the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeedAccount {
  id: string;
  name: string;
  active: boolean;
  /** Typical daily cost, cents. */
  baseCents: number;
  /** Yesterday's cost is this many times the base (a spike to find). */
  spike?: number;
  /** The billing export lags: the last `lagDays` days have no figure (this account fails collection). */
  lagDays?: number;
}

export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { id: 'acct-acme', name: 'Acme', active: true, baseCents: 412_00 },
  { id: 'acct-globex', name: 'Globex', active: true, baseCents: 1_280_00 },
  { id: 'acct-initech', name: 'Initech', active: true, baseCents: 87_00 },
  { id: 'acct-umbrella', name: 'Umbrella', active: true, baseCents: 530_00, spike: 2.2 },
  { id: 'acct-hooli', name: 'Hooli', active: true, baseCents: 760_00, lagDays: 2 },
  { id: 'acct-vandelay', name: 'Vandelay (closed)', active: false, baseCents: 45_00 },
];

/**
 * Fills `days` days of history ending yesterday (relative to `today`),
 * keeping figures already there; ±15% daily noise around each account's base.
 */
export function seedCostHistory(db: Db, today: string, days = 60, accounts = SEED_ACCOUNTS): void {
  createCostTables(db);
  const upsertAccount = db.prepare('INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)');
  const insertCost = db.prepare('INSERT OR IGNORE INTO daily_costs VALUES (?, ?, ?)');
  db.transaction(() => {
    accounts.forEach((a, i) => {
      upsertAccount.run(a.id, a.name, a.active ? 1 : 0);
      for (let back = days; back >= 1 + (a.lagDays ?? 0); back--) {
        const day = addDays(today, -back);
        const random = seeded(Date.parse(day) / 86_400_000 + i * 7919);
        const noise = 0.85 + random() * 0.3;
        const factor = back === 1 && a.spike ? a.spike : noise;
        insertCost.run(a.id, day, Math.round(a.baseCents * factor));
      }
    });
  })();
}

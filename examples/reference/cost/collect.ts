/**
 * One cost-collection run: for every active account, yesterday's cost, the
 * anomaly rule against the 30 days before, anomalies recorded and alerted.
 *
 * What fails where: an account whose figure is missing or whose history
 * cannot be read is reported in the summary's `failed` and the others go on
 * (a partial failure is a result, not an error). A source that cannot even
 * list the accounts, or an alert that cannot be sent, throws: the run is
 * retried (three receives, then the DLQ). A retried run is idempotent:
 * anomalies are recorded once per (account, day); alert consumers key on the
 * same pair.
 */
import { judge, WINDOW_DAYS } from './anomaly.ts';
import { addDays } from './days.ts';
import type { Anomaly, AnomalyLog, CostSource } from './source.ts';

export interface AccountResult {
  readonly accountId: string;
  readonly cents: number;
  readonly averageCents: number;
  readonly anomaly: boolean;
}

export interface CollectionSummary {
  /** The day collected (yesterday, in the schedule's zone). */
  readonly day: string;
  readonly succeeded: readonly AccountResult[];
  readonly failed: readonly { readonly accountId: string; readonly error: string }[];
  readonly anomalies: readonly string[];
}

export interface CollectOptions {
  source: CostSource;
  anomalies: AnomalyLog;
  day: string;
  /** Emits an event for a (newly or again) found anomaly; a throw fails the run. */
  alert(anomaly: Anomaly): Promise<void>;
}

/**
 * @example
 * const summary = await collectCosts({ source, anomalies: source, day: '2026-11-22', alert: async () => {} });
 * summary.failed; // [{ accountId: 'acct-hooli', error: 'no cost recorded for 2026-11-22' }]
 */
export async function collectCosts(options: CollectOptions): Promise<CollectionSummary> {
  const { source, day } = options;
  const accounts = await source.activeAccounts(); // a throw here fails the whole run
  const succeeded: AccountResult[] = [];
  const failed: { accountId: string; error: string }[] = [];
  const found: Anomaly[] = [];
  for (const account of accounts) {
    try {
      const cents = await source.dailyCost(account.id, day);
      if (cents === undefined) throw new Error(`no cost recorded for ${day}`);
      const history = await source.history(account.id, addDays(day, -WINDOW_DAYS), addDays(day, -1));
      const verdict = judge(cents, history);
      if (verdict.anomaly)
        found.push({
          accountId: account.id,
          day,
          cents,
          averageCents: verdict.averageCents,
          deviation: verdict.deviation,
        });
      succeeded.push({
        accountId: account.id,
        cents,
        averageCents: verdict.averageCents,
        anomaly: verdict.anomaly,
      });
    } catch (e) {
      failed.push({ accountId: account.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  for (const anomaly of found) {
    await options.anomalies.record(anomaly);
    await options.alert(anomaly);
  }
  return { day, succeeded, failed, anomalies: found.map((a) => a.accountId) };
}

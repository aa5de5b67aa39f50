/**
 * Cost collection on a real (in-memory) SQLite cost source and a real queue
 * store: partial account failures are reported in the summary, anomalies are
 * recorded once and alerted, and a run that fails is retried, then dead-lettered.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { collectCosts } from '../../examples/reference/cost/collect.ts';
import { ALERTS_QUEUE, alertSender, COST_QUEUE, costWorker } from '../../examples/reference/cost/job.ts';
import { type CostSource, seedCostHistory, sqliteCostSource } from '../../examples/reference/cost/source.ts';
import { openDb } from '../../examples/reference/db.ts';
import { localClient } from '../../src/client/local.ts';
import { checkConfig } from '../../src/config/config-file.ts';
import { ensureQueues } from '../../src/config/queues.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { eventually } from '../support/eventually.ts';
import { memoryLogger } from '../worker/harness.ts';

const store = openSqliteStore({ path: ':memory:' });
const client = localClient(store);
after(() => store.close());

const TODAY = '2026-11-23';
const YESTERDAY = '2026-11-22';

describe('collectCosts', () => {
  it('reports the accounts that succeeded and failed, and records and alerts each anomaly once', async () => {
    const db = openDb(':memory:');
    seedCostHistory(db, TODAY);
    const source = sqliteCostSource(db);
    const alerts: string[] = [];
    const run = () =>
      collectCosts({
        source,
        anomalies: source,
        day: YESTERDAY,
        alert: async (a) => void alerts.push(`${a.accountId} ${a.day}`),
      });
    const summary = await run();
    assert.equal(summary.day, YESTERDAY);
    assert.deepEqual(
      summary.succeeded.map((a) => a.accountId),
      ['acct-acme', 'acct-globex', 'acct-initech', 'acct-umbrella'],
      'active accounts with a figure (the closed account is not collected)',
    );
    assert.deepEqual(summary.failed, [
      { accountId: 'acct-hooli', error: `no cost recorded for ${YESTERDAY}` },
    ]);
    assert.deepEqual(summary.anomalies, ['acct-umbrella']);
    assert.deepEqual(alerts, [`acct-umbrella ${YESTERDAY}`]);
    await run(); // a retried run
    const rows = db.prepare('SELECT account_id, day FROM cost_anomalies').all();
    assert.deepEqual(rows, [{ account_id: 'acct-umbrella', day: YESTERDAY }], 'recorded once');
    db.close();
  });

  it('reports an account whose history cannot be read, and goes on with the others', async () => {
    const db = openDb(':memory:');
    seedCostHistory(db, TODAY);
    const real = sqliteCostSource(db);
    const flaky: CostSource = {
      ...real,
      history: async (id, from, to) => {
        if (id === 'acct-globex') throw new Error('billing API timed out');
        return real.history(id, from, to);
      },
    };
    const summary = await collectCosts({
      source: flaky,
      anomalies: real,
      day: YESTERDAY,
      alert: async () => {},
    });
    assert.deepEqual(
      summary.failed.map((f) => `${f.accountId}: ${f.error}`),
      ['acct-globex: billing API timed out', `acct-hooli: no cost recorded for ${YESTERDAY}`],
    );
    assert.equal(summary.succeeded.length, 3);
    db.close();
  });
});

describe('the cost-collection job on its queue', () => {
  it('sends anomalies to alerts and logs the summary', async () => {
    const config = checkConfig({
      queues: [
        { name: COST_QUEUE, dlq: { maxReceiveCount: 3 } },
        { name: ALERTS_QUEUE, dlq: { maxReceiveCount: 3 } },
      ],
    });
    const [cost, alerts] = await ensureQueues(client, config.queues);
    const db = openDb(':memory:');
    seedCostHistory(db, TODAY);
    const source = sqliteCostSource(db);
    const { logger, lines } = memoryLogger();
    const summaries: unknown[] = [];
    const worker = startWorker(
      costWorker({
        source,
        anomalies: source,
        alert: alertSender(client),
        db,
        onSummary: (s) => summaries.push(s),
      }),
      { client, logger },
    );
    await store.sendMessage({
      QueueUrl: cost!.url,
      MessageBody: JSON.stringify({ scheduledAt: '2026-11-23T07:00:00.000Z' }),
      MessageGroupId: 'cost-collection',
      MessageDeduplicationId: 'tick-1',
    });
    await eventually(() => summaries.length === 1, 'the run to finish');
    await worker.stop();
    const finished = lines.find((l) => l.msg === 'cost collection finished');
    assert.deepEqual(finished?.failed, [
      { accountId: 'acct-hooli', error: `no cost recorded for ${YESTERDAY}` },
    ]);
    assert.deepEqual(finished?.anomalies, ['acct-umbrella']);
    const { Messages = [] } = await store.receiveMessage({ QueueUrl: alerts!.url, MaxNumberOfMessages: 10 });
    assert.equal(Messages.length, 1);
    assert.equal(JSON.parse(Messages[0]!.Body).accountId, 'acct-umbrella');
    assert.equal((db.prepare('SELECT count(*) AS n FROM cost_runs').get() as { n: number }).n, 1);
    db.close();
  });

  it('retries a run whose cost source is down, three attempts, then the DLQ', async () => {
    const config = checkConfig({ queues: [{ name: 'cost-retry.fifo', dlq: { maxReceiveCount: 3 } }] });
    const [queue] = await ensureQueues(client, config.queues);
    let attempts = 0;
    const down: CostSource = {
      activeAccounts: async () => {
        attempts++;
        throw new Error('cost source unreachable');
      },
      dailyCost: async () => undefined,
      history: async () => [],
    };
    const definition = costWorker({
      source: down,
      anomalies: { record: async () => true },
      alert: async () => {},
      backoff: { baseSeconds: 0, maxSeconds: 0 },
    });
    const { logger } = memoryLogger();
    const worker = startWorker(
      { ...definition, queues: [{ queue: queue!.url, weight: 1 }] },
      { client, logger },
    );
    await store.sendMessage({
      QueueUrl: queue!.url,
      MessageBody: JSON.stringify({ scheduledAt: '2026-11-23T07:00:00.000Z' }),
      MessageGroupId: 'cost-collection',
      MessageDeduplicationId: 'tick-2',
    });
    const dlqDepth = async () => (await store.stats('cost-retry-dlq.fifo'))[0]?.visible ?? 0;
    for (let i = 0; i < 200 && (await dlqDepth()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await worker.stop();
    assert.equal(attempts, 3, 'three attempts');
    assert.equal(await dlqDepth(), 1, 'then the DLQ');
  });
});

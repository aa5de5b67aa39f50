/**
 * The reference system: what `npm start` (`sluice dev`) runs, and what
 * `sluice start` runs in production against Amazon SQS, unchanged.
 *
 *   push-notifications, offline-messages → provider stubs (20–80 ms, 2% failures)
 *   cost-collection.fifo  ← daily 02:00 America/New_York → anomalies → alerts
 *   events                → the warehouse (batched inserts into SQLite)
 *   traffic               → a producer, a few messages/s
 *
 * Every work queue has a DLQ after 3 receives. The system's own tables (cost
 * history, anomalies, events) live in <data>/reference.sqlite.
 */
import { join } from 'node:path';
import { defineConfig } from 'sluice';
import { alertsWorker } from './alerts.ts';
import { dayIn } from './cost/days.ts';
import { alertSender, costSchedule, costWorker } from './cost/job.ts';
import { seedCostHistory, sqliteCostSource } from './cost/source.ts';
import { openDb } from './db.ts';
import { offlineWorker, pushWorker } from './notifications.ts';
import { providerStub } from './provider.ts';
import { trafficProducer } from './traffic.ts';
import { eventsWorker, sqliteSink } from './warehouse.ts';

const work = (name: string) => ({ name, visibilityTimeout: 60, dlq: { maxReceiveCount: 3 } });

export default defineConfig(({ dataDir, client }) => {
  const db = openDb(join(dataDir, 'reference.sqlite'));
  seedCostHistory(db, dayIn(Date.now(), 'America/New_York'));
  const costs = sqliteCostSource(db);
  return {
    queues: [
      work('push-notifications'),
      work('offline-messages'),
      { ...work('cost-collection.fifo'), visibilityTimeout: 300 },
      work('alerts'),
      work('events'),
    ],
    workers: [
      pushWorker(providerStub({ name: 'push-provider' })),
      offlineWorker(providerStub({ name: 'chat-gateway' })),
      costWorker({ source: costs, anomalies: costs, alert: alertSender(client), db }),
      alertsWorker,
      eventsWorker(sqliteSink(db)),
    ],
    schedules: [costSchedule],
    producers: [trafficProducer()],
    onShutdown: () => {
      db.close();
    },
  };
});

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
 *
 * Scaling is the seeds' policy: 100 visible messages per task; +1 task when
 * the oldest message has been 300–600 s old for 2 × 60 s, +2 beyond 600 s;
 * 1–3 tasks in dev, 1–10 in prod (`--env prod` or SLUICE_ENV=prod). On AWS:
 * alarms at 1,000,000 messages waiting and 300 s of age, and the task role
 * may send to `alerts` (the cost job's anomalies go there).
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
    scale: {
      min: 1,
      max: 3,
      targetBacklogPerWorker: 100,
      scaleOnInFlight: false, // the seeds count visible messages per task
      steps: [
        { ageFromSeconds: 0, ageToSeconds: 300, change: 0 },
        { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
        { ageFromSeconds: 600, change: 2 },
      ],
      evaluationPeriods: 2,
      periodSeconds: 60,
    },
    deploy: {
      name: 'reference-workers',
      cpu: 0.5,
      memoryMiB: 1024,
      aws: {
        alarms: { visible: 1_000_000, oldestAgeSeconds: 300 },
        // The busy queues drive scaling (CloudWatch watches at most 10 metrics per alarm).
        scaleOn: ['push-notifications', 'offline-messages', 'events'],
        sendsTo: ['alerts'],
      },
    },
    profiles: {
      dev: { scale: { min: 1, max: 3 } },
      prod: { scale: { min: 1, max: 10 } },
    },
    onShutdown: () => {
      db.close();
    },
  };
});

/**
 * The cost-collection job: a schedule (every day at 02:00 New York time) puts
 * one message per tick on the FIFO queue `cost-collection.fifo`; its worker
 * collects yesterday (in New York) for every active account, sends each
 * anomaly to `alerts`, logs and stores the run's summary. A run that throws
 * is retried; the queue's RedrivePolicy sends it to the DLQ after three receives.
 */
import { z } from 'zod';
import type { QueueClient } from '../../../src/client/queue-client.ts';
import { defineSchedule } from '../../../src/scheduler/index.ts';
import { defineWorker } from '../../../src/worker/define.ts';
import type { Db } from '../db.ts';
import { type CollectionSummary, collectCosts } from './collect.ts';
import { addDays, dayIn } from './days.ts';
import type { Anomaly, AnomalyLog, CostSource } from './source.ts';

export const COST_QUEUE = 'cost-collection.fifo';
export const ALERTS_QUEUE = 'alerts';
export const COST_ZONE = 'America/New_York';

export const costSchedule = defineSchedule({
  name: 'cost-collection',
  cron: '0 2 * * *',
  timezone: COST_ZONE,
  queue: COST_QUEUE,
  catchUp: 'once',
  build: (tick) => ({ job: 'cost-collection', scheduledAt: tick.scheduledAt.toISOString() }),
});

const tickBody = z.object({ scheduledAt: z.iso.datetime() });

/** The day a run collects: the day before the tick, in New York. */
export const dayToCollect = (scheduledAt: Date): string => addDays(dayIn(scheduledAt, COST_ZONE), -1);

/** Sends an anomaly to the alerts queue (the URL is looked up once). */
export function alertSender(client: QueueClient): (anomaly: Anomaly) => Promise<void> {
  let url: Promise<string> | undefined;
  return async (anomaly) => {
    url ??= client.getQueueUrl({ QueueName: ALERTS_QUEUE }).then((r) => r.QueueUrl);
    await client.sendMessage({
      QueueUrl: await url,
      MessageBody: JSON.stringify({ type: 'cost.anomaly', ...anomaly }),
    });
  };
}

export interface CostWorkerOptions {
  source: CostSource;
  anomalies: AnomalyLog;
  alert(anomaly: Anomaly): Promise<void>;
  /** Where summaries are kept (optional). */
  db?: Db;
  /** Retry backoff; tests shorten it. */
  backoff?: { baseSeconds: number; maxSeconds: number };
  /** Told of every finished run (tests). */
  onSummary?: (summary: CollectionSummary) => void;
}

export function costWorker(options: CostWorkerOptions) {
  const save = options.db?.prepare('INSERT INTO cost_runs VALUES (?, ?, ?)');
  return defineWorker({
    queue: COST_QUEUE,
    name: 'cost-collection',
    concurrency: 1,
    visibilityTimeout: 300,
    backoff: options.backoff ?? { baseSeconds: 10, maxSeconds: 120 },
    schema: tickBody,
    handler: async (message, ctx) => {
      const day = dayToCollect(new Date(message.body.scheduledAt));
      ctx.log.info({ day, attempt: ctx.receiveCount }, 'cost collection started');
      const summary = await collectCosts({ ...options, day });
      save?.run(day, Date.now(), JSON.stringify(summary));
      ctx.log.info(
        {
          day,
          succeeded: summary.succeeded.map((a) => a.accountId),
          failed: summary.failed,
          anomalies: summary.anomalies,
        },
        'cost collection finished',
      );
      options.onSummary?.(summary);
      return summary;
    },
  });
}

/** `alerts`: the events other jobs raise (cost anomalies); here, logged for the on-call. */
import { defineWorker } from 'sluice';

export const alertsWorker = defineWorker({
  queue: 'alerts',
  name: 'alerts',
  concurrency: 10,
  handler: async (message, ctx) => {
    let alert: unknown = message.body;
    try {
      alert = JSON.parse(message.body);
    } catch {}
    ctx.log.warn({ alert }, 'alert raised');
  },
});

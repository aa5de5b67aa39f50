/**
 * push-notifications and offline-messages: one worker each, delivering to a
 * provider stub. A failed delivery is retried after a backoff; after three
 * receives the queue's RedrivePolicy moves the message to its DLQ.
 */

import { defineWorker } from 'sluice';
import { z } from 'zod';
import type { Provider } from './provider.ts';

export const pushBody = z.object({
  to: z.string().min(1),
  title: z.string().optional(),
  text: z.string().optional(),
});

export const offlineBody = z.object({
  to: z.string().min(1),
  from: z.string().optional(),
  text: z.string(),
});

const settings = { concurrency: 50, visibilityTimeout: 60, backoff: { baseSeconds: 1, maxSeconds: 30 } };

export function pushWorker(provider: Provider) {
  return defineWorker({
    queue: 'push-notifications',
    name: 'push',
    ...settings,
    schema: pushBody,
    handler: async (message, ctx) => {
      const sent = await provider.deliver(message.body.to, message.body, ctx.signal);
      ctx.log.info({ to: message.body.to, providerId: sent.id, latencyMs: sent.latencyMs }, 'push delivered');
    },
  });
}

export function offlineWorker(provider: Provider) {
  return defineWorker({
    queue: 'offline-messages',
    name: 'offline',
    ...settings,
    schema: offlineBody,
    handler: async (message, ctx) => {
      const sent = await provider.deliver(message.body.to, message.body, ctx.signal);
      ctx.log.info(
        { to: message.body.to, providerId: sent.id, latencyMs: sent.latencyMs },
        'offline message delivered',
      );
    },
  });
}

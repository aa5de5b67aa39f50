/**
 * The command table: `sluice` and its subcommands. Each command file is
 * imported only when its command runs (or its usage or flags are checked),
 * so `sluice server` does not load the worker.
 */
import { defineCommand } from 'citty';
import { VERSION } from './version.ts';

export const sluice = defineCommand({
  meta: {
    name: 'sluice',
    version: VERSION,
    description: 'Background workers for SQS-style queues, with an embedded SQS server',
  },
  subCommands: {
    server: () => import('../server.ts').then((m) => m.default),
    worker: () => import('../worker.ts').then((m) => m.default),
    dev: () => import('../dev.ts').then((m) => m.default),
    start: () => import('../start.ts').then((m) => m.default),
    queues: () => import('../queues.ts').then((m) => m.default),
    send: () => import('../send.ts').then((m) => m.default),
    purge: () => import('../purge.ts').then((m) => m.default),
    stats: () => import('../stats.ts').then((m) => m.default),
    dlq: () => import('../dlq.ts').then((m) => m.default),
    schedule: () => import('../schedule.ts').then((m) => m.default),
    scale: () => import('../scale.ts').then((m) => m.default),
    pipe: () => import('../pipe.ts').then((m) => m.default),
    plan: () => import('../plan.ts').then((m) => m.default),
    deploy: () => import('../deploy.ts').then((m) => m.default),
    health: () => import('../health.ts').then((m) => m.default),
    dashboard: () => import('../dashboard.ts').then((m) => m.default),
  },
});

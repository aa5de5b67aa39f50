/**
 * Configs for the deploy tests: a recording worker (each message's body and
 * the WORKER_ID that handled it, appended to RECORD_FILE before its ack) on
 * one queue with a DLQ, a scale policy and a deploy section, as an object
 * and as a config file anywhere on disk (it imports sluice by absolute path).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigInput, checkConfig, type SluiceConfig } from '../../src/config/config-file.ts';
import { defineWorker } from '../../src/index.ts';

export const QUEUE = 'deploy-jobs';
const INDEX = new URL('../../src/index.ts', import.meta.url).href;

/** The numbers a test may change; the rest stay as below. */
export interface Numbers {
  max?: number;
  target?: number;
  shutdownTimeoutSeconds?: number;
  memoryMiB?: number;
  steps?: boolean;
}

export function scaleOf(n: Numbers): NonNullable<ConfigInput['scale']> {
  return {
    min: 0,
    max: n.max ?? 3,
    targetBacklogPerWorker: n.target ?? 50,
    ...(n.steps ? { steps: [{ ageFromSeconds: 300, change: 1 }] } : {}),
  };
}

export function deployOf(n: Numbers, more: Record<string, unknown> = {}) {
  return {
    image: 'ghcr.io/acme/sluice:1.2.3',
    memoryMiB: n.memoryMiB ?? 256,
    shutdownTimeoutSeconds: n.shutdownTimeoutSeconds ?? 30,
    env: { WORKER_CONCURRENCY: '4' },
    ...more,
  };
}

const recording = defineWorker({
  queue: QUEUE,
  handler: async (message) => {
    appendFileSync(
      process.env.RECORD_FILE ?? 'recorded.txt',
      `${process.env.WORKER_ID} ${message.rawBody}\n`,
    );
  },
});

/** The config as `loadConfig` would give it. */
export function configOf(n: Numbers = {}, deploy: Record<string, unknown> = {}): SluiceConfig {
  return checkConfig({
    queues: [{ name: QUEUE, visibilityTimeout: 30, dlq: { maxReceiveCount: 5 } }],
    workers: [recording],
    scale: scaleOf(n),
    deploy: deployOf(n, deploy),
  });
}

/** Writes `sluice.config.ts` into `dir`, an ES module as docs/config.md asks, and returns its path. */
export function writeConfig(dir: string, n: Numbers = {}, deploy: Record<string, unknown> = {}): string {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const path = join(dir, 'sluice.config.ts');
  writeFileSync(
    path,
    `import { appendFileSync } from 'node:fs';
import { defineConfig, defineWorker } from ${JSON.stringify(INDEX)};

const recording = defineWorker({
  queue: ${JSON.stringify(QUEUE)},
  handler: async (message) => {
    // HANDLE_MS: a slow handler, so that messages are in flight when a process is stopped.
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.HANDLE_MS ?? 0)));
    appendFileSync(process.env.RECORD_FILE ?? 'recorded.txt', \`\${process.env.WORKER_ID} \${message.rawBody}\\n\`);
  },
});

export default defineConfig({
  queues: [{ name: ${JSON.stringify(QUEUE)}, visibilityTimeout: 30, dlq: { maxReceiveCount: 5 } }],
  workers: [recording],
  scale: ${JSON.stringify(scaleOf(n))},
  deploy: ${JSON.stringify(deployOf(n, deploy))},
});
`,
  );
  return path;
}

/** The ecosystem file's apps, evaluated as PM2 would (it is CommonJS). */
export function pm2Apps(text: string): Record<string, unknown>[] {
  const module = { exports: {} as { apps: Record<string, unknown>[] } };
  new Function('module', 'require', '__dirname', text)(
    module,
    () => ({ resolve: (...p: string[]) => p.join('/') }),
    '/x',
  );
  return module.exports.apps;
}

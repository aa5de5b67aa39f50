/**
 * The seeds' systems as configs, for the AWS tests: the reference system
 * (its own config file, loaded with a profile), and the other team's
 * workers (10–30 tasks, 50,000 messages per worker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClient } from '../../../src/client/local.ts';
import { checkConfig, loadConfig, type SluiceConfig } from '../../../src/config/config-file.ts';
import { defineWorker } from '../../../src/index.ts';
import { openSqliteStore } from '../../../src/store/sqlite/index.ts';

export const REFERENCE = new URL('../../../examples/reference/sluice.config.ts', import.meta.url).pathname;

/** The seeds' age table, absolute ages: 0–300 s none, 300–600 s +1, over 600 s +2. */
export const SEED_STEPS = [
  { ageFromSeconds: 0, ageToSeconds: 300, change: 0 },
  { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
  { ageFromSeconds: 600, change: 2 },
];

/** The reference system's config as `--env <profile>` reads it (its SQLite in a temporary directory). */
export async function referenceConfig(profile?: string): Promise<SluiceConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-aws-reference-'));
  const store = openSqliteStore({ path: ':memory:' });
  const config = await loadConfig(REFERENCE, {
    dataDir: dir,
    mode: 'start',
    client: localClient(store),
    profile,
  });
  await config.onShutdown?.();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return config;
}

const worker = (queue: string) => defineWorker({ queue, handler: async () => {} });

/** The other team: one busy queue, 10–30 tasks, a backlog of 50,000 per worker. */
export function bulkConfig(more: { scale?: Record<string, unknown>; deploy?: Record<string, unknown> } = {}) {
  return checkConfig({
    queues: [{ name: 'bulk-events', visibilityTimeout: 120, dlq: { maxReceiveCount: 5 } }],
    workers: [worker('bulk-events')],
    scale: {
      min: 10,
      max: 30,
      targetBacklogPerWorker: 50_000,
      steps: SEED_STEPS,
      evaluationPeriods: 2,
      ...more.scale,
    },
    deploy: {
      name: 'bulk-workers',
      image: 'ghcr.io/acme/bulk:2.0.0',
      cpu: 1,
      memoryMiB: 2048,
      ...more.deploy,
    },
  });
}

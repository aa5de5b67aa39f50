/**
 * Environment profiles: `--env NAME` (or SLUICE_ENV) merges profiles.NAME
 * over the base `scale` and `deploy`, in the config loader, for every
 * command alike; the reference system carries the seeds' dev and prod.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { localClient } from '../../src/client/local.ts';
import { ConfigFileError, checkConfig, defineConfig, loadConfig } from '../../src/config/config-file.ts';
import { applyProfile, chosenProfile } from '../../src/config/profiles.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { runSluice } from '../cli/cli-process.ts';

const store = openSqliteStore({ path: ':memory:' });
const client = localClient(store);
const dir = mkdtempSync(join(tmpdir(), 'sluice-profiles-'));
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const worker = defineWorker({ queue: 'jobs', handler: async () => {} });
const input = {
  queues: [{ name: 'jobs' }],
  workers: [worker],
  scale: { min: 1, max: 3, targetBacklogPerWorker: 100 },
  deploy: { memoryMiB: 1024, env: { WORKER_CONCURRENCY: '8' }, aws: { alarms: { visible: 1000 } } },
  profiles: {
    dev: { scale: { max: 3 } },
    prod: {
      scale: { max: 10 },
      deploy: { env: { WORKER_BATCH_SIZE: '10' }, aws: { alarms: { oldestAgeSeconds: 600 } } },
    },
  },
};

describe('profiles', () => {
  it('merge the chosen profile over the base, objects key by key', () => {
    const base = checkConfig(input);
    assert.equal(base.scale?.max, 3);
    assert.equal(base.profile, undefined);
    const prod = checkConfig(input, 'config', 'prod');
    assert.equal(prod.profile, 'prod');
    assert.deepEqual([prod.scale?.min, prod.scale?.max, prod.scale?.target], [1, 10, 100]);
    assert.equal(prod.deploy?.memoryMiB, 1024);
    assert.deepEqual(prod.deploy?.env, { WORKER_BATCH_SIZE: '10', WORKER_CONCURRENCY: '8' });
    assert.deepEqual(prod.deploy?.aws.alarms, {
      dlqDepth: 0,
      visible: 1000,
      oldestAgeSeconds: 600,
      evaluationPeriods: 1,
    });
  });

  it('refuse an unknown profile, and a bad one before it is chosen, in one line naming it', () => {
    assert.throws(() => checkConfig(input, 'config', 'staging'), {
      message: 'config: --env staging: no such profile (the config declares dev, prod)',
    });
    assert.equal(
      checkConfig({ queues: [] }, 'config', 'prod').profile,
      'prod',
      'no profiles: the same everywhere',
    );
    assert.throws(
      () => defineConfig({ ...input, profiles: { prod: { scale: { max: 0 } } } }),
      (e: Error) =>
        e instanceof ConfigFileError && e.message === 'config: scale.min (1) must not exceed max (0)',
    );
    assert.deepEqual(applyProfile({ queues: [], profiles: { prod: { workers: [] } } }, undefined).problems, [
      'profiles.prod: unknown field "workers" (a profile sets scale and deploy)',
    ]);
  });

  it('come from --env, else SLUICE_ENV', () => {
    assert.equal(chosenProfile({ env: 'prod' }, { SLUICE_ENV: 'dev' }), 'prod');
    assert.equal(chosenProfile({}, { SLUICE_ENV: 'dev' }), 'dev');
    assert.equal(chosenProfile({}, {}), undefined);
  });

  it('apply to a config written as a function, which also sees the name', async () => {
    const definition = defineConfig(({ profile }) => ({
      ...input,
      deploy: { name: `jobs-${profile ?? 'base'}` },
    }));
    const context = { dataDir: dir, mode: 'start' as const, client };
    assert.equal(definition.resolve(context).deploy?.name, 'jobs-base');
    const prod = definition.resolve({ ...context, profile: 'prod' });
    assert.deepEqual([prod.deploy?.name, prod.scale?.max], ['jobs-prod', 10]);
  });

  it('the reference system: the seeds’ policy, dev 1–3 and prod 1–10', async () => {
    const reference = new URL('../../examples/reference/sluice.config.ts', import.meta.url).pathname;
    for (const [profile, max] of [
      [undefined, 3],
      ['dev', 3],
      ['prod', 10],
    ] as const) {
      const config = await loadConfig(reference, { dataDir: dir, mode: 'start', client, profile });
      try {
        assert.deepEqual([config.scale?.min, config.scale?.max, config.scale?.target], [1, max, 100]);
        assert.deepEqual(
          config.scale?.steps.map((s) => [s.ageFromSeconds, s.ageToSeconds, s.change]),
          [
            [0, 300, 0],
            [300, 600, 1],
            [600, undefined, 2],
          ],
        );
        assert.deepEqual([config.scale?.evaluationPeriods, config.scale?.periodSeconds], [2, 60]);
        assert.deepEqual(
          [config.deploy?.aws.alarms.visible, config.deploy?.aws.alarms.oldestAgeSeconds],
          [1_000_000, 300],
        );
      } finally {
        await config.onShutdown?.();
      }
    }
  });

  it('sluice deploy takes --env, else SLUICE_ENV, and refuses an unknown profile in one line', async () => {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const index = JSON.stringify(new URL('../../src/index.ts', import.meta.url).href);
    writeFileSync(
      join(dir, 'sluice.config.ts'),
      `import { defineConfig, defineWorker } from ${index};
export default defineConfig({
  queues: [{ name: 'jobs' }],
  workers: [defineWorker({ queue: 'jobs', handler: async () => {} })],
  scale: { min: 1, max: 3, targetBacklogPerWorker: 100 },
  deploy: { endpoint: 'http://sluice:9324' },
  profiles: { prod: { scale: { max: 10 } } },
});
`,
    );
    const replicas = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const run = await runSluice(['deploy', 'compose', '--out', 'out', ...args], {
        cwd: dir,
        env: { ...process.env, SLUICE_ENV: '', ...env },
      });
      assert.equal(run.code, 0, run.stderr);
      const worker = parse(readFileSync(join(dir, 'out', 'compose.yaml'), 'utf8')).services['sluice-worker'];
      return [worker.deploy.replicas, worker.environment.SLUICE_ENV];
    };
    assert.deepEqual(await replicas([]), [3, undefined]);
    assert.deepEqual(await replicas(['--env', 'prod']), [10, 'prod']);
    assert.deepEqual(await replicas([], { SLUICE_ENV: 'prod' }), [10, 'prod']);
    const refused = await runSluice(['deploy', 'compose', '--out', 'out', '--env', 'staging'], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim().split('\n').at(-1),
      'sluice: sluice.config.ts: --env staging: no such profile (the config declares prod)',
    );
  });
});

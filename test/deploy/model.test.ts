/**
 * The deployment model: computed once from the config, its scale policy and
 * its deploy section, refused in one line naming the field, and rendered to
 * the same bytes every time, each number from one place.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { checkConfig } from '../../src/config/config-file.ts';
import { deployModel, STOP_MARGIN_SECONDS } from '../../src/deploy/model.ts';
import { render, TARGETS } from '../../src/deploy/render.ts';
import { defineWorker } from '../../src/index.ts';
import { configOf, type Numbers, pm2Apps, QUEUE } from './configs.ts';

const context = { pm2: { cwd: '..', script: '../bin/sluice.js' } };
const local = { endpoint: 'http://sluice.internal:9324' };

function renderAll(n: Numbers, deploy: Record<string, unknown> = local) {
  const model = deployModel(configOf(n, deploy), { configFile: 'sluice.config.ts' });
  return Object.fromEntries(TARGETS.map((t) => [t, render(t, model, context).files]));
}

describe('the deployment model', () => {
  it('takes every number from the config, the scale policy and the deploy section', () => {
    const model = deployModel(configOf({ max: 4, shutdownTimeoutSeconds: 45 }, local), {
      configFile: 'sluice.config.ts',
    });
    assert.equal(model.scale.max, 4);
    assert.equal(model.shutdownTimeoutSeconds, 45);
    assert.equal(model.stopTimeoutSeconds, 45 + STOP_MARGIN_SECONDS);
    assert.deepEqual(model.env, {
      AWS_REGION: 'us-east-1',
      SLUICE_ENDPOINT: 'http://sluice.internal:9324',
      WORKER_CONCURRENCY: '4',
      WORKER_HEALTH_PORT: '3003',
      WORKER_SHUTDOWN_TIMEOUT_MS: '45000',
    });
    assert.deepEqual(model.args, ['start', 'sluice.config.ts', '--create-queues']);
    assert.deepEqual(model.consumed, [
      { name: QUEUE, url: `http://sluice.internal:9324/000000000000/${QUEUE}` },
    ]);
    assert.equal(model.queues[0]?.dlq?.maxReceiveCount, 5);
    assert.ok(Object.isFrozen(model) && Object.isFrozen(model.env));
    const aws = deployModel(configOf({}, { accountId: '123456789012', region: 'eu-west-1' }), {
      configFile: 'sluice.config.ts',
    });
    assert.deepEqual(aws.args, ['start', 'sluice.config.ts'], 'on Amazon SQS queues are infrastructure');
    assert.equal(aws.consumed[0]?.url, `https://sqs.eu-west-1.amazonaws.com/123456789012/${QUEUE}`);
  });

  it('refuses what cannot be deployed, in one line naming the field', () => {
    const refused = (make: () => unknown, message: RegExp) =>
      assert.throws(make, (e: Error) => {
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
    const worker = defineWorker({ queue: QUEUE, shutdownTimeoutMs: 60_000, handler: async () => {} });
    const base = { queues: [{ name: QUEUE }], workers: [worker] };
    refused(
      () => deployModel(checkConfig(base), { configFile: 'c.ts' }),
      /^scale is needed: the deployment is sized by the config’s scale policy/,
    );
    refused(
      () =>
        deployModel(checkConfig({ ...base, scale: { min: 0, max: 2, targetBacklogPerWorker: 5 } }), {
          configFile: 'c.ts',
        }),
      /^workers\[0\] \(.*\) drains for up to 60 s \(shutdownTimeoutMs 60000\), longer than deploy.shutdownTimeoutSeconds \(30\): raise that$/,
    );
    refused(
      () =>
        deployModel(configOf({}, { env: { WORKER_SHUTDOWN_TIMEOUT_MS: '1000' } }), { configFile: 'c.ts' }),
      /^deploy.env.WORKER_SHUTDOWN_TIMEOUT_MS is set by deploy.shutdownTimeoutSeconds: set that instead$/,
    );
    refused(
      () => deployModel(configOf({}, { env: { WORKER_CONCURRENCY: 'lots' } }), { configFile: 'c.ts' }),
      /^deploy.env.WORKER_CONCURRENCY must be an integer 1–10000, got "lots"$/,
    );
    refused(
      () => configOf({ memoryMiB: 10 }),
      /^config: deploy.memoryMiB must be an integer 64–122880, got 10$/,
    );
    refused(() => configOf({}, { replicas: 3 }), /^config: deploy: unknown field "replicas"$/);
    refused(
      () => configOf({}, { endpoint: 'sluice:9324' }),
      /^config: deploy.endpoint must be an http:\/\/ or https:\/\/ URL, got "sluice:9324"$/,
    );
    refused(
      () => deployModel(configOf({}), { configFile: 'c.ts', overrides: { image: 'has space' } }),
      /^deploy.image must be an image reference, got "has space"$/,
    );
    const onAws = deployModel(configOf({}), { configFile: 'c.ts' });
    refused(
      () => render('k8s', onAws, context),
      /^deploy.accountId is needed for the queue URL of "deploy-jobs" on Amazon SQS/,
    );
  });

  it('renders the same bytes for the same config', () => {
    assert.deepEqual(renderAll({ steps: true }), renderAll({ steps: true }));
  });

  it('one number changed in the config changes in every artifact that carries it, and nowhere else', () => {
    const base = { max: 3, shutdownTimeoutSeconds: 30, memoryMiB: 256, target: 50 };
    const changed = (n: Numbers) => {
      const [before, after] = [renderAll(base), renderAll({ ...base, ...n })];
      return TARGETS.flatMap((t) =>
        Object.keys(before[t] ?? {})
          .filter((name) => before[t]?.[name] !== after[t]?.[name])
          .map((name) => `${t}/${name}`),
      );
    };
    const pods = ['k8s/deployment.yaml', 'k8s/scaledjob.yaml'];
    const compose = ['compose/compose.yaml', 'compose/compose.host.yaml'];
    const scalers = ['k8s/scaledobject.yaml', 'k8s/hpa.yaml', 'k8s/scaledjob.yaml'];
    assert.deepEqual(changed({ max: 7 }), ['pm2/ecosystem.config.cjs', ...compose, ...scalers]);
    assert.deepEqual(changed({ shutdownTimeoutSeconds: 45 }), [
      'pm2/ecosystem.config.cjs',
      ...compose,
      ...pods,
    ]);
    assert.deepEqual(changed({ memoryMiB: 384 }), ['pm2/ecosystem.config.cjs', ...compose, ...pods]);
    assert.deepEqual(changed({ target: 80 }), scalers, 'only the autoscalers follow the backlog target');

    const after = renderAll({ max: 7, shutdownTimeoutSeconds: 45, memoryMiB: 384, target: 80 });

    const [app] = pm2Apps(after.pm2?.['ecosystem.config.cjs'] ?? '');
    assert.equal(app?.instances, 7);
    assert.equal(app?.kill_timeout, 55_000);
    assert.equal(app?.max_memory_restart, '384M');
    assert.equal((app?.env as Record<string, string> | undefined)?.WORKER_SHUTDOWN_TIMEOUT_MS, '45000');

    for (const file of ['compose.yaml', 'compose.host.yaml']) {
      const worker = parse(after.compose?.[file] ?? '').services['sluice-worker'];
      assert.equal(worker.deploy.replicas, 7, file);
      assert.equal(worker.deploy.resources.limits.memory, '384M', file);
      assert.equal(worker.stop_grace_period, '55s', file);
      assert.equal(worker.environment.WORKER_SHUTDOWN_TIMEOUT_MS, '45000', file);
    }

    const k8s = Object.fromEntries(
      Object.entries(after.k8s ?? {}).map(([name, text]) => [name, parseAllDocuments(text)[0]?.toJS()]),
    );
    for (const [name, pod] of [
      ['deployment.yaml', k8s['deployment.yaml'].spec.template.spec],
      ['scaledjob.yaml', k8s['scaledjob.yaml'].spec.jobTargetRef.template.spec],
    ]) {
      assert.equal(pod.terminationGracePeriodSeconds, 55, name);
      const [container] = pod.containers;
      assert.equal(container.resources.limits.memory, '384Mi', name);
      assert.ok(
        container.env.some(
          (e: { name: string; value?: string }) =>
            e.name === 'WORKER_SHUTDOWN_TIMEOUT_MS' && e.value === '45000',
        ),
        name,
      );
    }
    assert.equal(k8s['scaledobject.yaml'].spec.maxReplicaCount, 7);
    assert.equal(k8s['scaledobject.yaml'].spec.triggers[0].metadata.queueLength, '80');
    assert.equal(k8s['hpa.yaml'].spec.maxReplicas, 7);
    assert.equal(k8s['hpa.yaml'].spec.metrics[0].external.target.averageValue, '80');
    assert.equal(k8s['scaledjob.yaml'].spec.maxReplicaCount, 7);
    assert.equal(k8s['scaledjob.yaml'].spec.triggers[0].metadata.queueLength, '80');
  });
});

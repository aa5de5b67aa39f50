/**
 * The AWS deployment model: every number a renderer needs, decided once from
 * the config, its scale policy and `deploy.aws`, and refused in one line
 * naming the field. The age steps are tested as the absolute-age table they
 * must mean, so no renderer can turn 300–600 s into 600–900 s.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig } from '../../../src/config/config-file.ts';
import { awsModel } from '../../../src/deploy/aws/model.ts';
import { absoluteAges, ageStepsOf } from '../../../src/deploy/aws/scaling.ts';
import { defineWorker } from '../../../src/index.ts';
import { parseScalePolicy } from '../../../src/scale/config.ts';
import { bulkConfig, referenceConfig, SEED_STEPS } from './seeds.ts';

const options = { configFile: 'sluice.config.ts' };

const refused = (make: () => unknown, message: string | RegExp) =>
  assert.throws(make, (e: Error) => {
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });

describe('the AWS model: age steps', () => {
  it('the seeds’ table: alarm at 300 s, intervals relative to it, meaning exactly the table', () => {
    const steps = ageStepsOf(parseScalePolicy({ min: 1, max: 10, steps: SEED_STEPS }).steps);
    assert.ok(steps);
    assert.equal(steps.threshold, 300);
    assert.deepEqual(steps.adjustments, [
      { lowerBound: 0, upperBound: 300, change: 1 },
      { lowerBound: 300, upperBound: undefined, change: 2 },
    ]);
    // What AWS does at each absolute age: 300–600 s +1, 600 s and over +2 (below 300: no alarm).
    assert.deepEqual(absoluteAges(steps.threshold, steps.adjustments), [
      { fromSeconds: 300, toSeconds: 600, change: 1 },
      { fromSeconds: 600, toSeconds: undefined, change: 2 },
    ]);
  });

  it('fills gaps and the open end with bands that change nothing', () => {
    const steps = ageStepsOf(
      parseScalePolicy({
        min: 0,
        max: 5,
        steps: [
          { ageFromSeconds: 120, ageToSeconds: 240, change: 1 },
          { ageFromSeconds: 600, ageToSeconds: 900, change: 3 },
        ],
      }).steps,
    );
    assert.ok(steps);
    assert.deepEqual(absoluteAges(steps.threshold, steps.adjustments), [
      { fromSeconds: 120, toSeconds: 240, change: 1 },
      { fromSeconds: 240, toSeconds: 600, change: 0 },
      { fromSeconds: 600, toSeconds: 900, change: 3 },
      { fromSeconds: 900, toSeconds: undefined, change: 0 },
    ]);
  });

  it('refuses a table AWS cannot mean: negative, or fewer tasks for older messages', () => {
    const steps = (...changes: number[]) =>
      parseScalePolicy({
        min: 0,
        max: 5,
        steps: changes.map((change, i) => ({
          ageFromSeconds: 100 * (i + 1),
          ageToSeconds: 100 * (i + 2),
          change,
        })),
      }).steps;
    refused(
      () => ageStepsOf(steps(1, -1)),
      'scale.steps[1].change must not be negative on AWS (the age alarm adds tasks), got -1',
    );
    refused(
      () => ageStepsOf(steps(2, 1)),
      "scale.steps[1].change (+1) is less than steps[0]'s (+2): an older message must not add fewer tasks",
    );
    assert.equal(ageStepsOf(steps(0, 0)), undefined);
  });
});

describe('the AWS model of the reference system', () => {
  it('carries the seeds’ numbers, dev 1–3 and prod 1–10', async () => {
    for (const [profile, max] of [
      ['dev', 3],
      ['prod', 10],
    ] as const) {
      const model = awsModel(await referenceConfig(profile), options);
      const s = model.scaling!;
      assert.deepEqual([s.minTasks, s.maxTasks], [1, max]);
      assert.equal(s.targetTracking.targetValue, 100);
      assert.equal(s.targetTracking.query.expression, '(m0 + m1 + m2) / tasks');
      assert.deepEqual(
        s.targetTracking.query.metrics.map((m) => m.metric.metricName),
        [
          'ApproximateNumberOfMessagesVisible',
          'ApproximateNumberOfMessagesVisible',
          'ApproximateNumberOfMessagesVisible',
          'RunningTaskCount',
        ],
      );
      const age = s.ageSteps!;
      assert.deepEqual(
        [
          age.alarm.threshold,
          age.alarm.comparison,
          age.alarm.evaluationPeriods,
          age.alarm.query.periodSeconds,
        ],
        [300, 'GreaterThanOrEqualToThreshold', 2, 60],
      );
      assert.ok(age.alarm.query.metrics.every((m) => m.metric.statistic === 'Maximum'));
      assert.equal(age.metricAggregationType, 'Maximum');
      assert.deepEqual(absoluteAges(age.alarm.threshold, age.adjustments), [
        { fromSeconds: 300, toSeconds: 600, change: 1 },
        { fromSeconds: 600, toSeconds: undefined, change: 2 },
      ]);
      assert.deepEqual(age.table, [
        { fromSeconds: 0, toSeconds: 300, change: 0 },
        { fromSeconds: 300, toSeconds: 600, change: 1 },
        { fromSeconds: 600, toSeconds: undefined, change: 2 },
      ]);
      assert.equal(
        model.service?.env.SLUICE_ENV,
        profile,
        'the service reads its config with the same profile',
      );
      const alarms = Object.fromEntries(model.alarms.map((a) => [a.id, a.threshold]));
      assert.equal(alarms['push-notifications-visible'], 1_000_000);
      assert.equal(alarms['push-notifications-oldest-age'], 300);
      assert.equal(alarms['push-notifications-dlq-dlq-depth'], 0);
    }
  });

  it('scales in on outstanding messages, with cooldowns of its own, and has no CPU policy', async () => {
    const s = awsModel(await referenceConfig('prod'), options).scaling!;
    assert.equal(s.targetTracking.disableScaleIn, true);
    assert.deepEqual([s.targetTracking.scaleOutCooldownSeconds, s.scaleIn.cooldownSeconds], [60, 300]);
    assert.deepEqual(
      [...new Set(s.scaleIn.alarm.query.metrics.map((m) => m.metric.metricName))],
      ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'RunningTaskCount'],
    );
    assert.deepEqual(
      [s.scaleIn.alarm.comparison, s.scaleIn.alarm.threshold, s.scaleIn.alarm.evaluationPeriods],
      ['LessThanThreshold', 90, 15],
    );
    assert.deepEqual(
      s.scaleIn.adjustments.map((a) => a.change),
      [-10, -25, -50],
    );
    assert.equal(s.activation, undefined, 'min 1: no 0 → 1 step');
    assert.doesNotMatch(JSON.stringify(s), /CPUUtilization/);
  });

  it('runs the workers on Fargate as the issue asks', async () => {
    const service = awsModel(await referenceConfig('prod'), options).service!;
    assert.deepEqual(service.command, ['start', 'sluice.config.ts']);
    assert.deepEqual(service.size, { cpuUnits: 512, memoryMiB: 1024 });
    assert.deepEqual(service.healthCheck.command, [
      'CMD',
      'sluice',
      'health',
      'http://127.0.0.1:3003/health',
    ]);
    assert.deepEqual([service.shutdownTimeoutSeconds, service.stopTimeoutSeconds], [30, 40]);
    assert.deepEqual(service.capacity, [
      { capacityProvider: 'FARGATE', base: 1, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    assert.deepEqual(service.deployment.circuitBreaker, { enable: true, rollback: true });
    assert.equal(service.enableExecuteCommand, false);
    assert.equal(service.env.WORKER_HEALTH_PORT, '3003');
    assert.equal(service.env.WORKER_SHUTDOWN_TIMEOUT_MS, '30000');
  });

  it('grants each queue only what the worker calls on it', async () => {
    const role = awsModel(await referenceConfig(), options).service!.taskRole;
    const of = (queue: string) =>
      role.queueGrants
        .filter((g) => g.queues.includes(queue))
        .flatMap((g) => g.actions)
        .sort();
    const read = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ];
    assert.deepEqual(of('push-notifications'), read);
    assert.deepEqual(of('push-notifications-dlq'), ['sqs:GetQueueUrl', 'sqs:SendMessage']);
    assert.deepEqual(
      of('alerts'),
      [...read, 'sqs:SendMessage'].sort(),
      'the cost job sends alerts (deploy.aws.sendsTo)',
    );
    assert.deepEqual(
      of('cost-collection.fifo'),
      [...read, 'sqs:ListQueueTags', 'sqs:SendMessage', 'sqs:TagQueue'].sort(),
      'the schedule sends one message per tick and keeps the last tick in a tag',
    );
    assert.ok(!JSON.stringify(role).includes('sqs:*'));
    assert.deepEqual(role.taskProtectionActions, ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection']);
  });

  it('takes --image over deploy.image, keeping deploy.aws', async () => {
    const model = awsModel(await referenceConfig('prod'), {
      ...options,
      overrides: { image: 'ghcr.io/acme/ref:2' },
    });
    assert.equal(model.service?.image, 'ghcr.io/acme/ref:2');
    assert.deepEqual(model.scaling?.queues, ['push-notifications', 'offline-messages', 'events']);
  });

  it('is frozen all the way down', async () => {
    const model = awsModel(await referenceConfig(), options);
    assert.ok(Object.isFrozen(model.scaling?.ageSteps?.adjustments[0]));
    assert.ok(Object.isFrozen(model.service?.taskRole.queueGrants[0]?.actions));
    assert.ok(Object.isFrozen(model.dashboard?.widgets[0]?.lines[0]?.metrics[0]?.metric));
  });
});

describe('the AWS model of another team', () => {
  it('10–30 tasks at 50,000 messages per worker', () => {
    const model = awsModel(bulkConfig(), options);
    assert.deepEqual(
      [model.scaling?.minTasks, model.scaling?.maxTasks, model.scaling?.targetTracking.targetValue],
      [10, 30, 50_000],
    );
    // The policy counts in-flight messages by default (scaleOnInFlight), as `sluice scale` does.
    assert.equal(model.scaling?.targetTracking.query.expression, '(m0 + m1) / tasks');
    assert.equal(model.scaling?.ageSteps?.alarm.query.expression, undefined, 'one queue: its own metric');
    assert.deepEqual(model.service?.size, { cpuUnits: 1024, memoryMiB: 2048 });
  });

  it('with min 0, one task as soon as a message is visible and none runs', () => {
    const s = awsModel(bulkConfig({ scale: { min: 0 } }), options).scaling!;
    assert.equal(s.activation?.alarm.query.expression, 'IF(m0 > 0 AND FILL(tasks, 0) == 0, 1, 0)');
    assert.deepEqual(
      [s.activation?.adjustmentType, s.activation?.adjustments[0]?.change],
      ['ExactCapacity', 1],
    );
  });
});

describe('the AWS model refuses, in one line naming the field', () => {
  it('a drain longer than Fargate’s 120 s stop timeout', () => {
    refused(
      () => awsModel(bulkConfig({ deploy: { shutdownTimeoutSeconds: 115 } }), options),
      "deploy.shutdownTimeoutSeconds (115) + 10 s to hand back and flush exceeds Fargate's 120 s stop timeout: at most 110",
    );
    assert.equal(
      awsModel(bulkConfig({ deploy: { shutdownTimeoutSeconds: 110 } }), options).service?.stopTimeoutSeconds,
      120,
    );
  });

  it('a size Fargate does not offer', () => {
    refused(
      () => awsModel(bulkConfig({ deploy: { cpu: 0.3 } }), options),
      'deploy.cpu 0.3 is not a Fargate size: use 0.25, 0.5, 1, 2, 4, 8, 16 (vCPUs)',
    );
    refused(
      () => awsModel(bulkConfig({ deploy: { cpu: 0.25, memoryMiB: 4096 } }), options),
      'deploy.memoryMiB 4096 does not fit 0.25 vCPU on Fargate: use 512, 1024, 2048',
    );
    refused(
      () => awsModel(bulkConfig({ deploy: { cpu: 4, memoryMiB: 4096 } }), options),
      'deploy.memoryMiB 4096 does not fit 4 vCPU on Fargate: use 8192–30720 in steps of 1024',
    );
  });

  it('min above max, a period AWS cannot watch, a measured target', () => {
    refused(() => bulkConfig({ scale: { min: 31 } }), 'config: scale.min (31) must not exceed max (30)');
    refused(
      () => awsModel(bulkConfig({ scale: { periodSeconds: 30 } }), options),
      'scale.periodSeconds must be a multiple of 60 on AWS (SQS sends its metrics once a minute), got 30',
    );
    refused(
      () =>
        awsModel(
          bulkConfig({ scale: { targetBacklogPerWorker: undefined, acceptableLatencySeconds: 60 } }),
          options,
        ),
      /^scale.acceptableLatencySeconds alone measures the target while running/,
    );
  });

  it('settings that name queues the config does not have, or too many metrics', () => {
    refused(
      () => awsModel(bulkConfig({ deploy: { aws: { sendsTo: ['nope'] } } }), options),
      'deploy.aws.sendsTo[0] "nope" is not declared in queues',
    );
    refused(
      () => awsModel(bulkConfig({ deploy: { aws: { scaleOn: ['bulk-events-dlq'] } } }), options),
      'deploy.aws.scaleOn[0] "bulk-events-dlq" is not a queue the workers read (bulk-events)',
    );
    const names = ['a', 'b', 'c', 'd', 'e'];
    const wide = checkConfig({
      queues: names.map((name) => ({ name })),
      workers: names.map((queue) => defineWorker({ queue, handler: async () => {} })),
      scale: { min: 1, max: 3, targetBacklogPerWorker: 10 },
    });
    refused(
      () => awsModel(wide, options),
      'deploy.aws.scaleOn: the target tracking metric would watch 12 metrics, CloudWatch takes 10: name fewer queues to scale on (the busiest)',
    );
    refused(
      () => awsModel(bulkConfig({ deploy: { endpoint: 'http://sluice:9324' } }), options),
      /^deploy.endpoint names a sluice server; on AWS the workers use Amazon SQS/,
    );
  });
});

describe('the AWS model: zero-scale pipes', () => {
  const config = (pipes: unknown[], dlq = true) =>
    checkConfig({
      queues: [{ name: 'renders', visibilityTimeout: 600, ...(dlq ? { dlq: { maxReceiveCount: 3 } } : {}) }],
      deploy: { image: 'ghcr.io/acme/render:1', aws: { pipes } },
    });

  it('per message: RunTask on Fargate Spot, the body in SQS_BODY, batch size 1', () => {
    const [pipe] = awsModel(config([{ queue: 'renders', command: ['node', 'render.js'] }]), options).pipes;
    assert.ok(pipe);
    assert.deepEqual(
      [pipe.name, pipe.mode, pipe.batchSize, pipe.body.variable, pipe.body.from, pipe.stateMachine],
      ['sluice-worker-renders', 'message', 1, 'SQS_BODY', '$.body', undefined],
    );
    assert.deepEqual(pipe.task.capacity, [{ capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 }]);
    assert.deepEqual(pipe.task.command, ['node', 'render.js']);
  });

  it('per batch: a state machine retries maxReceiveCount − 1 times, then the DLQ', () => {
    const [pipe] = awsModel(
      config([{ queue: 'renders', mode: 'batch', batchSize: 50, windowSeconds: 5, command: ['render'] }]),
      options,
    ).pipes;
    assert.deepEqual(
      [pipe?.batchSize, pipe?.windowSeconds, pipe?.body.from],
      [50, 5, 'States.JsonToString($)'],
    );
    assert.deepEqual(pipe?.stateMachine?.retry, {
      errors: ['States.TaskFailed'],
      maxAttempts: 2,
      intervalSeconds: 600,
      backoffRate: 2,
    });
    assert.equal(pipe?.stateMachine?.deadLetterQueue, 'renders-dlq');
  });

  it('refuses what Pipes cannot do', () => {
    refused(
      () => awsModel(config([{ queue: 'renders', batchSize: 5, command: ['x'] }]), options),
      'deploy.aws.pipes[0].batchSize must be 1 in mode "message" (one task per message), got 5',
    );
    refused(
      () => awsModel(config([{ queue: 'renders', mode: 'batch', batchSize: 50, command: ['x'] }]), options),
      "deploy.aws.pipes[0].windowSeconds must be at least 1 with a batchSize over 10 (Pipes' rule for SQS), got 0",
    );
    refused(
      () => awsModel(config([{ queue: 'renders', mode: 'batch', command: ['x'] }], false), options),
      'deploy.aws.pipes[0]: mode "batch" needs a dlq on queue "renders" (a batch that keeps failing goes there)',
    );
    refused(
      () => awsModel(config([{ queue: 'nope', command: ['x'] }]), options),
      'deploy.aws.pipes[0].queue "nope" is not declared in queues',
    );
    refused(
      () =>
        awsModel(
          bulkConfig({ deploy: { aws: { pipes: [{ queue: 'bulk-events', command: ['x'] }] } } }),
          options,
        ),
      /^deploy.aws.pipes\[0\].queue "bulk-events" is read by workers\[0\] \(.*\): a queue has one consumer/,
    );
  });
});

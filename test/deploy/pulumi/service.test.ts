/**
 * `sluice/pulumi`'s SluiceQueue and SluiceWorkerService under Pulumi's
 * runtime mocks: the seeds' numbers, read off the resources' inputs as the
 * AWS provider would receive them (100 per task, 50,000 per worker, the age
 * table 300/600 s as an alarm at 300 s with relative intervals, 2 × 60 s,
 * dev 1–3, prod 1–10, 10–30, depth 1,000,000, age 300 s), and the task
 * role's least privilege.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type AwsModel, awsModel } from '../../../src/deploy/aws/model.ts';
import { absoluteAges } from '../../../src/deploy/aws/scaling.ts';
import { SluiceQueue, SluiceWorkerService } from '../../../src/deploy/pulumi/index.ts';
import { bulkConfig, referenceConfig } from '../aws/seeds.ts';
import { ACCOUNT, installMocks, type Made, ofType, one, REGION } from './mocks.ts';

const options = { configFile: 'sluice.config.ts' };
const network = { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-workers'] };

const POLICY = 'aws:appautoscaling/policy:Policy';
const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';

/** A step policy's intervals, back from the provider's strings to numbers. */
const adjustments = (policy: Made) =>
  (policy.inputs.stepScalingPolicyConfiguration.stepAdjustments as Record<string, string | number>[]).map(
    (a) => ({
      lowerBound: a.metricIntervalLowerBound === undefined ? undefined : Number(a.metricIntervalLowerBound),
      upperBound: a.metricIntervalUpperBound === undefined ? undefined : Number(a.metricIntervalUpperBound),
      change: Number(a.scalingAdjustment),
    }),
  );

before(() => installMocks());

/** The reference system's model per profile, loaded once (the model is frozen: the tests share it). */
const models = new Map<string, Promise<AwsModel>>();
const reference = (profile: 'dev' | 'prod') => {
  if (!models.has(profile))
    models.set(
      profile,
      referenceConfig(profile).then((c) => awsModel(c, options)),
    );
  return models.get(profile)!;
};

describe('SluiceWorkerService: the reference system, as the seeds run it', () => {
  for (const [profile, max] of [
    ['dev', 3],
    ['prod', 10],
  ] as const)
    it(`${profile}: 1–${max} tasks, 100 visible messages per task, the age table, no CPU policy`, async () => {
      const model = await reference(profile);
      new SluiceWorkerService(`ref-${profile}`, { model, ...network });

      const target = await one('aws:appautoscaling/target:Target', `ref-${profile}-target`);
      assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [1, max]);
      assert.equal(target.inputs.scalableDimension, 'ecs:service:DesiredCount');
      assert.equal(target.inputs.resourceId, `service/ref-${profile}-cluster/reference-workers`);

      const tracking = (await one(POLICY, `ref-${profile}-backlog-per-task`)).inputs
        .targetTrackingScalingPolicyConfiguration;
      assert.equal(tracking.targetValue, 100);
      assert.equal(tracking.disableScaleIn, true);
      assert.deepEqual([tracking.scaleOutCooldown, tracking.scaleInCooldown], [60, 300]);
      const metrics = tracking.customizedMetricSpecification.metrics;
      assert.deepEqual(
        metrics.map((m: Made['inputs']) => [m.id, m.metricStat?.metric.metricName, m.returnData ?? false]),
        [
          ['m0', 'ApproximateNumberOfMessagesVisible', false],
          ['m1', 'ApproximateNumberOfMessagesVisible', false],
          ['m2', 'ApproximateNumberOfMessagesVisible', false],
          ['tasks', 'RunningTaskCount', false],
          ['e', undefined, true],
        ],
      );
      assert.equal(metrics.at(-1).expression, '(m0 + m1 + m2) / tasks');
      assert.deepEqual(metrics[0].metricStat.metric.dimensions, [
        { name: 'QueueName', value: 'push-notifications' },
      ]);
      assert.deepEqual(metrics[3].metricStat.metric.dimensions, [
        { name: 'ClusterName', value: `ref-${profile}-cluster` },
        { name: 'ServiceName', value: 'reference-workers' },
      ]);

      // The age table in absolute ages: 300–600 s +1, over 600 s +2 — alarm at 300, intervals relative to it.
      const age = await one(POLICY, `ref-${profile}-age`);
      const ageAlarm = await one(ALARM, `ref-${profile}-age`);
      const config = age.inputs.stepScalingPolicyConfiguration;
      assert.deepEqual(
        [config.adjustmentType, config.metricAggregationType],
        ['ChangeInCapacity', 'Maximum'],
      );
      assert.deepEqual(adjustments(age), [
        { lowerBound: 0, upperBound: 300, change: 1 },
        { lowerBound: 300, upperBound: undefined, change: 2 },
      ]);
      assert.deepEqual(absoluteAges(ageAlarm.inputs.threshold, adjustments(age)), [
        { fromSeconds: 300, toSeconds: 600, change: 1 },
        { fromSeconds: 600, toSeconds: undefined, change: 2 },
      ]);
      assert.deepEqual(
        [ageAlarm.inputs.threshold, ageAlarm.inputs.comparisonOperator, ageAlarm.inputs.evaluationPeriods],
        [300, 'GreaterThanOrEqualToThreshold', 2],
      );
      const queries = ageAlarm.inputs.metricQueries as Made['inputs'][];
      assert.equal(queries.at(-1)?.expression, 'MAX([m0, m1, m2])');
      for (const q of queries.slice(0, -1)) {
        assert.deepEqual(
          [q.metric.metricName, q.metric.stat, q.metric.period],
          ['ApproximateAgeOfOldestMessage', 'Maximum', 60],
        );
      }
      assert.deepEqual(ageAlarm.inputs.alarmActions, [
        `arn:aws:appautoscaling:${REGION}:${ACCOUNT}:policy/ref-${profile}-age`,
      ]);

      const scaleIn = await one(POLICY, `ref-${profile}-scale-in`);
      assert.deepEqual(
        adjustments(scaleIn).map((a) => a.change),
        [-10, -25, -50],
      );
      assert.equal(scaleIn.inputs.stepScalingPolicyConfiguration.adjustmentType, 'PercentChangeInCapacity');
      assert.equal(scaleIn.inputs.stepScalingPolicyConfiguration.cooldown, 300);
      const scaleInAlarm = await one(ALARM, `ref-${profile}-scale-in`);
      assert.deepEqual(
        [scaleInAlarm.inputs.comparisonOperator, scaleInAlarm.inputs.threshold],
        ['LessThanThreshold', 90],
      );

      const policies = await ofType(POLICY, `ref-${profile}-`);
      assert.deepEqual(policies.map((p) => p.name).sort(), [
        `ref-${profile}-age`,
        `ref-${profile}-backlog-per-task`,
        `ref-${profile}-scale-in`,
      ]);
      assert.doesNotMatch(JSON.stringify(policies), /CPUUtilization|predefinedMetric/);
    });

  it('queues: SSE, the redrive after 3 receives, TLS only, alarms at 1,000,000 visible, 300 s and DLQ > 0', async () => {
    const model = await reference('prod');
    new SluiceQueue('push', { model, queue: 'push-notifications', alarmActions: ['arn:aws:sns:topic'] });

    const queue = await one('aws:sqs/queue:Queue', 'push');
    const dlq = await one('aws:sqs/queue:Queue', 'push-dlq');
    assert.deepEqual(
      [queue.inputs.name, queue.inputs.sqsManagedSseEnabled, queue.inputs.visibilityTimeoutSeconds],
      ['push-notifications', true, 60],
    );
    assert.deepEqual(JSON.parse(queue.inputs.redrivePolicy), {
      deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:push-notifications-dlq`,
      maxReceiveCount: 3,
    });
    assert.deepEqual(
      [dlq.inputs.name, dlq.inputs.sqsManagedSseEnabled, dlq.inputs.messageRetentionSeconds],
      ['push-notifications-dlq', true, 1_209_600],
    );
    for (const name of ['push-tls-only', 'push-dlq-tls-only']) {
      const [statement] = JSON.parse(
        (await one('aws:sqs/queuePolicy:QueuePolicy', name)).inputs.policy,
      ).Statement;
      assert.deepEqual(
        [statement.Effect, statement.Action, statement.Condition],
        ['Deny', 'sqs:*', { Bool: { 'aws:SecureTransport': 'false' } }],
      );
    }

    const alarm = async (kind: string) => (await one(ALARM, `push-${kind}`)).inputs;
    const visible = await alarm('visible');
    assert.deepEqual(
      [
        visible.threshold,
        visible.comparisonOperator,
        visible.metricName,
        visible.statistic,
        visible.period,
        visible.dimensions,
      ],
      [
        1_000_000,
        'GreaterThanThreshold',
        'ApproximateNumberOfMessagesVisible',
        'Maximum',
        60,
        { QueueName: 'push-notifications' },
      ],
    );
    assert.deepEqual(visible.alarmActions, ['arn:aws:sns:topic']);
    const age = await alarm('oldest-age');
    assert.deepEqual([age.threshold, age.metricName], [300, 'ApproximateAgeOfOldestMessage']);
    const depth = await alarm('dlq-depth');
    assert.deepEqual([depth.threshold, depth.dimensions], [0, { QueueName: 'push-notifications-dlq' }]);
  });

  it('the service: Fargate, no load balancer, health check on 3003, stop timeout, Spot with an on-demand base', async () => {
    const model = await reference('prod');
    new SluiceWorkerService('svc', {
      model,
      ...network,
      image: '1234.dkr.ecr.us-east-1.amazonaws.com/ref:7',
    });

    const service = (await one('aws:ecs/service:Service', 'svc')).inputs;
    assert.equal(service.loadBalancers, undefined);
    assert.equal(service.launchType, undefined, 'the capacity providers decide');
    assert.deepEqual(service.capacityProviderStrategies, [
      { capacityProvider: 'FARGATE', base: 1, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    assert.deepEqual(service.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(service.enableExecuteCommand, false);
    assert.equal(service.desiredCount, 1);
    assert.deepEqual(service.networkConfiguration, { ...network, assignPublicIp: false });

    const task = (await one('aws:ecs/taskDefinition:TaskDefinition', 'svc')).inputs;
    assert.deepEqual(
      [task.cpu, task.memory, task.networkMode, task.requiresCompatibilities],
      ['512', '1024', 'awsvpc', ['FARGATE']],
    );
    const [container] = JSON.parse(task.containerDefinitions);
    assert.equal(container.image, '1234.dkr.ecr.us-east-1.amazonaws.com/ref:7');
    assert.deepEqual(container.command, ['start', 'sluice.config.ts']);
    assert.deepEqual(container.healthCheck, {
      command: ['CMD', 'sluice', 'health', 'http://127.0.0.1:3003/health'],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    });
    assert.equal(container.stopTimeout, 40);
    const env = Object.fromEntries(
      container.environment.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    assert.deepEqual(
      [env.SLUICE_ENV, env.WORKER_HEALTH_PORT, env.WORKER_SHUTDOWN_TIMEOUT_MS, env.AWS_REGION],
      ['prod', '3003', '30000', 'us-east-1'],
    );

    const cluster = await one('aws:ecs/cluster:Cluster', 'svc-cluster');
    assert.deepEqual(cluster.inputs.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    const providers = await one('aws:ecs/clusterCapacityProviders:ClusterCapacityProviders', 'svc-capacity');
    assert.deepEqual(providers.inputs.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
  });

  it('the task role: only the actions the worker calls, only on its queues', async () => {
    const model = await reference('prod');
    new SluiceWorkerService('iam', { model, ...network });

    const role = await one('aws:iam/role:Role', 'iam-task');
    assert.equal(
      JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service,
      'ecs-tasks.amazonaws.com',
    );
    const statements: { Action: string[]; Resource: string[] }[] = JSON.parse(
      (await one('aws:iam/rolePolicy:RolePolicy', 'iam-task')).inputs.policy,
    ).Statement;
    const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
    const of = (arn: string) =>
      statements
        .filter((s) => s.Resource.includes(arn))
        .flatMap((s) => s.Action)
        .sort();
    const read = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ];
    assert.deepEqual(of(queueArn('push-notifications')), read);
    assert.deepEqual(of(queueArn('push-notifications-dlq')), ['sqs:GetQueueUrl', 'sqs:SendMessage']);
    assert.deepEqual(of(queueArn('alerts')), [...read, 'sqs:SendMessage'].sort());
    assert.deepEqual(
      of(queueArn('cost-collection.fifo')),
      [...read, 'sqs:ListQueueTags', 'sqs:SendMessage', 'sqs:TagQueue'].sort(),
    );
    assert.deepEqual(of(`arn:aws:ecs:${REGION}:${ACCOUNT}:task/iam-cluster/*`), [
      'ecs:GetTaskProtection',
      'ecs:UpdateTaskProtection',
    ]);
    const resources = statements.flatMap((s) => s.Resource);
    assert.ok(
      resources.every((r) => r.startsWith(`arn:aws:sqs:${REGION}:${ACCOUNT}:`) || r.includes(':task/')),
      `no wildcard resource: ${resources.join(', ')}`,
    );
    assert.ok(!statements.some((s) => s.Action.some((a) => a.includes('*'))));
  });

  it('the dashboard: backlog per task against the target, the age against its alarm', async () => {
    const model = await reference('prod');
    new SluiceWorkerService('dash', { model, ...network });

    const dashboard = (await one('aws:cloudwatch/dashboard:Dashboard', 'dash-dashboard')).inputs;
    assert.equal(dashboard.dashboardName, 'reference-workers');
    const widgets = JSON.parse(dashboard.dashboardBody).widgets;
    const graph = (title: string) => widgets.find((w: Made['inputs']) => w.properties.title === title);
    const backlog = graph('Backlog per task').properties;
    assert.deepEqual(backlog.annotations.horizontal, [{ label: 'target', value: 100 }]);
    assert.deepEqual(backlog.metrics.at(-1), [
      { expression: '(l0m0 + l0m1 + l0m2) / l0tasks', label: 'visible ÷ running tasks', id: 'l0e' },
    ]);
    assert.deepEqual(backlog.metrics[3].slice(0, 6), [
      'ECS/ContainerInsights',
      'RunningTaskCount',
      'ClusterName',
      'dash-cluster',
      'ServiceName',
      'reference-workers',
    ]);
    assert.deepEqual(graph('Age of the oldest message (s)').properties.annotations.horizontal, [
      { label: 'alarm', value: 300 },
    ]);
    assert.equal(widgets.at(-1).type, 'text');
  });
});

describe('SluiceWorkerService: another team', () => {
  it('10–30 tasks at 50,000 messages per worker; one queue: the age alarm watches its own metric', async () => {
    new SluiceWorkerService('bulk', { model: awsModel(bulkConfig(), options), ...network });

    const target = (await one('aws:appautoscaling/target:Target', 'bulk-target')).inputs;
    assert.deepEqual([target.minCapacity, target.maxCapacity], [10, 30]);
    const tracking = (await one(POLICY, 'bulk-backlog-per-task')).inputs
      .targetTrackingScalingPolicyConfiguration;
    assert.equal(tracking.targetValue, 50_000);
    assert.equal(tracking.customizedMetricSpecification.metrics.at(-1).expression, '(m0 + m1) / tasks');
    const alarm = (await one(ALARM, 'bulk-age')).inputs;
    assert.deepEqual(
      [alarm.metricName, alarm.statistic, alarm.period, alarm.evaluationPeriods, alarm.threshold],
      ['ApproximateAgeOfOldestMessage', 'Maximum', 60, 2, 300],
    );
    assert.equal(alarm.metricQueries, undefined);
    const task = (await one('aws:ecs/taskDefinition:TaskDefinition', 'bulk')).inputs;
    assert.deepEqual([task.cpu, task.memory], ['1024', '2048']);
  });

  it('min 0: a 0 → 1 step sets one task when a message waits and none runs', async () => {
    new SluiceWorkerService('zero', {
      model: awsModel(bulkConfig({ scale: { min: 0 } }), options),
      ...network,
    });

    const step = (await one(POLICY, 'zero-activation')).inputs.stepScalingPolicyConfiguration;
    assert.deepEqual(
      [step.adjustmentType, step.cooldown, step.stepAdjustments],
      ['ExactCapacity', 0, [{ metricIntervalLowerBound: '0', scalingAdjustment: 1 }]],
    );
    const alarm = (await one(ALARM, 'zero-activation')).inputs;
    assert.equal(alarm.metricQueries.at(-1).expression, 'IF(m0 > 0 AND FILL(tasks, 0) == 0, 1, 0)');
  });
});

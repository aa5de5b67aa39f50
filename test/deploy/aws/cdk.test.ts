/**
 * `sluice/cdk`: the example app (examples/aws/app.ts: the reference system's
 * workers, prod, and two zero-scale pipes), the reference system's dev
 * profile and the other team's workers, synthesized in-process in one App,
 * with every seed number asserted on the CloudFormation template and
 * cdk-nag's AwsSolutions pack run over all of it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FlowLogDestination, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { referenceApp } from '../../../examples/aws/app.ts';
import { awsModel, SluiceWorkerService } from '../../../src/deploy/cdk/index.ts';
import { bulkConfig, referenceConfig } from './seeds.ts';

/** CloudFormation JSON, as JSON.parse gives it. */
type Cfn = ReturnType<typeof JSON.parse>;
type Resources = Record<string, { Type: string; Properties: Cfn }>;

let app: App;
let prod: Template;
let dev: Template;
let bulk: Template;

const ofType = (t: Template, type: string) =>
  Object.values(t.findResources(type) as Resources).map((r) => r.Properties);
const policy = (t: Template, name: string) =>
  ofType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').find((p) => p.PolicyName === name) as Cfn;
const alarmOf = (t: Template, description: RegExp) =>
  ofType(t, 'AWS::CloudWatch::Alarm').find((a) => description.test(String(a.AlarmDescription))) as Cfn;

/** A VPC as cdk-nag wants one (flow logs on). */
const vpcIn = (stack: Stack) =>
  new Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs() } },
  });

before(async () => {
  app = new App();
  const example = await referenceApp({ app, profile: 'prod' });
  const devStack = new Stack(app, 'SluiceReference-dev');
  new SluiceWorkerService(devStack, 'Workers', {
    model: awsModel(await referenceConfig('dev'), { configFile: 'sluice.config.ts' }),
    vpc: vpcIn(devStack),
  });
  const bulkStack = new Stack(app, 'Bulk');
  new SluiceWorkerService(bulkStack, 'Workers', {
    model: awsModel(bulkConfig(), { configFile: 'sluice.config.ts' }),
    vpc: vpcIn(bulkStack),
  });
  prod = Template.fromStack(example.stack);
  dev = Template.fromStack(devStack);
  bulk = Template.fromStack(bulkStack);
});

describe('sluice/cdk: the seeds’ numbers', () => {
  it('min and max tasks: dev 1–3, prod 1–10, the other team 10–30', () => {
    for (const [t, min, max] of [
      [dev, 1, 3],
      [prod, 1, 10],
      [bulk, 10, 30],
    ] as const)
      t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: min,
        MaxCapacity: max,
        ScalableDimension: 'ecs:service:DesiredCount',
        ServiceNamespace: 'ecs',
      });
  });

  it('target tracking on backlog per task, metric math: 100 per task, 50,000 per worker', () => {
    const seeds = policy(prod, 'reference-workers-backlog-per-task').TargetTrackingScalingPolicyConfiguration;
    assert.equal(seeds.TargetValue, 100);
    assert.equal(seeds.DisableScaleIn, true);
    assert.deepEqual([seeds.ScaleOutCooldown, seeds.ScaleInCooldown], [60, 300]);
    const metrics = seeds.CustomizedMetricSpecification.Metrics;
    assert.deepEqual(metrics.at(-1), {
      Id: 'e',
      Expression: '(m0 + m1 + m2) / tasks',
      Label: 'backlog per task',
      ReturnData: true,
    });
    assert.deepEqual(
      metrics
        .slice(0, -1)
        .map((m: Cfn) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions[0].Value]),
      [
        ['m0', 'ApproximateNumberOfMessagesVisible', 'push-notifications'],
        ['m1', 'ApproximateNumberOfMessagesVisible', 'offline-messages'],
        ['m2', 'ApproximateNumberOfMessagesVisible', 'events'],
        ['tasks', 'RunningTaskCount', { Ref: 'WorkersCluster2E9BA3A7' }],
      ],
    );
    assert.equal(
      policy(bulk, 'bulk-workers-backlog-per-task').TargetTrackingScalingPolicyConfiguration.TargetValue,
      50_000,
    );
    assert.equal(
      ofType(prod, 'AWS::ApplicationAutoScaling::ScalingPolicy').length,
      3,
      'tracking, age, scale-in: no CPU policy',
    );
    assert.doesNotMatch(JSON.stringify(prod.toJSON()), /CPUUtilization/);
  });

  it('age steps: alarm at 300 s on the Maximum over 2 × 60 s; +1 for 300–600 s, +2 beyond, as absolute ages', () => {
    const age = policy(prod, 'reference-workers-age').StepScalingPolicyConfiguration;
    const alarm = alarmOf(prod, /scaling: age of the oldest message/);
    assert.equal(alarm.Threshold, 300);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.EvaluationPeriods, 2);
    const ages = alarm.Metrics.filter((m: Cfn) => m.MetricStat);
    assert.ok(ages.every((m: Cfn) => m.MetricStat.Stat === 'Maximum' && m.MetricStat.Period === 60));
    assert.ok(ages.every((m: Cfn) => m.MetricStat.Metric.MetricName === 'ApproximateAgeOfOldestMessage'));
    // What AWS does at each absolute age: threshold + the interval's bounds.
    const absolute = age.StepAdjustments.map((s: Cfn) => [
      alarm.Threshold + s.MetricIntervalLowerBound,
      s.MetricIntervalUpperBound === undefined ? undefined : alarm.Threshold + s.MetricIntervalUpperBound,
      s.ScalingAdjustment,
    ]);
    assert.deepEqual(absolute, [
      [300, 600, 1],
      [600, undefined, 2],
    ]);
    assert.deepEqual(
      [age.AdjustmentType, age.MetricAggregationType, age.Cooldown],
      ['ChangeInCapacity', 'Maximum', 60],
    );
    const [agePolicyId] = Object.keys(
      prod.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
        Properties: { PolicyName: 'reference-workers-age' },
      }),
    );
    assert.deepEqual(alarm.AlarmActions, [{ Ref: agePolicyId }], 'the alarm drives the step policy');
  });

  it('scale-in on outstanding messages, its own cooldown; 0 → 1 only where min is 0', () => {
    const alarm = alarmOf(prod, /scaling: outstanding messages/);
    assert.deepEqual(
      [alarm.Threshold, alarm.EvaluationPeriods, alarm.ComparisonOperator],
      [90, 15, 'LessThanThreshold'],
    );
    assert.match(
      alarm.Metrics[0].Expression,
      /^IF\(tasks <= 1 AND \(m0 \+ .* \+ m5\) > 0, 90, \(m0 \+ .* \+ m5\) \/ tasks\)$/,
    );
    const names = new Set(
      alarm.Metrics.filter((m: Cfn) => m.MetricStat).map((m: Cfn) => m.MetricStat.Metric.MetricName),
    );
    assert.deepEqual(
      [...names],
      ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'RunningTaskCount'],
    );
    const scaleIn = policy(prod, 'reference-workers-scale-in').StepScalingPolicyConfiguration;
    assert.deepEqual([scaleIn.AdjustmentType, scaleIn.Cooldown], ['PercentChangeInCapacity', 300]);
    assert.equal(policy(prod, 'reference-workers-activation'), undefined);
  });

  it('alarms: DLQ depth > 0, visible > 1,000,000, oldest age > 300 s', () => {
    for (const [description, threshold, metric] of [
      [/^push-notifications-dlq: more than 0 failed/, 0, 'ApproximateNumberOfMessagesVisible'],
      [
        /^push-notifications: more than 1000000 messages waiting/,
        1_000_000,
        'ApproximateNumberOfMessagesVisible',
      ],
      [/^push-notifications: a message has waited more than 300 s/, 300, 'ApproximateAgeOfOldestMessage'],
    ] as const) {
      const alarm = alarmOf(prod, description);
      assert.ok(alarm, String(description));
      assert.deepEqual(
        [alarm.Threshold, alarm.ComparisonOperator, alarm.MetricName, alarm.Statistic, alarm.Period],
        [threshold, 'GreaterThanThreshold', metric, 'Maximum', 60],
      );
    }
  });

  it('queues: the DLQ after 3 receives, SSE, TLS only, names as configured', () => {
    prod.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'push-notifications',
      VisibilityTimeout: 60,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
    });
    prod.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'cost-collection.fifo',
      FifoQueue: true,
      VisibilityTimeout: 300,
    });
    prod.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'push-notifications-dlq',
      MessageRetentionPeriod: 1_209_600,
    });
    const queues = ofType(prod, 'AWS::SQS::Queue');
    assert.equal(queues.length, 14, '5 + 2 queues, each with its DLQ');
    const tlsOnly = ofType(prod, 'AWS::SQS::QueuePolicy').filter((p: Cfn) =>
      p.PolicyDocument.Statement.some(
        (s: Cfn) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );
    assert.equal(tlsOnly.length, 14);
  });

  it('the workers service: Fargate, no load balancer, health check, stop timeout, Spot with an on-demand base', () => {
    const [task] = ofType(prod, 'AWS::ECS::TaskDefinition').filter(
      (t: Cfn) => t.ContainerDefinitions[0].Name === 'worker',
    ) as Cfn[];
    assert.deepEqual([task.Cpu, task.Memory, task.RequiresCompatibilities], ['512', '1024', ['FARGATE']]);
    const [worker] = task.ContainerDefinitions;
    assert.deepEqual(worker.Command, ['start', 'sluice.config.ts']);
    assert.deepEqual(worker.HealthCheck, {
      Command: ['CMD', 'sluice', 'health', 'http://127.0.0.1:3003/health'],
      Interval: 30,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 60,
    });
    assert.equal(worker.StopTimeout, 40);
    const env = Object.fromEntries(worker.Environment.map((e: Cfn) => [e.Name, e.Value]));
    assert.deepEqual(
      [env.WORKER_HEALTH_PORT, env.WORKER_SHUTDOWN_TIMEOUT_MS, env.SLUICE_ENV],
      ['3003', '30000', 'prod'],
    );
    const [service] = ofType(prod, 'AWS::ECS::Service') as Cfn[];
    assert.equal(service.LoadBalancers, undefined);
    assert.equal(service.EnableExecuteCommand, false);
    const deployment = service.DeploymentConfiguration;
    assert.deepEqual(
      [deployment.DeploymentCircuitBreaker, deployment.MaximumPercent, deployment.MinimumHealthyPercent],
      [{ Enable: true, Rollback: true }, 200, 100],
    );
    assert.deepEqual(service.CapacityProviderStrategy, [
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 1 },
    ]);
    prod.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('the task role: only the worker’s SQS actions, only on its queues; task protection on the cluster’s tasks', () => {
    const statements = ofType(prod, 'AWS::IAM::Policy')
      .filter((p: Cfn) => JSON.stringify(p.Roles).includes('WorkersTaskRole'))
      .flatMap((p: Cfn) => p.PolicyDocument.Statement);
    const actions = new Set(statements.flatMap((s: Cfn) => [s.Action].flat()));
    assert.deepEqual([...actions].sort(), [
      'ecs:GetTaskProtection',
      'ecs:UpdateTaskProtection',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ListQueueTags',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
      'sqs:TagQueue',
    ]);
    for (const s of statements) assert.notEqual(s.Resource, '*', JSON.stringify(s));
  });

  it('the zero-scale pipes: RunTask on Fargate Spot with $.body, batch size 1; a batch through Step Functions', () => {
    prod.hasResourceProperties('AWS::Pipes::Pipe', {
      Name: 'reference-jobs-renders',
      SourceParameters: { SqsQueueParameters: { BatchSize: 1, MaximumBatchingWindowInSeconds: 0 } },
      TargetParameters: {
        EcsTaskParameters: {
          TaskCount: 1,
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 1 }],
          Overrides: {
            ContainerOverrides: [{ Name: 'job', Environment: [{ Name: 'SQS_BODY', Value: '$.body' }] }],
          },
        },
      },
    });
    prod.hasResourceProperties('AWS::Pipes::Pipe', {
      Name: 'reference-jobs-exports',
      SourceParameters: { SqsQueueParameters: { BatchSize: 50, MaximumBatchingWindowInSeconds: 5 } },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' } },
    });
    const [machine] = ofType(prod, 'AWS::StepFunctions::StateMachine') as Cfn[];
    const definition = JSON.stringify(machine.DefinitionString);
    for (const piece of [
      'arn:aws:states:::ecs:runTask.sync',
      '\\"Value.$\\":\\"States.JsonToString($.records)\\"',
      '\\"MaxAttempts\\":2',
      '\\"IntervalSeconds\\":300',
      'arn:aws:states:::sqs:sendMessage',
    ])
      assert.ok(definition.includes(piece), piece);
    // Bounded as a whole in the definition itself (CDK drops a `timeout` given beside a string definition).
    const timeouts = [...definition.matchAll(/\\"TimeoutSeconds\\":(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(timeouts.length, 2, 'the run and the task each bounded');
    assert.equal(
      timeouts[0],
      timeouts[1]! * (2 + 2),
      'the run: every attempt plus room for the waits and the DLQ',
    );
  });

  it('the dashboard: depth, in flight, age, backlog per task, running and desired tasks, DLQs', () => {
    const [dashboard] = ofType(prod, 'AWS::CloudWatch::Dashboard') as Cfn[];
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const title of [
      'Messages visible',
      'Messages in flight',
      'Age of the oldest message (s)',
      'Backlog per task',
      'Tasks: running and desired',
      'Dead-letter queues',
    ])
      assert.ok(body.includes(title), title);
  });
});

describe('sluice/cdk: cdk-nag', () => {
  it('the AwsSolutions pack passes (every acknowledgment with its reason)', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
      [],
    );
  });
});

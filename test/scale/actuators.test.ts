import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { kedaScaledObject } from '../../src/deploy/k8s/keda.ts';
import { ecsActuator } from '../../src/scale/actuators/ecs.ts';
import { parseScalePolicy } from '../../src/scale/config.ts';
import { fakeEcs } from './fake-ecs.ts';

describe('ecs actuator over a real ECS JSON endpoint', () => {
  const fake = fakeEcs();
  let endpoint = '';
  const actuator = (extra: Partial<Parameters<typeof ecsActuator>[0]> = {}) =>
    ecsActuator({ cluster: 'prod', service: 'push-worker', endpoint, region: 'us-east-1', ...extra });
  const actions = () => fake.requests.map((r) => r.action);

  before(async () => {
    endpoint = await fake.start();
  });
  after(() => fake.close());

  it('reads desiredCount, sets it with UpdateService, and skips an unchanged count', async () => {
    fake.services.set('prod/push-worker', 2);
    fake.requests.length = 0;
    const ecs = actuator();
    try {
      assert.equal(ecs.target, 'ecs prod/push-worker');
      assert.equal(await ecs.current(), 2);
      assert.deepEqual(fake.requests[0], {
        action: 'DescribeServices',
        body: { cluster: 'prod', services: ['push-worker'] },
      });

      await ecs.apply(4, 'target tracking: backlog 400 ÷ 100 per worker → 4');
      assert.deepEqual(fake.requests[1], {
        action: 'UpdateService',
        body: { cluster: 'prod', service: 'push-worker', desiredCount: 4 },
      });
      assert.equal(fake.services.get('prod/push-worker'), 4);

      await ecs.apply(4, 'holding');
      assert.deepEqual(actions(), ['DescribeServices', 'UpdateService']);

      assert.equal(await ecs.current(), 4);
      await ecs.apply(4, 'holding');
      assert.deepEqual(actions(), ['DescribeServices', 'UpdateService', 'DescribeServices']);
    } finally {
      ecs.close();
    }
  });

  it('apply before any read reads first, then updates only on a change', async () => {
    fake.services.set('prod/push-worker', 3);
    fake.requests.length = 0;
    const ecs = actuator();
    try {
      await ecs.apply(3, 'holding');
      assert.deepEqual(actions(), ['DescribeServices']);
      await ecs.apply(1, 'scale-in');
      assert.deepEqual(actions(), ['DescribeServices', 'UpdateService']);
      assert.equal(fake.services.get('prod/push-worker'), 1);
    } finally {
      ecs.close();
    }
  });

  it('a missing service is an error naming the cluster, the service and ECS’s reason', async () => {
    const ecs = actuator({ service: 'nope' });
    try {
      await assert.rejects(ecs.current(), (e: Error) => {
        assert.equal(e.name, 'EcsActuatorError');
        assert.match(e.message, /ECS service "nope" not found in cluster "prod"/);
        assert.match(e.message, /MISSING/);
        assert.match(e.message, /service\/prod\/nope/);
        return true;
      });
      await assert.rejects(ecs.apply(2, 'x'), /ECS service "nope" not found in cluster "prod"/);
    } finally {
      ecs.close();
    }
  });

  it('an SDK error names the call, the cluster and the service', async () => {
    const ecs = actuator();
    fake.services.set('prod/push-worker', 2);
    try {
      await ecs.current();
      fake.services.delete('prod/push-worker');
      await assert.rejects(
        ecs.apply(5, 'x'),
        /ECS service "push-worker" in cluster "prod": UpdateService failed: ServiceNotFoundException: Service not found\./,
      );
    } finally {
      fake.services.set('prod/push-worker', 2);
      ecs.close();
    }
  });

  it('dry run reads the real count, prints the UpdateService it would send, and sends none', async () => {
    fake.services.set('prod/push-worker', 2);
    fake.requests.length = 0;
    const lines: string[] = [];
    const ecs = actuator({ dryRun: true, write: (line) => lines.push(line) });
    try {
      assert.equal(ecs.target, 'ecs prod/push-worker (dry run)');
      assert.equal(await ecs.current(), 2);
      await ecs.apply(4, 'target tracking: backlog 400 ÷ 100 per worker → 4');
      assert.deepEqual(lines, [
        'dry-run: ecs UpdateService {"cluster":"prod","service":"push-worker","desiredCount":4}  # 2 → 4: target tracking: backlog 400 ÷ 100 per worker → 4',
      ]);
      // As a live run would see it next tick: the count it would have set.
      assert.equal(await ecs.current(), 4);
      await ecs.apply(4, 'holding');
      assert.equal(lines.length, 1);
      assert.deepEqual(actions(), ['DescribeServices']);
      assert.equal(fake.services.get('prod/push-worker'), 2);
    } finally {
      ecs.close();
    }
  });

  it('dry run with assumeCount makes no call at all', async () => {
    fake.requests.length = 0;
    const lines: string[] = [];
    const ecs = actuator({ dryRun: true, assumeCount: 1, write: (line) => lines.push(line) });
    try {
      assert.equal(await ecs.current(), 1);
      await ecs.apply(3, 'step scaling');
      assert.match(
        lines[0] ?? '',
        /^dry-run: ecs UpdateService .*"desiredCount":3\} {2}# 1 → 3: step scaling$/,
      );
      assert.deepEqual(fake.requests, []);
    } finally {
      ecs.close();
    }
  });

  it('refuses assumeCount outside a dry run, and a count that is not a whole number', async () => {
    assert.throws(() => actuator({ assumeCount: 2 }), /assumeCount is for dry runs only/);
    const ecs = actuator({ dryRun: true, assumeCount: 1, write: () => {} });
    await assert.rejects(ecs.apply(2.5, 'x'), /desired count must be an integer ≥ 0, got 2.5/);
    ecs.close();
  });
});

describe('KEDA ScaledObject export', () => {
  const options = {
    name: 'push-worker',
    namespace: 'workers',
    deployment: 'push-worker',
    queueUrls: ['https://sqs.eu-west-1.amazonaws.com/123456789012/push'],
    region: 'eu-west-1',
    authRef: 'keda-aws',
  };
  const fieldSteps = [
    { ageFromSeconds: 0, ageToSeconds: 300, change: 0 },
    { ageFromSeconds: 300, ageToSeconds: 600, change: 1 },
    { ageFromSeconds: 600, change: 2 },
  ];

  it('writes the policy’s numbers into the ScaledObject and its aws-sqs-queue trigger', () => {
    const policy = parseScalePolicy({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      scaleOnDelayed: true,
      periodSeconds: 30,
    });
    const { yaml, warnings } = kedaScaledObject(policy, options);
    assert.deepEqual(warnings, []);
    assert.deepEqual(parse(yaml), {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'push-worker', namespace: 'workers' },
      spec: {
        scaleTargetRef: { name: 'push-worker' },
        pollingInterval: 30,
        cooldownPeriod: 300,
        minReplicaCount: 1,
        maxReplicaCount: 10,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              scaleUp: { stabilizationWindowSeconds: 60 },
              scaleDown: { stabilizationWindowSeconds: 300 },
            },
          },
        },
        triggers: [
          {
            type: 'aws-sqs-queue',
            metadata: {
              queueURL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/push',
              queueLength: '100',
              activationQueueLength: '0',
              awsRegion: 'eu-west-1',
              scaleOnInFlight: 'true',
              scaleOnDelayed: 'true',
            },
            authenticationRef: { name: 'keda-aws' },
          },
        ],
      },
    });
    assert.match(yaml, /^# Generated by sluice/);
    assert.match(yaml, /queueLength: "100"/, 'trigger metadata values are strings');
  });

  it('a derived target becomes an integer queueLength, rounded down', () => {
    const policy = parseScalePolicy({ min: 0, max: 5, acceptableLatencySeconds: 10, secondsPerMessage: 0.3 });
    const { yaml, warnings } = kedaScaledObject(policy, options);
    const trigger = parse(yaml).spec.triggers[0];
    assert.equal(trigger.metadata.queueLength, '33');
    assert.match(warnings.join('\n'), /target 33\.3+\d* messages per worker written as queueLength 33/);
    assert.equal(parse(yaml).spec.minReplicaCount, 0);
  });

  it('against a sluice server the age steps are not representable: a comment and a warning, the rest exported', () => {
    const policy = parseScalePolicy({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      steps: fieldSteps,
      evaluationPeriods: 2,
      periodSeconds: 60,
    });
    const { yaml, warnings } = kedaScaledObject(policy, { ...options, awsEndpoint: 'http://sluice:9324' });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /age steps not exported \(0–300 s: no change; 300–600 s: \+1; ≥ 600 s: \+2\)/,
    );
    assert.match(warnings[0] ?? '', /kedacore\/keda#5754/);
    assert.match(yaml, /^# NOT EXPORTED: step scaling on the age of the oldest message/m);
    assert.match(yaml, /^# {3}300–600 s: \+1$/m);
    assert.match(yaml, /^# {3}≥ 600 s: \+2$/m);
    assert.match(yaml, /alarm after 2 × 60 s periods/);
    assert.equal(parse(yaml).spec.triggers.length, 1);
    assert.equal(parse(yaml).spec.triggers[0].metadata.queueLength, '100');
  });

  it('on Amazon SQS the age steps become an aws-cloudwatch trigger on the oldest message’s age, named in a comment', () => {
    const policy = parseScalePolicy({
      min: 1,
      max: 10,
      targetBacklogPerWorker: 100,
      steps: fieldSteps,
      evaluationPeriods: 2,
      periodSeconds: 60,
    });
    const { yaml, warnings } = kedaScaledObject(policy, options);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /age steps \(0–300 s: no change; .*\) approximated by an aws-cloudwatch trigger/,
    );
    assert.match(
      yaml,
      /^# MESSAGE AGE: KEDA's aws-sqs-queue scaler cannot scale on it \(kedacore\/keda#5754\)/m,
    );
    const [sqs, age] = parse(yaml).spec.triggers;
    assert.equal(sqs.metadata.queueLength, '100');
    assert.deepEqual(age, {
      type: 'aws-cloudwatch',
      name: 'push-age',
      metadata: {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensionName: 'QueueName',
        dimensionValue: 'push',
        metricStat: 'Maximum',
        metricStatPeriod: '60',
        targetMetricValue: '300',
        minMetricValue: '0',
        awsRegion: 'eu-west-1',
      },
      authenticationRef: { name: 'keda-aws' },
    });
  });

  it('a steps-only policy cannot be exported', () => {
    const policy = parseScalePolicy({ min: 1, max: 10, steps: fieldSteps });
    assert.throws(
      () => kedaScaledObject(policy, options),
      /cannot export .* only age steps.*kedacore\/keda#5754/,
    );
  });

  it('a target measured at run time cannot be exported', () => {
    const policy = parseScalePolicy({ min: 1, max: 10, acceptableLatencySeconds: 30 });
    assert.throws(() => kedaScaledObject(policy, options), /measured at run time.*fixed queueLength/);
  });

  it('warns without an authRef, caps long windows, and refuses a bad name', () => {
    const policy = parseScalePolicy({
      min: 0,
      max: 3,
      targetBacklogPerWorker: 10,
      scaleInCooldownSeconds: 7200,
      activation: false,
    });
    const { authRef: _, ...noAuth } = options;
    const { yaml, warnings } = kedaScaledObject(policy, { ...noAuth, awsEndpoint: 'http://sluice:9324' });
    const spec = parse(yaml).spec;
    assert.equal(spec.cooldownPeriod, 7200);
    assert.equal(
      spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds,
      3600,
    );
    assert.equal(spec.triggers[0].authenticationRef, undefined);
    assert.equal(spec.triggers[0].metadata.awsEndpoint, 'http://sluice:9324');
    const all = warnings.join('\n');
    assert.match(all, /scaleInCooldownSeconds 7200 s capped at 3600 s/);
    assert.match(all, /activation is off/);
    assert.match(all, /no authRef/);
    assert.throws(
      () => kedaScaledObject(policy, { ...options, name: 'Push_Worker' }),
      /name must be a Kubernetes name/,
    );
  });
});

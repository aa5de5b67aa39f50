/**
 * `sluice/pulumi`'s SluicePipeWorker under Pulumi's runtime mocks, on the
 * example pipes (examples/aws/pipes.config.ts): per message, Pipes → ECS
 * RunTask on Fargate Spot with SQS_BODY from `$.body` and batch size 1; per
 * batch, Pipes → Step Functions → `ecs:runTask.sync` with the model's
 * retries and DLQ; each role holding only the model's grants.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAwsModel } from '../../../src/deploy/aws/load.ts';
import type { AwsModel } from '../../../src/deploy/aws/model.ts';
import { SluicePipeWorker } from '../../../src/deploy/pulumi/index.ts';
import { ACCOUNT, installMocks, type Made, one, REGION, registered } from './mocks.ts';

const PIPES = new URL('../../../examples/aws/pipes.config.ts', import.meta.url).pathname;
const network = { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-jobs'] };
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** A role's trusted service and its statements, resource by resource. */
async function roleOf(name: string) {
  const trust = JSON.parse((await one('aws:iam/role:Role', name)).inputs.assumeRolePolicy);
  const statements: { Action: string[]; Resource: string[] }[] = JSON.parse(
    (await one('aws:iam/rolePolicy:RolePolicy', name)).inputs.policy,
  ).Statement;
  return {
    service: trust.Statement[0].Principal.Service,
    on: (resource: string) =>
      statements
        .filter((s) => s.Resource.includes(resource))
        .flatMap((s) => s.Action)
        .sort(),
    resources: statements.flatMap((s) => s.Resource).sort(),
  };
}

let model: AwsModel;
before(async () => {
  await installMocks();
  model = await loadAwsModel(PIPES);
});

describe('SluicePipeWorker', () => {
  it('per message: one Fargate Spot task per message, the body in SQS_BODY, batch size 1', async () => {
    const worker = new SluicePipeWorker('renders', { model, pipe: 'renders', ...network });
    assert.equal(worker.stateMachine, undefined);

    const pipe = (await one('aws:pipes/pipe:Pipe', 'renders')).inputs;
    assert.equal(pipe.name, 'reference-jobs-renders');
    assert.equal(pipe.source, arn('sqs', 'renders'));
    assert.deepEqual(pipe.sourceParameters.sqsQueueParameters, {
      batchSize: 1,
      maximumBatchingWindowInSeconds: 0,
    });
    assert.equal(pipe.target, arn('ecs', 'cluster/renders-cluster'));
    const task = pipe.targetParameters.ecsTaskParameters;
    assert.equal(task.taskDefinitionArn, arn('ecs', 'task-definition/reference-jobs-renders:1'));
    assert.equal(task.taskCount, 1);
    assert.deepEqual(task.capacityProviderStrategies, [
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    assert.deepEqual(task.networkConfiguration.awsVpcConfiguration, {
      ...network,
      assignPublicIp: 'DISABLED',
    });
    assert.deepEqual(task.overrides.containerOverrides, [
      { name: 'job', environments: [{ name: 'SQS_BODY', value: '$.body' }] },
    ]);

    const definition = (await one('aws:ecs/taskDefinition:TaskDefinition', 'renders')).inputs;
    assert.deepEqual([definition.cpu, definition.memory], ['1024', '2048']);
    const [container] = JSON.parse(definition.containerDefinitions);
    assert.deepEqual(
      [container.name, container.image, container.command],
      ['job', 'ghcr.io/acme/reference-jobs:1.0.0', ['node', 'render.js']],
    );

    const role = await roleOf('renders-pipe');
    assert.equal(role.service, 'pipes.amazonaws.com');
    assert.deepEqual(role.on(arn('sqs', 'renders')), [
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    assert.deepEqual(role.on(arn('ecs', 'task-definition/reference-jobs-renders:1')), ['ecs:RunTask']);
    assert.deepEqual(role.on(`arn:aws:iam::${ACCOUNT}:role/renders-task`), ['iam:PassRole']);
    assert.deepEqual(role.on(`arn:aws:iam::${ACCOUNT}:role/renders-execution`), ['iam:PassRole']);
    assert.equal(role.resources.length, 4, `nothing else: ${role.resources.join(', ')}`);
    const taskRolePolicies = await registered(
      (m: Made) => m.type === 'aws:iam/rolePolicy:RolePolicy' && m.name === 'renders-task',
    );
    assert.deepEqual(taskRolePolicies, [], "the task's own role is allowed nothing");
  });

  it('per batch: a state machine runs the task (.sync), retries it, then sends the batch to the DLQ', async () => {
    const worker = new SluicePipeWorker('exports', { model, pipe: 'exports', ...network });
    assert.ok(worker.stateMachine);

    const pipe = (await one('aws:pipes/pipe:Pipe', 'exports')).inputs;
    assert.deepEqual(pipe.sourceParameters.sqsQueueParameters, {
      batchSize: 50,
      maximumBatchingWindowInSeconds: 5,
    });
    assert.equal(pipe.target, arn('states', 'stateMachine:reference-jobs-exports'));
    assert.deepEqual(pipe.targetParameters, {
      stepFunctionStateMachineParameters: { invocationType: 'FIRE_AND_FORGET' },
    });

    const machine = (await one('aws:sfn/stateMachine:StateMachine', 'exports')).inputs;
    assert.equal(machine.type, 'STANDARD');
    const run = JSON.parse(machine.definition).States.RunTask;
    assert.equal(run.Resource, 'arn:aws:states:::ecs:runTask.sync');
    assert.equal(run.TimeoutSeconds, 1800);
    assert.deepEqual(run.Retry, [
      { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 300, BackoffRate: 2 },
    ]);
    assert.equal(run.Parameters.Cluster, arn('ecs', 'cluster/exports-cluster'));
    assert.deepEqual(run.Parameters.NetworkConfiguration.AwsvpcConfiguration, {
      Subnets: network.subnets,
      SecurityGroups: network.securityGroups,
      AssignPublicIp: 'DISABLED',
    });
    assert.deepEqual(run.Parameters.CapacityProviderStrategy, [
      { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 1 },
    ]);
    assert.deepEqual(run.Parameters.Overrides.ContainerOverrides[0].Environment, [
      { Name: 'SQS_BODY', 'Value.$': 'States.JsonToString($.records)' },
    ]);
    const send = JSON.parse(machine.definition).States.DeadLetter.ItemProcessor.States.Send;
    assert.equal(send.Parameters.QueueUrl, `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/exports-dlq`);

    const machineRole = await roleOf('exports-state-machine');
    assert.equal(machineRole.service, 'states.amazonaws.com');
    assert.deepEqual(machineRole.on(arn('ecs', 'task/exports-cluster/*')), [
      'ecs:DescribeTasks',
      'ecs:StopTask',
    ]);
    assert.deepEqual(machineRole.on(arn('events', 'rule/StepFunctionsGetEventsForECSTaskRule')), [
      'events:DescribeRule',
      'events:PutRule',
      'events:PutTargets',
    ]);
    assert.deepEqual(machineRole.on(arn('sqs', 'exports-dlq')), ['sqs:SendMessage']);
    assert.deepEqual(machineRole.on(arn('ecs', 'task-definition/reference-jobs-exports:1')), ['ecs:RunTask']);
    const pipeRole = await roleOf('exports-pipe');
    assert.deepEqual(pipeRole.on(arn('states', 'stateMachine:reference-jobs-exports')), [
      'states:StartExecution',
    ]);
    assert.deepEqual(pipeRole.on(arn('sqs', 'exports')), [
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
  });

  it('shares a cluster given, and names the pipes when asked for one it does not have', async () => {
    const cluster = { arn: arn('ecs', 'cluster/shared'), name: 'shared' };
    new SluicePipeWorker('shared', { model, pipe: 'renders', cluster, ...network });
    const pipe = (await one('aws:pipes/pipe:Pipe', 'shared')).inputs;
    assert.equal(pipe.target, cluster.arn);
    assert.deepEqual(
      await registered((m) => m.type === 'aws:ecs/cluster:Cluster' && m.name.startsWith('shared')),
      [],
    );
    assert.throws(
      () => new SluicePipeWorker('none', { model, ...network }),
      /^Error: SluicePipeWorker: name the pipe \(args.pipe\): the model has reference-jobs-renders, reference-jobs-exports$/,
    );
  });
});

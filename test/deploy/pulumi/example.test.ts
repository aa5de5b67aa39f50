/**
 * examples/pulumi/index.ts, the Pulumi program the README shows, run as
 * `pulumi up` would run it on a stack named prod — under Pulumi's runtime
 * mocks, with the stack's config set — and the README's Pulumi blocks
 * checked to be that program's own lines, so the page cannot drift from
 * what runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { ACCOUNT, installMocks, one, REGION, registered } from './mocks.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PROGRAM = join(ROOT, 'examples/pulumi/index.ts');
const network = { vpcId: 'vpc-0a1b', subnets: ['subnet-a', 'subnet-b'] };

before(async () => {
  await installMocks({ project: 'sluice-reference', stack: 'prod' });
  pulumi.runtime.setAllConfig({
    'sluice-reference:vpcId': network.vpcId,
    'sluice-reference:subnets': JSON.stringify(network.subnets),
  });
  process.chdir(join(ROOT, 'examples/pulumi')); // where `pulumi up` runs it
  await import(PROGRAM);
});

it('deploys the reference system’s prod workers and the pipes in one cluster', async () => {
  const target = (await one('aws:appautoscaling/target:Target', 'workers-target')).inputs;
  assert.deepEqual([target.minCapacity, target.maxCapacity], [1, 10]);
  const service = (await one('aws:ecs/service:Service', 'workers')).inputs;
  assert.deepEqual(service.networkConfiguration.subnets, network.subnets);
  assert.deepEqual(service.networkConfiguration.securityGroups, ['tasks-id']);
  const [container] = JSON.parse(
    (await one('aws:ecs/taskDefinition:TaskDefinition', 'workers')).inputs.containerDefinitions,
  );
  assert.deepEqual(container.command, ['start', 'sluice.config.ts']);
  assert.ok(
    container.environment.some(
      (e: { name: string; value: string }) => e.name === 'SLUICE_ENV' && e.value === 'prod',
    ),
    'the service reads its config with the stack’s profile',
  );

  const alarm = (await one('aws:cloudwatch/metricAlarm:MetricAlarm', 'workers-push-notifications-visible'))
    .inputs;
  assert.equal(alarm.threshold, 1_000_000);
  assert.deepEqual(alarm.alarmActions, [`arn:aws:sns:${REGION}:${ACCOUNT}:topic/alerts`]);

  const pipes = await registered((m) => m.type === 'aws:pipes/pipe:Pipe');
  assert.deepEqual(pipes.map((p) => p.inputs.name).sort(), [
    'reference-jobs-exports',
    'reference-jobs-renders',
  ]);
  assert.deepEqual(
    (await registered((m) => m.type === 'aws:ecs/cluster:Cluster')).map((c) => c.name),
    ['workers-cluster'],
    'the pipes run in the workers’ cluster',
  );
});

it('the README’s Pulumi blocks are the program’s own lines', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### AWS with Pulumi'));
  const blocks = [...section.slice(0, section.indexOf('\n## ')).matchAll(/```ts\n([\s\S]*?)```/g)].map(
    ([, code]) => code ?? '',
  );
  assert.ok(blocks.length >= 2, 'a block for the workers service and one for the pipes');
  const program = readFileSync(PROGRAM, 'utf8');
  for (const block of blocks)
    assert.ok(program.includes(block), `not in examples/pulumi/index.ts:\n${block}`);
});

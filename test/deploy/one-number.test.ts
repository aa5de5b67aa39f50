/**
 * One number changed in the config changes in every renderer's output:
 * `sluice deploy` pm2, compose, k8s and terraform, the AWS CDK constructs
 * and the Pulumi components (under Pulumi's runtime mocks). Each
 * renderer has a reader that finds the numbers in what it wrote; a new
 * renderer (Pulumi, Terraform) adds its reader to RENDERERS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse, parseAllDocuments } from 'yaml';
import type { SluiceConfig } from '../../src/config/config-file.ts';
import { awsModel, SluiceWorkerService } from '../../src/deploy/cdk/index.ts';
import { deployModel } from '../../src/deploy/model.ts';
import { SluiceWorkerService as PulumiWorkerService } from '../../src/deploy/pulumi/index.ts';
import { render, renderAws } from '../../src/deploy/render.ts';
import { configOf, type Numbers, pm2Apps } from './configs.ts';
import { installMocks, one } from './pulumi/mocks.ts';
import { document } from './terraform/module.ts';

/** The numbers a renderer's output carries (those it has no place for are left out). */
export interface Carried {
  /** The most workers (processes, replicas, tasks). */
  max?: number;
  /** The backlog per worker the autoscaler keeps. */
  target?: number;
  /** How long the platform waits for a stopping worker (s). */
  stopSeconds?: number;
  /** WORKER_SHUTDOWN_TIMEOUT_MS as the workers get it. */
  shutdownMs?: string;
}

/** On Amazon SQS (the AWS renderers), sized for Fargate. */
const onAws = { accountId: '123456789012' };
const options = { configFile: 'sluice.config.ts' };
const files = (target: 'pm2' | 'compose' | 'k8s', config: SluiceConfig) =>
  render(target, deployModel(config, options), { pm2: { cwd: '..', script: '../bin/sluice.js' } }).files;

let mocks: Promise<void> | undefined;
let services = 0;

export const RENDERERS: Record<string, (config: SluiceConfig) => Carried | Promise<Carried>> = {
  pm2: (config) => {
    const [app] = pm2Apps(files('pm2', config)['ecosystem.config.cjs'] ?? '');
    return {
      max: app?.instances as number,
      stopSeconds: (app?.kill_timeout as number) / 1000,
      shutdownMs: (app?.env as Record<string, string> | undefined)?.WORKER_SHUTDOWN_TIMEOUT_MS,
    };
  },
  compose: (config) => {
    const worker = parse(files('compose', config)['compose.yaml'] ?? '').services['sluice-worker'];
    return {
      max: worker.deploy.replicas,
      stopSeconds: Number.parseInt(worker.stop_grace_period, 10),
      shutdownMs: worker.environment.WORKER_SHUTDOWN_TIMEOUT_MS,
    };
  },
  k8s: (config) => {
    const out = files('k8s', config);
    const doc = (name: string) => parseAllDocuments(out[name] ?? '')[0]?.toJS();
    const scaled = doc('scaledobject.yaml');
    const pod = doc('deployment.yaml').spec.template.spec;
    return {
      max: scaled.spec.maxReplicaCount,
      target: Number(scaled.spec.triggers[0].metadata.queueLength),
      stopSeconds: pod.terminationGracePeriodSeconds,
      shutdownMs: pod.containers[0].env.find((e: { name: string }) => e.name === 'WORKER_SHUTDOWN_TIMEOUT_MS')
        .value,
    };
  },
  cdk: (config) => {
    const stack = new Stack(new App(), 'Workers');
    new SluiceWorkerService(stack, 'Workers', { model: awsModel(config, options) });
    const t = Template.fromStack(stack);
    const only = (type: string) => Object.values(t.findResources(type))[0]?.Properties;
    const [worker] = only('AWS::ECS::TaskDefinition').ContainerDefinitions;
    const tracking = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .map((r) => r.Properties)
      .find((p) => p.PolicyType === 'TargetTrackingScaling');
    return {
      max: only('AWS::ApplicationAutoScaling::ScalableTarget').MaxCapacity,
      target: tracking.TargetTrackingScalingPolicyConfiguration.TargetValue,
      stopSeconds: worker.StopTimeout,
      shutdownMs: worker.Environment.find((e: { Name: string }) => e.Name === 'WORKER_SHUTDOWN_TIMEOUT_MS')
        .Value,
    };
  },
  pulumi: async (config) => {
    mocks ??= installMocks();
    await mocks;
    const name = `workers-${++services}`;
    new PulumiWorkerService(name, {
      model: awsModel(config, options),
      subnets: ['s'],
      securityGroups: ['g'],
    });
    const target = (await one('aws:appautoscaling/target:Target', `${name}-target`)).inputs;
    const tracking = (await one('aws:appautoscaling/policy:Policy', `${name}-backlog-per-task`)).inputs
      .targetTrackingScalingPolicyConfiguration;
    const [worker] = JSON.parse(
      (await one('aws:ecs/taskDefinition:TaskDefinition', name)).inputs.containerDefinitions,
    );
    return {
      max: target.maxCapacity,
      target: tracking.targetValue,
      stopSeconds: worker.stopTimeout,
      shutdownMs: worker.environment.find((e: { name: string }) => e.name === 'WORKER_SHUTDOWN_TIMEOUT_MS')
        .value,
    };
  },
  terraform: (config) => {
    const out = renderAws('terraform', awsModel(config, options), options).files;
    const resource = (file: string, type: string, label: string) =>
      JSON.parse(out[file] ?? '{}').resource[type][label];
    const [worker] = document(
      resource('service.tf.json', 'aws_ecs_task_definition', 'workers').container_definitions,
    );
    return {
      max: resource('scaling.tf.json', 'aws_appautoscaling_target', 'workers').max_capacity,
      target: resource('scaling.tf.json', 'aws_appautoscaling_policy', 'backlog_per_task')
        .target_tracking_scaling_policy_configuration.target_value,
      stopSeconds: worker.stopTimeout,
      shutdownMs: worker.environment.find((e: { name: string }) => e.name === 'WORKER_SHUTDOWN_TIMEOUT_MS')
        .value,
    };
  },
};

const BASE: Numbers = { max: 3, target: 50, shutdownTimeoutSeconds: 30, memoryMiB: 512 };

/** What each carried number must be for the numbers. */
const expected = (n: Numbers): Required<Carried> => ({
  max: n.max ?? 0,
  target: n.target ?? 0,
  stopSeconds: (n.shutdownTimeoutSeconds ?? 0) + 10,
  shutdownMs: String((n.shutdownTimeoutSeconds ?? 0) * 1000),
});

describe('one number in the config, every renderer', () => {
  it('each renderer carries the base numbers', async () => {
    for (const [name, read] of Object.entries(RENDERERS)) {
      const carried = await read(configOf(BASE, onAws));
      const want = expected(BASE);
      for (const key of Object.keys(carried) as (keyof Carried)[])
        assert.equal(carried[key], want[key], `${name} ${key}`);
    }
  });

  for (const change of [{ max: 7 }, { target: 80 }, { shutdownTimeoutSeconds: 45 }] as const)
    it(`${Object.entries(change)[0]?.join(' → ')}: changed where it is carried, nothing else`, async () => {
      const numbers = { ...BASE, ...change };
      const config = configOf(numbers, onAws);
      for (const [name, read] of Object.entries(RENDERERS)) {
        const carried = await read(config);
        const want = expected(numbers);
        for (const key of Object.keys(carried) as (keyof Carried)[])
          assert.equal(carried[key], want[key], `${name} ${key}`);
      }
    });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform's own ${…} syntax
/**
 * `sluice deploy terraform` as a real process, on the seeds' systems: the
 * reference system (--env dev / prod, or SLUICE_ENV), the other team's
 * workers (10–30 tasks, 50,000 per worker) and the zero-scale pipes. The
 * module is checked for the seeds' numbers where AWS reads them, for every
 * resource's required arguments and every reference (test/deploy/terraform/
 * module.ts: no Terraform binary is reachable here; the README says how to
 * `terraform validate` it), and for the same bytes from the same config.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsModel } from '../../../src/deploy/aws/model.ts';
import { runSluice } from '../../cli/cli-process.ts';
import { REFERENCE, referenceConfig, SEED_STEPS } from '../aws/seeds.ts';
import { type Body, checkReferences, checkRequired, document, type Module, readModule } from './module.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PIPES = join(ROOT, 'examples/aws/pipes.config.ts');
const INDEX = new URL('../../../src/index.ts', import.meta.url).href;
const FILES = [
  'alarms.tf.json',
  'dashboard.tf.json',
  'main.tf.json',
  'outputs.tf.json',
  'pipes.tf.json',
  'queues.tf.json',
  'scaling.tf.json',
  'service.tf.json',
  'variables.tf.json',
];

let dir: string;
let count = 0;

/** Runs `sluice deploy terraform` in `cwd` (default the temporary directory) and reads the module back. */
async function deploy(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = dir,
): Promise<Module & { stderr: string }> {
  const out = join(dir, `tf-${count++}`);
  const r = await runSluice(['deploy', 'terraform', ...args, '--out', out], {
    cwd,
    // The seeds' configs import 'sluice': the repository's tsconfig maps it to src/.
    env: { ...process.env, SLUICE_ENV: '', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...env },
  });
  assert.equal(r.code, 0, r.stderr);
  return { ...readModule(out), stderr: r.stderr };
}

/** The other team's workers (test/deploy/aws/seeds.ts's bulkConfig) as `<variant>/sluice.config.ts`. */
function writeBulk(variant: string, scale: Record<string, unknown>, deploySection: Record<string, unknown>) {
  const cwd = join(dir, variant);
  mkdirSync(cwd);
  writeFileSync(
    join(cwd, 'sluice.config.ts'),
    `import { defineConfig, defineWorker } from ${JSON.stringify(INDEX)};
export default defineConfig({
  queues: [{ name: 'bulk-events', visibilityTimeout: 120, dlq: { maxReceiveCount: 5 } }],
  workers: [defineWorker({ queue: 'bulk-events', handler: async () => {} })],
  scale: ${JSON.stringify({ min: 10, max: 30, targetBacklogPerWorker: 50_000, steps: SEED_STEPS, evaluationPeriods: 2, ...scale })},
  deploy: ${JSON.stringify({ name: 'bulk-workers', image: 'ghcr.io/acme/bulk:2.0.0', cpu: 1, memoryMiB: 2048, ...deploySection })},
});
`,
  );
  return cwd;
}

/** The module `sluice deploy terraform` writes from a variant of the other team's config. */
const bulkModule = (variant: string, scale: Record<string, unknown> = {}) =>
  deploy(['sluice.config.ts'], {}, writeBulk(variant, scale, {}));

const resource = (m: Module, type: string, label: string): Body => {
  const body = m.resources[type]?.[label];
  assert.ok(body, `${type}.${label}`);
  return body;
};
const policyOf = (m: Module, label: string) => resource(m, 'aws_appautoscaling_policy', label);
const alarmOf = (m: Module, label: string) => resource(m, 'aws_cloudwatch_metric_alarm', label);
const queryMetrics = (alarm: Body) =>
  (alarm.metric_query as Body[]).filter((q) => q.metric).map((q) => q.metric as Body);
const resultOf = (alarm: Body) => (alarm.metric_query as Body[]).find((q) => q.return_data);

/** What AWS does at each absolute age: the alarm's threshold plus each relative interval. */
const absoluteAges = (alarm: Body, policy: Body) =>
  (policy.step_scaling_policy_configuration.step_adjustment as Body[]).map((s) => ({
    from: alarm.threshold + s.metric_interval_lower_bound,
    to:
      s.metric_interval_upper_bound === undefined
        ? undefined
        : alarm.threshold + s.metric_interval_upper_bound,
    change: s.scaling_adjustment,
  }));

let prod: Module;
let dev: Module;
let bulk: Module & { stderr: string };
let pipes: Module;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-terraform-'));
  prod = await deploy([REFERENCE, '--env', 'prod']);
  dev = await deploy([REFERENCE, '--env', 'dev']);
  bulk = await bulkModule('bulk');
  pipes = await deploy([PIPES]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice deploy terraform: the reference system', () => {
  it('leaves nothing behind: the config’s own files go to a temporary data directory', () => {
    // The reference config opens <data>/reference.sqlite when it is loaded; deploy runs in `dir`.
    assert.deepEqual(
      readdirSync(dir).filter((name) => !name.startsWith('tf-') && name !== 'bulk'),
      [],
      'no data/ in the current directory',
    );
  });

  it('scales on the seeds’ numbers: 100 visible per task, 1–10 in prod', () => {
    assert.deepEqual(Object.keys(prod.raw), FILES);
    const target = resource(prod, 'aws_appautoscaling_target', 'workers');
    assert.deepEqual([target.min_capacity, target.max_capacity], [1, 10]);
    assert.equal(target.scalable_dimension, 'ecs:service:DesiredCount');
    const tracking = policyOf(prod, 'backlog_per_task');
    assert.equal(tracking.policy_type, 'TargetTrackingScaling');
    const config = tracking.target_tracking_scaling_policy_configuration;
    assert.equal(config.target_value, 100);
    assert.equal(config.disable_scale_in, true, 'scale-in follows the outstanding messages');
    const metrics = config.customized_metric_specification.metrics as Body[];
    assert.deepEqual(
      metrics.map((q) => q.metric_stat?.metric.metric_name ?? q.expression),
      [
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'RunningTaskCount',
        '(m0 + m1 + m2) / tasks',
      ],
      'metric math: visible ÷ running tasks',
    );
    assert.deepEqual(
      metrics.map((q) => q.return_data),
      [false, false, false, false, true],
    );
  });

  it('adds tasks on the age of the oldest message as the table means it: 300–600 s +1, over 600 s +2', () => {
    const alarm = alarmOf(prod, 'scaling_age');
    assert.deepEqual(
      [alarm.threshold, alarm.comparison_operator, alarm.evaluation_periods],
      [300, 'GreaterThanOrEqualToThreshold', 2],
    );
    assert.ok(
      queryMetrics(alarm).every((m) => m.stat === 'Maximum' && m.period === 60),
      'Maximum, 60 s',
    );
    assert.equal(resultOf(alarm)?.expression, 'MAX([m0, m1, m2])');
    assert.deepEqual(alarm.alarm_actions, ['${aws_appautoscaling_policy.age.arn}']);
    const policy = policyOf(prod, 'age');
    const steps = policy.step_scaling_policy_configuration;
    assert.deepEqual(
      [steps.adjustment_type, steps.metric_aggregation_type, steps.cooldown],
      ['ChangeInCapacity', 'Maximum', 60],
    );
    // Relative to the alarm's 300 s, as AWS reads step intervals…
    assert.deepEqual(steps.step_adjustment, [
      { metric_interval_lower_bound: 0, metric_interval_upper_bound: 300, scaling_adjustment: 1 },
      { metric_interval_lower_bound: 300, scaling_adjustment: 2 },
    ]);
    // …which is, in absolute ages, exactly the seeds' table (not 600–900 s).
    assert.deepEqual(absoluteAges(alarm, policy), [
      { from: 300, to: 600, change: 1 },
      { from: 600, to: undefined, change: 2 },
    ]);
  });

  it('scales in on outstanding messages with its own cooldown, and has no CPU policy', () => {
    const tracking = policyOf(prod, 'backlog_per_task').target_tracking_scaling_policy_configuration;
    const scaleIn = policyOf(prod, 'scale_in').step_scaling_policy_configuration;
    assert.deepEqual([tracking.scale_out_cooldown, scaleIn.cooldown], [60, 300]);
    assert.equal(scaleIn.adjustment_type, 'PercentChangeInCapacity');
    const alarm = alarmOf(prod, 'scaling_scale_in');
    assert.deepEqual(
      [alarm.comparison_operator, alarm.threshold, alarm.evaluation_periods],
      ['LessThanThreshold', 90, 15],
    );
    assert.deepEqual(
      [...new Set(queryMetrics(alarm).map((m) => m.metric_name))],
      ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'RunningTaskCount'],
    );
    assert.equal(prod.resources.aws_appautoscaling_policy?.activation, undefined, 'min 1: no 0 → 1 step');
    assert.doesNotMatch(JSON.stringify(prod.files), /CPUUtilization/);
  });

  it('alarms at depth > 1,000,000, age > 300 s and any message in a DLQ', () => {
    const alarm = (label: string) => {
      const a = alarmOf(prod, label);
      return [a.metric_name, a.statistic, a.period, a.comparison_operator, a.threshold, a.dimensions];
    };
    assert.deepEqual(alarm('push-notifications-visible'), [
      'ApproximateNumberOfMessagesVisible',
      'Maximum',
      60,
      'GreaterThanThreshold',
      1_000_000,
      { QueueName: '${aws_sqs_queue.push-notifications.name}' },
    ]);
    assert.deepEqual(alarm('push-notifications-oldest-age').slice(0, 5), [
      'ApproximateAgeOfOldestMessage',
      'Maximum',
      60,
      'GreaterThanThreshold',
      300,
    ]);
    assert.deepEqual(alarm('push-notifications-dlq-dlq-depth'), [
      'ApproximateNumberOfMessagesVisible',
      'Maximum',
      60,
      'GreaterThanThreshold',
      0,
      { QueueName: '${aws_sqs_queue.push-notifications-dlq.name}' },
    ]);
    assert.equal(alarmOf(prod, 'push-notifications-visible').alarm_actions, '${var.alarm_actions}');
  });

  it('dev is 1–3, by --env or by SLUICE_ENV, the same bytes', async () => {
    const target = resource(dev, 'aws_appautoscaling_target', 'workers');
    assert.deepEqual([target.min_capacity, target.max_capacity], [1, 3]);
    const byEnv = await deploy([REFERENCE], { SLUICE_ENV: 'dev' });
    assert.deepEqual(byEnv.raw, dev.raw);
    assert.match(dev.files['main.tf.json']?.['//'], /with --env dev/);
  });

  it('runs the workers on Fargate: no load balancer, health check on /health, Spot over an on-demand base', () => {
    const service = resource(prod, 'aws_ecs_service', 'workers');
    assert.equal(service.load_balancer, undefined);
    assert.deepEqual(service.capacity_provider_strategy, [
      { capacity_provider: 'FARGATE', base: 1, weight: 0 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    assert.deepEqual(service.deployment_circuit_breaker, { enable: true, rollback: true });
    assert.equal(service.enable_execute_command, false);
    assert.deepEqual(service.lifecycle.ignore_changes, ['desired_count'], 'Application Auto Scaling owns it');
    const task = resource(prod, 'aws_ecs_task_definition', 'workers');
    assert.deepEqual([task.requires_compatibilities, task.cpu, task.memory], [['FARGATE'], '512', '1024']);
    const [container] = document(task.container_definitions);
    assert.deepEqual(container.healthCheck.command, [
      'CMD',
      'sluice',
      'health',
      'http://127.0.0.1:3003/health',
    ]);
    assert.equal(container.stopTimeout, 40);
    assert.equal(container.image, '${var.image}');
    const env = Object.fromEntries(container.environment.map((e: Body) => [e.name, e.value]));
    assert.deepEqual(
      [env.SLUICE_ENV, env.WORKER_HEALTH_PORT, env.WORKER_SHUTDOWN_TIMEOUT_MS],
      ['prod', '3003', '30000'],
    );
  });

  it('grants the task role only the model’s actions, on its queues', () => {
    const policy = document(resource(prod, 'aws_iam_role_policy', 'workers').policy);
    const on = (queue: string) =>
      (policy.Statement as Body[])
        .filter((s) => s.Resource.includes(`\${aws_sqs_queue.${queue}.arn}`))
        .flatMap((s) => s.Action)
        .sort();
    assert.deepEqual(on('push-notifications-dlq'), ['sqs:GetQueueUrl', 'sqs:SendMessage']);
    assert.ok(on('alerts').includes('sqs:SendMessage'), 'deploy.aws.sendsTo');
    assert.ok(
      on('cost-collection_fifo').includes('sqs:TagQueue'),
      'the schedule keeps its last tick in a tag',
    );
    for (const s of policy.Statement as Body[]) {
      assert.equal(s.Effect, 'Allow');
      assert.ok(!s.Action.some((a: string) => a.endsWith('*')), JSON.stringify(s.Action));
      assert.ok(!s.Resource.includes('*'), JSON.stringify(s.Resource));
    }
    assert.deepEqual(policy.Statement.at(-1).Resource, ['${local.cluster_tasks_arn}'], 'task protection');
  });

  it('makes each queue and DLQ encrypted, TLS only, with the redrive policy', () => {
    const queue = resource(prod, 'aws_sqs_queue', 'push-notifications');
    assert.equal(queue.sqs_managed_sse_enabled, true);
    assert.equal(queue.visibility_timeout_seconds, 60);
    assert.deepEqual(document(queue.redrive_policy), {
      deadLetterTargetArn: '${aws_sqs_queue.push-notifications-dlq.arn}',
      maxReceiveCount: 3,
    });
    assert.equal(
      resource(prod, 'aws_sqs_queue', 'push-notifications-dlq').message_retention_seconds,
      1_209_600,
    );
    assert.equal(resource(prod, 'aws_sqs_queue', 'cost-collection_fifo').fifo_queue, true);
    for (const [label, body] of Object.entries(prod.resources.aws_sqs_queue_policy ?? {})) {
      const [statement] = document(body.policy).Statement;
      assert.deepEqual(
        [statement.Effect, statement.Action, statement.Condition],
        ['Deny', 'sqs:*', { Bool: { 'aws:SecureTransport': 'false' } }],
        label,
      );
    }
    assert.deepEqual(
      Object.keys(prod.resources.aws_sqs_queue_policy ?? {}).sort(),
      Object.keys(prod.resources.aws_sqs_queue ?? {}).sort(),
    );
  });

  it('graphs the service on its dashboard, the target and the age alarm drawn in', async () => {
    const body = document(resource(prod, 'aws_cloudwatch_dashboard', 'workers').dashboard_body);
    const graphs = (body.widgets as Body[]).filter((w) => w.type === 'metric');
    const model = awsModel(await referenceConfig('prod'), { configFile: 'sluice.config.ts' });
    assert.deepEqual(
      graphs.map((w) => w.properties.title),
      model.dashboard?.widgets.map((w) => w.title),
      'the model’s graphs, in its order',
    );
    assert.equal(graphs.length, 6);
    assert.deepEqual(graphs[3]?.properties.annotations.horizontal, [{ label: 'target', value: 100 }]);
    assert.deepEqual(graphs[2]?.properties.annotations.horizontal, [{ label: 'alarm', value: 300 }]);
    assert.deepEqual(graphs[3]?.properties.metrics[0], [
      { expression: '(m0 + m1 + m2) / tasks', label: 'visible ÷ running tasks', id: 'result', period: 60 },
    ]);
  });
});

describe('sluice deploy terraform: another team, and pipes', () => {
  it('10–30 tasks at 50,000 messages per worker; with min 0, one task as soon as a message waits', async () => {
    const target = resource(bulk, 'aws_appautoscaling_target', 'workers');
    assert.deepEqual([target.min_capacity, target.max_capacity], [10, 30]);
    const tracking = policyOf(bulk, 'backlog_per_task').target_tracking_scaling_policy_configuration;
    assert.equal(tracking.target_value, 50_000);
    const age = alarmOf(bulk, 'scaling_age');
    assert.deepEqual(
      [age.metric_name, age.statistic, age.period, age.threshold],
      ['ApproximateAgeOfOldestMessage', 'Maximum', 60, 300],
      'one queue: its own metric',
    );
    assert.deepEqual(absoluteAges(age, policyOf(bulk, 'age')), [
      { from: 300, to: 600, change: 1 },
      { from: 600, to: undefined, change: 2 },
    ]);
    const fromZero = await bulkModule('zero', { min: 0 });
    const activation = policyOf(fromZero, 'activation').step_scaling_policy_configuration;
    assert.deepEqual(
      [activation.adjustment_type, activation.cooldown, activation.step_adjustment],
      ['ExactCapacity', 0, [{ metric_interval_lower_bound: 0, scaling_adjustment: 1 }]],
    );
    const alarm = alarmOf(fromZero, 'scaling_activation');
    assert.equal(resultOf(alarm)?.expression, 'IF(m0 > 0 AND FILL(tasks, 0) == 0, 1, 0)');
    assert.deepEqual([alarm.comparison_operator, alarm.threshold], ['GreaterThanOrEqualToThreshold', 1]);
    checkRequired(fromZero);
    checkReferences(fromZero);
  });

  it('per message: a Fargate Spot task per message, the body in SQS_BODY, batch size 1', () => {
    const pipe = resource(pipes, 'aws_pipes_pipe', 'pipe_reference-jobs-renders');
    assert.equal(pipe.source, '${aws_sqs_queue.renders.arn}');
    assert.deepEqual(pipe.source_parameters.sqs_queue_parameters, {
      batch_size: 1,
      maximum_batching_window_in_seconds: 0,
    });
    assert.equal(pipe.target, '${local.cluster_arn}');
    const ecs = pipe.target_parameters.ecs_task_parameters;
    assert.deepEqual(ecs.capacity_provider_strategy, [
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    assert.equal(ecs.launch_type, undefined, 'a capacity provider strategy, not a launch type');
    assert.deepEqual(ecs.overrides.container_override, [
      { name: 'job', environment: [{ name: 'SQS_BODY', value: '$.body' }] },
    ]);
    const [container] = document(
      resource(pipes, 'aws_ecs_task_definition', 'pipe_reference-jobs-renders').container_definitions,
    );
    assert.deepEqual(container.command, ['node', 'render.js']);
    assert.equal(pipes.files['service.tf.json']?.resource, undefined, 'no workers, no service');
  });

  it('per batch: Pipes → Step Functions → ecs:runTask.sync, retried, then the DLQ', () => {
    const pipe = resource(pipes, 'aws_pipes_pipe', 'pipe_reference-jobs-exports');
    assert.deepEqual(pipe.source_parameters.sqs_queue_parameters, {
      batch_size: 50,
      maximum_batching_window_in_seconds: 5,
    });
    assert.equal(pipe.target, '${aws_sfn_state_machine.pipe_reference-jobs-exports.arn}');
    assert.deepEqual(pipe.target_parameters, {
      step_function_state_machine_parameters: { invocation_type: 'FIRE_AND_FORGET' },
    });
    const machine = resource(pipes, 'aws_sfn_state_machine', 'pipe_reference-jobs-exports');
    assert.equal(machine.type, 'STANDARD');
    const run = document(machine.definition).States.RunTask;
    assert.equal(run.Resource, 'arn:aws:states:::ecs:runTask.sync');
    assert.deepEqual(run.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets, [
      '${join(",", [for v in var.subnets : jsonencode(v)])}',
    ]);
    assert.deepEqual(run.Retry[0], {
      ErrorEquals: ['States.TaskFailed'],
      MaxAttempts: 2,
      IntervalSeconds: 300,
      BackoffRate: 2,
    });
    assert.equal(run.TimeoutSeconds, 1800);
    const send = document(
      resource(pipes, 'aws_iam_role_policy', 'pipe_reference-jobs-exports_state_machine').policy,
    ).Statement.find((s: Body) => s.Action.includes('sqs:SendMessage'));
    assert.deepEqual(send.Resource, ['${aws_sqs_queue.exports-dlq.arn}']);
  });
});

describe('sluice deploy terraform: the module', () => {
  it('requires hashicorp/aws and takes the image, subnets, security groups, a cluster and alarm actions', () => {
    const main = prod.files['main.tf.json'] ?? {};
    assert.equal(main.terraform.required_providers.aws.source, 'hashicorp/aws');
    assert.match(main.terraform.required_providers.aws.version, /< 7\.0\.0$/, 'v5 and v6');
    assert.deepEqual(
      Object.fromEntries(Object.entries(prod.variables).map(([name, v]) => [name, [v.type, v.default]])),
      {
        image: ['string', 'sluice:latest'],
        subnets: ['list(string)', undefined],
        security_groups: ['list(string)', undefined],
        cluster_arn: ['string', null],
        alarm_actions: ['list(string)', []],
      },
    );
    const cluster = resource(prod, 'aws_ecs_cluster', 'this');
    assert.equal(cluster.count, '${var.cluster_arn == null ? 1 : 0}', 'made only without cluster_arn');
    assert.deepEqual(cluster.setting, [{ name: 'containerInsights', value: 'enabled' }]);
    assert.equal(
      pipes.variables.image?.default,
      'ghcr.io/acme/reference-jobs:1.0.0',
      'no service: the pipes’ image',
    );
  });

  it('gives every resource its required arguments, and every reference resolves', () => {
    for (const m of [prod, dev, bulk, pipes]) {
      checkRequired(m);
      checkReferences(m);
    }
  });

  it('writes the same bytes for the same config; one number changes only the files that carry it', async () => {
    assert.deepEqual((await deploy([REFERENCE, '--env', 'prod'])).raw, prod.raw);
    const changed = (m: Module) => FILES.filter((f) => m.raw[f] !== bulk.raw[f]);
    assert.deepEqual(changed(await bulkModule('max', { max: 31 })), ['scaling.tf.json']);
    assert.deepEqual(changed(await bulkModule('target', { targetBacklogPerWorker: 40_000 })), [
      'dashboard.tf.json',
      'scaling.tf.json',
    ]);
  });

  it('is used as the README says: its module blocks give every variable without a default, and only variables', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### AWS with Terraform'));
    assert.match(
      section,
      /npx sluice deploy terraform sluice\.config\.ts --env prod --out \.\.\/\.\.\/deploy\/workers/,
    );
    assert.match(section, /npx sluice deploy terraform examples\/aws\/pipes\.config\.ts --out deploy\/jobs/);
    const hcl = /```hcl\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const modules = [...hcl.matchAll(/module "(\w+)" \{\n([\s\S]*?)\n\}/g)];
    assert.deepEqual(
      modules.map((m) => m[1]),
      ['workers', 'jobs'],
    );
    for (const [, name, body] of modules) {
      const module = name === 'workers' ? prod : pipes;
      const given = [...(body ?? '').matchAll(/^\s+(\w+)\s+=/gm)]
        .map((a) => a[1])
        .filter((a) => a !== 'source');
      for (const arg of given)
        assert.ok(module.variables[arg ?? ''], `module ${name}: ${arg} is not a variable`);
      for (const [variable, v] of Object.entries(module.variables))
        if (!('default' in v))
          assert.ok(given.includes(variable), `module ${name}: ${variable} has no default`);
    }
  });

  it('says on stderr what Terraform cannot express: target tracking reads its metric each minute', async () => {
    const m = await bulkModule('period', { periodSeconds: 120 });
    assert.equal(
      m.stderr,
      'sluice: warning: target tracking reads its metric each minute; scale.periodSeconds 120 applies to the step alarms only\n',
    );
    assert.equal(alarmOf(m, 'scaling_age').period, 120);
    assert.equal(bulk.stderr, '');
  });

  it('refuses what AWS cannot run, in one line naming the field', async () => {
    const r = await runSluice(['deploy', 'terraform', '--out', 'refused'], {
      cwd: writeBulk('slow', {}, { shutdownTimeoutSeconds: 115 }),
    });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "sluice: deploy.shutdownTimeoutSeconds (115) + 10 s to hand back and flush exceeds Fargate's 120 s stop timeout: at most 110\n",
    );
  });
});

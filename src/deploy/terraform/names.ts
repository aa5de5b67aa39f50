/**
 * The module's names: each queue's resource label, and the labels and
 * locals every file refers to. A Terraform label is an identifier (letters,
 * digits, `_`, `-`, not starting with a digit), so `cost-collection.fifo`
 * becomes `cost-collection_fifo`; two queues that would share a label are
 * refused in one line.
 */
import type { AwsModel } from '../aws/model.ts';
import { DeployModelError } from '../model.ts';
import { type Expr, ref } from './template.ts';

/** The workers service, its task definition, log group, roles and scalable target. */
export const SERVICE = 'workers';
/** The cluster made when var.cluster_arn is null. */
export const CLUSTER = 'this';
/** The execution role every task definition shares (pulls the image, writes the logs). */
export const EXECUTION_ROLE = 'execution';

/** Locals main.tf.json defines, from the cluster's ARN (made here or given). */
export const local = {
  clusterArn: ref('local.cluster_arn'),
  clusterName: ref('local.cluster_name'),
  /** `arn:…:ecs:<region>:<account>:task/<cluster>/*`: the cluster's tasks. */
  clusterTasks: ref('local.cluster_tasks_arn'),
  partition: ref('local.partition'),
  region: ref('local.region'),
  account: ref('local.account_id'),
} as const;

export const variable = {
  image: ref('var.image'),
  subnets: ref('var.subnets'),
  securityGroups: ref('var.security_groups'),
  clusterArn: ref('var.cluster_arn'),
  alarmActions: ref('var.alarm_actions'),
} as const;

/**
 * A label from a name.
 *
 * @example
 * label('cost-collection.fifo'); // 'cost-collection_fifo'
 */
export function label(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

/** Each queue's and dead-letter queue's resource label, by queue name. */
export class QueueLabels {
  private readonly byName = new Map<string, string>();

  constructor(model: AwsModel) {
    const owner = new Map<string, string>();
    for (const name of model.queues.flatMap((q) => (q.dlq ? [q.name, q.dlq.name] : [q.name]))) {
      const id = label(name);
      const other = owner.get(id);
      if (other !== undefined && other !== name)
        throw new DeployModelError(
          `queues: "${other}" and "${name}" would both be aws_sqs_queue.${id} in Terraform: rename one`,
        );
      owner.set(id, name);
      this.byName.set(name, id);
    }
  }

  /** The queue's resource label. */
  of(name: string): string {
    const id = this.byName.get(name);
    if (id === undefined) throw new Error(`terraform: no queue "${name}" in the model`);
    return id;
  }

  /** An attribute of the queue's resource: `attr('jobs', 'arn')` → `aws_sqs_queue.jobs.arn`. */
  attr(name: string, attribute: 'arn' | 'name' | 'url' | 'id'): Expr {
    return ref(`aws_sqs_queue.${this.of(name)}.${attribute}`);
  }
}

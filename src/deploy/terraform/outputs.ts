/**
 * outputs.tf.json: what a caller of the module wires to: the cluster, each
 * queue's URL and ARN (the producers send there), the service and its task
 * role (attach what the handlers need beyond their queues), the dashboard,
 * and each pipe with its task role.
 */
import type { AwsModel } from '../aws/model.ts';
import { local, type QueueLabels, SERVICE } from './names.ts';
import { pipeLabel } from './pipes.ts';
import { ref, type Value } from './template.ts';

export function outputsFile(model: AwsModel, queues: QueueLabels): Record<string, Value> {
  const names = model.queues.flatMap((q) => (q.dlq ? [q.name, q.dlq.name] : [q.name]));
  const byQueue = (attribute: 'url' | 'arn') =>
    Object.fromEntries(names.map((n) => [n, queues.attr(n, attribute)]));
  const byPipe = (attribute: (id: string) => string) =>
    Object.fromEntries(model.pipes.map((p) => [p.name, ref(attribute(pipeLabel(p)))]));
  const output = (description: string, value: Value) => ({ description, value });
  return {
    output: {
      cluster_arn: output('The cluster the tasks run in', local.clusterArn),
      queue_urls: output('Each queue’s URL, by name', byQueue('url')),
      queue_arns: output('Each queue’s ARN, by name', byQueue('arn')),
      ...(model.service
        ? {
            service_name: output('The workers service', ref(`aws_ecs_service.${SERVICE}.name`)),
            task_role_name: output(
              'The workers’ task role: attach what the handlers need beyond their queues',
              ref(`aws_iam_role.${SERVICE}.name`),
            ),
            dashboard_name: output(
              'The CloudWatch dashboard',
              ref(`aws_cloudwatch_dashboard.${SERVICE}.dashboard_name`),
            ),
          }
        : {}),
      ...(model.pipes.length > 0
        ? {
            pipe_arns: output(
              'Each pipe’s ARN, by name',
              byPipe((id) => `aws_pipes_pipe.${id}.arn`),
            ),
            pipe_task_role_names: output(
              'Each pipe’s task role: attach what the command needs',
              byPipe((id) => `aws_iam_role.${id}_task.name`),
            ),
          }
        : {}),
    },
  };
}

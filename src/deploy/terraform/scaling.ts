/**
 * scaling.tf.json: the service's Application Auto Scaling, every number the
 * model's (src/deploy/aws/scaling.ts):
 *
 *   backlog_per_task  TargetTrackingScaling on the model's metric math (backlog ÷ running tasks),
 *                     its own scale-in off, scale-out cooldown
 *   age               StepScaling: the alarm at the table's first adding age, step intervals
 *                     RELATIVE to that threshold, as AWS reads them (the model's adjustments)
 *   scale_in          StepScaling on outstanding messages per task, its own cooldown
 *   activation        with min 0: one task as soon as a message is visible and none runs
 *
 * Each step policy has the alarm that triggers it, next to it.
 */
import type { AwsModel } from '../aws/model.ts';
import type { AwsScaling, StepPolicy } from '../aws/scaling.ts';
import { metricAlarm } from './alarms.ts';
import { targetTrackingMetrics } from './metrics.ts';
import { local, type QueueLabels, SERVICE } from './names.ts';
import { ref, tpl, type Value } from './template.ts';

const TARGET = `aws_appautoscaling_target.${SERVICE}`;
const onTarget = {
  resource_id: ref(`${TARGET}.resource_id`),
  scalable_dimension: ref(`${TARGET}.scalable_dimension`),
  service_namespace: ref(`${TARGET}.service_namespace`),
};

/** A step policy's label, and its alarm's. */
const policyLabel = (p: StepPolicy) => p.name.replaceAll('-', '_');

function stepPolicy(model: AwsModel, p: StepPolicy): Value {
  return {
    name: `${model.name}-${p.name}`,
    policy_type: 'StepScaling',
    ...onTarget,
    step_scaling_policy_configuration: {
      adjustment_type: p.adjustmentType,
      cooldown: p.cooldownSeconds,
      metric_aggregation_type: p.metricAggregationType,
      step_adjustment: p.adjustments.map((a) => ({
        metric_interval_lower_bound: a.lowerBound,
        metric_interval_upper_bound: a.upperBound,
        scaling_adjustment: a.change,
      })),
    },
  };
}

export function scalingFile(
  model: AwsModel,
  scaling: AwsScaling,
  queues: QueueLabels,
): Record<string, Value> {
  const steps = [scaling.ageSteps, scaling.scaleIn, scaling.activation].filter(
    (p): p is StepPolicy => p !== undefined,
  );
  const tracking = scaling.targetTracking;
  return {
    resource: {
      aws_appautoscaling_target: {
        [SERVICE]: {
          service_namespace: 'ecs',
          scalable_dimension: 'ecs:service:DesiredCount',
          resource_id: tpl`service/${local.clusterName}/${ref(`aws_ecs_service.${SERVICE}.name`)}`,
          min_capacity: scaling.minTasks,
          max_capacity: scaling.maxTasks,
        },
      },
      aws_appautoscaling_policy: {
        backlog_per_task: {
          name: `${model.name}-backlog-per-task`,
          policy_type: 'TargetTrackingScaling',
          ...onTarget,
          target_tracking_scaling_policy_configuration: {
            target_value: tracking.targetValue,
            disable_scale_in: tracking.disableScaleIn,
            scale_out_cooldown: tracking.scaleOutCooldownSeconds,
            scale_in_cooldown: tracking.scaleInCooldownSeconds,
            customized_metric_specification: { metrics: targetTrackingMetrics(tracking.query, queues) },
          },
        },
        ...Object.fromEntries(steps.map((p) => [policyLabel(p), stepPolicy(model, p)])),
      },
      aws_cloudwatch_metric_alarm: Object.fromEntries(
        steps.map((p) => [
          `scaling_${policyLabel(p)}`,
          metricAlarm(
            `${model.name}-scaling-${p.name}`,
            p.description,
            p.alarm,
            [ref(`aws_appautoscaling_policy.${policyLabel(p)}.arn`)],
            queues,
          ),
        ]),
      ),
    },
  };
}

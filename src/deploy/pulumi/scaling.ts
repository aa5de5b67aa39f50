/**
 * The model's scaling as Application Auto Scaling resources: the scalable
 * target (min/max tasks), target tracking on backlog per task with metric
 * math (its own scale-in off), and a step policy for each of the model's
 * step policies — the age of the oldest message (intervals relative to the
 * alarm's threshold, as the model computed them), scale-in on outstanding
 * messages, 0 → 1 — each driven by a CloudWatch alarm. No CPU policy. Every
 * number is the model's.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsScaling, StepPolicy } from '../aws/scaling.ts';
import { metricAlarm, type ServiceDimensions, targetTrackingMetrics } from './metrics.ts';

export interface ScalingInput {
  /** The service's name in the model, in the alarms' descriptions. */
  readonly label: string;
  readonly scaling: AwsScaling;
  readonly service: ServiceDimensions;
  readonly region: string;
}

export interface SluiceScaling {
  readonly target: aws.appautoscaling.Target;
  /** Target tracking first, then the step policies (age, scale-in, 0 → 1). */
  readonly policies: readonly aws.appautoscaling.Policy[];
  /** The step policies' alarms, in the same order. */
  readonly alarms: readonly aws.cloudwatch.MetricAlarm[];
}

/** A step adjustment's bound as the provider takes it: a string, absent for ±∞. */
const bound = (value: number | undefined) => (value === undefined ? undefined : String(value));

/**
 * @example
 * sluiceScaling('workers', { label: 'reference-workers', scaling: model.scaling, service: { clusterName, serviceName }, region }, { parent: this });
 */
export function sluiceScaling(
  name: string,
  input: ScalingInput,
  opts: pulumi.CustomResourceOptions,
): SluiceScaling {
  const { scaling, service, region } = input;
  const target = new aws.appautoscaling.Target(
    `${name}-target`,
    {
      region,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: pulumi.interpolate`service/${service.clusterName}/${service.serviceName}`,
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
    },
    opts,
  );
  const on = {
    region,
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
  };
  const tracking = scaling.targetTracking;
  const policies = [
    new aws.appautoscaling.Policy(
      `${name}-backlog-per-task`,
      {
        ...on,
        policyType: 'TargetTrackingScaling',
        targetTrackingScalingPolicyConfiguration: {
          targetValue: tracking.targetValue,
          scaleOutCooldown: tracking.scaleOutCooldownSeconds,
          scaleInCooldown: tracking.scaleInCooldownSeconds,
          disableScaleIn: tracking.disableScaleIn,
          customizedMetricSpecification: { metrics: targetTrackingMetrics(tracking.query, service) },
        },
      },
      opts,
    ),
  ];
  const alarms: aws.cloudwatch.MetricAlarm[] = [];
  const steps = [scaling.ageSteps, scaling.scaleIn, scaling.activation].filter(
    (s): s is StepPolicy => s !== undefined,
  );
  for (const step of steps) {
    const policy = new aws.appautoscaling.Policy(
      `${name}-${step.name}`,
      {
        ...on,
        policyType: 'StepScaling',
        stepScalingPolicyConfiguration: {
          adjustmentType: step.adjustmentType,
          cooldown: step.cooldownSeconds,
          metricAggregationType: step.metricAggregationType,
          stepAdjustments: step.adjustments.map((a) => ({
            metricIntervalLowerBound: bound(a.lowerBound),
            metricIntervalUpperBound: bound(a.upperBound),
            scalingAdjustment: a.change,
          })),
        },
      },
      opts,
    );
    policies.push(policy);
    alarms.push(
      metricAlarm(
        `${name}-${step.name}`,
        {
          description: `${input.label} scaling: ${step.description}`,
          alarm: step.alarm,
          actions: [policy.arn],
          service,
          region,
        },
        opts,
      ),
    );
  }
  return { target, policies, alarms };
}

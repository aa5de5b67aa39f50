/**
 * The model's scaling as Application Auto Scaling resources. CloudFormation
 * level (CfnScalableTarget, CfnScalingPolicy) because CDK's L2 target
 * tracking cannot take metric math (aws-cdk#20659); every number is the
 * model's: the alarm thresholds, the step intervals relative to them, the
 * cooldowns.
 */
import { Fn } from 'aws-cdk-lib';
import { CfnScalableTarget, CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import { Alarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AwsScaling, StepPolicy } from '../aws/scaling.ts';
import { COMPARISON, cdkMetric, type ServiceDimensions, targetTrackingMetrics } from './metrics.ts';

export interface SluiceScalingProps {
  readonly scaling: AwsScaling;
  readonly service: ServiceDimensions;
  /** Prefix of the policies' names. */
  readonly name: string;
}

/** The scalable target, its policies and the alarms that drive the step policies. */
export class SluiceScaling extends Construct {
  readonly target: CfnScalableTarget;
  readonly policies: readonly CfnScalingPolicy[];
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: SluiceScalingProps) {
    super(scope, id);
    const { scaling, service, name } = props;
    this.target = new CfnScalableTarget(this, 'Target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: Fn.join('/', ['service', service.clusterName, service.serviceName]),
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
    });
    const tracking = scaling.targetTracking;
    const policies: CfnScalingPolicy[] = [
      new CfnScalingPolicy(this, 'BacklogPerTask', {
        policyName: `${name}-backlog-per-task`,
        policyType: 'TargetTrackingScaling',
        scalingTargetId: this.target.ref,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: tracking.targetValue,
          scaleOutCooldown: tracking.scaleOutCooldownSeconds,
          scaleInCooldown: tracking.scaleInCooldownSeconds,
          disableScaleIn: tracking.disableScaleIn,
          customizedMetricSpecification: { metrics: targetTrackingMetrics(tracking.query, service) },
        },
      }),
    ];
    const alarms: Alarm[] = [];
    const steps = [scaling.ageSteps, scaling.scaleIn, scaling.activation].filter(
      (s): s is StepPolicy => s !== undefined,
    );
    for (const step of steps) {
      const policy = new CfnScalingPolicy(this, `Step-${step.name}`, {
        policyName: `${name}-${step.name}`,
        policyType: 'StepScaling',
        scalingTargetId: this.target.ref,
        stepScalingPolicyConfiguration: {
          adjustmentType: step.adjustmentType,
          cooldown: step.cooldownSeconds,
          metricAggregationType: step.metricAggregationType,
          stepAdjustments: step.adjustments.map((a) => ({
            ...(a.lowerBound === undefined ? {} : { metricIntervalLowerBound: a.lowerBound }),
            ...(a.upperBound === undefined ? {} : { metricIntervalUpperBound: a.upperBound }),
            scalingAdjustment: a.change,
          })),
        },
      });
      const alarm = new Alarm(this, `Alarm-${step.name}`, {
        alarmDescription: `${name} scaling: ${step.description}`,
        metric: cdkMetric(step.alarm.query, service),
        threshold: step.alarm.threshold,
        evaluationPeriods: step.alarm.evaluationPeriods,
        comparisonOperator: COMPARISON[step.alarm.comparison],
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction({ bind: () => ({ alarmActionArn: policy.ref }) });
      policies.push(policy);
      alarms.push(alarm);
    }
    this.policies = policies;
    this.alarms = alarms;
  }
}

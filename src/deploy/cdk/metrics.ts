/**
 * The model's metric queries as CDK sees them: a CloudWatch metric or math
 * expression (alarms, dashboard), or CloudFormation's metric list for
 * target tracking (which CDK's L2 cannot take: aws-cdk#20659). The queue
 * names become QueueName dimensions, the service its ClusterName/ServiceName.
 */
import { Duration } from 'aws-cdk-lib';
import type { CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import { ComparisonOperator, type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  dimensionsOf,
  type MetricQuery,
  type Metric as ModelMetric,
  type ServiceDimensionsOf,
  trackingMetrics,
} from '../aws/metrics.ts';
import type { Comparison } from '../aws/scaling.ts';

/** The workers service's dimensions, for its metrics. */
export type ServiceDimensions = ServiceDimensionsOf<string>;

function cdkMetricOf(
  metric: ModelMetric,
  periodSeconds: number,
  label: string | undefined,
  service?: ServiceDimensions,
) {
  return new Metric({
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensionsMap: dimensionsOf(metric, service),
    statistic: metric.statistic,
    period: Duration.seconds(periodSeconds),
    ...(label === undefined ? {} : { label }),
  });
}

/**
 * A query as a CloudWatch metric (one metric) or math expression. `labelled` false leaves a
 * single metric without its label, so an alarm on it stays a plain metric alarm.
 */
export function cdkMetric(query: MetricQuery, service?: ServiceDimensions, labelled = true): IMetric {
  if (query.expression === undefined) {
    const only = query.metrics[0];
    if (!only) throw new Error(`metric query "${query.label}" has no metric`);
    return cdkMetricOf(only.metric, query.periodSeconds, labelled ? query.label : undefined, service);
  }
  return new MathExpression({
    expression: query.expression,
    usingMetrics: Object.fromEntries(
      query.metrics.map((m) => [m.id, cdkMetricOf(m.metric, query.periodSeconds, undefined, service)]),
    ),
    label: query.label,
    period: Duration.seconds(query.periodSeconds),
  });
}

/** A query as target tracking's CustomizedMetricSpecification.Metrics (the expression returns the data). */
export function targetTrackingMetrics(
  query: MetricQuery,
  service: ServiceDimensions,
): CfnScalingPolicy.TargetTrackingMetricDataQueryProperty[] {
  return trackingMetrics(query, service);
}

export const COMPARISON: Readonly<Record<Comparison, ComparisonOperator>> = {
  GreaterThanOrEqualToThreshold: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  GreaterThanThreshold: ComparisonOperator.GREATER_THAN_THRESHOLD,
  LessThanThreshold: ComparisonOperator.LESS_THAN_THRESHOLD,
};

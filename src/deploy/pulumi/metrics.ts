/**
 * The model's metric queries as Pulumi's AWS provider takes them: an alarm's
 * metric (one metric) or metric math (`metricQueries`), target tracking's
 * customized metric list (metric math, which CloudFormation supports), and
 * a dashboard graph's rows. Queue names become QueueName dimensions, the
 * service its ClusterName/ServiceName; ids and expressions stay the model's.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { QueueAlarm } from '../aws/alarms.ts';
import {
  dimensionsOf,
  EXPRESSION_ID,
  type MetricQuery,
  type Metric as ModelMetric,
  type ServiceDimensionsOf,
  trackingMetrics,
} from '../aws/metrics.ts';
import type { ScalingAlarm } from '../aws/scaling.ts';

/** The workers service's dimensions, for its metrics (RunningTaskCount, DesiredTaskCount). */
export type ServiceDimensions = ServiceDimensionsOf<pulumi.Input<string>>;

type AlarmMetric = Pick<
  aws.cloudwatch.MetricAlarmArgs,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'period' | 'metricQueries'
>;

/**
 * A query as a MetricAlarm's metric: the metric itself, or metric math.
 *
 * @example
 * new aws.cloudwatch.MetricAlarm('age', { ...alarmMetric(scaling.ageSteps.alarm.query, service), threshold: 300, … });
 */
export function alarmMetric(query: MetricQuery, service?: ServiceDimensions): AlarmMetric {
  if (query.expression === undefined) {
    const only = query.metrics[0];
    if (!only) throw new Error(`metric query "${query.label}" has no metric`);
    return {
      namespace: only.metric.namespace,
      metricName: only.metric.metricName,
      dimensions: dimensionsOf(only.metric, service),
      statistic: only.metric.statistic,
      period: query.periodSeconds,
    };
  }
  return {
    metricQueries: [
      ...query.metrics.map((m) => ({
        id: m.id,
        metric: {
          namespace: m.metric.namespace,
          metricName: m.metric.metricName,
          dimensions: dimensionsOf(m.metric, service),
          stat: m.metric.statistic,
          period: query.periodSeconds,
        },
        returnData: false,
      })),
      { id: EXPRESSION_ID, expression: query.expression, label: query.label, returnData: true },
    ],
  };
}

type TrackingMetric =
  aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetric;

/**
 * A query as target tracking's `customizedMetricSpecification.metrics` (the expression returns the data).
 *
 * @example
 * targetTrackingMetrics(scaling.targetTracking.query, service); // [m0, m1, m2, tasks, e: "(m0 + m1 + m2) / tasks"]
 */
export function targetTrackingMetrics(query: MetricQuery, service: ServiceDimensions): TrackingMetric[] {
  return trackingMetrics(query, service);
}

/**
 * A query as rows of a dashboard graph's `metrics`. A graph's ids share one namespace, so each
 * line's ids (and its expression's references to them) get the line's prefix.
 *
 * @example
 * dashboardRows(query, 'l3', service); // [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "jobs", { id: "l3m0", … }], …]
 */
export function dashboardRows(query: MetricQuery, prefix: string, service?: ServiceDimensions): unknown[][] {
  const row = (metric: ModelMetric, options: Record<string, unknown>) => [
    metric.namespace,
    metric.metricName,
    ...Object.entries(dimensionsOf(metric, service)).flat(),
    { stat: metric.statistic, period: query.periodSeconds, ...options },
  ];
  if (query.expression === undefined) {
    const only = query.metrics[0];
    if (!only) throw new Error(`metric query "${query.label}" has no metric`);
    return [row(only.metric, { label: query.label })];
  }
  const ids = new RegExp(`\\b(${query.metrics.map((m) => m.id).join('|')})\\b`, 'g');
  return [
    ...query.metrics.map((m) => row(m.metric, { id: `${prefix}${m.id}`, visible: false })),
    [{ expression: query.expression.replace(ids, `${prefix}$1`), label: query.label, id: `${prefix}e` }],
  ];
}

export interface MetricAlarmInput {
  readonly description: string;
  readonly alarm: QueueAlarm | ScalingAlarm;
  readonly actions?: pulumi.Input<pulumi.Input<string>[]>;
  readonly service?: ServiceDimensions;
  readonly region: string;
}

/**
 * A model alarm (a queue's, or a step policy's) as a CloudWatch MetricAlarm.
 *
 * @example
 * metricAlarm('jobs-visible', { description, alarm: model.alarms[0], region: model.region }, { parent: this });
 */
export function metricAlarm(
  name: string,
  input: MetricAlarmInput,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  const { alarm } = input;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      region: input.region,
      alarmDescription: input.description,
      ...alarmMetric(alarm.query, input.service),
      comparisonOperator: alarm.comparison,
      threshold: alarm.threshold,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: alarm.treatMissingData,
      ...(input.actions === undefined ? {} : { alarmActions: input.actions }),
    },
    opts,
  );
}

/**
 * The model's metric queries (src/deploy/aws/metrics.ts) in the three
 * shapes Terraform takes them, ids and expressions unchanged:
 *
 *   alarm            one metric: metric_name/namespace/statistic/period/dimensions;
 *                    metric math: metric_query blocks, the expression's returning data
 *   target tracking  customized_metric_specification.metrics blocks (metric_stat)
 *   dashboard        the `metrics` array of a metric widget
 *
 * A queue's metric names its queue by the queue resource's name, the
 * service's by the cluster's and the service's, so each depends on what it
 * watches.
 */
import type { Metric, MetricQuery } from '../aws/metrics.ts';
import { local, type QueueLabels, SERVICE } from './names.ts';
import { type Expr, ref, type Value } from './template.ts';

/** The id of the expression that a query with metric math returns (the model's ids are m0…, tasks). */
export const RESULT_ID = 'result';

export function dimensions(metric: Metric, queues: QueueLabels): Record<string, Expr> {
  return metric.kind === 'queue'
    ? { QueueName: queues.attr(metric.queue, 'name') }
    : { ClusterName: local.clusterName, ServiceName: ref(`aws_ecs_service.${SERVICE}.name`) };
}

/** What an aws_cloudwatch_metric_alarm watches: its own metric fields, or metric_query blocks. */
export function alarmMetric(query: MetricQuery, queues: QueueLabels): Record<string, Value> {
  const [only] = query.metrics;
  if (query.expression === undefined && only && query.metrics.length === 1)
    return {
      namespace: only.metric.namespace,
      metric_name: only.metric.metricName,
      dimensions: dimensions(only.metric, queues),
      statistic: only.metric.statistic,
      period: query.periodSeconds,
    };
  return {
    metric_query: [
      ...query.metrics.map(({ id, metric }) => ({
        id,
        return_data: false,
        metric: {
          namespace: metric.namespace,
          metric_name: metric.metricName,
          dimensions: dimensions(metric, queues),
          stat: metric.statistic,
          period: query.periodSeconds,
        },
      })),
      { id: RESULT_ID, expression: query.expression ?? '', label: query.label, return_data: true },
    ],
  };
}

/**
 * A target tracking policy's customized metric: metric_stat blocks and the expression (Application
 * Auto Scaling evaluates it each minute; it takes no period).
 */
export function targetTrackingMetrics(query: MetricQuery, queues: QueueLabels): Value[] {
  const single = query.expression === undefined;
  return [
    ...query.metrics.map(({ id, metric }) => ({
      id,
      return_data: single,
      metric_stat: {
        metric: {
          namespace: metric.namespace,
          metric_name: metric.metricName,
          dimensions: Object.entries(dimensions(metric, queues)).map(([name, value]) => ({ name, value })),
        },
        stat: metric.statistic,
      },
    })),
    ...(single
      ? []
      : [{ id: RESULT_ID, expression: query.expression, label: query.label, return_data: true }]),
  ];
}

/**
 * A dashboard line's entries in a widget's `metrics`: with metric math the metrics are hidden and
 * the expression shown; `prefix` keeps ids unique when a widget has several lines.
 */
export function dashboardMetrics(query: MetricQuery, queues: QueueLabels, prefix = ''): Value[] {
  const id = (name: string) => `${prefix}${name}`;
  const line = (metric: Metric, options: Record<string, Value>) => [
    metric.namespace,
    metric.metricName,
    ...Object.entries(dimensions(metric, queues)).flat(),
    { stat: metric.statistic, period: query.periodSeconds, ...options },
  ];
  if (query.expression === undefined)
    return query.metrics.map(({ metric }) => line(metric, { label: query.label }));
  const expression = prefix
    ? query.metrics.reduce((e, m) => e.replace(new RegExp(`\\b${m.id}\\b`, 'g'), id(m.id)), query.expression)
    : query.expression;
  return [
    [{ expression, label: query.label, id: id(RESULT_ID), period: query.periodSeconds }],
    ...query.metrics.map((m) => line(m.metric, { id: id(m.id), visible: false })),
  ];
}

/**
 * The CloudWatch metrics the AWS model watches, named without any
 * renderer's types: an SQS queue's metric by queue name, the workers
 * service's task counts (Container Insights) by the service itself. A
 * renderer turns a queue name into the QueueName dimension and the service
 * into ClusterName/ServiceName, and a MetricQuery into its own metric math
 * (CloudFormation's Metrics list, CDK's MathExpression, Terraform's
 * metric_query), ids and expression unchanged.
 */

export type QueueMetricName =
  | 'ApproximateNumberOfMessagesVisible'
  | 'ApproximateNumberOfMessagesNotVisible'
  | 'ApproximateNumberOfMessagesDelayed'
  | 'ApproximateAgeOfOldestMessage';

export type ServiceMetricName = 'RunningTaskCount' | 'DesiredTaskCount';

export type Statistic = 'Sum' | 'Maximum' | 'Average';

export interface QueueMetric {
  readonly kind: 'queue';
  readonly namespace: 'AWS/SQS';
  readonly metricName: QueueMetricName;
  /** The queue's name: the QueueName dimension. */
  readonly queue: string;
  readonly statistic: Statistic;
}

/** A metric of the workers service (needs Container Insights on its cluster). */
export interface ServiceMetric {
  readonly kind: 'service';
  readonly namespace: 'ECS/ContainerInsights';
  readonly metricName: ServiceMetricName;
  readonly statistic: Statistic;
}

export type Metric = QueueMetric | ServiceMetric;

/** A metric, or metric math over several: what an alarm, a scaling policy or a graph line watches. */
export interface MetricQuery {
  /** The metrics by id (m0, m1, … for queues; `tasks` for the running tasks). */
  readonly metrics: readonly { readonly id: string; readonly metric: Metric }[];
  /** Metric math over the ids; undefined when the query is its one metric. */
  readonly expression: string | undefined;
  readonly label: string;
  readonly periodSeconds: number;
}

/** CloudWatch takes at most this many metrics in one alarm's math, and in one target tracking metric. */
export const MAX_METRICS_PER_QUERY = 10;

export const queueMetric = (queue: string, metricName: QueueMetricName, statistic: Statistic): QueueMetric =>
  Object.freeze({ kind: 'queue', namespace: 'AWS/SQS', metricName, queue, statistic });

export const serviceMetric = (metricName: ServiceMetricName, statistic: Statistic): ServiceMetric =>
  Object.freeze({ kind: 'service', namespace: 'ECS/ContainerInsights', metricName, statistic });

/** Tasks running now, as Container Insights counts them. */
export const RUNNING_TASKS = serviceMetric('RunningTaskCount', 'Average');

function freeze(q: MetricQuery): MetricQuery {
  return Object.freeze({ ...q, metrics: Object.freeze(q.metrics.map((m) => Object.freeze({ ...m }))) });
}

/**
 * One metric as a query.
 *
 * @example
 * single(queueMetric('jobs-dlq', 'ApproximateNumberOfMessagesVisible', 'Maximum'), 'jobs-dlq depth', 60);
 */
export function single(metric: Metric, label: string, periodSeconds: number): MetricQuery {
  return freeze({ metrics: [{ id: 'm0', metric }], expression: undefined, label, periodSeconds });
}

/**
 * The sum of some metrics of several queues (one queue, one metric: the metric itself),
 * optionally divided by the running tasks, or combined by `around(sum, tasksId)`.
 *
 * @example
 * queueSum(['a', 'b'], ['ApproximateNumberOfMessagesVisible'], 'Sum', 'backlog per task', 60, perTask);
 * // expression "(m0 + m1) / tasks"
 */
export function queueSum(
  queues: readonly string[],
  names: readonly QueueMetricName[],
  statistic: Statistic,
  label: string,
  periodSeconds: number,
  around?: (sum: string, tasks: string) => string,
): MetricQuery {
  const metrics = queues.flatMap((queue) => names.map((name) => queueMetric(queue, name, statistic)));
  const ids = metrics.map((_, i) => `m${i}`);
  const entries = metrics.map((metric, i) => ({ id: ids[i]!, metric: metric as Metric }));
  if (around === undefined && entries.length === 1)
    return freeze({ metrics: entries, expression: undefined, label, periodSeconds });
  const sum = ids.join(' + ');
  if (around === undefined) return freeze({ metrics: entries, expression: sum, label, periodSeconds });
  return freeze({
    metrics: [...entries, { id: 'tasks', metric: RUNNING_TASKS }],
    expression: around(ids.length > 1 ? `(${sum})` : sum, 'tasks'),
    label,
    periodSeconds,
  });
}

/** Divides by the running tasks: backlog per task. */
export const perTask = (sum: string, tasks: string) => `${sum} / ${tasks}`;

/**
 * The largest of one metric over several queues, at each period (MAX of an array is per point).
 *
 * @example
 * queueMax(['a', 'b'], 'ApproximateAgeOfOldestMessage', 'oldest message', 60).expression; // "MAX([m0, m1])"
 */
export function queueMax(
  queues: readonly string[],
  name: QueueMetricName,
  label: string,
  periodSeconds: number,
): MetricQuery {
  const metrics = queues.map((queue, i) => ({
    id: `m${i}`,
    metric: queueMetric(queue, name, 'Maximum') as Metric,
  }));
  return freeze({
    metrics,
    expression: metrics.length === 1 ? undefined : `MAX([${metrics.map((m) => m.id).join(', ')}])`,
    label,
    periodSeconds,
  });
}

/** The workers service's dimensions, in whatever a renderer names values with (strings, CDK tokens, Pulumi inputs). */
export interface ServiceDimensionsOf<V> {
  readonly clusterName: V;
  readonly serviceName: V;
}

/** A metric's dimensions: QueueName for a queue's, ClusterName and ServiceName for the service's. */
export function dimensionsOf<V>(
  metric: Metric,
  service: ServiceDimensionsOf<V> | undefined,
): Record<string, string | V> {
  if (metric.kind === 'queue') return { QueueName: metric.queue };
  if (!service)
    throw new Error(`${metric.metricName} is a metric of the workers service, which this query has not`);
  return { ClusterName: service.clusterName, ServiceName: service.serviceName };
}

/** The id of the math expression that returns a query's data (the model's ids are m0, m1, … and tasks). */
export const EXPRESSION_ID = 'e';

/**
 * A query as target tracking's customized metric list — CloudFormation's
 * `CustomizedMetricSpecification.Metrics`, in the camelCase that CDK's and
 * Pulumi's types both take: metric math where CDK's L2 has none (aws-cdk#20659);
 * the expression returns the data.
 *
 * @example
 * trackingMetrics(scaling.targetTracking.query, service); // [m0, m1, m2, tasks, e: "(m0 + m1 + m2) / tasks"]
 */
export function trackingMetrics<V>(query: MetricQuery, service: ServiceDimensionsOf<V>) {
  const stats = query.metrics.map((m) => ({
    id: m.id,
    metricStat: {
      metric: {
        namespace: m.metric.namespace,
        metricName: m.metric.metricName,
        dimensions: Object.entries(dimensionsOf(m.metric, service)).map(([name, value]) => ({ name, value })),
      },
      stat: m.metric.statistic,
    },
    returnData: query.expression === undefined,
  }));
  if (query.expression === undefined) return stats;
  return [
    ...stats,
    { id: EXPRESSION_ID, expression: query.expression, label: query.label, returnData: true },
  ];
}

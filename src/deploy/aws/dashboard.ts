/**
 * The CloudWatch dashboard of a workers service: one graph per question an
 * operator asks (how much waits, how much is being worked, how old, how much
 * per task against the target, how many tasks against how many wanted, what
 * failed), in this order, two graphs a row.
 */
import type { QueueConfig } from '../../config/config-file.ts';
import {
  type MetricQuery,
  perTask,
  type QueueMetricName,
  queueMetric,
  queueSum,
  serviceMetric,
  single,
} from './metrics.ts';

export interface Widget {
  readonly title: string;
  /** One line each. */
  readonly lines: readonly MetricQuery[];
  /** Horizontal lines: the target, an alarm's threshold. */
  readonly annotations: readonly { readonly label: string; readonly value: number }[];
}

export interface Dashboard {
  readonly name: string;
  readonly widgets: readonly Widget[];
  /** Shown as text under the graphs. */
  readonly note: string;
}

const PERIOD_SECONDS = 60;

export interface DashboardInput {
  readonly name: string;
  readonly queues: readonly QueueConfig[];
  /** The queues the service reads (their backlog per task is graphed against the target). */
  readonly consumed: readonly string[];
  readonly target: number;
  readonly oldestAgeAlarm: number;
  readonly healthPort: number;
}

/**
 * The dashboard's widgets.
 *
 * @example
 * dashboardOf({ name: 'push', queues, consumed: ['push'], target: 100, oldestAgeAlarm: 300, healthPort: 3003 }).widgets.length; // 6
 */
export function dashboardOf(input: DashboardInput): Dashboard {
  const perQueue = (name: QueueMetricName, statistic: 'Maximum' | 'Average', names: readonly string[]) =>
    names.map((q) => single(queueMetric(q, name, statistic), q, PERIOD_SECONDS));
  const sources = input.queues.map((q) => q.name);
  const dlqs = input.queues.flatMap((q) => (q.dlq ? [q.dlq.name] : []));
  const widgets: Widget[] = [
    {
      title: 'Messages visible',
      lines: perQueue('ApproximateNumberOfMessagesVisible', 'Maximum', sources),
      annotations: [],
    },
    {
      title: 'Messages in flight',
      lines: perQueue('ApproximateNumberOfMessagesNotVisible', 'Maximum', sources),
      annotations: [],
    },
    {
      title: 'Age of the oldest message (s)',
      lines: perQueue('ApproximateAgeOfOldestMessage', 'Maximum', sources),
      annotations: [{ label: 'alarm', value: input.oldestAgeAlarm }],
    },
    {
      title: 'Backlog per task',
      lines: [
        queueSum(
          input.consumed,
          ['ApproximateNumberOfMessagesVisible'],
          'Sum',
          'visible ÷ running tasks',
          PERIOD_SECONDS,
          perTask,
        ),
      ],
      annotations: [{ label: 'target', value: input.target }],
    },
    {
      title: 'Tasks: running and desired',
      lines: [
        single(serviceMetric('RunningTaskCount', 'Average'), 'running', PERIOD_SECONDS),
        single(serviceMetric('DesiredTaskCount', 'Average'), 'desired', PERIOD_SECONDS),
      ],
      annotations: [],
    },
    {
      title: 'Dead-letter queues',
      lines: perQueue('ApproximateNumberOfMessagesVisible', 'Maximum', dlqs),
      annotations: [],
    },
  ];
  return Object.freeze({
    name: input.name,
    widgets: Object.freeze(
      widgets.map((w) =>
        Object.freeze({ ...w, lines: Object.freeze(w.lines), annotations: Object.freeze(w.annotations) }),
      ),
    ),
    note: `The workers' own metrics (handled, failed, latency, in flight per worker) are Prometheus metrics on port ${input.healthPort} (/metrics); scrape them with the CloudWatch agent or Amazon Managed Prometheus to graph them here.`,
  });
}

/**
 * alarms.tf.json: the queues' alarms of the model (DLQ depth, messages
 * visible, age of the oldest message), each notifying var.alarm_actions
 * (empty by default: the model names no action; give an SNS topic).
 */
import type { QueueAlarm } from '../aws/alarms.ts';
import type { AwsModel } from '../aws/model.ts';
import type { ScalingAlarm } from '../aws/scaling.ts';
import { alarmMetric } from './metrics.ts';
import { label, type QueueLabels, variable } from './names.ts';
import type { Expr, Value } from './template.ts';

/** An aws_cloudwatch_metric_alarm of the model's numbers. */
export function metricAlarm(
  name: string,
  description: string,
  alarm: QueueAlarm | ScalingAlarm,
  actions: Expr | readonly Expr[],
  queues: QueueLabels,
): Value {
  return {
    alarm_name: name,
    alarm_description: description,
    comparison_operator: alarm.comparison,
    threshold: alarm.threshold,
    evaluation_periods: alarm.evaluationPeriods,
    treat_missing_data: alarm.treatMissingData,
    ...alarmMetric(alarm.query, queues),
    alarm_actions: actions,
  };
}

export function alarmsFile(model: AwsModel, queues: QueueLabels): Record<string, Value> {
  return {
    resource: {
      aws_cloudwatch_metric_alarm: Object.fromEntries(
        model.alarms.map((a) => [
          label(a.id),
          metricAlarm(`${model.name}-${a.id}`, a.description, a, variable.alarmActions, queues),
        ]),
      ),
    },
  };
}

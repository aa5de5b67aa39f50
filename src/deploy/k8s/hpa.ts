/**
 * The HPA variant, for a cluster without KEDA: autoscaling/v2 on an external
 * metric, the queue's visible messages, averaged per pod to the same target
 * backlog per worker and with the same stabilization windows as the
 * ScaledObject (the numbers come from it). An external metrics adapter must
 * serve the metric, e.g. prometheus-adapter over a CloudWatch exporter (YACE
 * names it as below). An HPA cannot go below one replica (without the
 * HPAScaleToZero feature gate), and it follows visible messages only.
 */
import type { DeployModel } from '../model.ts';
import type { KedaExport } from './keda.ts';

/** The metric as YACE exports CloudWatch's AWS/SQS ApproximateNumberOfMessagesVisible. */
export const EXTERNAL_METRIC = 'aws_sqs_approximate_number_of_messages_visible_average';

export function hpa(model: DeployModel, keda: KedaExport) {
  const n = keda.numbers;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: model.name,
      ...(model.namespace === undefined ? {} : { namespace: model.namespace }),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: model.name },
      minReplicas: Math.max(1, model.scale.min),
      maxReplicas: model.scale.max,
      metrics: model.consumed.map((queue) => ({
        type: 'External',
        external: {
          metric: { name: EXTERNAL_METRIC, selector: { matchLabels: { dimension_QueueName: queue.name } } },
          target: { type: 'AverageValue', averageValue: String(n.queueLength) },
        },
      })),
      behavior: {
        scaleUp: { stabilizationWindowSeconds: n.scaleUpWindowSeconds },
        scaleDown: { stabilizationWindowSeconds: n.scaleDownWindowSeconds },
      },
    },
  };
}

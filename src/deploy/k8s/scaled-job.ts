/**
 * The zero-scale variant: a KEDA ScaledJob instead of the Deployment and its
 * ScaledObject. Nothing runs while the queues are empty; each Job is one
 * worker pod, started per `queueLength` messages (the target backlog per
 * worker), at most `max` at once, with the same triggers. The worker runtime
 * has no run-once mode, so a Job works for `deploy.jobSeconds` and is then
 * stopped by activeDeadlineSeconds: SIGTERM, a drain within the grace
 * period, nothing lost (Kubernetes records the Job as DeadlineExceeded).
 */
import type { DeployModel } from '../model.ts';
import { metadata, podSpec } from './container.ts';
import type { KedaExport } from './keda.ts';

export function scaledJob(model: DeployModel, keda: KedaExport) {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: metadata(model, `${model.name}-job`),
    spec: {
      jobTargetRef: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 0,
        activeDeadlineSeconds: model.jobSeconds,
        template: { spec: podSpec(model, 'Never') },
      },
      pollingInterval: keda.numbers.pollingInterval,
      minReplicaCount: 0,
      maxReplicaCount: model.scale.max,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 5,
      scalingStrategy: { strategy: 'default' },
      triggers: keda.object.spec.triggers,
    },
  };
}

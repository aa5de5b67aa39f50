/** The worker Deployment; its replica count belongs to the ScaledObject (or the HPA), so none is written. */
import type { DeployModel } from '../model.ts';
import { LABEL, labels, metadata, podSpec } from './container.ts';

export function deployment(model: DeployModel) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(model),
    spec: {
      selector: { matchLabels: { [LABEL]: model.name } },
      template: { metadata: { labels: labels(model) }, spec: podSpec(model) },
    },
  };
}

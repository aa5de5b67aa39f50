/**
 * The worker's container and pod settings, shared by the Deployment and the
 * ScaledJob: one pod per worker process, WORKER_ID from the pod's name, the
 * probes on the health port, requests from the model's size, non-root.
 */
import type { DeployModel } from '../model.ts';

export const LABEL = 'app.kubernetes.io/name';

/** A uid and gid that are not root; the image's own user should match. */
const NON_ROOT = 1000;

/** 0.25 vCPU → "250m"; 512 MiB → "512Mi". */
export const cpuQuantity = (cpu: number) => `${Math.round(cpu * 1000)}m`;
export const memoryQuantity = (mib: number) => `${mib}Mi`;

export function labels(model: DeployModel): Record<string, string> {
  return { [LABEL]: model.name, 'app.kubernetes.io/managed-by': 'sluice' };
}

export function metadata(model: DeployModel, name = model.name) {
  return {
    name,
    ...(model.namespace === undefined ? {} : { namespace: model.namespace }),
    labels: labels(model),
  };
}

/** The pod spec that runs one worker process. */
export function podSpec(model: DeployModel, restartPolicy?: 'Never') {
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: 'health' },
    periodSeconds,
    failureThreshold: 3,
  });
  return {
    ...(restartPolicy ? { restartPolicy } : {}),
    terminationGracePeriodSeconds: model.stopTimeoutSeconds,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NON_ROOT,
      runAsGroup: NON_ROOT,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'worker',
        image: model.image,
        args: [...model.args],
        env: [
          { name: 'WORKER_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          // The kubelet probes the pod's IP, not its loopback.
          { name: 'WORKER_HEALTH_HOST', value: '0.0.0.0' },
          ...Object.entries(model.env).map(([name, value]) => ({ name, value })),
        ],
        ports: [{ name: 'health', containerPort: model.health.port, protocol: 'TCP' }],
        livenessProbe: probe(model.health.live, 10),
        readinessProbe: probe(model.health.ready, 5),
        resources: {
          requests: { cpu: cpuQuantity(model.cpu), memory: memoryQuantity(model.memoryMiB) },
          // No CPU limit: throttling would slow the drain the grace period is sized for.
          limits: { memory: memoryQuantity(model.memoryMiB) },
        },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
}

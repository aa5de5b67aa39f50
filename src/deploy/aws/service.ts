/**
 * The workers service on Fargate: the image running `sluice start <config>`,
 * no load balancer (nothing calls a worker), a container health check on
 * the worker's /health, a stop timeout that outlasts the drain (Fargate
 * allows 120 s), capacity providers (FARGATE_SPOT with an on-demand base),
 * the least-privilege task role, ECS Exec off, and the deployment circuit
 * breaker rolling back a release whose tasks do not stay healthy.
 */
import { type DeployModel, DeployModelError } from '../model.ts';
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS, type FargateSize, fargateSize } from './fargate.ts';
import type { TaskRole } from './iam.ts';
import type { CapacityProviderItem } from './pipe.ts';
import type { AwsSettings } from './settings.ts';

/** The worker's container in the task definition. */
export const WORKER_CONTAINER = 'worker';

export interface AwsService {
  readonly name: string;
  readonly image: string;
  /** `sluice` arguments: the image's entrypoint is `sluice`. */
  readonly command: readonly string[];
  readonly containerName: typeof WORKER_CONTAINER;
  readonly size: FargateSize;
  /** The container's environment, sorted (WORKER_*, AWS_REGION, deploy.env). */
  readonly env: Readonly<Record<string, string>>;
  readonly healthCheck: {
    readonly command: readonly string[];
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly retries: number;
    readonly startPeriodSeconds: number;
  };
  readonly healthPort: number;
  readonly shutdownTimeoutSeconds: number;
  /** shutdown timeout + the margin; at most Fargate's 120 s. */
  readonly stopTimeoutSeconds: number;
  readonly capacity: readonly CapacityProviderItem[];
  readonly deployment: {
    readonly circuitBreaker: { readonly enable: true; readonly rollback: true };
    readonly minHealthyPercent: number;
    readonly maxHealthyPercent: number;
  };
  readonly enableExecuteCommand: false;
  readonly assignPublicIp: boolean;
  readonly logRetentionDays: number;
  readonly taskRole: TaskRole;
  /** The queues the workers read. */
  readonly consumes: readonly string[];
  /** RunningTaskCount, which scaling and the dashboard read, comes from Container Insights. */
  readonly containerInsights: true;
}

/**
 * The service of a deployment model, for Fargate.
 *
 * @example
 * awsService(deployModel(config, { configFile: 'sluice.config.ts' }), settings.aws, role).stopTimeoutSeconds; // 40
 */
export function awsService(model: DeployModel, aws: AwsSettings, role: TaskRole): AwsService {
  const fail = (message: string): never => {
    throw new DeployModelError(message);
  };
  if (model.endpoint !== undefined)
    fail(
      'deploy.endpoint names a sluice server; on AWS the workers use Amazon SQS: leave it out of this profile',
    );
  if (model.health.port === 0)
    fail('deploy.healthPort must be a fixed port on AWS (the container health check asks it), got 0');
  if (model.stopTimeoutSeconds > FARGATE_MAX_STOP_TIMEOUT_SECONDS)
    fail(
      `deploy.shutdownTimeoutSeconds (${model.shutdownTimeoutSeconds}) + ${model.stopTimeoutSeconds - model.shutdownTimeoutSeconds} s to hand back and flush exceeds Fargate's ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s stop timeout: at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS - (model.stopTimeoutSeconds - model.shutdownTimeoutSeconds)}`,
    );
  const { onDemandBase, onDemandWeight, spotWeight } = aws.capacity;
  if (onDemandWeight === 0 && spotWeight === 0)
    fail('deploy.aws.capacity: onDemandWeight and spotWeight are both 0; give one a weight');
  const capacity: CapacityProviderItem[] = [
    ...(onDemandBase > 0 || onDemandWeight > 0
      ? [{ capacityProvider: 'FARGATE' as const, base: onDemandBase, weight: onDemandWeight }]
      : []),
    ...(spotWeight > 0 ? [{ capacityProvider: 'FARGATE_SPOT' as const, base: 0, weight: spotWeight }] : []),
  ];
  return Object.freeze({
    name: model.name,
    image: model.image,
    command: model.args,
    containerName: WORKER_CONTAINER,
    size: fargateSize(model.cpu, model.memoryMiB, 'deploy'),
    env: model.env,
    healthCheck: Object.freeze({
      command: Object.freeze([
        'CMD',
        'sluice',
        'health',
        `http://127.0.0.1:${model.health.port}${model.health.live}`,
      ]),
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 60,
    }),
    healthPort: model.health.port,
    shutdownTimeoutSeconds: model.shutdownTimeoutSeconds,
    stopTimeoutSeconds: model.stopTimeoutSeconds,
    capacity: Object.freeze(capacity.map((c) => Object.freeze(c))),
    deployment: Object.freeze({
      circuitBreaker: Object.freeze({ enable: true, rollback: true } as const),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    }),
    enableExecuteCommand: false,
    assignPublicIp: aws.assignPublicIp,
    logRetentionDays: aws.logRetentionDays,
    taskRole: role,
    consumes: Object.freeze(model.consumed.map((c) => c.name)),
    containerInsights: true,
  });
}

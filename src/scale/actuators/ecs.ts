/**
 * The ECS actuator: the policy's count becomes an ECS service's desiredCount.
 *
 * - `current()` is DescribeServices' desiredCount for the one service. A
 *   service ECS reports under `failures` (MISSING) or not ACTIVE (INACTIVE,
 *   DRAINING: UpdateService would refuse it) is an error naming both the
 *   cluster and the service.
 * - `apply(desired)` is UpdateService { cluster, service, desiredCount },
 *   skipped when `desired` equals the count last seen (by `current()` or the
 *   last `apply`; with none seen yet, it reads first).
 *
 * Dry run (what an operator previewing `sluice scale --ecs … --dry-run`
 * wants): reads still go to ECS, because DescribeServices changes nothing and
 * a preview against the real count is the point; writes are printed, not
 * sent, one line per call, as `dry-run: ecs UpdateService <input JSON>  # <from> → <to>: <reason>`.
 * The JSON is the command's exact input, which `aws ecs update-service
 * --cli-input-json` also accepts. After a printed UpdateService, `current()`
 * answers the count it would have set, as ECS would have: the decisions that
 * follow (cooldowns, steps) are those of a live run, not a repeat of the
 * first. `assumeCount` starts the dry run from that count without reading
 * ECS at all: no network, no credentials (a laptop, a CI job, a plan review).
 *
 * ECS's own Application Auto Scaling policies, if the service has any, also
 * set desiredCount: use one or the other, not both.
 */
import {
  DescribeServicesCommand,
  ECSClient,
  type ECSClientConfig,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { endpointCredentials } from '../../client/aws.ts';
import type { Actuator } from '../actuator.ts';

export interface EcsActuatorOptions {
  /** The cluster's name or ARN. */
  readonly cluster: string;
  /** The service's name or ARN. */
  readonly service: string;
  /** Unset: the SDK's default region chain (AWS_REGION, the config file). */
  readonly region?: string;
  /** An ECS-compatible endpoint (tests, LocalStack); unset: Amazon ECS. */
  readonly endpoint?: string;
  /** Unset: the SDK's chain, or placeholder keys for a custom endpoint (see src/client/aws.ts). */
  readonly credentials?: ECSClientConfig['credentials'];
  /** Print the UpdateService calls instead of sending them. */
  readonly dryRun?: boolean;
  /** Dry run only: the count to start from, instead of reading the service. */
  readonly assumeCount?: number;
  /** Where dry-run lines go, one call each, no newline; default stdout. */
  readonly write?: (line: string) => void;
  /** A ready SDK client; the actuator then never destroys it. */
  readonly ecs?: ECSClient;
}

export interface EcsActuator extends Actuator {
  /** Releases the SDK client's sockets (unless it was passed in). */
  close(): void;
}

/** A failure of the ECS actuator; the message names the cluster and the service. */
export class EcsActuatorError extends Error {
  override name = 'EcsActuatorError';
}

/**
 * An Actuator for one ECS service.
 *
 * @example
 * const ecs = ecsActuator({ cluster: 'prod', service: 'push-worker', dryRun: true });
 * const count = await ecs.current();
 * await ecs.apply(4, 'target tracking: backlog 400 ÷ 100 per worker → 4');
 * // dry-run: ecs UpdateService {"cluster":"prod","service":"push-worker","desiredCount":4}  # 2 → 4: target tracking: …
 * ecs.close();
 */
export function ecsActuator(options: EcsActuatorOptions): EcsActuator {
  const { cluster, service, dryRun = false, assumeCount } = options;
  const where = `ECS service "${service}" in cluster "${cluster}"`;
  if (!cluster || !service) throw new EcsActuatorError('ecs actuator needs a cluster and a service');
  if (assumeCount !== undefined) {
    if (!dryRun) throw new EcsActuatorError(`${where}: assumeCount is for dry runs only`);
    checkCount(assumeCount, 'assumeCount', where);
  }
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const owned = options.ecs === undefined;
  let client = options.ecs;
  const ecs = () => {
    client ??= new ECSClient({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...endpointCredentials(options.endpoint, options.credentials),
    });
    return client;
  };
  /** The desiredCount last read or set (in a dry run: as it would be). */
  let known = assumeCount;

  async function describe(): Promise<number> {
    const out = await send('DescribeServices', () =>
      ecs().send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const failure = out.failures?.[0];
    if (failure) {
      const detail = [failure.reason ?? 'unknown reason', failure.detail, failure.arn]
        .filter(Boolean)
        .join(', ');
      const what =
        failure.reason === 'MISSING'
          ? `ECS service "${service}" not found in cluster "${cluster}"`
          : `${where} cannot be described`;
      throw new EcsActuatorError(`${what} (DescribeServices failure: ${detail})`);
    }
    const found = out.services?.[0];
    if (!found) throw new EcsActuatorError(`${where}: DescribeServices returned no service`);
    if (found.status !== undefined && found.status !== 'ACTIVE') {
      throw new EcsActuatorError(`${where} is ${found.status}, not ACTIVE: it cannot be scaled`);
    }
    if (found.desiredCount === undefined) {
      throw new EcsActuatorError(`${where}: DescribeServices returned no desiredCount`);
    }
    return found.desiredCount;
  }

  /** One SDK call; an SDK error becomes an EcsActuatorError with the call and the service. */
  async function send<T>(call: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      throw new EcsActuatorError(`${where}: ${call} failed: ${error.name}: ${error.message}`, { cause: e });
    }
  }

  async function current(): Promise<number> {
    if (dryRun && known !== undefined) return known;
    known = await describe();
    return known;
  }

  return {
    target: `ecs ${cluster}/${service}${dryRun ? ' (dry run)' : ''}`,
    current,

    async apply(desired, reason) {
      checkCount(desired, 'desired count', where);
      const from = known ?? (await current());
      if (desired === from) return;
      const input = { cluster, service, desiredCount: desired };
      if (dryRun) {
        const why = reason.replace(/\s*\n\s*/g, ' ');
        write(`dry-run: ecs UpdateService ${JSON.stringify(input)}  # ${from} → ${desired}: ${why}`);
      } else {
        await send('UpdateService', () => ecs().send(new UpdateServiceCommand(input)));
      }
      known = desired;
    },

    close() {
      if (owned) client?.destroy();
    },
  };
}

function checkCount(value: number, what: string, where: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new EcsActuatorError(`${where}: ${what} must be an integer ≥ 0, got ${value}`);
  }
}

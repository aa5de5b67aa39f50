/**
 * The scale policy exported as a KEDA ScaledObject (keda.sh/v1alpha1) with
 * the aws-sqs-queue trigger, so a Kubernetes deployment scales on the same
 * numbers as `sluice scale`. The policy stays the single source: nothing here
 * is a default of its own except what KEDA requires (whole numbers).
 *
 * | policy                         | ScaledObject                                            |
 * | ------------------------------ | ------------------------------------------------------- |
 * | target (backlog per worker)    | trigger queueLength (KEDA: ceil(messages ÷ queueLength)) |
 * | activation                     | trigger activationQueueLength 0 (any message wakes it)  |
 * | scaleOnInFlight, scaleOnDelayed| trigger scaleOnInFlight, scaleOnDelayed                  |
 * | min, max                       | minReplicaCount, maxReplicaCount                         |
 * | periodSeconds                  | pollingInterval                                          |
 * | scaleInCooldownSeconds         | cooldownPeriod (KEDA: only the last step, to zero)       |
 * | scale-out / scale-in cooldowns | HPA behavior scaleUp / scaleDown stabilizationWindowSeconds |
 *
 * An HPA stabilization window is near a cooldown, not equal: it takes the
 * highest (down) or lowest (up) recommendation over the window rather than
 * freezing after a change. What KEDA cannot express:
 * - step scaling on the age of the oldest message: the aws-sqs-queue scaler
 *   has no age metric (kedacore/keda#5754). The bands are written as a
 *   comment and returned as a warning; the rest is exported.
 * - no fixed target (a steps-only policy, or a target measured at run time
 *   from throughput): there is no queueLength to write, so it throws.
 */
import { Document } from 'yaml';
import type { ScalePolicy, StepBand } from '../config.ts';

export interface KedaOptions {
  /** The ScaledObject's name. */
  readonly name: string;
  readonly namespace?: string;
  /** The Deployment to scale (same namespace). */
  readonly deployment: string;
  /** The SQS queue URL the trigger reads. */
  readonly queueUrl: string;
  /** The queue's AWS region (awsRegion, required by KEDA). */
  readonly region: string;
  /**
   * A TriggerAuthentication's name (e.g. one with `podIdentity.provider: aws`).
   * Unset: KEDA looks for AWS keys in the workload's environment; a warning says so.
   */
  readonly authRef?: string;
  /** KEDA's awsEndpoint: an SQS-compatible endpoint such as `sluice server`. */
  readonly awsEndpoint?: string;
}

export interface KedaExport {
  /** The ScaledObject as YAML, with a header comment saying where each number came from. */
  readonly yaml: string;
  /** What the policy has that KEDA cannot express, or had to round. */
  readonly warnings: readonly string[];
}

/** Thrown when a policy has nothing KEDA can express, or an option is invalid. */
export class KedaExportError extends Error {
  override name = 'KedaExportError';
}

/** Kubernetes caps an HPA's stabilizationWindowSeconds at one hour. */
const MAX_STABILIZATION_SECONDS = 3600;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The policy as a KEDA ScaledObject.
 *
 * @example
 * const policy = parseScalePolicy({ min: 1, max: 10, targetBacklogPerWorker: 100 });
 * const { yaml, warnings } = kedaScaledObject(policy, {
 *   name: 'push-worker', deployment: 'push-worker',
 *   queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/push', region: 'eu-west-1',
 *   authRef: 'keda-aws',
 * });
 * // yaml: apiVersion: keda.sh/v1alpha1 … queueLength: "100" …; warnings: []
 */
export function kedaScaledObject(policy: ScalePolicy, options: KedaOptions): KedaExport {
  checkOptions(options);
  const target = policy.target;
  if (target === undefined) {
    const why =
      policy.targetSource === 'measured'
        ? `its target is measured at run time (acceptableLatencySeconds ${policy.acceptableLatencySeconds} s × measured throughput), and KEDA needs a fixed queueLength: give secondsPerMessage or targetBacklogPerWorker`
        : 'it has only age steps, and KEDA cannot scale on message age (kedacore/keda#5754): add targetBacklogPerWorker';
    throw new KedaExportError(`cannot export this scale policy to KEDA: ${why}`);
  }

  const warnings: string[] = [];
  const notes: string[] = [];
  const whole = (value: number, what: string) => {
    if (Number.isInteger(value)) return value;
    const rounded = Math.ceil(value);
    warnings.push(`${what} ${value} rounded up to ${rounded}: KEDA takes whole seconds`);
    return rounded;
  };
  const window = (value: number, what: string) => {
    const seconds = whole(value, what);
    if (seconds <= MAX_STABILIZATION_SECONDS) return seconds;
    warnings.push(
      `${what} ${seconds} s capped at ${MAX_STABILIZATION_SECONDS} s: an HPA stabilization window cannot be longer`,
    );
    return MAX_STABILIZATION_SECONDS;
  };

  // queueLength is an integer; rounding down keeps the policy's latency promise.
  const queueLength = Math.max(1, Math.floor(target));
  if (queueLength !== target) {
    warnings.push(
      `target ${target} messages per worker written as queueLength ${queueLength}: KEDA takes an integer`,
    );
  }
  if (policy.min === 0 && !policy.activation) {
    warnings.push(
      'activation is off, but KEDA always wakes a scaled-to-zero deployment at once (activationQueueLength 0)',
    );
  }
  if (policy.steps.length > 0) {
    const bands = policy.steps.map(describeBand);
    warnings.push(
      `age steps not exported (${bands.join('; ')}): KEDA's aws-sqs-queue scaler cannot scale on message age (kedacore/keda#5754)`,
    );
    notes.push(
      '',
      'NOT EXPORTED: step scaling on the age of the oldest message. KEDA cannot',
      'scale on message age (kedacore/keda#5754), so these bands of the policy',
      `run only under sluice scale, local or --ecs (alarm after ${policy.evaluationPeriods} × ${policy.periodSeconds} s periods):`,
      ...bands.map((b) => `  ${b}`),
    );
  }
  if (options.authRef === undefined) {
    warnings.push(
      'no authRef: KEDA will look for AWS keys in the deployment’s environment; name a TriggerAuthentication (podIdentity provider aws) instead',
    );
  }

  const trigger = {
    type: 'aws-sqs-queue',
    metadata: {
      queueURL: options.queueUrl,
      queueLength: String(queueLength),
      activationQueueLength: '0',
      awsRegion: options.region,
      ...(options.awsEndpoint === undefined ? {} : { awsEndpoint: options.awsEndpoint }),
      scaleOnInFlight: String(policy.scaleOnInFlight),
      scaleOnDelayed: String(policy.scaleOnDelayed),
    },
    ...(options.authRef === undefined ? {} : { authenticationRef: { name: options.authRef } }),
  };
  const scaledObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: options.name,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    },
    spec: {
      scaleTargetRef: { name: options.deployment },
      pollingInterval: whole(policy.periodSeconds, 'periodSeconds'),
      cooldownPeriod: whole(policy.scaleInCooldownSeconds, 'scaleInCooldownSeconds'),
      minReplicaCount: policy.min,
      maxReplicaCount: policy.max,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: window(policy.scaleOutCooldownSeconds, 'scaleOutCooldownSeconds'),
            },
            scaleDown: {
              stabilizationWindowSeconds: window(policy.scaleInCooldownSeconds, 'scaleInCooldownSeconds'),
            },
          },
        },
      },
      triggers: [trigger],
    },
  };

  const doc = new Document(scaledObject);
  const source = policy.targetSource === 'given' ? 'targetBacklogPerWorker' : policy.targetSource;
  doc.commentBefore = [
    'Generated by sluice from a scale policy; change the policy, not this file.',
    `queueLength ${queueLength} = target backlog per worker (${source});`,
    'HPA stabilization windows = the scale-out / scale-in cooldowns.',
    ...notes,
    ...(options.authRef === undefined
      ? ['', 'No authenticationRef: KEDA looks for AWS keys in the deployment’s environment.']
      : []),
  ]
    .map((line) => (line === '' ? '' : ` ${line}`))
    .join('\n');
  return { yaml: doc.toString({ lineWidth: 0 }), warnings };
}

function describeBand(band: StepBand): string {
  const { ageFromSeconds: from, ageToSeconds: to, change } = band;
  const range = to === undefined ? `≥ ${from} s` : `${from}–${to} s`;
  const effect = change === 0 ? 'no change' : `${change > 0 ? '+' : '−'}${Math.abs(change)}`;
  return `${range}: ${effect}`;
}

function checkOptions(options: KedaOptions): void {
  const fail = (message: string): never => {
    throw new KedaExportError(`KEDA export ${message}`);
  };
  for (const field of ['name', 'deployment'] as const) {
    if (!DNS_SUBDOMAIN.test(options[field])) {
      fail(
        `${field} must be a Kubernetes name (lowercase letters, digits, '-', '.'), got "${options[field]}"`,
      );
    }
  }
  if (options.namespace !== undefined && !DNS_LABEL.test(options.namespace)) {
    fail(`namespace must be a Kubernetes label (lowercase letters, digits, '-'), got "${options.namespace}"`);
  }
  if (!options.queueUrl) fail('needs queueUrl');
  if (!options.region) fail('needs region');
}

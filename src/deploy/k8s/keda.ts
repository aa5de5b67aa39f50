/**
 * The scale policy as a KEDA ScaledObject (keda.sh/v1alpha1) with an
 * aws-sqs-queue trigger per queue, so a Kubernetes deployment scales on the
 * same numbers as `sluice scale`. The one place that renders KEDA's scaling:
 * `sluice deploy k8s` (src/deploy/k8s/) and `sluice scale --export keda` both
 * call it. The policy stays the single source: nothing here is a default of
 * its own except what KEDA requires (whole numbers).
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
 *   has no age metric (kedacore/keda#5754). On Amazon SQS an aws-cloudwatch
 *   trigger on ApproximateAgeOfOldestMessage stands in (one worker per
 *   first-band seconds of age: near the steps, not equal), named in a
 *   comment; against another endpoint (no CloudWatch) the bands are a
 *   comment only. Either way a warning says so.
 * - several queues: KEDA follows the queue asking for the most workers,
 *   where `sluice scale` adds the queues' backlogs together (a warning).
 * - no fixed target (a steps-only policy, or a target measured at run time
 *   from throughput): there is no queueLength to write, so it throws.
 */
import { Document } from 'yaml';
import type { ScalePolicy, StepBand } from '../../scale/config.ts';

export interface KedaOptions {
  /** The ScaledObject's name. */
  readonly name: string;
  readonly namespace?: string;
  /** The Deployment to scale (same namespace). */
  readonly deployment: string;
  /** The SQS queue URLs the triggers read (one trigger each). */
  readonly queueUrls: readonly string[];
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
  /** The ScaledObject, for a caller that writes it among other objects. */
  readonly object: { readonly spec: { readonly triggers: readonly KedaTrigger[] } } & Record<string, unknown>;
  /** The ScaledObject as YAML, with a header comment saying where each number came from. */
  readonly yaml: string;
  /** The numbers as KEDA takes them (whole, capped), for the HPA and ScaledJob variants. */
  readonly numbers: {
    readonly queueLength: number;
    readonly pollingInterval: number;
    readonly cooldownPeriod: number;
    readonly scaleUpWindowSeconds: number;
    readonly scaleDownWindowSeconds: number;
  };
  /** What the policy has that KEDA cannot express, or had to round. */
  readonly warnings: readonly string[];
}

/** One entry of a ScaledObject's (or ScaledJob's) triggers. */
export interface KedaTrigger {
  readonly type: string;
  readonly name?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly authenticationRef?: { readonly name: string };
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
 *   queueUrls: ['https://sqs.eu-west-1.amazonaws.com/123456789012/push'], region: 'eu-west-1',
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
  const names = options.queueUrls.map((url) => url.split('/').at(-1) ?? url);
  if (names.length > 1)
    warnings.push(
      `KEDA scales on the queue that needs the most workers (${names.join(', ')}); sluice scale adds their backlogs`,
    );
  const onAws = options.awsEndpoint === undefined;
  const firstOut = policy.steps.find((s) => s.change > 0);
  const ageTriggers =
    onAws && firstOut ? names.map((queue) => ageTrigger(queue, firstOut, policy, options)) : [];
  if (policy.steps.length > 0) {
    const bands = policy.steps.map(describeBand);
    if (ageTriggers.length > 0) {
      warnings.push(
        `age steps (${bands.join('; ')}) approximated by an aws-cloudwatch trigger: KEDA's aws-sqs-queue scaler cannot scale on message age (kedacore/keda#5754)`,
      );
      notes.push(
        '',
        `MESSAGE AGE: KEDA's aws-sqs-queue scaler cannot scale on it (kedacore/keda#5754). The`,
        'aws-cloudwatch trigger on ApproximateAgeOfOldestMessage stands in for the policy’s',
        `age steps: one worker per ${firstOut?.ageFromSeconds} s of age (CloudWatch Maximum over ${statPeriod(policy)} s),`,
        'near these bands, not equal:',
        ...bands.map((b) => `  ${b}`),
      );
    } else {
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
  }
  if (options.authRef === undefined) {
    warnings.push(
      'no authRef: KEDA will look for AWS keys in the deployment’s environment; name a TriggerAuthentication (podIdentity provider aws) instead',
    );
  }

  const triggers = [...sqsTriggers(policy, queueLength, options), ...ageTriggers];
  const numbers = {
    queueLength,
    pollingInterval: whole(policy.periodSeconds, 'periodSeconds'),
    cooldownPeriod: whole(policy.scaleInCooldownSeconds, 'scaleInCooldownSeconds'),
    scaleUpWindowSeconds: window(policy.scaleOutCooldownSeconds, 'scaleOutCooldownSeconds'),
    scaleDownWindowSeconds: window(policy.scaleInCooldownSeconds, 'scaleInCooldownSeconds'),
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
      pollingInterval: numbers.pollingInterval,
      cooldownPeriod: numbers.cooldownPeriod,
      minReplicaCount: policy.min,
      maxReplicaCount: policy.max,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: numbers.scaleUpWindowSeconds,
            },
            scaleDown: {
              stabilizationWindowSeconds: numbers.scaleDownWindowSeconds,
            },
          },
        },
      },
      triggers,
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
  return { object: scaledObject, numbers, yaml: doc.toString({ lineWidth: 0 }), warnings };
}

/** One aws-sqs-queue trigger per queue: the backlog per worker, and any message wakes it from zero. */
function sqsTriggers(policy: ScalePolicy, queueLength: number, options: KedaOptions): KedaTrigger[] {
  return options.queueUrls.map((queueURL) => ({
    type: 'aws-sqs-queue',
    metadata: {
      queueURL,
      queueLength: String(queueLength),
      activationQueueLength: '0',
      awsRegion: options.region,
      ...(options.awsEndpoint === undefined ? {} : { awsEndpoint: options.awsEndpoint }),
      scaleOnInFlight: String(policy.scaleOnInFlight),
      scaleOnDelayed: String(policy.scaleOnDelayed),
    },
    ...(options.authRef === undefined ? {} : { authenticationRef: { name: options.authRef } }),
  }));
}

/** SQS publishes its CloudWatch metrics once a minute: a shorter period reads nothing. */
const statPeriod = (policy: ScalePolicy) => Math.max(60, Math.ceil(policy.periodSeconds));

/** CloudWatch's age of the oldest message, as KEDA's aws-cloudwatch scaler reads it (Amazon SQS only). */
function ageTrigger(
  queue: string,
  firstOut: StepBand,
  policy: ScalePolicy,
  options: KedaOptions,
): KedaTrigger {
  return {
    type: 'aws-cloudwatch',
    name: `${queue.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-age`,
    metadata: {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensionName: 'QueueName',
      dimensionValue: queue,
      metricStat: 'Maximum',
      metricStatPeriod: String(statPeriod(policy)),
      targetMetricValue: String(Math.max(1, firstOut.ageFromSeconds)),
      minMetricValue: '0',
      awsRegion: options.region,
    },
    ...(options.authRef === undefined ? {} : { authenticationRef: { name: options.authRef } }),
  };
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
  if (options.queueUrls.length === 0 || options.queueUrls.some((url) => !url)) fail('needs queueUrls');
  if (!options.region) fail('needs region');
}

/**
 * The scaling policy as command-line flags, turned into the policy's own
 * input (src/scale/config.ts validates it; these only parse). Shared by
 * `sluice scale` and anything else that takes a policy on the command line.
 */
import type { ScalePolicyInput } from '../../scale/config.ts';

export const policyArgs = {
  min: { type: 'string', description: 'Fewest workers (default 1; 0 allows scale to zero)' },
  max: { type: 'string', description: 'Most workers' },
  target: { type: 'string', description: 'Target backlog per worker (target tracking)' },
  latency: {
    type: 'string',
    description:
      'Acceptable latency in seconds: the target becomes latency ÷ seconds per message (or × measured throughput)',
  },
  'seconds-per-message': {
    type: 'string',
    description: 'Seconds one worker spends per message (with --latency)',
  },
  steps: {
    type: 'string',
    description: 'Step scaling on the oldest message age, e.g. "300-600:+1,600:+2" (seconds: change)',
  },
  'evaluation-periods': {
    type: 'string',
    description: 'Periods an age step must hold before it fires (default 1)',
  },
  'scale-in-evaluation-periods': {
    type: 'string',
    description: 'Periods the backlog must stay low before target tracking scales in (default 15)',
  },
  period: { type: 'string', description: 'Seconds per evaluation period (default 60)' },
  'scale-out-cooldown': { type: 'string', description: 'Seconds between scale-outs (default 60)' },
  'scale-in-cooldown': { type: 'string', description: 'Seconds between scale-ins (default 300)' },
  'in-flight': {
    type: 'boolean',
    description: 'Count in-flight messages in the backlog (default true; --no-in-flight)',
  },
  delayed: { type: 'boolean', description: 'Count delayed messages in the backlog (default false)' },
  activation: {
    type: 'boolean',
    description: 'Leave zero at once on the first message (default true; --no-activation)',
  },
} as const;

/** A non-negative number option (decimals allowed), or undefined when absent. */
export function numberOption(args: Record<string, unknown>, name: string, min = 0): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got "${text}"`);
  return n;
}

const STEP = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?:([+-]?\d+)$/;

/** `"300-600:+1,600:+2"` → step bands; each item FROM[-TO]:CHANGE. */
export function parseSteps(text: string): NonNullable<ScalePolicyInput['steps']> {
  return text.split(',').map((item) => {
    const m = STEP.exec(item.trim());
    if (!m) throw new Error(`--steps must be items like 300-600:+1 or 600:+2, got "${item.trim()}"`);
    return {
      ageFromSeconds: Number(m[1]),
      ...(m[2] !== undefined ? { ageToSeconds: Number(m[2]) } : {}),
      change: Number(m[3]),
    };
  });
}

/** True when the invocation sets any policy flag. */
export const hasPolicyFlags = (args: Record<string, unknown>) =>
  Object.keys(policyArgs).some((k) => args[k] !== undefined && !['in-flight', 'activation'].includes(k));

/** The policy input the flags describe (validated later by parseScalePolicy). */
export function policyInputOf(args: Record<string, unknown>): ScalePolicyInput {
  const int = (name: string) => {
    const n = numberOption(args, name);
    if (n !== undefined && !Number.isInteger(n))
      throw new Error(`--${name} must be a whole number, got "${args[name]}"`);
    return n;
  };
  const max = int('max');
  if (max === undefined)
    throw new Error('--max is required to autoscale (or give --workers N for a fixed count)');
  const optional = (key: keyof ScalePolicyInput, value: unknown) =>
    value === undefined ? {} : { [key]: value };
  return {
    min: int('min') ?? Math.min(1, max),
    max,
    ...optional('targetBacklogPerWorker', numberOption(args, 'target')),
    ...optional('acceptableLatencySeconds', numberOption(args, 'latency')),
    ...optional('secondsPerMessage', numberOption(args, 'seconds-per-message')),
    ...optional('steps', typeof args.steps === 'string' ? parseSteps(args.steps) : undefined),
    ...optional('evaluationPeriods', int('evaluation-periods')),
    ...optional('scaleInEvaluationPeriods', int('scale-in-evaluation-periods')),
    ...optional('periodSeconds', numberOption(args, 'period')),
    ...optional('scaleOutCooldownSeconds', numberOption(args, 'scale-out-cooldown')),
    ...optional('scaleInCooldownSeconds', numberOption(args, 'scale-in-cooldown')),
    ...optional('scaleOnInFlight', args['in-flight'] === false ? false : undefined),
    ...optional('scaleOnDelayed', args.delayed === true ? true : undefined),
    ...optional('activation', args.activation === false ? false : undefined),
  };
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?$/i;

/** `512M`, `1.5G`, `800MB`, `1048576` → bytes (1024-based, as PM2's max_memory_restart). */
export function bytesOption(args: Record<string, unknown>, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const m = SIZE.exec(String(raw).trim());
  if (!m || Number(m[1]) <= 0)
    throw new Error(`--${name} must be a size like 512M or 1G, got "${String(raw)}"`);
  const unit = (m[2] ?? 'B')[0]!.toUpperCase();
  const factor = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[unit] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

/**
 * `deploy.aws`: what an AWS deployment needs beyond the rest of `deploy`
 * (capacity providers, alarm thresholds, the queues handlers send to, the
 * zero-scale pipes). Part of the deploy section's one zod schema
 * (src/deploy/settings.ts), so a bad value is refused the same way, naming
 * the field: `deploy.aws.alarms.visible must be an integer 1–100000000, got 0`.
 */
import { z } from 'zod';

const int = (min: number, max: number) => {
  const error = `an integer ${min}–${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const queueName = z
  .string({ error: 'a queue name' })
  .refine((v) => QUEUE_NAME.test(v.replace(/\.fifo$/, '')), { error: 'a queue name' });
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const env = z.record(
  z.string().regex(ENV_NAME, { error: 'a variable name' }),
  z.string({ error: 'a string' }),
  {
    error: 'an object of variable names to strings',
  },
);

/** CloudWatch Logs' allowed retention periods, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const pipeSchema = z.strictObject({
  name: z
    .string({ error: 'a name of lowercase letters, digits and -' })
    .regex(/^[a-z]([-a-z0-9]{0,46}[a-z0-9])?$/, { error: 'a name of lowercase letters, digits and - (≤ 48)' })
    .optional(),
  queue: queueName,
  mode: z
    .enum(['message', 'batch'], { error: '"message" (a task per message) or "batch" (a task per batch)' })
    .optional(),
  batchSize: int(1, 10_000).optional(),
  windowSeconds: int(0, 300).optional(),
  command: z.array(z.string({ error: 'a string' }), { error: 'a command: a list of strings' }).min(1, {
    error: 'a command: a list of strings',
  }),
  image: z.string({ error: 'an image reference' }).regex(/^\S+$/, { error: 'an image reference' }).optional(),
  cpu: z.number({ error: 'a number of vCPUs' }).optional(),
  memoryMiB: int(512, 122_880).optional(),
  timeoutSeconds: int(60, 86_400).optional(),
  spot: z.boolean({ error: 'true or false' }).optional(),
  env: env.optional(),
});

export const awsSchema = z.strictObject({
  capacity: z
    .strictObject({
      onDemandBase: int(0, 100_000).optional(),
      onDemandWeight: int(0, 1000).optional(),
      spotWeight: int(0, 1000).optional(),
    })
    .optional(),
  alarms: z
    .strictObject({
      dlqDepth: int(0, 100_000_000).optional(),
      visible: int(1, 100_000_000).optional(),
      oldestAgeSeconds: int(60, 1_209_600).optional(),
      evaluationPeriods: int(1, 100).optional(),
    })
    .optional(),
  sendsTo: z.array(queueName, { error: 'a list of queue names' }).optional(),
  scaleOn: z
    .array(queueName, { error: 'a list of queue names' })
    .min(1, { error: 'a list of queue names' })
    .optional(),
  assignPublicIp: z.boolean({ error: 'true or false' }).optional(),
  logRetentionDays: z
    .number({ error: `one of ${LOG_RETENTION_DAYS.join(', ')}` })
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
      error: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .optional(),
  pipes: z.array(pipeSchema, { error: 'a list of pipes' }).optional(),
});

export type AwsInput = z.input<typeof awsSchema>;
type Parsed = z.output<typeof awsSchema>;

/** A zero-scale pipe as the config gives it, defaults filled in. */
export interface PipeSettings {
  readonly name: string | undefined;
  readonly queue: string;
  readonly mode: 'message' | 'batch';
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly command: readonly string[];
  readonly image: string | undefined;
  readonly cpu: number | undefined;
  readonly memoryMiB: number | undefined;
  /** Batch mode: how long one task may run (the state machine's timeout). */
  readonly timeoutSeconds: number;
  /** FARGATE_SPOT (default) or FARGATE. */
  readonly spot: boolean;
  readonly env: Readonly<Record<string, string>>;
}

/** `deploy.aws` with every default filled in. */
export interface AwsSettings {
  /** The workers service's capacity provider strategy: the first `onDemandBase` tasks on FARGATE, the rest by weight. */
  readonly capacity: {
    readonly onDemandBase: number;
    readonly onDemandWeight: number;
    readonly spotWeight: number;
  };
  /** Alarm thresholds: DLQ depth > dlqDepth, visible > visible, oldest age > oldestAgeSeconds. */
  readonly alarms: {
    readonly dlqDepth: number;
    readonly visible: number;
    readonly oldestAgeSeconds: number;
    readonly evaluationPeriods: number;
  };
  /** Queues the handlers send to themselves (the task role may SendMessage there). */
  readonly sendsTo: readonly string[];
  /** The queues whose metrics drive the scaling; undefined: every queue the workers read. */
  readonly scaleOn: readonly string[] | undefined;
  readonly assignPublicIp: boolean;
  readonly logRetentionDays: number;
  readonly pipes: readonly PipeSettings[];
}

export const AWS_DEFAULTS = Object.freeze({
  capacity: Object.freeze({ onDemandBase: 1, onDemandWeight: 0, spotWeight: 1 }),
  alarms: Object.freeze({ dlqDepth: 0, visible: 1_000_000, oldestAgeSeconds: 300, evaluationPeriods: 1 }),
  logRetentionDays: 30,
  pipeTimeoutSeconds: 3600,
});

/** Fills the defaults of a parsed `deploy.aws` (undefined: all defaults). */
export function awsSettingsOf(a: Parsed | undefined): AwsSettings {
  const d = AWS_DEFAULTS;
  return Object.freeze({
    capacity: Object.freeze({ ...d.capacity, ...a?.capacity }),
    alarms: Object.freeze({ ...d.alarms, ...a?.alarms }),
    sendsTo: Object.freeze([...(a?.sendsTo ?? [])]),
    scaleOn: a?.scaleOn === undefined ? undefined : Object.freeze([...a.scaleOn]),
    assignPublicIp: a?.assignPublicIp ?? false,
    logRetentionDays: a?.logRetentionDays ?? d.logRetentionDays,
    pipes: Object.freeze(
      (a?.pipes ?? []).map((p) =>
        Object.freeze({
          name: p.name,
          queue: p.queue,
          mode: p.mode ?? 'message',
          batchSize: p.batchSize ?? (p.mode === 'batch' ? 10 : 1),
          windowSeconds: p.windowSeconds ?? 0,
          command: Object.freeze([...p.command]),
          image: p.image,
          cpu: p.cpu,
          memoryMiB: p.memoryMiB,
          timeoutSeconds: p.timeoutSeconds ?? d.pipeTimeoutSeconds,
          spot: p.spot ?? true,
          env: Object.freeze({ ...p.env }),
        }),
      ),
    ),
  });
}

/**
 * Queue attributes, kept as the canonical string map GetQueueAttributes
 * returns: every settable attribute with its default filled in, values in
 * AWS's spelling ("true", "30"), optional documents (Policy, RedrivePolicy,
 * RedriveAllowPolicy, KMS settings) present only when set. The store adds the
 * read-only ones (QueueArn, counts, timestamps) when it answers.
 *
 * Check order per request attribute, as SQS does: the name (unknown, or
 * FIFO-only on a standard queue), then the value; then the cross-attribute
 * rule (KMS and SQS-managed SSE are exclusive).
 */
import { errors } from './errors.ts';
import {
  FIFO_ATTRIBUTE_DEFAULTS,
  type IntegerAttribute,
  QUEUE_ATTRIBUTE_DEFAULTS,
  QUEUE_ATTRIBUTE_RANGES,
} from './limits.ts';
import { validateQueueName } from './names.ts';
import {
  canonicalRedrivePolicy,
  parseRedrivePolicy,
  type RedrivePolicy,
  validateRedriveAllowPolicy,
} from './redrive.ts';

export { parseRedrivePolicy, type RedrivePolicy, redriveAllowed } from './redrive.ts';

export const SETTABLE_ATTRIBUTES = [
  'DelaySeconds',
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
] as const;
export const FIFO_ONLY_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoQueue',
  'FifoThroughputLimit',
] as const;
export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

const SETTABLE = new Set<string>([...SETTABLE_ATTRIBUTES, ...FIFO_ONLY_ATTRIBUTES]);
const KNOWN = new Set<string>([...SETTABLE, ...READ_ONLY_ATTRIBUTES]);
/** Documents that an empty value removes (test_set_empty_redrive_policy, test_set_empty_queue_policy). */
const REMOVABLE = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);
const DEFAULT_REUSE_PERIOD = String(QUEUE_ATTRIBUTE_RANGES.KmsDataKeyReusePeriodSeconds.default);
const ENUMS: Record<string, readonly string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perMessageGroupId', 'perQueue'],
};
const BOOLEANS = new Set(['ContentBasedDeduplication', 'FifoQueue', 'SqsManagedSseEnabled']);

/** A typed view of the attributes the store's hot paths need. */
export interface QueueSettings {
  visibilityTimeout: number;
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  receiveWaitTimeSeconds: number;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  deduplicationScope: 'queue' | 'messageGroup';
  redrive?: RedrivePolicy;
}

/** Refuses names that are unknown, read-only, or FIFO-only on a standard queue (recorded wording). */
function checkName(name: string, fifo: boolean): void {
  if (!SETTABLE.has(name)) throw errors.unknownAttribute(name);
  if (fifo) return;
  if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') throw errors.fifoOnlyAttribute(name);
  if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') throw errors.unknownAttribute(name);
}

/** The canonical spelling of one settable attribute value; '' removes a document. */
function canonicalValue(name: string, value: string): string {
  if (name in QUEUE_ATTRIBUTE_RANGES) {
    const range = QUEUE_ATTRIBUTE_RANGES[name as IntegerAttribute];
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(n >= range.min && n <= range.max)) throw errors.invalidAttributeValue(name);
    return String(n);
  }
  if (BOOLEANS.has(name)) {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw errors.invalidAttributeValue(name);
    return lower;
  }
  const allowed = ENUMS[name];
  if (allowed) {
    if (!allowed.includes(value)) throw errors.invalidAttributeValue(name);
    return value;
  }
  if (value === '' && REMOVABLE.has(name)) return '';
  if (name === 'RedrivePolicy') return canonicalRedrivePolicy(value);
  if (name === 'RedriveAllowPolicy') validateRedriveAllowPolicy(value);
  if (name === 'Policy' && !isJsonObject(value)) throw errors.invalidAttributeValue('Policy');
  return value;
}

function isJsonObject(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Validates a request's attributes and returns them canonicalised. */
function validateChanges(attrs: Record<string, string>, fifo: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    checkName(name, fifo);
    out[name] = canonicalValue(name, String(value));
    if (name === 'FifoQueue' && out[name] !== 'true') throw errors.modifyingQueueType();
  }
  if (out.KmsMasterKeyId && out.SqsManagedSseEnabled === 'true') throw errors.sseConflict();
  return out;
}

/** Applies canonical changes to a map, keeping the SSE attributes consistent. */
function merge(base: Record<string, string>, changes: Record<string, string>): Record<string, string> {
  const next = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === '' && REMOVABLE.has(name)) delete next[name];
    else next[name] = value;
  }
  // KMS and SQS-managed SSE replace each other (test_sse_queue_attributes).
  if (changes.KmsMasterKeyId) next.SqsManagedSseEnabled = 'false';
  if (changes.SqsManagedSseEnabled === 'true' || changes.KmsMasterKeyId === '') {
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
  // AWS reports the reuse period with a KMS key (default 300) and hides the default without one.
  if (next.KmsMasterKeyId) next.KmsDataKeyReusePeriodSeconds ??= DEFAULT_REUSE_PERIOD;
  else if (next.KmsDataKeyReusePeriodSeconds === DEFAULT_REUSE_PERIOD)
    delete next.KmsDataKeyReusePeriodSeconds;
  return sortKeys(next);
}

function sortKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const isFifoRequest = (attrs: Record<string, string> | undefined) =>
  attrs?.FifoQueue?.toLowerCase() === 'true';

/**
 * CreateQueue: validates the name and attributes and returns the full
 * settable map with defaults, as GetQueueAttributes(All) would report it.
 * @example normalizeCreateAttributes('jobs', { VisibilityTimeout: '60' }).VisibilityTimeout; // '60'
 */
export function normalizeCreateAttributes(
  name: string,
  attrs: Record<string, string> | undefined,
): Record<string, string> {
  const fifo = isFifoRequest(attrs);
  validateQueueName(name, fifo);
  const base = fifo
    ? { ...QUEUE_ATTRIBUTE_DEFAULTS, ...FIFO_ATTRIBUTE_DEFAULTS }
    : { ...QUEUE_ATTRIBUTE_DEFAULTS };
  return merge(base, validateChanges(attrs ?? {}, fifo));
}

/**
 * SetQueueAttributes: validates `changes` against the queue's type and
 * returns the new map. FifoQueue may only be re-set to "true" on a FIFO queue.
 */
export function applySetAttributes(
  current: Record<string, string>,
  changes: Record<string, string>,
): Record<string, string> {
  return merge(current, validateChanges(changes, current.FifoQueue === 'true'));
}

/**
 * Idempotent CreateQueue: the first attribute the request names whose
 * (canonical) value differs from the queue's; attributes it omits never conflict.
 */
export function firstConflictingAttribute(
  existing: Record<string, string>,
  requested: Record<string, string> | undefined,
): string | undefined {
  if (!requested) return undefined;
  const fifo = existing.FifoQueue === 'true';
  const wanted = validateChanges(requested, fifo);
  const defaults: Record<string, string> = {
    ...QUEUE_ATTRIBUTE_DEFAULTS,
    ...(fifo ? FIFO_ATTRIBUTE_DEFAULTS : {}),
    KmsDataKeyReusePeriodSeconds: DEFAULT_REUSE_PERIOD,
  };
  return Object.keys(requested).find(
    (name) => (wanted[name] ?? '') !== (existing[name] ?? defaults[name] ?? ''),
  );
}

/**
 * GetQueueAttributes AttributeNames: 'All', or the set asked for (unknown
 * names are refused with "Unknown Attribute X."). No names asks for none.
 */
export function validateAttributeNames(names: string[] | undefined): 'All' | Set<string> {
  const asked = names ?? [];
  for (const name of asked) if (name !== 'All' && !KNOWN.has(name)) throw errors.unknownAttribute(name);
  return asked.includes('All') ? 'All' : new Set(asked);
}

const intOf = (attrs: Record<string, string>, name: IntegerAttribute): number => {
  const n = Number(attrs[name]);
  return Number.isInteger(n) && attrs[name] !== '' ? n : QUEUE_ATTRIBUTE_RANGES[name].default;
};

/** The typed view of a canonical attribute map. */
export function queueSettings(attrs: Record<string, string>): QueueSettings {
  const settings: QueueSettings = {
    visibilityTimeout: intOf(attrs, 'VisibilityTimeout'),
    delaySeconds: intOf(attrs, 'DelaySeconds'),
    maximumMessageSize: intOf(attrs, 'MaximumMessageSize'),
    messageRetentionPeriod: intOf(attrs, 'MessageRetentionPeriod'),
    receiveWaitTimeSeconds: intOf(attrs, 'ReceiveMessageWaitTimeSeconds'),
    fifo: attrs.FifoQueue === 'true',
    contentBasedDeduplication: attrs.ContentBasedDeduplication === 'true',
    deduplicationScope: attrs.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
  };
  if (attrs.RedrivePolicy) settings.redrive = parseRedrivePolicy(attrs.RedrivePolicy);
  return settings;
}

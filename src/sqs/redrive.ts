/**
 * RedrivePolicy and RedriveAllowPolicy: the JSON documents a queue attribute
 * carries. Only their shape is checked here; whether the dead-letter queue
 * exists and has the source's type is the store's to check (with
 * errors.deadLetterTargetDoesNotExist / errors.deadLetterTypeMismatch), after
 * this parse, so a malformed ARN is refused before any lookup
 * (test_invalid_dead_letter_arn_rejected_before_lookup).
 */
import { errors } from './errors.ts';
import { MAX_RECEIVE_COUNT, MAX_REDRIVE_SOURCES } from './limits.ts';
import { parseQueueArn } from './names.ts';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

function parseObject(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** An integer given as a JSON number or a decimal string (both are accepted by SQS). */
function integerOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())) return Number(raw);
  return undefined;
}

/**
 * Validates a RedrivePolicy attribute value; `maxReceiveCount` may be a number or a string.
 * @example parseRedrivePolicy('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"5"}').maxReceiveCount; // 5
 */
export function parseRedrivePolicy(value: string): RedrivePolicy {
  const policy = parseObject(value);
  if (!policy) throw errors.redrivePolicyNotJson();
  if (!('maxReceiveCount' in policy)) throw errors.redriveMissingAttribute(value, 'maxReceiveCount');
  if (!('deadLetterTargetArn' in policy)) throw errors.redriveMissingAttribute(value, 'deadLetterTargetArn');
  if (Object.keys(policy).length > 2) throw errors.redriveUnsupportedAttributes(value);
  const count = integerOf(policy.maxReceiveCount);
  if (count === undefined || count < 1 || count > MAX_RECEIVE_COUNT) {
    throw errors.invalidMaxReceiveCount(value, policy.maxReceiveCount);
  }
  const arn = policy.deadLetterTargetArn;
  if (typeof arn !== 'string') throw errors.invalidDeadLetterArn(value);
  if (!parseQueueArn(arn)) {
    const parts = arn.split(':');
    // A well-formed ARN of another service is refused with its own sentence.
    if (parts.length >= 6 && parts[0] === 'arn' && parts[2] !== 'sqs') throw errors.deadLetterNotSqs(value);
    throw errors.invalidDeadLetterArn(value);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

/** The form stored and reported back: fixed key order, maxReceiveCount as a number. */
export function canonicalRedrivePolicy(value: string): string {
  const { deadLetterTargetArn, maxReceiveCount } = parseRedrivePolicy(value);
  return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
}

const PERMISSIONS = new Set(['allowAll', 'denyAll', 'byQueue']);

/** Validates a RedriveAllowPolicy attribute value (which queues may use this one as their DLQ). */
export function validateRedriveAllowPolicy(value: string): void {
  const policy = parseObject(value);
  if (!policy) throw errors.invalidRedriveAllowPolicy();
  const { redrivePermission, sourceQueueArns } = policy;
  const keysOk = Object.keys(policy).every((k) => k === 'redrivePermission' || k === 'sourceQueueArns');
  if (!keysOk || typeof redrivePermission !== 'string' || !PERMISSIONS.has(redrivePermission)) {
    throw errors.invalidRedriveAllowPolicy();
  }
  const byQueue = redrivePermission === 'byQueue';
  if (sourceQueueArns === undefined) {
    if (byQueue) throw errors.invalidRedriveAllowPolicy();
    return;
  }
  const arnsOk =
    Array.isArray(sourceQueueArns) &&
    sourceQueueArns.length >= 1 &&
    sourceQueueArns.length <= MAX_REDRIVE_SOURCES &&
    sourceQueueArns.every((a) => typeof a === 'string');
  if (!byQueue || !arnsOk) throw errors.invalidRedriveAllowPolicy();
}

/**
 * Whether a dead-letter queue whose RedriveAllowPolicy is `allowPolicy` (absent
 * means allowAll) accepts `sourceArn` as a source; refuse with errors.deadLetterNotAllowed.
 */
export function redriveAllowed(allowPolicy: string | undefined, sourceArn: string): boolean {
  if (!allowPolicy) return true;
  const policy = parseObject(allowPolicy);
  if (policy?.redrivePermission === 'denyAll') return false;
  if (policy?.redrivePermission !== 'byQueue') return true;
  return Array.isArray(policy.sourceQueueArns) && policy.sourceQueueArns.includes(sourceArn);
}

import { ERRORS, type ErrorName, SqsError } from '../sqs/errors.ts';

/**
 * SDK service exceptions → the registry's `SqsError`s, so a caller sees the
 * same error from the AWS adapter as from the in-process one.
 *
 * An SDK exception names its error in up to three places: `Code`, the legacy
 * query code that SQS's query-compatible JSON answers carry in the
 * `x-amzn-query-error` header (e.g. `AWS.SimpleQueueService.NonExistentQueue`);
 * `name`, the modelled shape (e.g. `QueueDoesNotExist`), or that same code when
 * the SDK has no model for it; and `__type`, possibly namespaced
 * (`com.amazonaws.sqs#QueueDoesNotExist`). The legacy code is looked up first
 * because it is what distinguishes errors across both wire protocols.
 */

const byCode = new Map<string, ErrorName>();
const byType = new Map<string, ErrorName>();
for (const [name, spec] of Object.entries(ERRORS) as [ErrorName, (typeof ERRORS)[ErrorName]][]) {
  byCode.set(spec.code, name);
  byType.set(spec.type, name);
}

interface ServiceExceptionLike {
  name: string;
  message: string;
  $fault: string;
  Code?: unknown;
  __type?: unknown;
}

/**
 * A smithy ServiceException carries `$fault` (client/server); network and
 * abort errors do not. Duck-typed so an `SQSClient` from another copy of the
 * SDK is recognised too.
 */
function isServiceException(e: unknown): e is ServiceExceptionLike {
  return e instanceof Error && typeof (e as { $fault?: unknown }).$fault === 'string';
}

/** The registry entry an SDK exception stands for, if any. */
export function registryNameOf(e: unknown): ErrorName | undefined {
  if (!isServiceException(e)) return undefined;
  const code = typeof e.Code === 'string' ? byCode.get(e.Code) : undefined;
  if (code) return code;
  const typeName = typeof e.__type === 'string' ? e.__type.slice(e.__type.indexOf('#') + 1) : undefined;
  return byType.get(e.name) ?? byCode.get(e.name) ?? (typeName ? byType.get(typeName) : undefined);
}

/**
 * Converts an SDK service exception into the matching `SqsError` (AWS's message
 * kept, and the request id as `requestId`, which AWS support asks for); anything
 * else — network failures, throttling, errors the registry does not know — is
 * returned unchanged. The SDK exception is not kept as `cause`: it says the
 * same sentence, and pino logs a cause's message after the error's own
 * (`The specified queue does not exist.: The specified queue does not exist.`).
 *
 * @example
 * try {
 *   await sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' }));
 * } catch (e) {
 *   throw fromSdkError(e); // SqsError NonExistentQueue: "The specified queue does not exist."
 * }
 */
export function fromSdkError(e: unknown): unknown {
  const name = registryNameOf(e);
  if (name === undefined) return e;
  const error = new SqsError(name, (e as Error).message);
  const requestId = (e as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
  if (typeof requestId === 'string') Object.assign(error, { requestId });
  return error;
}

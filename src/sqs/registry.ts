/**
 * The registry of every error sluice answers with, declared once (the
 * sentences themselves live in ./errors.ts, which re-exports all of this).
 *
 * Each entry carries the two names AWS gives an error — the legacy query code
 * (`<Code>` in XML, the `x-amzn-query-error` header in JSON) and the JSON
 * `__type` — its HTTP status, who is at fault, and AWS's wording. Both wire
 * protocols and every validator build their errors from here, so a message
 * cannot drift away from its check. Wording follows what Amazon SQS answers
 * (see ../shared/aws-recorded and the SQS API reference).
 */

export type Fault = 'Sender' | 'Receiver';

export interface ErrorSpec {
  /** Legacy/query error code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
  readonly code: string;
  /** AWS JSON 1.0 `__type` (without the `com.amazonaws.sqs#` prefix). */
  readonly type: string;
  readonly status: number;
  readonly fault: Fault;
}

const spec = (code: string, type: string, status = 400, fault: Fault = 'Sender'): ErrorSpec => ({
  code,
  type,
  status,
  fault,
});

/** Every error code sluice can answer with. */
export const ERRORS = {
  AccessDenied: spec('AccessDenied', 'AccessDeniedException', 403),
  BatchEntryIdsNotDistinct: spec(
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    'BatchEntryIdsNotDistinct',
  ),
  BatchRequestTooLong: spec('AWS.SimpleQueueService.BatchRequestTooLong', 'BatchRequestTooLong'),
  EmptyBatchRequest: spec('AWS.SimpleQueueService.EmptyBatchRequest', 'EmptyBatchRequest'),
  IncompleteSignature: spec('IncompleteSignature', 'IncompleteSignature', 400),
  InternalError: spec('InternalError', 'InternalError', 500, 'Receiver'),
  InvalidAction: spec('InvalidAction', 'InvalidAction'),
  InvalidAddress: spec('InvalidAddress', 'InvalidAddress', 404),
  InvalidAttributeName: spec('InvalidAttributeName', 'InvalidAttributeName'),
  InvalidAttributeValue: spec('InvalidAttributeValue', 'InvalidAttributeValue'),
  InvalidBatchEntryId: spec('AWS.SimpleQueueService.InvalidBatchEntryId', 'InvalidBatchEntryId'),
  InvalidClientTokenId: spec('InvalidClientTokenId', 'InvalidClientTokenId', 403),
  InvalidMessageContents: spec('InvalidMessageContents', 'InvalidMessageContents'),
  InvalidParameterValue: spec('InvalidParameterValue', 'InvalidParameterValueException'),
  MalformedInput: spec('MalformedInput', 'SerializationException'),
  MessageNotInflight: spec('AWS.SimpleQueueService.MessageNotInflight', 'MessageNotInflight'),
  MissingAuthenticationToken: spec('MissingAuthenticationToken', 'MissingAuthenticationTokenException', 403),
  MissingParameter: spec('MissingParameter', 'MissingRequiredParameterException'),
  NonExistentQueue: spec('AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExist'),
  OverLimit: spec('OverLimit', 'OverLimit', 403),
  PurgeQueueInProgress: spec('AWS.SimpleQueueService.PurgeQueueInProgress', 'PurgeQueueInProgress', 403),
  QueueAlreadyExists: spec('QueueAlreadyExists', 'QueueNameExists'),
  QueueDeletedRecently: spec('AWS.SimpleQueueService.QueueDeletedRecently', 'QueueDeletedRecently'),
  ReceiptHandleIsInvalid: spec('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid'),
  RequestEntityTooLarge: spec('RequestEntityTooLarge', 'RequestEntityTooLarge', 413),
  RequestTimeTooSkewed: spec('RequestTimeTooSkewed', 'RequestTimeTooSkewed', 403),
  ResourceNotFound: spec('ResourceNotFoundException', 'ResourceNotFoundException', 404),
  ServiceUnavailable: spec('ServiceUnavailable', 'ServiceUnavailable', 503, 'Receiver'),
  SignatureDoesNotMatch: spec('SignatureDoesNotMatch', 'SignatureDoesNotMatch', 403),
  TooManyEntriesInBatchRequest: spec(
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    'TooManyEntriesInBatchRequest',
  ),
  UnknownOperation: spec('UnknownOperationException', 'UnknownOperationException', 404),
  UnsupportedOperation: spec('AWS.SimpleQueueService.UnsupportedOperation', 'UnsupportedOperation'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

/** An error with an SQS code; the only kind of error the store and protocols throw on bad input. */
export class SqsError extends Error {
  readonly spec: ErrorSpec;
  constructor(
    readonly errorName: ErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'SqsError';
    this.spec = ERRORS[errorName];
  }
  get code(): string {
    return this.spec.code;
  }
  get status(): number {
    return this.spec.status;
  }
  get senderFault(): boolean {
    return this.spec.fault === 'Sender';
  }
}

export const isSqsError = (e: unknown): e is SqsError => e instanceof SqsError;

/** `Value X for parameter P is invalid. Reason: R` — AWS's most common sentence. */
export const invalidParameter = (name: string, value: unknown, reason?: string) =>
  new SqsError(
    'InvalidParameterValue',
    reason === undefined
      ? `Value ${String(value)} for parameter ${name} is invalid.`
      : `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );
export const invalidParameterText = (message: string) => new SqsError('InvalidParameterValue', message);

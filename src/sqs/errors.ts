/**
 * The registry of every error sluice answers with, declared once.
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
  BatchEntryIdsNotDistinct: spec('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'BatchEntryIdsNotDistinct'),
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
  SignatureDoesNotMatch: spec('SignatureDoesNotMatch', 'SignatureDoesNotMatch', 403),
  TooManyEntriesInBatchRequest: spec(
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    'TooManyEntriesInBatchRequest',
  ),
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

/**
 * AWS's wording, one function per recurring sentence. Validators call these;
 * tests compare them with the recorded answers of Amazon SQS.
 */
export const errors = {
  queueDoesNotExist: () => new SqsError('NonExistentQueue', 'The specified queue does not exist.'),
  queueAlreadyExists: (attribute: string) =>
    new SqsError(
      'QueueAlreadyExists',
      `A queue already exists with the same name and a different value for attribute ${attribute}`,
    ),
  queueDeletedRecently: () =>
    new SqsError(
      'QueueDeletedRecently',
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ),
  missingParameter: (name: string) =>
    new SqsError('MissingParameter', `The request must contain the parameter ${name}.`),
  /** `Value X for parameter P is invalid. Reason: R.` — AWS's most common sentence. */
  invalidParameter: (name: string, value: unknown, reason?: string) =>
    new SqsError(
      'InvalidParameterValue',
      reason === undefined
        ? `Value ${String(value)} for parameter ${name} is invalid.`
        : `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
    ),
  invalidParameterText: (message: string) => new SqsError('InvalidParameterValue', message),
  unknownAttribute: (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeName: (message: string) => new SqsError('InvalidAttributeName', message),
  invalidAttributeValue: (name: string, reason?: string) =>
    new SqsError(
      'InvalidAttributeValue',
      reason === undefined
        ? `Invalid value for the parameter ${name}.`
        : `Invalid value for the parameter ${name}. Reason: ${reason}`,
    ),
  messageTooLong: (max: number, inBatch = false) =>
    new SqsError(
      'InvalidParameterValue',
      `One or more parameters ${inBatch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${max} bytes.`,
    ),
  invalidMessageContents: () =>
    new SqsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  receiptHandleExpired: (handle: string) =>
    new SqsError(
      'InvalidParameterValue',
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    ),
  messageNotInflight: () =>
    new SqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.'),
  emptyBatch: (entryType: string) =>
    new SqsError('EmptyBatchRequest', `There should be at least one ${entryType} in the request.`),
  tooManyEntries: (sent: number) =>
    new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${sent}.`,
    ),
  batchIdsNotDistinct: (id: string) => new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    new SqsError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (sent: number) =>
    new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than 1048576 bytes. You have sent ${sent} bytes.`,
    ),
  purgeInProgress: (queueName: string) =>
    new SqsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`,
    ),
  overLimit: (message: string) => new SqsError('OverLimit', message),
  resourceNotFound: (message: string) => new SqsError('ResourceNotFound', message),
  invalidAction: (action: string) =>
    new SqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`),
  unsupportedOperation: (message: string) => new SqsError('UnsupportedOperation', message),
} as const;

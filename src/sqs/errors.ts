/**
 * AWS's wording, one function per sentence Amazon SQS answers with. Validators
 * and the store build their errors here, so a message cannot drift away from
 * its check; test/sqs/errors.test.ts compares them with the recorded answers
 * in /work/shared/aws-recorded. Sentences marked "unrecorded" are not in that
 * recording and follow the SQS docs or answers quoted in public bug reports.
 *
 * The registry (codes, `__type`s, statuses) lives in ./registry.ts and is
 * re-exported here, so `import { errors, SqsError } from './errors.ts'` is the
 * one import callers need.
 */
import { messageErrors, receiveErrors } from './message-errors.ts';
import { invalidParameter, invalidParameterText, SqsError } from './registry.ts';

export * from './registry.ts';

const invalidAttributeValue = (name: string, reason?: string) =>
  new SqsError(
    'InvalidAttributeValue',
    reason === undefined
      ? `Invalid value for the parameter ${name}.`
      : `Invalid value for the parameter ${name}. Reason: ${reason}`,
  );
const invalidAttributeName = (message: string) => new SqsError('InvalidAttributeName', message);

const queueErrors = {
  /** The query protocol answers with the older sentence (recorded in test_non_existent_queue). */
  queueDoesNotExist: (query = false) =>
    new SqsError(
      'NonExistentQueue',
      query
        ? 'The specified queue does not exist for this wsdl version.'
        : 'The specified queue does not exist.',
    ),
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
  /** Unrecorded; the sentences Amazon SQS is quoted with for bad standard / FIFO names. */
  invalidQueueName: (fifo: boolean) =>
    invalidParameterText(
      fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    ),
  purgeInProgress: (queueName: string) =>
    new SqsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`,
    ),
  labelAlreadyExists: (label: string) => invalidParameter('Label', label, 'Already exists.'),
  labelNotFound: (label: string) => invalidParameter('Label', label, "can't find label."),
};

const attributeErrors = {
  unknownAttribute: (name: string) => invalidAttributeName(`Unknown Attribute ${name}.`),
  invalidAttributeName,
  invalidAttributeValue,
  fifoOnlyAttribute: (name: string) =>
    invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`),
  modifyingQueueType: () => invalidAttributeValue('FifoQueue', 'Modifying queue type is not supported.'),
  sseConflict: () =>
    invalidAttributeName(
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    ),
  // RedrivePolicy sentences are unrecorded; they follow the ones AWS-faithful emulators copy.
  redrivePolicyNotJson: () =>
    invalidParameterText(
      'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.',
    ),
  redriveMissingAttribute: (policy: string, attribute: string) =>
    invalidParameter(
      'RedrivePolicy',
      policy,
      `Redrive policy does not contain mandatory attribute: ${attribute}.`,
    ),
  redriveUnsupportedAttributes: (policy: string) =>
    invalidParameter(
      'RedrivePolicy',
      policy,
      'Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].',
    ),
  invalidMaxReceiveCount: (policy: string, count: unknown) =>
    invalidParameter(
      'RedrivePolicy',
      policy,
      `Invalid value for maxReceiveCount: ${String(count)}, valid values are from 1 to 1000 both inclusive.`,
    ),
  invalidDeadLetterArn: (policy: string) =>
    invalidParameter('RedrivePolicy', policy, 'Invalid value for deadLetterTargetArn.'),
  deadLetterNotSqs: (policy: string) =>
    invalidParameter('RedrivePolicy', policy, 'Only SQS queues are valid resources for deadLetterTargetArn.'),
  /** For the store: the policy names a queue that does not exist. */
  deadLetterTargetDoesNotExist: (policy: string) =>
    invalidParameter('RedrivePolicy', policy, 'Dead letter target does not exist.'),
  /** For the store: FIFO source with standard DLQ or vice versa (the double stop is AWS's). */
  deadLetterTypeMismatch: (policy: string) =>
    invalidAttributeName(
      `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source..`,
    ),
  /** Unrecorded: the dead-letter queue's RedriveAllowPolicy refuses this source. */
  deadLetterNotAllowed: (policy: string) =>
    invalidParameter(
      'RedrivePolicy',
      policy,
      "The dead-letter queue's RedriveAllowPolicy does not allow this queue as a source.",
    ),
  invalidRedriveAllowPolicy: () =>
    invalidParameterText(
      "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.",
    ),
};

const batchErrors = {
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
};

const moveTaskErrors = {
  sourceNotDeadLetterQueue: () =>
    invalidParameterText('Source queue must be configured as a Dead Letter Queue.'),
  invalidTaskHandle: () => invalidParameterText('Value for parameter TaskHandle is invalid.'),
  arnNotFound: (parameter: 'SourceArn' | 'DestinationArn') =>
    new SqsError(
      'ResourceNotFound',
      `The resource that you specified for the ${parameter} parameter doesn't exist.`,
    ),
  taskDoesNotExist: () => new SqsError('ResourceNotFound', 'Task does not exist.'),
  moveTaskAlreadyRunning: () =>
    invalidParameterText(
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    ),
  invalidArnFormat: (parameter: 'SourceArn' | 'DestinationArn') =>
    invalidParameterText(
      `You must use this format to specify the ${parameter}: arn:<partition>:<service>:<region>:<account-id>:<resource-id>`,
    ),
};

const otherErrors = {
  overLimit: (message: string) => new SqsError('OverLimit', message),
  resourceNotFound: (message: string) => new SqsError('ResourceNotFound', message),
  invalidAction: (action: string) =>
    new SqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`),
  unsupportedOperation: (message: string) => new SqsError('UnsupportedOperation', message),
  /**
   * Unrecorded; the SQS API reference's common error: the store's database is
   * away for a moment (PostgreSQL restarting). 503, so SDKs retry with backoff.
   * `cause` is for the server's log, never the answer.
   */
  serviceUnavailable: (cause?: string) => {
    const e = new SqsError(
      'ServiceUnavailable',
      'The request has failed due to a temporary failure of the server.',
    );
    if (cause !== undefined) e.cause = cause;
    return e;
  },
};

/** Every sentence, by name. */
export const errors = {
  ...queueErrors,
  ...attributeErrors,
  ...messageErrors,
  ...receiveErrors,
  ...batchErrors,
  ...moveTaskErrors,
  ...otherErrors,
} as const;

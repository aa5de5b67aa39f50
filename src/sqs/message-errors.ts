/**
 * AWS's wording for message and receive validation; spread into `errors` in
 * ./errors.ts (import from there). Sentences marked "unrecorded" are not in
 * /work/shared/aws-recorded and follow the SQS docs or publicly quoted answers.
 */
import { invalidParameter, invalidParameterText, SqsError } from './registry.ts';

const GROUP_ID_REQUIRED = 'The request must contain the parameter MessageGroupId.';
const INVALID_CHARACTERS =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';
export const messageErrors = {
  missingParameter: (name: string) =>
    new SqsError('MissingParameter', `The request must contain the parameter ${name}.`),
  invalidParameter,
  invalidParameterText,
  messageTooLong: (max: number, inBatch = false) =>
    invalidParameterText(
      `One or more parameters ${inBatch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${max} bytes.`,
    ),
  invalidMessageContents: () => new SqsError('InvalidMessageContents', INVALID_CHARACTERS),
  /** A String attribute value with bad characters: same sentence, different code. */
  invalidAttributeCharacters: () => invalidParameterText(INVALID_CHARACTERS),
  invalidDelaySeconds: (value: unknown) =>
    invalidParameter('DelaySeconds', value, 'DelaySeconds must be >= 0 and <= 900.'),
  /** FIFO queues refuse a per-message delay, standard queues a deduplication id. */
  notValidForQueueType: (parameter: string, value: unknown) =>
    invalidParameter(
      parameter,
      value,
      'The request include parameter that is not valid for this queue type.',
    ),
  invalidFifoId: (parameter: 'MessageGroupId' | 'MessageDeduplicationId', value: unknown) =>
    invalidParameter(
      parameter,
      value,
      `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    ),
  /** SendMessage answers MissingParameter; SendMessageBatch the same sentence as InvalidParameterValue. */
  groupIdRequired: (inBatch = false) =>
    inBatch ? invalidParameterText(GROUP_ID_REQUIRED) : new SqsError('MissingParameter', GROUP_ID_REQUIRED),
  dedupIdRequired: () =>
    invalidParameterText(
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    ),
  emptyAttributeValue: (name: string, type: string) =>
    invalidParameterText(
      `Message (user) attribute '${name}' must contain a non-empty value of type '${type}'.`,
    ),
  // Message attribute sentences below are unrecorded (SQS docs, public reports).
  tooManyMessageAttributes: (count: number) =>
    invalidParameterText(`Number of message attributes [${count}] exceeds the allowed maximum [10].`),
  messageAttributeNameTooLong: () =>
    invalidParameterText('Message (user) attribute names must be shorter than 256 Bytes'),
  invalidMessageAttributeName: () =>
    invalidParameterText(
      'Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ',
    ),
  reservedMessageAttributeName: () =>
    invalidParameterText(
      "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.",
    ),
  missingAttributeDataType: (name: string) =>
    invalidParameterText(`The message attribute '${name}' must contain non-empty message attribute type.`),
  invalidAttributeDataType: (name: string) =>
    invalidParameterText(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    ),
  attributeDataTypeTooLong: () =>
    invalidParameterText('Message (user) attribute types must be shorter than 256 Bytes'),
  attributeNotANumber: (name: string) =>
    invalidParameterText(`Can't cast the value of message (user) attribute '${name}' to a number.`),
  invalidSystemAttributeName: (name: string) =>
    invalidParameterText(`Message system attribute name '${name}' is invalid.`),
  invalidSystemAttributeType: (name: string) =>
    invalidParameterText(`Message system attribute '${name}' must be of type String.`),
};

export const receiveErrors = {
  invalidMaxNumberOfMessages: (value: unknown) =>
    invalidParameter('MaxNumberOfMessages', value, 'Must be between 1 and 10, if provided.'),
  invalidWaitTimeSeconds: (value: unknown) =>
    invalidParameter('WaitTimeSeconds', value, 'Must be >= 0 and <= 20, if provided.'),
  /** Unrecorded; modelled on the WaitTimeSeconds sentence. */
  invalidVisibilityTimeout: (value: unknown) =>
    invalidParameter('VisibilityTimeout', value, 'Must be >= 0 and <= 43200, if provided.'),
  /** ChangeMessageVisibility past 12 h since the receive (AWS's sentence, quoted in public reports). */
  visibilityTimeoutBeyondLimit: (value: unknown) =>
    invalidParameter(
      'VisibilityTimeout',
      value,
      'Total VisibilityTimeout for the message is beyond the limit [43200 seconds].',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  receiptHandleExpired: (handle: string) =>
    invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.'),
  /** ChangeMessageVisibility on a deleted message: InvalidParameterValue, not MessageNotInflight. */
  messageNotAvailableForVisibility: (handle: string) =>
    invalidParameter(
      'ReceiptHandle',
      handle,
      'Message does not exist or is not available for visibility timeout change.',
    ),
  messageNotInflight: () =>
    new SqsError(
      'MessageNotInflight',
      'Message does not exist or is not available for visibility timeout change.',
    ),
};

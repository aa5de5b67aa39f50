/** The SQS domain rules: pure functions, no I/O. One import for callers outside src/sqs. */
export {
  messageAttributeSelector,
  requestedSystemAttributeNames,
  SYSTEM_ATTRIBUTE_NAMES,
  systemAttributeSelector,
} from './attribute-names.ts';
export {
  ERRORS,
  type ErrorName,
  type ErrorSpec,
  errors,
  type Fault,
  isSqsError,
  SqsError,
} from './errors.ts';
export * from './limits.ts';
export { md5OfBody, md5OfMessageAttributes } from './md5.ts';
export {
  type MessageEntry,
  messageSize,
  validateBatchEntries,
  validateBatchSize,
  validateFifoBatch,
  validateMessage,
  validateReceiveParams,
  validateVisibilityTimeout,
} from './message.ts';
export { parseQueueArn, parseQueueUrl, queueArn, validateQueueName } from './names.ts';
export {
  applySetAttributes,
  FIFO_ONLY_ATTRIBUTES,
  firstConflictingAttribute,
  normalizeCreateAttributes,
  parseRedrivePolicy,
  type QueueSettings,
  queueSettings,
  READ_ONLY_ATTRIBUTES,
  type RedrivePolicy,
  redriveAllowed,
  SETTABLE_ATTRIBUTES,
  validateAttributeNames,
} from './queue-attributes.ts';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../src/sqs/errors.ts';
import { validateReceiveParams, validateVisibilityTimeout } from '../../src/sqs/receive.ts';
import { assertSameError, assertThrowsRecorded, thrownBy } from './oracle.ts';

describe('validateReceiveParams', () => {
  it('test_send_receive_max_number_of_messages: 11', () =>
    assertThrowsRecorded(
      () => validateReceiveParams({ MaxNumberOfMessages: 11 }),
      'test_send_receive_max_number_of_messages[sqs]',
      'send_max_number_of_messages',
    ));
  it('test_send_receive_wait_time_seconds: 21 and -1', () => {
    const test = 'test_send_receive_wait_time_seconds[sqs]';
    assertThrowsRecorded(
      () => validateReceiveParams({ WaitTimeSeconds: 21 }),
      test,
      'recieve_message_error_too_large',
    );
    assertThrowsRecorded(
      () => validateReceiveParams({ WaitTimeSeconds: -1 }),
      test,
      'recieve_message_error_too_small',
    );
  });
  const bad: [
    string,
    Parameters<typeof validateReceiveParams>[0],
    ReturnType<typeof errors.invalidParameter>,
  ][] = [
    ['MaxNumberOfMessages 0', { MaxNumberOfMessages: 0 }, errors.invalidMaxNumberOfMessages(0)],
    ['MaxNumberOfMessages 1.5', { MaxNumberOfMessages: 1.5 }, errors.invalidMaxNumberOfMessages(1.5)],
    ['VisibilityTimeout 43201', { VisibilityTimeout: 43_201 }, errors.invalidVisibilityTimeout(43_201)],
    ['VisibilityTimeout -1', { VisibilityTimeout: -1 }, errors.invalidVisibilityTimeout(-1)],
    [
      'WaitTimeSeconds before MaxNumberOfMessages',
      { WaitTimeSeconds: 30, MaxNumberOfMessages: 30 },
      errors.invalidWaitTimeSeconds(30),
    ],
  ];
  for (const [label, params, expected] of bad) {
    it(`refuses ${label}`, () =>
      assertSameError(
        thrownBy(() => validateReceiveParams(params)),
        expected,
      ));
  }
  it('accepts the bounds and absent values', () => {
    validateReceiveParams({});
    validateReceiveParams({ MaxNumberOfMessages: 1, WaitTimeSeconds: 0, VisibilityTimeout: 0 });
    validateReceiveParams({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 43_200 });
  });
});

describe('validateVisibilityTimeout', () => {
  it('returns seconds, from numbers or query-protocol strings', () => {
    assert.equal(validateVisibilityTimeout(0), 0);
    assert.equal(validateVisibilityTimeout('123'), 123);
    assert.equal(validateVisibilityTimeout(43_200), 43_200);
  });
  it('refuses missing, negative, fractional and over-12-hour values', () => {
    assertSameError(
      thrownBy(() => validateVisibilityTimeout(undefined)),
      errors.missingParameter('VisibilityTimeout'),
    );
    assertSameError(
      thrownBy(() => validateVisibilityTimeout(-1)),
      errors.invalidVisibilityTimeout(-1),
    );
    assertSameError(
      thrownBy(() => validateVisibilityTimeout(1.5)),
      errors.invalidVisibilityTimeout(1.5),
    );
    assertSameError(
      thrownBy(() => validateVisibilityTimeout(43_201)),
      errors.visibilityTimeoutBeyondLimit(43_201),
    );
    assert.equal(
      errors.visibilityTimeoutBeyondLimit(43_201).message,
      'Value 43201 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].',
    );
  });
});

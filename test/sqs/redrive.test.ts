import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors, type SqsError } from '../../src/sqs/errors.ts';
import {
  canonicalRedrivePolicy,
  parseRedrivePolicy,
  redriveAllowed,
  validateRedriveAllowPolicy,
} from '../../src/sqs/redrive.ts';
import { assertSameError, thrownBy } from './oracle.ts';

// Not in the recording (test_invalid_dead_letter_arn_rejected_before_lookup is recorded empty);
// the sentences are those AWS-faithful emulators answer with.
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:dlq';

describe('parseRedrivePolicy', () => {
  const valid: [string, number][] = [
    [`{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":5}`, 5],
    [`{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":"42"}`, 42],
    [`{"maxReceiveCount":1,"deadLetterTargetArn":"${DLQ}"}`, 1],
    [`{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":1000}`, 1000],
  ];
  for (const [policy, count] of valid) {
    it(`accepts ${policy}`, () =>
      assert.deepEqual(parseRedrivePolicy(policy), { deadLetterTargetArn: DLQ, maxReceiveCount: count }));
  }

  const invalid: [string, string, (policy: string) => SqsError][] = [
    ['not JSON', '{nope', () => errors.redrivePolicyNotJson()],
    ['a JSON array', '[1]', () => errors.redrivePolicyNotJson()],
    [
      'no maxReceiveCount',
      `{"deadLetterTargetArn":"${DLQ}"}`,
      (p) => errors.redriveMissingAttribute(p, 'maxReceiveCount'),
    ],
    [
      'no deadLetterTargetArn',
      '{"maxReceiveCount":3}',
      (p) => errors.redriveMissingAttribute(p, 'deadLetterTargetArn'),
    ],
    [
      'an extra key',
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":3,"x":1}`,
      (p) => errors.redriveUnsupportedAttributes(p),
    ],
    [
      'maxReceiveCount 0',
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":0}`,
      (p) => errors.invalidMaxReceiveCount(p, 0),
    ],
    [
      'maxReceiveCount 1001',
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":1001}`,
      (p) => errors.invalidMaxReceiveCount(p, 1001),
    ],
    [
      'maxReceiveCount "invalid"',
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":"invalid"}`,
      (p) => errors.invalidMaxReceiveCount(p, 'invalid'),
    ],
    [
      'maxReceiveCount 2.5',
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":2.5}`,
      (p) => errors.invalidMaxReceiveCount(p, 2.5),
    ],
    [
      'the dummy ARN',
      '{"deadLetterTargetArn":"dummy","maxReceiveCount":42}',
      (p) => errors.invalidDeadLetterArn(p),
    ],
    [
      'a numeric ARN',
      '{"deadLetterTargetArn":7,"maxReceiveCount":42}',
      (p) => errors.invalidDeadLetterArn(p),
    ],
    [
      'an SNS ARN',
      '{"deadLetterTargetArn":"arn:aws:sns:us-east-1:1:t","maxReceiveCount":5}',
      (p) => errors.deadLetterNotSqs(p),
    ],
  ];
  for (const [label, policy, expected] of invalid) {
    it(`refuses ${label}`, () =>
      assertSameError(
        thrownBy(() => parseRedrivePolicy(policy)),
        expected(policy),
      ));
  }

  it('canonicalises key order and number type', () => {
    assert.equal(
      canonicalRedrivePolicy(`{"maxReceiveCount":"7","deadLetterTargetArn":"${DLQ}"}`),
      `{"deadLetterTargetArn":"${DLQ}","maxReceiveCount":7}`,
    );
  });
});

describe('validateRedriveAllowPolicy', () => {
  for (const policy of [
    '{"redrivePermission":"allowAll"}',
    '{"redrivePermission":"denyAll"}',
    `{"redrivePermission":"byQueue","sourceQueueArns":["${DLQ}"]}`,
  ]) {
    it(`accepts ${policy}`, () => validateRedriveAllowPolicy(policy));
  }
  for (const policy of [
    'x',
    '{"redrivePermission":"some"}',
    '{"redrivePermission":"byQueue"}',
    '{"redrivePermission":"byQueue","sourceQueueArns":[]}',
    `{"redrivePermission":"allowAll","sourceQueueArns":["${DLQ}"]}`,
    `{"redrivePermission":"byQueue","sourceQueueArns":${JSON.stringify(Array(11).fill(DLQ))}}`,
    '{"redrivePermission":"allowAll","extra":1}',
  ]) {
    it(`refuses ${policy.slice(0, 60)}`, () =>
      assertSameError(
        thrownBy(() => validateRedriveAllowPolicy(policy)),
        errors.invalidRedriveAllowPolicy(),
      ));
  }
});

describe('redriveAllowed', () => {
  const other = 'arn:aws:sqs:us-east-1:000000000000:other';
  it('allows every source without a policy or with allowAll', () => {
    assert.equal(redriveAllowed(undefined, other), true);
    assert.equal(redriveAllowed('{"redrivePermission":"allowAll"}', other), true);
  });
  it('refuses every source with denyAll, and unlisted ones with byQueue', () => {
    const byQueue = JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [DLQ] });
    assert.equal(redriveAllowed('{"redrivePermission":"denyAll"}', DLQ), false);
    assert.equal(redriveAllowed(byQueue, DLQ), true);
    assert.equal(redriveAllowed(byQueue, other), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERRORS, errors, type SqsError } from '../../src/sqs/errors.ts';
import {
  assertSameError,
  moveTaskSnapshot,
  recordedError,
  type Snapshot,
  sqsSnapshot,
  walk,
} from './oracle.ts';

const specs = Object.values(ERRORS);
const codes = new Set(specs.map((s) => s.code));
const types = new Set(specs.map((s) => s.type));

/** Every error code/type/status pair the recordings contain, wherever it appears. */
function recordedCodes(snapshot: Snapshot): { code: string; type?: string; status?: number }[] {
  const found: { code: string; type?: string; status?: number }[] = [];
  for (const entry of Object.values(snapshot)) {
    for (const node of walk(entry['recorded-content'])) {
      if (typeof node === 'string') {
        const m = /^An error occurred \(([^)]+)\)/.exec(node);
        if (m) found.push({ code: m[1]! });
      } else if (node && typeof node === 'object' && !Array.isArray(node)) {
        const error = node.Error as Record<string, string> | undefined;
        const meta = node.ResponseMetadata as { HTTPStatusCode?: number } | undefined;
        if (error?.Code)
          found.push({ code: error.Code, type: error.QueryErrorCode, status: meta?.HTTPStatusCode });
        if (typeof node.Code === 'string' && 'SenderFault' in node) found.push({ code: node.Code });
        if (typeof node.FailureReason === 'string') found.push({ code: node.FailureReason });
      }
    }
  }
  return found;
}

describe('error registry', () => {
  it('gives every entry a code, a JSON type, a 4xx/5xx status and a fault', () => {
    for (const [name, spec] of Object.entries(ERRORS)) {
      assert.ok(spec.code.length > 0, name);
      assert.ok(spec.type.length > 0, name);
      assert.ok(spec.status >= 400 && spec.status < 600, name);
      assert.ok(spec.fault === 'Sender' || spec.fault === 'Receiver', name);
    }
  });

  it('has no two entries with the same code', () => {
    assert.equal(codes.size, specs.length);
  });

  for (const [label, snapshot] of [
    ['test_sqs', sqsSnapshot],
    ['test_sqs_move_task', moveTaskSnapshot],
  ] as const) {
    it(`knows every error code, type and status recorded in ${label}`, () => {
      const found = recordedCodes(snapshot);
      assert.ok(found.length > 0);
      for (const { code, type, status } of found) {
        assert.ok(codes.has(code), `missing code ${code}`);
        if (type) assert.ok(types.has(type), `missing type ${type} (${code})`);
        const spec = specs.find((s) => s.code === code)!;
        if (type) assert.equal(spec.type, type, code);
        if (status) assert.equal(spec.status, status, code);
      }
    });
  }
});

describe('error sentences agree with the recordings', () => {
  const cases: [string, string, () => SqsError, Snapshot?][] = [
    ['test_non_existent_queue', 'queue-does-not-exist', () => errors.queueDoesNotExist()],
    ['test_non_existent_queue', 'queue-does-not-exist-query', () => errors.queueDoesNotExist(true)],
    [
      'test_successive_purge_calls_fail[sqs]',
      'purge_queue_error',
      () => errors.purgeInProgress('<queue-name>'),
    ],
    [
      'test_create_fifo_queue_with_different_attributes_raises_error[sqs]',
      'queue-already-exists',
      () => errors.queueAlreadyExists('ContentBasedDeduplication'),
    ],
    [
      'test_sqs_permission_lifecycle[sqs]',
      'get-queue-policy-attribute-second-account-same-label',
      () => errors.labelAlreadyExists('crossaccountpermission'),
    ],
    [
      'test_sqs_permission_lifecycle[sqs]',
      'get-queue-policy-attribute-delete-non-existent-label',
      () => errors.labelNotFound('crossaccountpermission2'),
    ],
    [
      'test_fifo_delete_after_visibility_timeout[sqs]',
      'delete_after_timeout_fifo',
      () => errors.receiptHandleExpired('<receipt-handle:1>'),
    ],
    ['test_sse_kms_and_sqs_are_mutually_exclusive[sqs]', 'error', () => errors.sseConflict()],
    ['test_source_needs_redrive_policy', 'error', () => errors.sourceNotDeadLetterQueue(), moveTaskSnapshot],
    ['test_cancel_with_invalid_task_handle', 'error', () => errors.invalidTaskHandle(), moveTaskSnapshot],
    [
      'test_cancel_with_invalid_source_arn_in_task_handle',
      'error',
      () => errors.arnNotFound('SourceArn'),
      moveTaskSnapshot,
    ],
    [
      'test_cancel_with_invalid_task_id_in_task_handle',
      'error',
      () => errors.taskDoesNotExist(),
      moveTaskSnapshot,
    ],
    [
      'test_destination_needs_to_exist',
      'error',
      () => errors.arnNotFound('DestinationArn'),
      moveTaskSnapshot,
    ],
    ['test_start_multiple_move_tasks', 'error', () => errors.moveTaskAlreadyRunning(), moveTaskSnapshot],
  ];
  for (const [test, key, make, snapshot] of cases) {
    it(`${test} / ${key}`, () => assertSameError(make(), recordedError(test, key, snapshot)));
  }
});

/**
 * The query protocol through Debian's boto3 1.26 (/usr/bin/python3): every
 * action botocore 1.29 knows (20 of 23; the move-task actions are newer and
 * are driven in query-move-tasks.test.ts), and errors compared field by field
 * with Amazon SQS's recorded query answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PYTHON, run, startTestServer, type TestServer } from './harness.ts';
import { recorded } from './recorded.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const SCRIPT = fileURLToPath(new URL('./boto3_query.py', import.meta.url));

/** The fields botocore parses from an ErrorResponse that the recording also has. */
const errorOf = (e: { Error: Record<string, unknown>; Status: number }) => ({
  Code: e.Error.Code,
  Message: e.Error.Message,
  Type: e.Error.Type,
  Status: e.Status,
});

describe('query protocol via boto3', () => {
  it('runs every action and gets AWS answers', async () => {
    const r = await run(PYTHON, [SCRIPT], t.env());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.protocol, 'query');
    const url = `${t.url}/000000000000/boto-q`;
    assert.equal(out.url, url);
    assert.equal(out.get_url, url);
    assert.deepEqual(out.list, [url]);
    assert.equal(out.attrs.VisibilityTimeout, '40');
    assert.deepEqual(out.tags, { env: 'test' });
    assert.deepEqual(out.batch.Successful, ['a', 'b']);
    assert.deepEqual(
      out.batch.Failed.map((f: Record<string, unknown>) => [f.Id, f.Code, f.SenderFault]),
      [['bad', 'InvalidMessageContents', true]],
    );
    assert.deepEqual(out.received, {
      count: 3,
      body_ok: true,
      binary_ok: true,
      string_attr: 'v<&>',
      trace: 'Root=1-5759e988-bd862e3fe1be46a994272793',
      md5_ok: true,
    });
    assert.deepEqual(out.cv, { Successful: ['x'], Failed: ['ReceiptHandleIsInvalid'] });
    assert.deepEqual(out.dm, ['p', 'q']);
    assert.deepEqual(out.dlq_sources, [url]);
    assert.deepEqual(out.after_delete, [url]);

    const e = out.errors;
    assert.deepEqual(
      errorOf(e.too_many),
      errorOf(
        recorded(
          'test_too_many_entries_in_batch_request[sqs_query]',
          'test_too_many_entries_in_batch_request',
        ),
      ),
    );
    assert.deepEqual(
      errorOf(e.bad_id),
      errorOf(recorded('test_delete_message_batch_invalid_msg_id[sqs_query-invalid:id]', 'error_response')),
    );
    assert.deepEqual(
      errorOf(e.max_messages),
      errorOf(recorded('test_send_receive_max_number_of_messages[sqs_query]', 'send_max_number_of_messages')),
    );
    assert.deepEqual(errorOf(e.no_queue), {
      ...errorOf(recorded('test_non_existent_queue', 'queue-does-not-exist-query')),
    });
    const purge = recorded('test_successive_purge_calls_fail[sqs_query]', 'purge_queue_error');
    assert.deepEqual(errorOf(e.purge), {
      ...errorOf(purge),
      Message: String(purge.Error.Message).replace('<queue-name>', 'boto-q'),
    });
    assert.equal(e.purge.Error.Detail, purge.Error.Detail ?? null);
    assert.match(e.purge.RequestId, /^[0-9a-f-]{36}$/);
  });
});

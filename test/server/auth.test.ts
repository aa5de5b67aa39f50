/**
 * `--auth`: every request must carry a valid SigV4 signature. Signed requests
 * from the SDK, awscli and boto3 pass; unsigned, wrongly signed, unknown-key
 * and skewed ones are refused with Amazon SQS's codes and wording.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, ListQueuesCommand, type SQSServiceException } from '@aws-sdk/client-sqs';
import { aws, CREDENTIALS, json, PYTHON, run, startTestServer, type TestServer } from './harness.ts';
import { send, sign } from './signer.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer({ keys: new Map([[CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey]]) });
});
after(() => t.close());

const WRONG_SECRET = { ...CREDENTIALS, secretAccessKey: 'not-the-secret' };
const UNKNOWN_KEY = { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'whatever' };
const MISMATCH = /The request signature we calculated does not match the signature you provided/;
const INVALID_TOKEN = /The security token included in the request is invalid\./;

const refused = (p: Promise<unknown>, name: string, message: RegExp) =>
  assert.rejects(p, (e: SQSServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.match(e.message, message);
    return true;
  });

const boto3 = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  run(
    PYTHON,
    [
      '-c',
      'import boto3,os,json; print(json.dumps(boto3.client("sqs", endpoint_url=os.environ["SLUICE_URL"]).list_queues().get("QueueUrls", [])))',
    ],
    t.env(credentials),
  );

describe('--auth (SigV4)', () => {
  it('accepts correctly signed requests from the SDK, awscli and boto3', async () => {
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'auth-q' }));
    const [cli, py] = await Promise.all([aws(t, ['list-queues']), boto3(CREDENTIALS)]);
    assert.deepEqual(json(cli).QueueUrls, [QueueUrl]);
    assert.equal(py.code, 0, py.stderr);
    assert.deepEqual(JSON.parse(py.stdout), [QueueUrl]);
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and an unknown key (InvalidClientTokenId) from all three', async () => {
    await refused(
      t.client({ credentials: WRONG_SECRET }).send(new ListQueuesCommand({})),
      'SignatureDoesNotMatch',
      MISMATCH,
    );
    await refused(
      t.client({ credentials: UNKNOWN_KEY }).send(new ListQueuesCommand({})),
      'InvalidClientTokenId',
      INVALID_TOKEN,
    );
    const [cliWrong, cliUnknown, pyWrong, pyUnknown] = await Promise.all([
      aws(t, ['list-queues'], t.env(WRONG_SECRET)),
      aws(t, ['list-queues'], t.env(UNKNOWN_KEY)),
      boto3(WRONG_SECRET),
      boto3(UNKNOWN_KEY),
    ]);
    assert.match(cliWrong.stderr, /\(SignatureDoesNotMatch\)/);
    assert.match(
      cliUnknown.stderr,
      /\(InvalidClientTokenId\).*The security token included in the request is invalid/,
    );
    assert.match(
      pyWrong.stderr,
      /botocore\.exceptions\.ClientError: An error occurred \(SignatureDoesNotMatch\)/,
    );
    assert.match(pyUnknown.stderr, /An error occurred \(InvalidClientTokenId\)/);
  });

  it('refuses unsigned requests with AccessDenied in the request protocol', async () => {
    const q = await fetch(`${t.url}/`, {
      method: 'POST',
      body: new URLSearchParams({ Action: 'ListQueues' }),
    });
    assert.equal(q.status, 403);
    assert.match(
      await q.text(),
      /<Code>AccessDenied<\/Code><Message>Access to the resource http:\/\/127\.0\.0\.1:\d+\/ is denied\.<\/Message>/,
    );
    const j = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    assert.equal(j.status, 403);
    assert.equal(j.headers.get('x-amzn-query-error'), 'AccessDenied;Sender');
  });

  it('refuses requests signed more than 15 minutes off, either way', async () => {
    const body = new URLSearchParams({ Action: 'ListQueues', Version: '2012-11-05' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    for (const [offset, wording] of [
      [-20, /Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)/],
      [
        20,
        /Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)/,
      ],
    ] as const) {
      const signed = await sign({
        url: `${t.url}/`,
        headers,
        body,
        ...CREDENTIALS,
        date: new Date(Date.now() + offset * 60_000),
      });
      const res = await send(signed);
      assert.equal(res.status, 403);
      const xml = await res.text();
      assert.match(xml, /<Code>SignatureDoesNotMatch<\/Code>/);
      assert.match(xml, wording);
    }
    const ok = await send(
      await sign({
        url: `${t.url}/`,
        headers,
        body,
        ...CREDENTIALS,
        date: new Date(Date.now() - 10 * 60_000),
      }),
    );
    assert.equal(ok.status, 200);
  });

  it('lets an SDK whose clock is off learn the time from the Date header, as against AWS', async () => {
    const skewed = t.client({ systemClockOffset: -30 * 60_000 });
    await refused(skewed.send(new ListQueuesCommand({})), 'SignatureDoesNotMatch', /^Signature expired: /);
    const out = await skewed.send(new ListQueuesCommand({}));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it('accepts presigned (query-string) requests and refuses tampered ones', async () => {
    const signed = await sign({
      url: `${t.url}/?Action=ListQueues&Version=2012-11-05`,
      method: 'GET',
      presign: true,
      ...CREDENTIALS,
    });
    const res = await send(signed);
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(await res.text(), /<ListQueuesResponse/);
    const tampered = await send({ ...signed, url: signed.url.replace('ListQueues', 'ListQueueTags') });
    assert.equal(tampered.status, 403);
  });
});

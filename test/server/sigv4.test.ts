import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amzDate, verifySigV4 } from '../../src/protocol/sigv4.ts';
import { SqsError } from '../../src/sqs/errors.ts';
import { asSignedRequest, type SignOptions, sign } from './signer.ts';

const keys = new Map([['AKIDTEST', 'secret']]);
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const base: SignOptions = {
  url: 'http://127.0.0.1:9324/000000000000/jobs',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-amz-date': '' },
  body: 'Action=SendMessage&MessageBody=hello%20world&Version=2012-11-05',
  date: new Date(NOW),
};
delete base.headers!['x-amz-date'];

const verify = async (
  o: Partial<SignOptions>,
  now = NOW,
  tamper?: (r: ReturnType<typeof asSignedRequest>) => object,
) => {
  const req = asSignedRequest(await sign({ ...base, ...o }));
  verifySigV4(tamper ? (tamper(req) as typeof req) : req, keys, now);
};

const refused = async (p: Promise<void>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SqsError, String(e));
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });

describe('SigV4 verification', () => {
  it('accepts header-signed requests from the SDK signer (POST form, JSON, GET with query)', async () => {
    await verify({});
    await verify({
      url: 'http://localhost:4566/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{"QueueNamePrefix":"a b"}',
    });
    await verify({
      method: 'GET',
      url: 'http://h:1/?Action=ListQueues&QueueNamePrefix=a%20b*&Version=2012-11-05',
      body: '',
    });
  });

  it('accepts presigned (query-string) requests', async () => {
    await verify({ presign: true, method: 'GET', url: 'http://h:1/0/q?Action=ReceiveMessage', body: '' });
  });

  it('refuses a tampered body, header, path or query with SignatureDoesNotMatch', async () => {
    await refused(
      verify({}, NOW, (r) => ({ ...r, body: Buffer.from('Action=DeleteQueue') })),
      'SignatureDoesNotMatch',
    );
    await refused(
      verify({}, NOW, (r) => ({ ...r, path: '/000000000000/other' })),
      'SignatureDoesNotMatch',
    );
    await refused(
      verify({ presign: true, method: 'GET', url: 'http://h:1/?Action=ListQueues', body: '' }, NOW, (r) => ({
        ...r,
        query: r.query.replace('ListQueues', 'DeleteQueue'),
      })),
      'SignatureDoesNotMatch',
    );
    await refused(
      verify({}, NOW, (r) => ({ ...r, headers: new Map([...r.headers, ['content-type', ['text/plain']]]) })),
      'SignatureDoesNotMatch',
    );
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
    await refused(
      verify({ secretAccessKey: 'wrong' }),
      'SignatureDoesNotMatch',
      /^The request signature we calculated does not match the signature you provided/,
    );
    await refused(
      verify({ accessKeyId: 'AKIDOTHER' }),
      'InvalidClientTokenId',
      /^The security token included in the request is invalid\.$/,
    );
  });

  it('refuses requests signed more than 15 minutes off, with AWS wording', async () => {
    await verify({}, NOW + 14 * 60_000);
    await refused(
      verify({}, NOW + 16 * 60_000),
      'SignatureDoesNotMatch',
      new RegExp(
        `^Signature expired: ${amzDate(NOW)} is now earlier than ${amzDate(NOW + 60_000)} \\(${amzDate(NOW + 16 * 60_000)} - 15 min\\.\\)$`,
      ),
    );
    await refused(verify({}, NOW - 16 * 60_000), 'SignatureDoesNotMatch', /^Signature not yet current: /);
  });

  it('refuses unsigned requests with AccessDenied and malformed ones with IncompleteSignature', async () => {
    const req = asSignedRequest({
      url: 'http://h:1/',
      method: 'POST',
      headers: {},
      body: 'Action=ListQueues',
    });
    assert.throws(() => verifySigV4(req, keys, NOW), /Access to the resource http:\/\/h:1\/ is denied\./);
    const bad = (authorization: string) =>
      asSignedRequest({
        url: 'http://h:1/',
        method: 'POST',
        headers: { authorization, 'x-amz-date': amzDate(NOW) },
      });
    for (const a of [
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260102/us-east-1/sqs/aws4_request',
      'AWS AKIDTEST:abc',
      '',
    ]) {
      assert.throws(
        () => verifySigV4(bad(a), keys, NOW),
        (e: unknown) => e instanceof SqsError && e.code === 'IncompleteSignature',
        a,
      );
    }
  });
});

/**
 * AWS Signature Version 4 verification, for `sluice server --auth`.
 *
 * Accepts both forms the SDKs produce: the `Authorization: AWS4-HMAC-SHA256
 * Credential=…, SignedHeaders=…, Signature=…` header, and query-string auth
 * (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Signature`… in the URL).
 * The canonical request is rebuilt as the SDKs' signers build it
 * (sigv4-canonical.ts).
 *
 * Refusals use Amazon SQS's codes and wording: no signature at all is
 * AccessDenied (SQS allows anonymous access where a queue policy permits it,
 * so an unsigned request is judged, and denied, like any other); an unknown
 * key is InvalidClientTokenId; a wrong signature, or a date more than 15
 * minutes off, is SignatureDoesNotMatch ("Signature expired: …").
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SqsError } from '../sqs/errors.ts';
import { ALGORITHM, signingKey, stringToSign } from './sigv4-canonical.ts';

export interface SignedRequest {
  readonly method: string;
  /** Path as sent on the wire (still percent-encoded), without the query. */
  readonly path: string;
  /** Raw query string, without the '?'. */
  readonly query: string;
  /** Header name (lower case) → its values in the order received. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: Uint8Array;
  /** The URL the client addressed, for AccessDenied's wording. */
  readonly url: string;
}

/** Access key id → secret access key. */
export type KeyRing = ReadonlyMap<string, string>;

const MAX_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED = 'UNSIGNED-PAYLOAD';

export const authErrors = {
  anonymous: (url: string) => new SqsError('AccessDenied', `Access to the resource ${url} is denied.`),
  incomplete: (detail: string) => new SqsError('IncompleteSignature', detail),
  unknownKey: () =>
    new SqsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
  mismatch: () =>
    new SqsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  expired: (signed: string, now: number) =>
    new SqsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${signed} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`,
    ),
  notYetCurrent: (signed: string, now: number) =>
    new SqsError(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${signed} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`,
    ),
} as const;

/** `20240102T030405Z` */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

interface Claim {
  keyId: string;
  scope: string; // date/region/service/aws4_request
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  date: string; // yyyymmddThhmmssZ
  expires?: number; // seconds, query auth only
  fromQuery: boolean;
}

const header = (req: SignedRequest, name: string) => req.headers.get(name)?.[0];

/** Throws an SqsError unless `req` carries a valid signature by a key in `keys`. */
export function verifySigV4(req: SignedRequest, keys: KeyRing, now: number = Date.now()): void {
  const claim = readClaim(req);
  const secret = keys.get(claim.keyId);
  if (secret === undefined) throw authErrors.unknownKey();
  const signedAt = parseAmzDate(claim.date);
  if (signedAt === undefined) throw authErrors.incomplete(`Invalid X-Amz-Date ${claim.date}.`);
  if (claim.scopeDate !== claim.date.slice(0, 8))
    throw new SqsError(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claim.scopeDate}' != '${claim.date.slice(0, 8)}', from '${claim.date}'.`,
    );
  if (claim.expires !== undefined && now > signedAt + claim.expires * 1000)
    throw authErrors.expired(amzDate(signedAt + claim.expires * 1000), now);
  if (signedAt < now - MAX_SKEW_MS) throw authErrors.expired(claim.date, now);
  if (signedAt > now + MAX_SKEW_MS) throw authErrors.notYetCurrent(claim.date, now);

  const key = signingKey(secret, claim.scopeDate, claim.region, claim.service);
  const given = Buffer.from(claim.signature, 'hex');
  // Query auth is usually signed over UNSIGNED-PAYLOAD, but not by every signer: accept either.
  const hashes = [payloadHash(req)];
  if (claim.fromQuery && hashes[0] !== UNSIGNED) hashes.push(UNSIGNED);
  for (const hash of hashes) {
    const text = stringToSign(req, claim.signedHeaders, hash, claim.date, claim.scope);
    const expected = createHmac('sha256', key).update(text).digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  throw authErrors.mismatch();
}

function readClaim(req: SignedRequest): Claim {
  const auth = header(req, 'authorization');
  if (auth !== undefined) return fromHeader(req, auth);
  const q = new URLSearchParams(req.query);
  if (q.has('X-Amz-Signature') || q.has('X-Amz-Credential')) return fromQuery(q);
  throw authErrors.anonymous(req.url);
}

function fromHeader(req: SignedRequest, auth: string): Claim {
  const space = auth.indexOf(' ');
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  if (algorithm !== ALGORITHM) throw authErrors.incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const parts = new Map<string, string>();
  for (const part of auth.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const date = header(req, 'x-amz-date') ?? httpDate(header(req, 'date'));
  const missing = [
    parts.has('Credential') ? '' : "Authorization header requires 'Credential' parameter.",
    parts.has('Signature') ? '' : "Authorization header requires 'Signature' parameter.",
    parts.has('SignedHeaders') ? '' : "Authorization header requires 'SignedHeaders' parameter.",
    date ? '' : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  ].filter(Boolean);
  if (missing.length) throw authErrors.incomplete(`${missing.join(' ')} Authorization=${auth}`);
  return claim(parts.get('Credential')!, parts.get('SignedHeaders')!, parts.get('Signature')!, date!, false);
}

function fromQuery(q: URLSearchParams): Claim {
  const need = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ];
  const absent = need.filter((n) => !q.get(n));
  if (absent.length)
    throw authErrors.incomplete(`AWS query-string parameters must include ${absent.join(', ')}.`);
  if (q.get('X-Amz-Algorithm') !== ALGORITHM)
    throw authErrors.incomplete(`Unsupported AWS 'algorithm': '${q.get('X-Amz-Algorithm')}'.`);
  const c = claim(
    q.get('X-Amz-Credential')!,
    q.get('X-Amz-SignedHeaders')!,
    q.get('X-Amz-Signature')!,
    q.get('X-Amz-Date')!,
    true,
  );
  const expires = q.get('X-Amz-Expires');
  if (expires !== null) {
    if (!/^\d{1,6}$/.test(expires)) throw authErrors.incomplete(`Invalid X-Amz-Expires ${expires}.`);
    c.expires = Number(expires);
  }
  return c;
}

function claim(
  credential: string,
  signedHeaders: string,
  signature: string,
  date: string,
  fromQuery: boolean,
): Claim {
  const [keyId, scopeDate, region, service, terminator, ...rest] = credential.split('/');
  if (!keyId || !scopeDate || !region || !service || terminator !== 'aws4_request' || rest.length)
    throw authErrors.incomplete(
      `Credential should be scoped to a valid region, not '${region ?? ''}'. Credential=${credential}`,
    );
  if (!/^[0-9a-f]{64}$/i.test(signature)) throw authErrors.mismatch();
  return {
    keyId,
    scope: `${scopeDate}/${region}/${service}/aws4_request`,
    scopeDate,
    region,
    service,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
    date,
    fromQuery,
  };
}

function httpDate(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : amzDate(t);
}

function payloadHash(req: SignedRequest): string {
  if (header(req, 'x-amz-content-sha256') === UNSIGNED) return UNSIGNED;
  return createHash('sha256').update(req.body).digest('hex');
}

const REGION = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The region a request is signed for (the region of its credential scope,
 * `Credential=AKID/DATE/REGION/sqs/aws4_request`, in the Authorization header
 * or `X-Amz-Credential`), or undefined when it is unsigned or the scope is not
 * readable. Read whether or not signatures are verified: as in SQS, the
 * caller's region is the namespace its queue names resolve in.
 * @example signedRegion('AWS4-HMAC-SHA256 Credential=AKID/20240102/eu-central-1/sqs/aws4_request, …', ''); // 'eu-central-1'
 */
export function signedRegion(authorization: string | undefined, query: string): string | undefined {
  const credential =
    authorization === undefined
      ? new URLSearchParams(query).get('X-Amz-Credential')
      : /\bCredential=([^,\s]+)/.exec(authorization)?.[1];
  const region = credential?.split('/')[2];
  return region !== undefined && REGION.test(region) ? region : undefined;
}

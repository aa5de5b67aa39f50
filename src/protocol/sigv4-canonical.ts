/**
 * The canonical request of AWS Signature Version 4, rebuilt exactly as the
 * signers build it (smithy's @smithy/signature-v4 and botocore's SigV4Auth):
 * path normalised and encoded once more, query pairs re-encoded (RFC 3986)
 * and sorted, signed headers trimmed and joined, payload hashed.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

/** The string a SigV4 signature signs. */
export function stringToSign(
  req: CanonicalInput,
  signedHeaders: readonly string[],
  payloadHash: string,
  date: string,
  scope: string,
): string {
  const canonical = [
    req.method.toUpperCase(),
    canonicalPath(req.path),
    canonicalQuery(req.query),
    signedHeaders.map((h) => `${h}:${canonicalHeader(req.headers.get(h))}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const digest = createHash('sha256').update(canonical).digest('hex');
  return `${ALGORITHM}\n${date}\n${scope}\n${digest}`;
}

/** RFC 3986 encoding, as both signers apply it. */
export const uriEscape = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return uriEscape(`/${segments.join('/')}${trailing}`).replace(/%2F/g, '/');
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function canonicalQuery(query: string): string {
  if (!query) return '';
  const pairs: [string, string][] = [];
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = uriEscape(decode(eq < 0 ? pair : pair.slice(0, eq)));
    if (k === 'X-Amz-Signature') continue;
    pairs.push([k, uriEscape(decode(eq < 0 ? '' : pair.slice(eq + 1)))]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const canonicalHeader = (values: readonly string[] | undefined) =>
  (values ?? []).map((v) => v.trim().replace(/\s+/g, ' ')).join(',');

const keyCache = new Map<string, Buffer>();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = keyCache.get(id);
  if (!key) {
    const hmac = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

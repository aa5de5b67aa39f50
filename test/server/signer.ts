/**
 * Test helper: signs requests with the AWS SDK's own signer
 * (@smithy/signature-v4), so the verifier is checked against the real thing.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SignedRequest } from '../../src/protocol/sigv4.ts';

/** The Checksum interface smithy expects, over node:crypto. */
type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class Sha256 {
  readonly #h: Hash | Hmac;
  constructor(secret?: Source) {
    this.#h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Source): void {
    this.#h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#h.digest();
  }
  reset(): void {}
}

export interface SignOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  date?: Date;
  /** Query-string auth (a presigned URL) instead of the Authorization header. */
  presign?: boolean;
  region?: string;
}

export interface Signed {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export async function sign(o: SignOptions): Promise<Signed> {
  const u = new URL(o.url);
  const signer = new SignatureV4({
    service: 'sqs',
    region: o.region ?? 'us-east-1',
    credentials: { accessKeyId: o.accessKeyId ?? 'AKIDTEST', secretAccessKey: o.secretAccessKey ?? 'secret' },
    sha256: Sha256,
  });
  const request = {
    method: o.method ?? 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: Object.fromEntries(u.searchParams),
    headers: { host: u.host, ...(o.headers ?? {}) },
    ...(o.body !== undefined ? { body: o.body } : {}),
  };
  const signed = o.presign
    ? await signer.presign(request, { signingDate: o.date ?? new Date(), expiresIn: 900 })
    : await signer.sign(request, { signingDate: o.date ?? new Date() });
  const query = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
  return {
    url: `${u.protocol}//${u.host}${signed.path}${query ? `?${query}` : ''}`,
    method: signed.method,
    headers: signed.headers as Record<string, string>,
    ...(o.body !== undefined ? { body: o.body } : {}),
  };
}

/** The verifier's view of a signed request, without a server. */
export function asSignedRequest(s: Signed): SignedRequest {
  const u = new URL(s.url);
  const headers = new Map<string, string[]>();
  for (const [k, v] of Object.entries(s.headers)) headers.set(k.toLowerCase(), [v]);
  return {
    method: s.method,
    path: u.pathname,
    query: u.search.slice(1),
    headers,
    body: Buffer.from(s.body ?? ''),
    url: `${u.protocol}//${u.host}${u.pathname}`,
  };
}

/** Sends a signed request with fetch (which sets Host itself, to the signed value). */
export function send(s: Signed): Promise<Response> {
  const headers = { ...s.headers };
  delete headers.host;
  return fetch(s.url, { method: s.method, headers, ...(s.body !== undefined ? { body: s.body } : {}) });
}

/**
 * Who may use the dashboard, and for what.
 *
 * Without keys (a server without --auth) the dashboard answers only a browser
 * on the same machine: the connection must come from a loopback address and
 * the Host header must name one (so a web page whose name resolves to
 * 127.0.0.1 — DNS rebinding — is refused). Everyone there is `local`, an
 * operator.
 *
 * With keys, a session is required: POST /api/login with one of the server's
 * access keys (its id and secret) sets an HttpOnly, SameSite=Strict cookie.
 * Keys named in `viewers` sign in read-only; every other key is an operator.
 *
 * Every action (any method but GET/HEAD) must carry the session's CSRF token
 * in `x-csrf-token` and a JSON body, and its Origin, when sent, must be this
 * server's: a cross-site page can neither read the token nor send the header.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { KeyRing } from '../protocol/sigv4.ts';
import { DashboardError, header } from './http.ts';

export type Role = 'viewer' | 'operator';

export interface Session {
  actor: string;
  role: Role;
  csrf: string;
  expiresAt: number;
}

export interface AccessOptions {
  keys?: KeyRing;
  /** Access key ids that sign in read-only. */
  viewers?: ReadonlySet<string>;
  now: () => number;
  /** How long a session lasts; default 12 h. */
  sessionMs?: number;
}

export const SESSION_COOKIE = 'sluice_session';
const token = () => randomBytes(24).toString('base64url');
const digest = (s: string) => createHash('sha256').update(s).digest();
const sameText = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

const isLoopbackAddress = (address: string | undefined) => {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
};
/** `localhost`, `127.x.y.z` or `[::1]`, with or without a port. */
const isLoopbackHost = (host: string | undefined) => {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isLoopbackAddress(name);
};

export class Access {
  readonly #o: AccessOptions;
  readonly #sessions = new Map<string, Session>();
  /** Without keys there is one session, `local`, for the life of the server. */
  readonly #local: Session | undefined;

  constructor(options: AccessOptions) {
    this.#o = options;
    this.#local = options.keys
      ? undefined
      : { actor: 'local', role: 'operator', csrf: token(), expiresAt: Number.POSITIVE_INFINITY };
  }

  get requiresLogin(): boolean {
    return this.#local === undefined;
  }

  /** The caller's session, or undefined when they must sign in; throws 403 off loopback without keys. */
  session(req: IncomingMessage): Session | undefined {
    if (this.#local) {
      if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(header(req, 'host')))
        throw new DashboardError(
          403,
          'the dashboard of a server without --auth answers only on this machine (open it at http://127.0.0.1:PORT/dashboard), or start the server with --auth',
        );
      return this.#local;
    }
    const id = cookie(req, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (session && session.expiresAt <= this.#o.now()) {
      this.#sessions.delete(id!);
      return undefined;
    }
    return session;
  }

  /** Checks an action: an operator's session, the CSRF token, and a same-origin request. */
  authorizeAction(req: IncomingMessage, session: Session): void {
    const origin = header(req, 'origin');
    if (origin !== undefined && origin !== `http://${header(req, 'host')}`)
      throw new DashboardError(403, `cross-origin request from ${origin} refused`);
    const sent = header(req, 'x-csrf-token');
    if (sent === undefined || !sameText(sent, session.csrf))
      throw new DashboardError(
        403,
        'missing or wrong x-csrf-token (read it from GET /api/session)',
        'BadCsrfToken',
      );
    if (session.role !== 'operator')
      throw new DashboardError(403, `${session.actor} is a viewer: read only, ask an operator`, 'ReadOnly');
  }

  /** Signs in with an access key; returns the new session and its cookie id. */
  login(accessKeyId: unknown, secret: unknown): { id: string; session: Session } {
    const keys = this.#o.keys;
    if (!keys) throw new DashboardError(400, 'this server has no --auth: there is nothing to sign in to');
    const known = typeof accessKeyId === 'string' ? keys.get(accessKeyId) : undefined;
    // Compare against something even for an unknown id, so the answer takes as long.
    const ok = sameText(typeof secret === 'string' ? secret : '', known ?? token()) && known !== undefined;
    if (!ok) throw new DashboardError(401, 'unknown access key id or wrong secret', 'BadCredentials');
    const id = token();
    const session: Session = {
      actor: accessKeyId as string,
      role: this.#o.viewers?.has(accessKeyId as string) ? 'viewer' : 'operator',
      csrf: token(),
      expiresAt: this.#o.now() + (this.#o.sessionMs ?? 12 * 3600_000),
    };
    this.#sessions.set(id, session);
    return { id, session };
  }

  logout(req: IncomingMessage): void {
    const id = cookie(req, SESSION_COOKIE);
    if (id !== undefined) this.#sessions.delete(id);
  }
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

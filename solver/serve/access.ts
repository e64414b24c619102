/**
 * Who may talk to a browser-mode server (DESIGN 'Shells'): only a browser that knows the
 * random token printed in the URL, and only from the server's own origin.
 *
 * Token scheme: the printed URL carries `?token=T`. A request with a valid token in its
 * query is answered and given a `SameSite=Strict; HttpOnly` cookie holding the token, so the
 * page's own asset requests (which carry no query) are let in by the cookie. The WebSocket
 * at `/farm` accepts the token from its query or the cookie. Everything else gets 401.
 * Requests that say they come from another site (Origin or Sec-Fetch-Site) get 403, and so
 * does any WebSocket upgrade whose Origin is not exactly the server's own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token after the first request. */
export const TOKEN_COOKIE = 'solver_farm_token';

/** A fresh random token: 24 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so response timing does not leak the token. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Value of one cookie in a request, or null. */
export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The `Set-Cookie` header value that stores the token for later asset and WebSocket requests. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** How a request authenticated, or why it was refused. */
export type AccessDecision = { ok: true; via: 'query' | 'cookie' } | { ok: false; status: 401 | 403; reason: string };

export interface AccessPolicy {
  token: string;
  /** Port the server listens on (to build its own origins). */
  port: number;
  /**
   * Host names this server answers to. For a loopback bind these are the loopback names
   * only, which also defeats DNS rebinding; null = any Host (an explicit `--host`).
   */
  hostNames: string[] | null;
}

/** Loopback names a browser may use for a server bound to 127.0.0.1 / ::1 / localhost. */
export function loopbackHostNames(): string[] {
  return ['127.0.0.1', 'localhost', '[::1]'];
}

/** The origin a same-origin request to this server carries, if its Host header is acceptable. */
export function ownOrigin(req: IncomingMessage, policy: AccessPolicy): string | null {
  const host = req.headers.host;
  if (!host) return null;
  if (policy.hostNames !== null) {
    const allowed = policy.hostNames.some((name) => host === `${name}:${policy.port}`);
    if (!allowed) return null;
  }
  return `http://${host}`;
}

/**
 * Decide an HTTP request or WebSocket upgrade. An upgrade must carry an Origin equal to the
 * server's own origin; a plain request may omit Origin (navigations do) but not bring a foreign one.
 */
export function checkAccess(req: IncomingMessage, policy: AccessPolicy, upgrade: boolean): AccessDecision {
  const origin = ownOrigin(req, policy);
  if (origin === null) return { ok: false, status: 403, reason: 'unexpected Host header' };
  const requestOrigin = req.headers.origin;
  if (requestOrigin !== undefined && requestOrigin !== origin) {
    return { ok: false, status: 403, reason: `foreign origin ${requestOrigin}` };
  }
  // Browsers always send Origin on a WebSocket handshake; one without it is not a page of ours.
  if (upgrade && requestOrigin === undefined) return { ok: false, status: 403, reason: 'WebSocket without Origin' };
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { ok: false, status: 403, reason: `request from another site (${site})` };
  }
  const url = new URL(req.url ?? '/', origin);
  if (tokenMatches(policy.token, url.searchParams.get('token'))) return { ok: true, via: 'query' };
  if (tokenMatches(policy.token, readCookie(req, TOKEN_COOKIE))) return { ok: true, via: 'cookie' };
  return { ok: false, status: 401, reason: 'missing or wrong token' };
}

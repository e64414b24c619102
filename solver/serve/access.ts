/**
 * Who may talk to a browser-mode server (DESIGN 'Shells', 'Trust boundaries').
 *
 * The credential is a random token that lives only where no other origin can read or receive
 * it. The printed URL carries it in its fragment (`http://127.0.0.1:PORT/#token=T`): browsers
 * never send a fragment to any server, nor put it in a Referer. The page keeps it in
 * sessionStorage (scoped to its own origin, port included) and sends it in the query of its
 * WebSocket handshake to its own origin. There is no cookie: cookies ignore ports, so every
 * other service on 127.0.0.1 (a dev server, Jupyter…) would receive it.
 *
 * So the page and its assets, which hold no secret, are served to anyone who may reach the
 * server; FarmApi at `/farm`, the only thing of value, requires the token. Every request must
 * also name one of our own hosts (defeats DNS rebinding) and must not say it comes from another
 * site (Origin, Sec-Fetch-Site); a WebSocket upgrade must carry exactly our own Origin.
 *
 * Every parse of what a client sent happens here and never throws: a request we cannot parse
 * is refused with 400.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

/** A request let in (with its parsed target), or why it was refused. */
export type AccessDecision =
  | { ok: true; pathname: string }
  | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

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

/** `host[:port]` as a Host header may carry it: a DNS name or IPv4 address, or a bracketed IPv6 address. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The origin a same-origin request to this server carries, if its Host header is one of ours;
 * null when it is missing, malformed or foreign.
 */
export function ownOrigin(req: IncomingMessage, policy: AccessPolicy): string | null {
  const host = req.headers.host;
  if (typeof host !== 'string' || !HOST_HEADER.test(host)) return null;
  if (policy.hostNames !== null && !policy.hostNames.some((name) => host === `${name}:${policy.port}`)) return null;
  return `http://${host}`;
}

/**
 * The path and query of a request-target. Only the origin form (`/path?query`) is accepted, the
 * only one a browser sends to a server that is not a proxy; null for anything else (absolute or
 * authority form, `*`, junk), which the caller refuses with 400.
 */
export function parseTarget(target: string | undefined): { pathname: string; query: URLSearchParams } | null {
  if (typeof target !== 'string' || !target.startsWith('/')) return null;
  try {
    // Appended to a fixed base rather than resolved against it, so `//evil/x` stays a path.
    const url = new URL(`http://target.invalid${target}`);
    return { pathname: url.pathname, query: url.searchParams };
  } catch {
    return null;
  }
}

/**
 * Decide a plain HTTP request (the page and its assets) or a WebSocket upgrade (FarmApi at
 * `/farm`, which must also carry the token). A plain request may omit Origin (navigations
 * do) but not bring a foreign one; an upgrade must carry exactly our own.
 */
export function checkAccess(req: IncomingMessage, policy: AccessPolicy, upgrade: boolean): AccessDecision {
  const target = parseTarget(req.url);
  if (target === null) return { ok: false, status: 400, reason: 'malformed request-target' };
  const origin = ownOrigin(req, policy);
  if (origin === null) return { ok: false, status: 403, reason: 'unexpected Host header' };
  const requestOrigin = req.headers.origin;
  if (requestOrigin !== undefined && requestOrigin !== origin) {
    return { ok: false, status: 403, reason: 'request from another origin' };
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { ok: false, status: 403, reason: `request from another site (${site})` };
  }
  if (!upgrade) return { ok: true, pathname: target.pathname };
  if (target.pathname !== '/farm') return { ok: false, status: 404, reason: 'no such endpoint' };
  // Browsers always send Origin on a WebSocket handshake; one without it is not a page of ours.
  if (requestOrigin === undefined) return { ok: false, status: 403, reason: 'WebSocket without Origin' };
  if (!tokenMatches(policy.token, target.query.get('token'))) {
    return { ok: false, status: 401, reason: 'missing or wrong token' };
  }
  return { ok: true, pathname: target.pathname };
}

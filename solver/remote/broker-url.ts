/**
 * Broker addresses and the errors a user sees about them. A broker URL is
 * `amqp[s]://user:password@host[:port]/vhost`; the password never appears in a message.
 */

/** A parsed broker URL. */
export interface BrokerTarget {
  /** The URL as given (with the password): what amqplib connects to. */
  url: string;
  /** `amqp://host:port/vhost` with no credentials, for messages and logs. */
  display: string;
  protocol: 'amqp' | 'amqps';
  host: string;
  port: number;
  user: string;
  vhost: string;
}

/** Why talking to the broker failed, for callers that react differently (retry or give up). */
export type BrokerErrorCode = 'bad-url' | 'auth' | 'vhost' | 'unreachable' | 'closed';

/** An error about the broker, worded for the person who typed the URL. */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;
  constructor(code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
  }
}

/** Parse and check a broker URL; throws a BrokerError (`bad-url`) saying what is wrong. */
export function parseBrokerUrl(url: string): BrokerTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BrokerError(
      'bad-url',
      `'${redact(url)}' is not a broker URL: expected amqp://user:password@host[:port]/vhost (or amqps:// for TLS)`,
    );
  }
  const protocol = parsed.protocol.replace(/:$/, '');
  if (protocol !== 'amqp' && protocol !== 'amqps') {
    throw new BrokerError(
      'bad-url',
      `broker URL '${redact(url)}' uses '${protocol}:'; expected amqp:// or amqps:// (e.g. amqp://user:password@host/vhost)`,
    );
  }
  if (parsed.hostname === '') {
    throw new BrokerError('bad-url', `broker URL '${redact(url)}' has no host name`);
  }
  const port = parsed.port === '' ? (protocol === 'amqps' ? 5671 : 5672) : Number(parsed.port);
  // amqplib's rule: the path after the first '/' is the vhost, URL-decoded; empty means '/'.
  const rawVhost = parsed.pathname.replace(/^\//, '');
  const vhost = rawVhost === '' ? '/' : decodeURIComponent(rawVhost);
  const user = parsed.username === '' && parsed.password === '' ? 'guest' : decodeURIComponent(parsed.username);
  const host = parsed.hostname;
  const display = `${protocol}://${host}:${port}/${rawVhost}`;
  return { url, display, protocol, host, port, user, vhost };
}

/** The URL with its password replaced by `***`, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/**
 * Turn whatever amqplib or the socket threw while connecting into a BrokerError that says
 * what was wrong and what to do. Unknown errors keep their text, prefixed with the address.
 */
export function describeConnectError(err: unknown, target: BrokerTarget): BrokerError {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (/ACCESS_REFUSED|403/.test(message)) {
    return new BrokerError(
      'auth',
      `broker refused the login for user '${target.user}' at ${target.display}: check the user and password`,
      { cause: err },
    );
  }
  // The broker closing the connection in reply to connection.open (amqplib: "Expected
  // ConnectionOpenOk; got <ConnectionClose>") means the login worked but the vhost did not.
  if (/NOT_ALLOWED|530|Expected ConnectionOpenOk/.test(message)) {
    return new BrokerError(
      'vhost',
      `broker at ${target.display} did not let user '${target.user}' open vhost '${target.vhost}': check that the vhost exists and the user has permissions on it`,
      { cause: err },
    );
  }
  const unreachable: Record<string, string> = {
    ECONNREFUSED: 'connection refused: is RabbitMQ running there and listening on that port?',
    ETIMEDOUT: 'timed out: is the host up and the port open in its firewall?',
    EHOSTUNREACH: 'host unreachable: check the host name and the network',
    ENETUNREACH: 'network unreachable: check the host name and the network',
    ENOTFOUND: 'host name not found: check the host name',
    EAI_AGAIN: 'host name lookup failed: check the host name and DNS',
    ECONNRESET: 'connection reset while logging in: is that an AMQP port (amqps:// for a TLS port)?',
  };
  const hint = unreachable[code] ?? (/timeout|ETIMEDOUT/i.test(message) ? unreachable.ETIMEDOUT : undefined);
  if (hint !== undefined) {
    return new BrokerError('unreachable', `cannot reach the broker at ${target.display} (${hint})`, { cause: err });
  }
  if (/Socket closed abruptly|Unexpected close|EPIPE/i.test(message)) {
    return new BrokerError(
      'unreachable',
      `cannot reach the broker at ${target.display} (the connection closed during the handshake: is it an AMQP 0-9-1 port, and amqps:// for TLS?)`,
      { cause: err },
    );
  }
  return new BrokerError('closed', `broker at ${target.display}: ${message}`, { cause: err });
}

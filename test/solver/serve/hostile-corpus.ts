/**
 * Malformed and hostile requests for a browser-mode server: bad request-targets, broken or
 * missing Host/Origin headers, broken WebSocket handshakes and frames, absurd methods, huge
 * headers, junk bytes, pipelined junk, half-closed and reset connections. None of them may
 * take the server down or get a 5xx answer.
 */
import type { RawExchange } from './raw-http.ts';

export interface HostileRequest extends RawExchange {
  name: string;
  /** When set, the answer must start with this status line prefix (e.g. 'HTTP/1.1 400'). */
  expect?: string;
}

/** A small deterministic PRNG, so the junk is the same on every run. */
function junk(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The corpus for a server on `port` whose real token is `token`. */
export function hostileRequests(port: number, token: string): HostileRequest[] {
  const host = `Host: 127.0.0.1:${port}`;
  const origin = `Origin: http://127.0.0.1:${port}`;
  const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
  const ws = `Upgrade: websocket\r\nConnection: Upgrade\r\n${key}\r\nSec-WebSocket-Version: 13`;
  const upgrade = (target: string, headers = `${host}\r\n${origin}`): string =>
    `GET ${target} HTTP/1.1\r\n${headers}\r\n${ws}\r\n\r\n`;
  const get = (target: string, headers = host): string => `GET ${target} HTTP/1.1\r\n${headers}\r\n\r\n`;
  const farm = `/farm?token=${token}`;
  const list: HostileRequest[] = [
    // The request-targets that used to throw out of the upgrade handler.
    { name: 'upgrade, target http://[/farm', bytes: upgrade('http://[/farm', host), expect: 'HTTP/1.1 400' },
    { name: 'upgrade, target http://[/farm with token', bytes: upgrade(`http://[${farm}`), expect: 'HTTP/1.1 400' },
    { name: 'GET, target http://[/', bytes: get('http://[/'), expect: 'HTTP/1.1 400' },
    { name: 'upgrade, target //', bytes: upgrade('//') },
    { name: 'upgrade, target //evil/farm', bytes: upgrade(`//evil${farm}`) },
    { name: 'GET, target //', bytes: get('//') },
    { name: 'upgrade, target %', bytes: upgrade('%') },
    { name: 'GET, target %', bytes: get('%') },
    { name: 'GET, target /%', bytes: get('/%') },
    { name: 'GET, target /%zz/%', bytes: get('/%zz/%') },
    { name: 'upgrade, bad escapes in query', bytes: upgrade('/farm?token=%zz%&token') },
    { name: 'upgrade, target *', bytes: upgrade('*') },
    { name: 'OPTIONS *', bytes: `OPTIONS * HTTP/1.1\r\n${host}\r\n\r\n` },
    { name: 'upgrade, absolute target', bytes: upgrade(`http://127.0.0.1:${port}${farm}`) },
    { name: 'upgrade, absolute target of another scheme', bytes: upgrade(`javascript:alert(1)${farm}`) },
    { name: 'GET, absolute target', bytes: get(`http://127.0.0.1:${port}/`) },
    { name: 'upgrade, target with NUL-ish escapes', bytes: upgrade('/farm%00?token=%00') },
    { name: 'GET, traversal target', bytes: get('/..%2f..%2f..%2fetc/passwd') },
    // Host and Origin headers.
    { name: 'upgrade, Host [', bytes: upgrade(farm, `Host: [\r\nOrigin: http://[`) },
    { name: 'upgrade, Host [ and absolute target', bytes: upgrade('http://[/farm', 'Host: [\r\nOrigin: http://[') },
    { name: 'GET, Host [', bytes: get('/', 'Host: [') },
    { name: 'GET, Host with spaces', bytes: get('/', 'Host: a b c') },
    { name: 'upgrade, Host with a path', bytes: upgrade(farm, `Host: 127.0.0.1:${port}/x\r\n${origin}`) },
    { name: 'upgrade, empty Host', bytes: upgrade(farm, `Host:\r\n${origin}`) },
    { name: 'upgrade, no Host', bytes: upgrade(farm, origin) },
    { name: 'GET, no Host', bytes: 'GET / HTTP/1.1\r\n\r\n' },
    { name: 'upgrade, two Hosts', bytes: upgrade(farm, `${host}\r\nHost: evil\r\n${origin}`) },
    { name: 'upgrade, Origin null', bytes: upgrade(farm, `${host}\r\nOrigin: null`) },
    { name: 'upgrade, Origin %', bytes: upgrade(farm, `${host}\r\nOrigin: %`) },
    { name: 'upgrade, Origin http://[', bytes: upgrade(farm, `${host}\r\nOrigin: http://[`) },
    { name: 'upgrade, two Origins', bytes: upgrade(farm, `${host}\r\n${origin}\r\nOrigin: http://evil`) },
    {
      name: 'upgrade, junk cookie',
      bytes: upgrade('/farm', `${host}\r\n${origin}\r\nCookie: ;;=;=%;a=${'%'.repeat(99)}`),
    },
    // Broken WebSocket handshakes, with the right token so they reach the handshake itself.
    {
      name: 'upgrade, bad Sec-WebSocket-Key',
      bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    },
    {
      name: 'upgrade, no Sec-WebSocket-Key',
      bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    },
    {
      name: 'upgrade, Sec-WebSocket-Version 99',
      bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${key}\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    },
    {
      name: 'upgrade to h2c',
      bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n`,
    },
    {
      name: 'upgrade, junk extensions and protocols',
      bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\n${ws}\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=zz;;\r\nSec-WebSocket-Protocol: ,,, ,\r\n\r\n`,
    },
    {
      name: 'POST upgrade',
      bytes: `POST ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\n${ws}\r\nContent-Length: 3\r\n\r\nabc`,
    },
    { name: 'upgrade, then unmasked frame', bytes: `${upgrade(farm)}\x81\x05hello` },
    { name: 'upgrade, then junk frames', bytes: Buffer.concat([Buffer.from(upgrade(farm)), junk(4096, 7)]) },
    {
      name: 'upgrade, then a frame claiming 2^63 bytes',
      bytes: Buffer.concat([
        Buffer.from(upgrade(farm)),
        Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]),
      ]),
    },
    {
      name: 'upgrade, then a binary frame',
      bytes: Buffer.concat([Buffer.from(upgrade(farm)), Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5])]),
    },
    {
      name: 'upgrade, then a frame of invalid UTF-8',
      bytes: Buffer.concat([Buffer.from(upgrade(farm)), Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28])]),
    },
    {
      name: 'upgrade, then a reserved opcode',
      bytes: Buffer.concat([Buffer.from(upgrade(farm)), Buffer.from([0x83, 0x80, 0, 0, 0, 0])]),
    },
    {
      name: 'upgrade, then a JSON bomb request',
      bytes: Buffer.concat([Buffer.from(upgrade(farm)), maskedText(`${'['.repeat(60_000)}`)]),
    },
    {
      name: 'upgrade, then a request with a cyclic-looking id',
      bytes: Buffer.concat([Buffer.from(upgrade(farm)), maskedText('{"id":1e400,"verb":"status","args":[]}')]),
    },
    {
      name: 'upgrade, then a request whose verb is __proto__',
      bytes: Buffer.concat([
        Buffer.from(upgrade(farm)),
        maskedText('{"id":1,"verb":"__proto__","args":{"length":1e9}}'),
      ]),
    },
    {
      name: 'upgrade, then openRun with junk',
      bytes: Buffer.concat([
        Buffer.from(upgrade(farm)),
        maskedText('{"id":2,"verb":"openRun","args":[{"toString":1},{"offset":-1}]}'),
      ]),
    },
    // Absurd methods and versions.
    { name: 'method FOO', bytes: `FOO / HTTP/1.1\r\n${host}\r\n\r\n` },
    { name: 'method with NUL', bytes: `G\x00T / HTTP/1.1\r\n${host}\r\n\r\n` },
    { name: 'DELETE upgrade', bytes: `DELETE ${farm} HTTP/1.1\r\n${host}\r\n${origin}\r\n${ws}\r\n\r\n` },
    { name: 'CONNECT', bytes: `CONNECT 127.0.0.1:1 HTTP/1.1\r\n${host}\r\n\r\n` },
    { name: 'HTTP/0.9', bytes: 'GET /\r\n\r\n' },
    { name: 'HTTP/9.9', bytes: `GET / HTTP/9.9\r\n${host}\r\n\r\n` },
    { name: 'HTTP/1.0 upgrade without Host', bytes: `GET ${farm} HTTP/1.0\r\n${origin}\r\n${ws}\r\n\r\n` },
    { name: 'HTTP/2 preface', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' },
    { name: 'TLS client hello', bytes: Buffer.from('16030100a5010000a10303', 'hex') },
    { name: 'junk bytes', bytes: junk(8192, 1) },
    { name: 'NUL bytes', bytes: Buffer.alloc(1024) },
    { name: 'bare newlines', bytes: '\n\n\n\n\r\n\r\n' },
    // Sizes.
    { name: 'huge header', bytes: get('/', `${host}\r\nX-Big: ${'a'.repeat(100_000)}`) },
    { name: 'huge upgrade header', bytes: upgrade(farm, `${host}\r\n${origin}\r\nX-Big: ${'a'.repeat(100_000)}`) },
    {
      name: 'many headers',
      bytes: get('/', `${host}\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: ${i}`).join('\r\n')}`),
    },
    { name: 'huge target', bytes: get(`/${'a'.repeat(200_000)}`) },
    { name: 'huge upgrade target', bytes: upgrade(`/farm?token=${'a'.repeat(200_000)}`) },
    // Bodies and framing.
    {
      name: 'Content-Length and chunked',
      bytes: `GET / HTTP/1.1\r\n${host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    },
    { name: 'bad chunk', bytes: `POST / HTTP/1.1\r\n${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n` },
    {
      name: 'huge Content-Length, short body',
      bytes: `POST / HTTP/1.1\r\n${host}\r\nContent-Length: 999999999999\r\n\r\nabc`,
    },
    { name: 'negative Content-Length', bytes: `POST / HTTP/1.1\r\n${host}\r\nContent-Length: -1\r\n\r\n` },
    // Pipelining and half-closed connections.
    { name: 'pipelined junk', bytes: `${get('/')}${get('/assets/x.js')}GARBAGE\r\n\r\n${get('http://[/')}` },
    { name: 'pipelined upgrade with bad target', bytes: `${get('/')}${upgrade('http://[/farm')}` },
    { name: 'half a request line, half-closed', bytes: 'GET /fa' },
    { name: 'half a header, half-closed', bytes: `GET / HTTP/1.1\r\n${host}\r\nX-A` },
    { name: 'half an upgrade, left open', bytes: `GET ${farm} HTTP/1.1\r\n${host}\r\nUpgr`, end: false },
    { name: 'upgrade, left open', bytes: upgrade(farm), end: false },
  ];
  // Connections reset right after sending: the server may be mid-answer when the RST comes.
  for (let i = 0; i < 20; i++) {
    list.push({ name: `reset after refused upgrade #${i}`, bytes: upgrade('/farm?token=wrong'), reset: true });
    list.push({ name: `reset after bad-target upgrade #${i}`, bytes: upgrade('http://[/farm'), reset: true });
    list.push({ name: `reset after accepted upgrade #${i}`, bytes: upgrade(farm), reset: true });
    list.push({ name: `reset after GET #${i}`, bytes: get('/'), reset: true });
  }
  return list;
}

/** One masked WebSocket text frame (clients must mask), for lengths up to 65535 bytes. */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  // A zero mask leaves the payload as it is.
  return Buffer.concat([header, Buffer.alloc(4), payload]);
}

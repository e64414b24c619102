/**
 * Browser mode against a real server, a real Farm and real solver processes: who is let in
 * (token, cookie, origin, host), what is served, and FarmApi over the WebSocket.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  ExampleJob,
  FarmEvent,
  FarmStatus,
  JobPreview,
  ModelSummary,
  PastRun,
  PastRunDetail,
  TaskResult,
  WsServerMessage,
} from '../../../solver/api.ts';
import { type ServeHandle, serve } from '../../../solver/serve/index.ts';

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP GET (no URL normalisation, so traversal attempts reach the server as written). */
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket, or with the HTTP status the server refused it with. */
function connect(url: string, options: WebSocket.ClientOptions): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** A FarmApi client over the socket, enough for the tests. */
function client(ws: WebSocket) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const batches: FarmEvent[][] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WsServerMessage;
    if (message.type === 'events') {
      batches.push(message.events);
      for (const w of waiters.splice(0)) w();
      return;
    }
    const p = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) p?.resolve(message.value);
    else p?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
  });
  return {
    batches,
    call<T>(verb: string, ...args: unknown[]): Promise<T> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, verb, args }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    raw(text: string): Promise<WsServerMessage> {
      return new Promise((resolve) => {
        ws.once('message', (data) => resolve(JSON.parse(String(data)) as WsServerMessage));
        ws.send(text);
      });
    },
    /** Wait until some received event satisfies `test`. */
    async until(test: (e: FarmEvent) => boolean, timeoutMs = 30_000): Promise<FarmEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = batches.flat().find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('timed out waiting for an event');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

describe('solver/serve (browser mode)', () => {
  let root: string;
  let site: string;
  let server: ServeHandle;
  let origin: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'serve-test-'));
    site = path.join(root, 'site');
    mkdirSync(path.join(site, 'assets'), { recursive: true });
    writeFileSync(
      path.join(site, 'index.html'),
      '<!doctype html><title>Solver Farm</title><script type="module" src="./assets/app.js"></script>',
    );
    writeFileSync(path.join(site, 'assets', 'app.js'), 'console.log("panel");');
    writeFileSync(path.join(site, 'assets', 'style.css'), 'body{}');
    writeFileSync(path.join(root, 'secret.txt'), 'not for the browser');
    server = await serve({ port: 0, cores: 2, rendererDir: site, log: () => {} });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(server.url).toContain(server.token);
  });

  it('refuses HTTP requests without the token, or with a wrong one, with 401', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', `/?token=${server.token.slice(1)}x`, '/?token=']) {
      const reply = await get(server.port, p);
      expect(reply.status, p).toBe(401);
      expect(reply.body).not.toContain('<title>');
    }
    const wrongCookie = await get(server.port, '/assets/app.js', { cookie: 'solver_farm_token=nope' });
    expect(wrongCookie.status).toBe(401);
  });

  it('serves the page with the token, sets the cookie, and serves assets by cookie with the right MIME types', async () => {
    const page = await get(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Solver Farm</title>');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toContain(`solver_farm_token=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = `solver_farm_token=${server.token}`;
    const js = await get(server.port, '/assets/app.js', { cookie, origin });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("panel");');
    const css = await get(server.port, '/assets/style.css', { cookie });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(server.port, '/assets/missing.js', { cookie })).status).toBe(404);
  });

  it('refuses requests from another site or through a foreign Host, even with the token', async () => {
    const cookie = `solver_farm_token=${server.token}`;
    expect((await get(server.port, '/assets/app.js', { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.port, '/', { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example.
    expect((await get(server.port, `/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(
      403,
    );
  });

  it('refuses directory traversal', async () => {
    const cookie = `solver_farm_token=${server.token}`;
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const reply = await get(server.port, p, { cookie });
      expect([400, 404], p).toContain(reply.status);
      expect(reply.body).not.toContain('not for the browser');
    }
  });

  it('refuses WebSocket upgrades without the token, from a foreign Origin, or without an Origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/farm`;
    expect(await connect(ws, { origin })).toBe(401);
    expect(await connect(`${ws}?token=wrong`, { origin })).toBe(401);
    expect(await connect(`${ws}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await connect(`${ws}?token=${server.token}`, { origin: `http://localhost:${server.port + 1}` })).toBe(403);
    expect(await connect(`${ws}?token=${server.token}`, {})).toBe(403);
    expect(await connect(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin })).toBe(404);
  });

  it('answers FarmApi over the WebSocket and streams a Wyndor run to every client', async () => {
    const first = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    const second = await connect(`ws://127.0.0.1:${server.port}/farm`, {
      origin,
      headers: { cookie: `solver_farm_token=${server.token}` },
    });
    if (typeof first === 'number' || typeof second === 'number') throw new Error(`refused: ${first} ${second}`);
    const a = client(first);
    const b = client(second);
    try {
      const examples = await a.call<ExampleJob[]>('examples');
      expect(examples.map((e) => e.id)).toContain('wyndor-sweep');
      const idle = await a.call<FarmStatus>('status');
      expect(idle.state).toBeTypeOf('string');

      const run = await a.call<{ runId: string; total: number }>('start', { example: 'wyndor-sweep', cores: 2 });
      expect(run.total).toBe(901);
      const done = await a.until((e) => e.type === 'run' && (e.state === 'done' || e.state === 'failed'), 60_000);
      expect(done).toMatchObject({ type: 'run', state: 'done' });
      const results = a.batches.flat().flatMap((e) => (e.type === 'results' ? e.results : [])) as TaskResult[];
      expect(results).toHaveLength(901);
      const p500 = results.find((r) => r.label === 'P=500');
      expect(p500?.objective).toBeCloseTo(3600, 6);
      expect(a.batches.flat().some((e) => e.type === 'log' && e.lines.length > 0)).toBe(true);
      // The second client saw the same run.
      await b.until((e) => e.type === 'run' && e.state === 'done');
      expect(b.batches.flat().filter((e) => e.type === 'results').length).toBeGreaterThan(0);
      const status = await b.call<FarmStatus>('status');
      expect(status.state).toBe('done');
      expect(status.solvers).toHaveLength(2);
    } finally {
      first.close();
      second.close();
    }
  });

  it('answers bad requests with a readable error reply instead of dropping the socket', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    const c = client(ws);
    try {
      expect(await c.raw('not json')).toMatchObject({
        type: 'reply',
        ok: false,
        error: { message: expect.stringContaining('not valid JSON') },
      });
      expect(await c.raw(JSON.stringify({ id: 7, verb: 'close', args: [] }))).toMatchObject({
        type: 'reply',
        id: 7,
        ok: false,
        error: { message: expect.stringContaining('Unknown request verb "close"') },
      });
      await expect(c.call('start', { example: 'no-such-example' })).rejects.toThrow(/no-such-example/);
    } finally {
      ws.close();
    }
  });
});

describe('solver/serve run history', () => {
  it('lists, opens and previews over the WebSocket, with checked arguments', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'serve-history-'));
    const site = path.join(root, 'site');
    mkdirSync(site, { recursive: true });
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>Solver Farm</title>');
    const server = await serve({ port: 0, cores: 2, rendererDir: site, dataDir: root, log: () => {} });
    const origin = `http://127.0.0.1:${server.port}`;
    const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    try {
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      const c = client(ws);
      expect(await c.call<PastRun[]>('runs')).toEqual([]);
      expect(await c.call<JobPreview>('preview', { example: 'wyndor-sweep' })).toMatchObject({ total: 901 });
      const run = await c.call<{ runId: string; total: number }>('start', { example: 'wyndor-sweep' });
      await c.until((e) => e.type === 'run' && e.state === 'done', 60_000);
      const runs = await c.call<PastRun[]>('runs');
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ runId: run.runId, status: 'done', done: 901, total: 901, resumable: false });
      const page = await c.call<PastRunDetail>('openRun', run.runId, { offset: 100, limit: 50 });
      expect(page.resultCount).toBe(901);
      expect(page.results.map((r) => r.index)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
      const model = await c.call<ModelSummary>('inspectModel', {
        name: 'm.lp',
        text: 'max\n obj: x\nst\n c: x <= 1\nend\n',
      });
      expect(model).toMatchObject({ format: 'lp', variables: ['x'], constraints: ['c'] });
      await expect(c.call('openRun', '../../etc/passwd')).rejects.toThrow(/expected a run id/);
      await expect(c.call('inspectModel', 'm.lp')).rejects.toThrow(/expected \{ name: string, text: string \}/);
      await expect(c.call('inspectModel', { name: 'm.lp', text: 'max\n obj: x +\nend\n' })).rejects.toThrow(
        /^m\.lp:\d+: /,
      );
    } finally {
      if (typeof ws !== 'number') ws.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('solver/serve shutdown', () => {
  it('refuses a weak token', async () => {
    await expect(serve({ port: 0, token: 'short', rendererDir: os.tmpdir(), log: () => {} })).rejects.toThrow(
      /at least 16 URL-safe characters/,
    );
  });

  it('close() disconnects clients and kills every solver process of its farm', async () => {
    const site = mkdtempSync(path.join(os.tmpdir(), 'serve-close-'));
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>x</title>');
    const server = await serve({ port: 0, cores: 2, rendererDir: site, log: () => {} });
    try {
      const origin = `http://127.0.0.1:${server.port}`;
      const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      const c = client(ws);
      const spin = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'kinds', 'spin.ts');
      await c.call('start', {
        job: { kind: 'custom', module: spin, spec: { tasks: 10_000, ms: 50 } },
        source: path.join(site, 'spin.json'),
      });
      let pids: number[] = [];
      const deadline = Date.now() + 20_000;
      while (pids.length < 2 && Date.now() < deadline) {
        const status = await c.call<FarmStatus>('status');
        pids = status.solvers.filter((s) => s.state === 'solving').flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
        if (pids.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(pids).toHaveLength(2);
      const closedSocket = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await server.close();
      expect(await closedSocket).toBe(1001);
      const alive = pids.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
    } finally {
      await server.close();
      rmSync(site, { recursive: true, force: true });
    }
  }, 60_000);
});

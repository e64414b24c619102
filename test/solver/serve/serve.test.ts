/**
 * Browser mode against a real server, a real Farm and real solver processes: who is let in
 * (token, origin, host), what is served, FarmApi over the WebSocket, and what its errors say.
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
import { type ClosableFarm, type ServeHandle, serve } from '../../../solver/serve/index.ts';

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

  it('prints a 127.0.0.1 URL with a long random token in its fragment, which no request carries', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
    expect(server.url).toContain(server.token);
  });

  it('serves the page and its assets without the token, with the right MIME types, and never sets a cookie', async () => {
    // They hold no secret; the token guards FarmApi only, and a cookie would reach every port of this host.
    for (const p of ['/', `/?token=${server.token}`, '/index.html', '/assets/app.js', '/assets/missing.js']) {
      const reply = await get(server.port, p);
      expect(reply.status, p).toBe(p.endsWith('missing.js') ? 404 : 200);
      expect(reply.headers['set-cookie'], p).toBeUndefined();
      expect(reply.body, p).not.toContain(server.token);
    }
    const page = await get(server.port, '/');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Solver Farm</title>');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const js = await get(server.port, '/assets/app.js', { origin });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("panel");');
    const css = await get(server.port, '/assets/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('refuses requests from another site or through a foreign Host, even with the token', async () => {
    expect((await get(server.port, '/assets/app.js', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.port, '/', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example.
    expect((await get(server.port, `/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(
      403,
    );
  });

  it('refuses directory traversal', async () => {
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const reply = await get(server.port, p);
      expect([400, 404], p).toContain(reply.status);
      expect(reply.body).not.toContain('not for the browser');
    }
  });

  it('refuses WebSocket upgrades without the token, from a foreign Origin, or without an Origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/farm`;
    expect(await connect(ws, { origin })).toBe(401);
    expect(await connect(`${ws}?token=wrong`, { origin })).toBe(401);
    // A cookie (as older versions set) does not stand in for the token.
    expect(await connect(ws, { origin, headers: { cookie: `solver_farm_token=${server.token}` } })).toBe(401);
    expect(await connect(`${ws}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await connect(`${ws}?token=${server.token}`, { origin: `http://localhost:${server.port + 1}` })).toBe(403);
    expect(await connect(`${ws}?token=${server.token}`, {})).toBe(403);
    expect(await connect(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin })).toBe(404);
  });

  it('answers FarmApi over the WebSocket and streams a Wyndor run to every client', async () => {
    const first = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    const second = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
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

  it('answers bad requests with a readable error reply, a message and a code but no stack, instead of dropping the socket', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    const c = client(ws);
    const failed = async (text: string): Promise<Record<string, unknown>> => {
      const reply = await c.raw(text);
      if (reply.type !== 'reply' || reply.ok) throw new Error(`expected a failed reply, got ${JSON.stringify(reply)}`);
      return reply.error as unknown as Record<string, unknown>;
    };
    try {
      const notJson = await failed('not json');
      expect(notJson).toMatchObject({ message: expect.stringContaining('not valid JSON'), code: 'bad-request' });
      const unknownVerb = await failed(JSON.stringify({ id: 7, verb: 'close', args: [] }));
      expect(unknownVerb).toMatchObject({ message: expect.stringContaining('Unknown request verb "close"') });
      expect(unknownVerb.code).toBe('bad-request');
      const invalidJob = await failed(
        JSON.stringify({ id: 8, verb: 'start', args: [{ job: { kind: 'sweep', grid: 3 }, source: 'bad.json' }] }),
      );
      expect(invalidJob).toMatchObject({ message: expect.stringMatching(/^bad\.json: /), code: 'invalid-argument' });
      const noExample = await failed(JSON.stringify({ id: 9, verb: 'start', args: [{ example: 'no-such-example' }] }));
      expect(noExample).toMatchObject({ message: expect.stringContaining('no-such-example'), code: 'error' });
      for (const error of [notJson, unknownVerb, invalidJob, noExample]) {
        expect(Object.keys(error).sort()).toEqual(['code', 'message', 'name']);
      }
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
    const spin = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'kinds', 'spin.ts');
    // The page's custom kind loads only because serve allows its folder (--allow-modules).
    const allowModules = [path.dirname(spin)];
    const server = await serve({ port: 0, cores: 2, rendererDir: site, allowModules, log: () => {} });
    try {
      const origin = `http://127.0.0.1:${server.port}`;
      const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      const c = client(ws);
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

/** A farm whose every verb fails as a bug would: with an Error, or with something that is no Error at all. */
function failingFarm(): ClosableFarm {
  const fail = async (): Promise<never> => {
    throw new Error('the examples folder vanished');
  };
  return {
    start: fail,
    terminate: fail,
    status: fail,
    examples: fail,
    runs: async (): Promise<never> => {
      throw 'a string, thrown by mistake';
    },
    openRun: fail,
    resume: fail,
    inspectModel: fail,
    preview: fail,
    subscribe: () => () => {},
    close: async () => {},
  };
}

describe('solver/serve server log', () => {
  let site: string;
  beforeAll(() => {
    site = mkdtempSync(path.join(os.tmpdir(), 'serve-log-'));
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>x</title>');
  });
  afterAll(() => rmSync(site, { recursive: true, force: true }));

  it('keeps the stack of a failed request in the server log; the page gets only the message and a code', async () => {
    const lines: string[] = [];
    const server = await serve({ port: 0, rendererDir: site, farm: failingFarm(), log: (line) => lines.push(line) });
    const origin = `http://127.0.0.1:${server.port}`;
    const ws = await connect(`ws://127.0.0.1:${server.port}/farm?token=${server.token}`, { origin });
    try {
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      const c = client(ws);
      expect(await c.raw(JSON.stringify({ id: 1, verb: 'examples', args: [] }))).toEqual({
        type: 'reply',
        id: 1,
        ok: false,
        error: { name: 'Error', message: 'the examples folder vanished', code: 'error' },
      });
      expect(await c.raw(JSON.stringify({ id: 2, verb: 'runs', args: [] }))).toEqual({
        type: 'reply',
        id: 2,
        ok: false,
        error: { name: 'Error', message: 'a string, thrown by mistake', code: 'internal' },
      });
      const logged = lines.join('\n');
      expect(logged).toMatch(/examples failed: Error: the examples folder vanished\n\s+at /);
      expect(logged).toContain('runs failed: a string, thrown by mistake');
    } finally {
      if (typeof ws !== 'number') ws.close();
      await server.close();
    }
  });

  it('warns that a non-loopback bind is reachable from the network, guarded only by the token, over plain HTTP', async () => {
    const warnings = async (host: string): Promise<string[]> => {
      const lines: string[] = [];
      const server = await serve({ port: 0, host, rendererDir: site, farm: failingFarm(), log: (l) => lines.push(l) });
      await server.close();
      return lines.filter((line) => /warning/i.test(line));
    };
    const [warning, ...more] = await warnings('0.0.0.0');
    expect(more).toEqual([]);
    expect(warning).toMatch(/reachable from the network/);
    expect(warning).toMatch(/guarded only by the token/);
    expect(warning).toMatch(/plain HTTP/);
    expect(warning).toMatch(/SSH tunnel: ssh -L \d+:127\.0\.0\.1:\d+/);
    expect(await warnings('127.0.0.1')).toEqual([]);
    expect(await warnings('127.0.0.2')).toEqual([]);
  });
});

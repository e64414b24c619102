/**
 * Browser mode (`solver-farm serve`): serves the built control panel and FarmApi over a
 * WebSocket at `/farm`, on 127.0.0.1 unless a host is given, behind a random token
 * (see access.ts for the token and origin rules). One farm is shared by every client.
 * Nothing a client sends may take the server down: every parse of a request is in the
 * refusal path (400), and no error of a socket or a handler escapes.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { FarmApi } from '../api.ts';
import { contentSecurityPolicy } from '../farm/csp.ts';
import { stackOf } from '../farm/page-errors.ts';
import type { JobAccess, PageFacingFarm } from '../farm/page-farm.ts';
import { type AccessPolicy, checkAccess, loopbackHostNames, newToken } from './access.ts';
import { resolveStaticPath, sendFile } from './static-files.ts';
import { WsBridge } from './ws-bridge.ts';

/** Project root (solver/serve/ → ../..), where dist/renderer and renderer/vite.config.ts live. */
const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Content Security Policy of the served page: the Electron window's (farm/csp.ts). */
export const SERVE_CSP = contentSecurityPolicy();

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': SERVE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A farm the server can own: FarmApi (with the page's access rules) plus shutdown (kills every solver process). */
export interface ClosableFarm extends PageFacingFarm {
  close(): Promise<void>;
}

export interface ServeOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind. Default 127.0.0.1: reachable from this machine only. */
  host?: string;
  /** Solver processes (default: the farm's own default, one per core). */
  cores?: number;
  /** Token to require (default: a fresh random one). */
  token?: string;
  /** Folder holding the built control panel (default: dist/renderer). */
  rendererDir?: string;
  /** Folder of built-in example jobs (default: the farm's own default). */
  examplesDir?: string;
  /** Record every run in `<dataDir>/runs/<run id>/` (the run journal); default: runs are not recorded. */
  dataDir?: string;
  /** RabbitMQ broker URL: `solver-farm worker` processes share the runs' tasks (solver/remote/). */
  broker?: string;
  /**
   * OS priority of the solver processes (`os.setPriority` scale). Default below normal: the
   * page and this server must keep getting CPU while every core solves (priority-launcher.ts).
   */
  solverPriority?: number;
  /** Use this farm instead of creating one (it is still closed by `close()`). */
  farm?: ClosableFarm;
  /**
   * Folders whose files (models, TSPLIB instances, batch folders) jobs from the page may name;
   * relative paths resolve in the first. Default: the working folder.
   */
  roots?: string[];
  /** Folders custom kind modules of jobs from the page may load from. Default: none (custom kinds refused). */
  allowModules?: string[];
  /** Where progress notes go (default: stderr, so stdout carries only what the CLI prints). */
  log?: (line: string) => void;
}

export interface ServeHandle {
  /** The URL to open, carrying the token in its fragment (never sent to a server): `http://127.0.0.1:PORT/#token=…`. */
  url: string;
  port: number;
  token: string;
  /** The farm behind the server (the CLI drains its run on SIGTERM before close()). */
  farm: Pick<FarmApi, 'subscribe' | 'status' | 'terminate'>;
  /** Stop serving, disconnect every client and kill every solver process. */
  close(): Promise<void>;
}

/** Start the browser-mode server. Resolves once it listens. */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  if (token.length < 16 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new Error('The access token must be at least 16 URL-safe characters (A-Z, a-z, 0-9, _ and -).');
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rendererDir = path.resolve(options.rendererDir ?? path.join(PROJECT_ROOT, 'dist', 'renderer'));
  await ensureRendererBuilt(rendererDir, options.rendererDir === undefined, log);

  const farm = options.farm ?? (await createFarm(options));
  const bridge = new WsBridge(farm, pageAccess(options), log);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  const policy: AccessPolicy = { token, port: 0, hostNames: isLoopback(host) ? loopbackHostNames() : null };

  const server = createServer((req, res) => {
    handleHttp(req, res, policy, rendererDir).catch((err: unknown) => {
      log(`serve: answering ${req.method} failed: ${stackOf(err)}`);
      if (!res.headersSent) respond(res, 500, 'Internal error: see the server log.');
      else res.destroy();
    });
  });
  // Requests Node cannot parse (junk, oversized headers, absurd methods) never reach the
  // handlers: Node's own 'clientError' answer (400, 431 or 408, then close) is the one we want.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node stops watching a socket once it hands it over as an upgrade: without a listener,
    // a peer's reset would be an uncaught 'error' and end the process.
    socket.on('error', () => socket.destroy());
    try {
      const decision = checkAccess(req, policy, true);
      if (!decision.ok) return refuseUpgrade(socket, decision.status);
      wss.handleUpgrade(req, socket, head, (ws) => bridge.attach(ws));
    } catch (err) {
      log(`serve: a WebSocket upgrade failed: ${stackOf(err)}`);
      refuseUpgrade(socket, 400);
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    bridge.close();
    if (options.farm === undefined) await farm.close();
    throw listenError(err, host, options.port);
  }
  const port = (server.address() as AddressInfo).port;
  policy.port = port;
  const shownHost = host === '0.0.0.0' || host === '::' ? os.hostname() : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/#token=${token}`;
  if (!isLoopbackAddress(host)) {
    log(
      `Warning: the panel at ${host}:${port} is reachable from the network, guarded only by the token, over plain HTTP ` +
        '(anyone who can watch the traffic can read the token). To use it from another machine, prefer the default ' +
        `host and an SSH tunnel: ssh -L ${port}:127.0.0.1:${port} <this machine>.`,
    );
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    token,
    farm,
    close() {
      closing ??= (async () => {
        bridge.close();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await farm.close();
      })();
      return closing;
    },
  };
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  policy: AccessPolicy,
  rendererDir: string,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return respond(res, 405, 'Only GET and HEAD are served here.');
  }
  // The page and its assets hold no secret: no token is needed here (see access.ts).
  const decision = checkAccess(req, policy, false);
  if (!decision.ok) return respond(res, decision.status, `${STATUS_CODES[decision.status]}: ${decision.reason}.`);
  const { pathname } = decision;
  if (pathname === '/farm') return respond(res, 426, 'The farm endpoint speaks WebSocket only.');
  const file = resolveStaticPath(rendererDir, pathname);
  if (file === null) return respond(res, 400, 'Bad path.');
  if (await sendFile(res, file, method)) return;
  // Browsers ask for a favicon on their own; an empty answer keeps their consoles clean.
  if (pathname === '/favicon.ico') {
    res.statusCode = 204;
    res.end();
    return;
  }
  respond(res, 404, `Not found: ${pathname}`);
}

function respond(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`${text}\n`);
}

/** Answer an upgrade with a bare HTTP refusal and close; a peer that never reads cannot keep the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The names whose Host-header check defeats DNS rebinding (access.ts); other binds accept any Host. */
/** What jobs from the page may read and load (solver/problems/job-access.ts). */
function pageAccess(options: ServeOptions): JobAccess {
  return {
    roots: (options.roots ?? [process.cwd()]).map((dir) => path.resolve(dir)),
    modules: (options.allowModules ?? []).map((dir) => path.resolve(dir)),
    hint: 'start solver-farm serve with --root DIR for files, --allow-modules DIR for custom kinds',
  };
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/** Whether only this machine can reach an address (all of 127.0.0.0/8 and ::1 are loopback). */
function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new Error(`Port ${port} on ${host} is already in use: pick another with --port.`);
  if (code === 'EADDRNOTAVAIL')
    return new Error(`Cannot bind ${host}: no such address on this machine (check --host).`);
  if (code === 'EACCES') return new Error(`Not allowed to bind ${host}:${port}: use a port above 1023.`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Build the control panel with Vite when it has not been built yet (first run from a clone). */
async function ensureRendererBuilt(dir: string, isDefault: boolean, log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(dir, 'index.html'))) return;
  if (!isDefault)
    throw new Error(
      `No control panel in ${dir}: index.html is missing. Build it with \`npx vite build -c renderer/vite.config.ts\`.`,
    );
  log('Building the control panel…');
  const { build } = await import('vite');
  await build({ configFile: path.join(PROJECT_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new Error(
      `Built the control panel but ${path.join(dir, 'index.html')} is still missing: check renderer/vite.config.ts's outDir.`,
    );
  }
}

async function createFarm(options: ServeOptions): Promise<ClosableFarm> {
  const [{ Farm }, { NodeLauncher }, { SOLVER_PRIORITIES }, { farmJournal }, { BrokerWorkers }] = await Promise.all([
    import('../farm/farm.ts'),
    import('../farm/node-launcher.ts'),
    import('../farm/priority-launcher.ts'),
    import('../journal/farm-journal.ts'),
    import('../remote/broker-workers.ts'),
  ]);
  const farmOptions: ConstructorParameters<typeof Farm>[0] = {
    launcher: new NodeLauncher(),
    solverPriority: options.solverPriority ?? SOLVER_PRIORITIES['below-normal'],
  };
  if (options.cores !== undefined) farmOptions.cores = options.cores;
  if (options.examplesDir !== undefined) farmOptions.examplesDir = options.examplesDir;
  if (options.dataDir !== undefined) farmOptions.journal = farmJournal(options.dataDir);
  if (options.broker !== undefined) {
    const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    farmOptions.remote = new BrokerWorkers(options.broker, { log: (line) => log(`broker: ${line}`) });
  }
  return new Farm(farmOptions);
}

/**
 * Starts a real, isolated RabbitMQ node (Debian's `rabbitmq-server`) for the remote-worker
 * tests: bound to 127.0.0.1 on free ports, its own node name, database, logs, Erlang cookie
 * and epmd (on a private port), so it neither sees nor disturbs a system broker. It can be
 * stopped and started again on the same database (durable queues survive), and `dispose()`
 * always removes every process and file it made.
 *
 * The user, password and vhost are created at first boot by `default_user` / `default_vhost`
 * in the node's config file, which saves a `rabbitmqctl` round trip (an Erlang VM start).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';

/** Where Debian installs the broker's own scripts (the /usr/sbin wrappers switch to the rabbitmq user). */
const RABBIT_BIN = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
const SERVER = join(RABBIT_BIN, 'rabbitmq-server');
const CTL = join(RABBIT_BIN, 'rabbitmqctl');

/** True when `rabbitmq-server` is installed, so suites can skip (with a reason) where it is not. */
export function rabbitAvailable(): boolean {
  return existsSync(SERVER) && existsSync(CTL);
}

/** Options of {@link startRabbit}. */
export interface RabbitOptions {
  user?: string;
  password?: string;
  vhost?: string;
  /** Boot timeout in ms (default 60 s: a cold Erlang VM on a busy 2-core machine). */
  bootTimeoutMs?: number;
}

/** A running (or stopped) test broker. */
export interface TestBroker {
  /** `amqp://user:password@127.0.0.1:port/vhost` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly vhost: string;
  /** Erlang node name, e.g. `sf-test-1234-ab12@localhost`. */
  readonly node: string;
  /** Temp folder holding the database, logs and config. */
  readonly dir: string;
  /** Milliseconds each start took until AMQP accepted our login (first boot first). */
  readonly startTimesMs: number[];
  /** Whether the node process is running. */
  running(): boolean;
  /** Start again on the same database (after stop/kill). Resolves once AMQP accepts logins. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM to the node's process group; SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  /** Crash the node now (SIGKILL to its process group). */
  kill(): Promise<void>;
  /** Run `rabbitmqctl` against this node; resolves with its stdout. */
  ctl(...args: string[]): Promise<string>;
  /** The node's log file text (for failure messages). */
  log(): string;
  /** Stop the node and epmd, delete the temp folder. Safe to call twice. */
  dispose(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning; good enough for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start an isolated RabbitMQ node; resolves once a login to the test vhost succeeds. */
export async function startRabbit(options: RabbitOptions = {}): Promise<TestBroker> {
  if (!rabbitAvailable()) {
    throw new Error(`rabbitmq-server not found at ${SERVER}: install Debian's rabbitmq-server package`);
  }
  const user = options.user ?? 'solver-farm';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const vhost = options.vhost ?? 'solver-farm-test';
  const bootTimeoutMs = options.bootTimeoutMs ?? 60_000;
  const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const node = `sf-test-${id}@localhost`;
  const dir = join(tmpdir(), `sf-rabbit-${id}`);
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const host = '127.0.0.1';

  for (const sub of ['home', 'mnesia', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  // Erlang reads the cookie from $HOME; our own HOME keeps root's (or a CI user's) cookie out of it.
  const cookie = join(dir, 'home', '.erlang.cookie');
  writeFileSync(cookie, randomBytes(15).toString('hex').toUpperCase());
  chmodSync(cookie, 0o400);
  // No plugins at all (Debian may have enabled the management plugin system-wide).
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = ${host}:${port}`,
      `default_user = ${user}`,
      `default_pass = ${password}`,
      `default_vhost = ${vhost}`,
      'default_permissions.configure = .*',
      'default_permissions.read = .*',
      'default_permissions.write = .*',
      'default_user_tags.administrator = true',
      // The guest user is only for localhost anyway; do not create anything we did not ask for.
      'loopback_users = none',
      'log.console = false',
      'log.file.level = info',
      '',
    ].join('\n'),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, 'home'),
    // A private epmd on its own port and on loopback only, so we can stop it at the end.
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: host,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
  };
  const url = `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(vhost)}`;
  const logFile = join(dir, 'log', `${node}.log`);
  const outFile = join(dir, 'server.out');

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let disposed = false;
  const startTimesMs: number[] = [];

  const log = (): string => {
    const parts: string[] = [];
    for (const file of [outFile, logFile]) {
      if (existsSync(file)) parts.push(readFileSync(file, 'utf8').split('\n').slice(-40).join('\n'));
    }
    return parts.join('\n');
  };

  const killGroup = (signal: NodeJS.Signals): void => {
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  // If the test process dies without dispose(), do not leave an Erlang VM behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.on('exit', onExit);

  const running = (): boolean => child !== null && child.exitCode === null && child.signalCode === null;

  const start = async (): Promise<void> => {
    if (disposed) throw new Error('test broker already disposed');
    if (running()) return;
    const began = performance.now();
    const out = openSync(outFile, 'a');
    // detached: its own process group, so stop/kill reach the shell script, beam and its helpers.
    const proc = spawn(SERVER, [], { env, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + bootTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `rabbitmq-server exited during boot (code ${proc.exitCode}, signal ${proc.signalCode}):\n${log()}`,
        );
      }
      try {
        const connection = await amqp.connect(url, { timeout: 2000 });
        await connection.close();
        break;
      } catch (err) {
        if (Date.now() > deadline) {
          killGroup('SIGKILL');
          throw new Error(
            `rabbitmq-server did not accept AMQP logins within ${bootTimeoutMs} ms (${String(err)}):\n${log()}`,
          );
        }
        await sleep(150);
      }
    }
    startTimesMs.push(Math.round(performance.now() - began));
  };

  const stop = async (timeoutMs = 15_000): Promise<void> => {
    if (!running()) return;
    // RabbitMQ shuts down cleanly on SIGTERM (closes connections, syncs queues).
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  };

  const kill = async (): Promise<void> => {
    killGroup('SIGKILL');
    await exited;
  };

  const ctl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(CTL, ['-n', node, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await stop();
    process.off('exit', onExit);
    // epmd daemonizes itself; it refuses -kill while nodes are registered, and ours is gone now.
    await new Promise<void>((resolve) => {
      execFile('epmd', ['-port', String(epmdPort), '-kill'], { env, timeout: 5000 }, () => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (err) {
    await dispose().catch(() => {});
    throw err;
  }

  return {
    url,
    host,
    port,
    user,
    password,
    vhost,
    node,
    dir,
    startTimesMs,
    running,
    start,
    stop,
    kill,
    ctl,
    log,
    dispose,
  };
}

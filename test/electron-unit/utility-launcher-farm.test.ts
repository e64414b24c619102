/**
 * The utilityProcess launcher dropped into the real Farm, with real solver processes.
 * No Electron binary here, so the mocked utilityProcess.fork starts the real solver entry
 * with child_process.fork and behaves like Electron's UtilityProcess around it
 * (postMessage, 'message', piped stdout/stderr, 'exit' with a code, and app
 * 'child-process-gone' for a process killed by a signal). The farm is not changed at all.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FarmEvent, TaskResult } from '../../solver/api.ts';
import { Farm } from '../../solver/farm/farm.ts';
import { app, fakeState } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { UtilityLauncher } = await import('../../electron/utility-launcher.ts');
const { installQuitHandlers } = await import('../../electron/quit.ts');

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WORKER = path.join(ROOT, 'solver', 'solver-process', 'main.ts');
const SPIN = path.join(ROOT, 'test', 'fixtures', 'kinds', 'spin.ts');

/** Electron's UtilityProcess, acted out by a forked Node process. */
class ForkedUtilityProcess extends EventEmitter {
  readonly child: ChildProcess;
  constructor(modulePath: string, args: string[], options: Record<string, unknown>) {
    super();
    this.child = fork(modulePath, args, {
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      env: options.env as NodeJS.ProcessEnv,
    });
    const serviceName = options.serviceName as string;
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      if (signal !== null) {
        app.emit(
          'child-process-gone',
          {},
          { type: 'Utility', reason: 'killed', exitCode, serviceName, name: serviceName },
        );
      }
      this.emit('exit', exitCode);
    });
  }
  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr() {
    return this.child.stderr;
  }
  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('UtilityLauncher in the real Farm', () => {
  let farm: Farm | null = null;
  const pids = new Set<number>();
  const serviceNames = new Set<string>();

  fakeState.forkImpl = (modulePath, args, options) => {
    const p = new ForkedUtilityProcess(modulePath, args, options);
    serviceNames.add(options.serviceName as string);
    if (p.pid !== undefined) pids.add(p.pid);
    return p;
  };

  afterEach(async () => {
    await farm?.close();
    farm = null;
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    pids.clear();
    serviceNames.clear();
  });

  it('runs the Wyndor sweep to the end over utility processes solver-0 and solver-1', async () => {
    const launcher = new UtilityLauncher({ entry: WORKER });
    farm = new Farm({ launcher, cores: 2 });
    const events: FarmEvent[] = [];
    farm.subscribe((batch) => events.push(...batch));
    const run = await farm.start({ example: 'wyndor-sweep' });
    expect(run.total).toBe(901);
    expect(await farm.finished()).toBe('done');
    const results = events.flatMap((e) => (e.type === 'results' ? e.results : [])) as TaskResult[];
    expect(results).toHaveLength(901);
    expect(results.find((r) => r.label === 'P=500')?.objective).toBeCloseTo(3600, 6);
    // Both slots were launched as utility processes; which one got which tasks depends on load.
    expect([...serviceNames].sort()).toEqual(['solver-0', 'solver-1']);
    expect(results.every((r) => r.solver === 0 || r.solver === 1)).toBe(true);
    expect(events.some((e) => e.type === 'log' && e.lines.length > 0)).toBe(true);
    launcher.dispose();
  });

  it('sees a solver killed from outside (child-process-gone) and quitting kills every solver', async () => {
    const launcher = new UtilityLauncher({ entry: WORKER });
    farm = new Farm({ launcher, cores: 2 });
    const events: FarmEvent[] = [];
    farm.subscribe((batch) => events.push(...batch));
    const job = { kind: 'custom', module: './spin.ts', spec: { tasks: 10_000, ms: 50 } };
    await farm.start({ job, source: path.join(path.dirname(SPIN), 'spin.json') });
    await vi.waitFor(
      async () => {
        const status = await farm?.status();
        expect(status?.solvers.filter((s) => s.state === 'solving')).toHaveLength(2);
      },
      { timeout: 20_000, interval: 50 },
    );
    const before = (await farm.status()).solvers.map((s) => s.pid).filter((p): p is number => p !== undefined);
    expect(before).toHaveLength(2);

    // An outside SIGKILL: the farm hears of it through the launcher's one onExit.
    process.kill(before[0] as number, 'SIGKILL');
    await vi.waitFor(
      () => {
        const crashed = events.find((e) => e.type === 'solver' && e.solver.state === 'crashed');
        // The reason comes from child-process-gone ('killed'), the first of the two signals.
        expect(crashed?.type === 'solver' && crashed.solver.reason).toContain(
          'killed by a signal from outside the app',
        );
      },
      { timeout: 10_000, interval: 50 },
    );

    // Quit while solvers are busy: every solver process is gone before the quit goes on.
    const quitApp = Object.assign(new EventEmitter(), {
      quit() {
        const event = {
          defaultPrevented: false,
          preventDefault() {
            this.defaultPrevented = true;
          },
        };
        quitApp.emit('before-quit', event);
      },
    });
    const current = farm;
    const { closed } = installQuitHandlers(quitApp as never, { closeFarm: () => current.close() });
    quitApp.quit();
    await closed;
    const all = [...pids];
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.filter(isAlive)).toEqual([]);
    launcher.dispose();
  }, 60_000);
});

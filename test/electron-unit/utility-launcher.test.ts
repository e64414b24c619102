import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SolverExit } from '../../solver/farm/launcher.ts';
import { app, electron, fakeState } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { UtilityLauncher, goneReason } = await import('../../electron/utility-launcher.ts');

/** A pid no process has (beyond Linux's pid_max), so liveness checks say "gone". */
const DEAD_PID = 2 ** 30;

function gone(serviceName: string, reason: string, exitCode: number): void {
  app.emit('child-process-gone', {}, { type: 'Utility', reason, exitCode, serviceName, name: serviceName });
}

describe('electron/utility-launcher.ts', () => {
  beforeEach(() => {
    fakeState.forks.length = 0;
    fakeState.nextPid = DEAD_PID;
    app.removeAllListeners('child-process-gone');
  });

  it('forks the solver entry as utility process solver-N with piped stdio', () => {
    const launcher = new UtilityLauncher({ entry: '/app/.vite/build/solver.mjs', env: { A: '1' } });
    launcher.launch(0);
    launcher.launch(3);
    expect(electron.utilityProcess.fork).toHaveBeenCalled();
    expect(fakeState.forks.map((f) => [f.modulePath, f.args, f.options.serviceName, f.options.stdio])).toEqual([
      ['/app/.vite/build/solver.mjs', [], 'solver-0', 'pipe'],
      ['/app/.vite/build/solver.mjs', [], 'solver-3', 'pipe'],
    ]);
    expect(fakeState.forks[1]?.options.env).toEqual({ A: '1', SOLVER_FARM_SLOT: '3' });
    launcher.dispose();
  });

  it('pipes stdout and stderr text into onOutput, and messages both ways', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    const handle = launcher.launch(1);
    const child = fakeState.forks[0]?.child;
    if (!child) throw new Error('no fork');
    const output: [string, string][] = [];
    const messages: unknown[] = [];
    handle.onOutput((stream, text) => output.push([stream, text]));
    handle.onMessage((m) => messages.push(m));
    child.stdout.write('GLPK Simplex Optimizer\n');
    child.stderr.write('warning: x\n');
    child.emit('message', { t: 'ready', pid: 42 });
    handle.post({ t: 'shutdown' });
    expect(output).toEqual([
      ['stdout', 'GLPK Simplex Optimizer\n'],
      ['stderr', 'warning: x\n'],
    ]);
    expect(messages).toEqual([{ t: 'ready', pid: 42 }]);
    expect(child.posted).toEqual([{ t: 'shutdown' }]);
    expect(handle.pid).toBe(DEAD_PID);
    launcher.dispose();
  });

  it('reports an exit exactly once when exit and child-process-gone both arrive', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    const handle = launcher.launch(0);
    const exits: SolverExit[] = [];
    handle.onExit((e) => exits.push(e));
    fakeState.forks[0]?.child.emit('exit', 3);
    gone('solver-0', 'abnormal-exit', 3);
    fakeState.forks[0]?.child.emit('exit', 3);
    expect(exits).toEqual([{ code: 3, signal: null, reason: 'exited with code 3' }]);
    launcher.dispose();
  });

  it('sees a crash through child-process-gone first, with its reason, and ignores the later exit', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    const handle = launcher.launch(2);
    const exits: SolverExit[] = [];
    handle.onExit((e) => exits.push(e));
    gone('solver-2', 'oom', 9);
    fakeState.forks[0]?.child.emit('exit', 9);
    expect(exits).toEqual([{ code: 9, signal: null, reason: 'ran out of memory' }]);
    launcher.dispose();
  });

  it('ignores child-process-gone for other services, other process types, and live processes', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    fakeState.nextPid = process.pid; // "alive": a late event about an earlier solver-0
    const live = launcher.launch(0);
    fakeState.nextPid = DEAD_PID;
    const other = launcher.launch(1);
    const exits: string[] = [];
    live.onExit(() => exits.push('live'));
    other.onExit(() => exits.push('other'));
    gone('solver-0', 'crashed', 1);
    gone('solver-7', 'crashed', 1);
    app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 1, serviceName: 'solver-1' });
    expect(exits).toEqual([]);
    gone('solver-1', 'crashed', 1);
    expect(exits).toEqual(['other']);
    launcher.dispose();
  });

  it('kill() asks the process to end and reports "killed on request"', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    const handle = launcher.launch(0);
    const exits: SolverExit[] = [];
    handle.onExit((e) => exits.push(e));
    handle.kill();
    const child = fakeState.forks[0]?.child;
    expect(child?.kills).toBe(1);
    child?.emit('exit', 15);
    handle.kill();
    expect(child?.kills).toBe(1);
    expect(exits).toEqual([{ code: 15, signal: null, reason: 'killed on request' }]);
    launcher.dispose();
  });

  it('delivers an exit that happened before onExit was set', async () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    const handle = launcher.launch(0);
    fakeState.forks[0]?.child.emit('exit', 1);
    const exit = await new Promise<SolverExit>((resolve) => handle.onExit(resolve));
    expect(exit.reason).toBe('exited with code 1');
    launcher.dispose();
  });

  it('stops listening to the app on dispose', () => {
    const launcher = new UtilityLauncher({ entry: 'solver.mjs' });
    expect(app.listenerCount('child-process-gone')).toBe(1);
    launcher.dispose();
    expect(app.listenerCount('child-process-gone')).toBe(0);
  });

  it('words every child-process-gone reason plainly', () => {
    expect(goneReason({ type: 'Utility', reason: 'crashed', exitCode: 11 })).toBe('crashed (code 11)');
    expect(goneReason({ type: 'Utility', reason: 'killed', exitCode: 9 })).toBe(
      'killed by a signal from outside the app',
    );
    expect(goneReason({ type: 'Utility', reason: 'launch-failed', exitCode: 2 })).toBe('failed to launch (code 2)');
  });
});

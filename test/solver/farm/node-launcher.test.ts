import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SolverExit } from '../../../solver/farm/launcher.ts';
import { describeExit, NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import type { FromSolver } from '../../../solver/protocol.ts';
import { KINDS_DIR, processExists } from './helpers.ts';

describe('NodeLauncher', () => {
  it('describes exits in plain words', () => {
    expect(describeExit(1, null)).toBe('exited with code 1');
    expect(describeExit(null, 'SIGKILL')).toBe('killed by SIGKILL');
  });

  it("pipes a process's stderr to onOutput and reports its exit exactly once", async () => {
    const handle = new NodeLauncher({ entry: join(KINDS_DIR, 'die-before-ready.ts') }).launch(0);
    let stderr = '';
    handle.onOutput((stream, text) => {
      if (stream === 'stderr') stderr += text;
    });
    const exits: SolverExit[] = [];
    await new Promise<void>((resolve) =>
      handle.onExit((exit) => {
        exits.push(exit);
        resolve();
      }),
    );
    handle.kill(); // after the end: a no-op, and no second exit
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exits).toEqual([{ code: 7, signal: null, reason: 'exited with code 7' }]);
    expect(stderr).toContain('fixture: the solver engine could not be loaded');
  });

  it('starts the real worker, which says ready with its pid; kill() is SIGKILL', async () => {
    const handle = new NodeLauncher().launch(0);
    const ready = await new Promise<FromSolver>((resolve) => handle.onMessage(resolve));
    expect(ready).toEqual({ t: 'ready', pid: handle.pid });
    const exit = new Promise<SolverExit>((resolve) => handle.onExit(resolve));
    handle.kill();
    expect(await exit).toMatchObject({ signal: 'SIGKILL', reason: 'killed by SIGKILL' });
    expect(processExists(handle.pid as number)).toBe(false);
  });
});

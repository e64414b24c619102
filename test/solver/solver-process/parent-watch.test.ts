/**
 * The solver's parent-watch thread (solver/solver-process/parent-watch.ts) on its own: it never keeps
 * an idle process alive, and it ends a process whose main thread is blocked once the parent
 * is gone. (The farm-level checks, with the CLI and `serve` SIGKILLed, are in
 * test/solver/cli/orphans.test.ts.)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../support/processes.ts';

const WATCH = fileURLToPath(new URL('../../../solver/solver-process/parent-watch.ts', import.meta.url));

/** Runs `code` (an ES module) in a fresh Node; resolves with its stdout and exit code. */
function node(code: string): Promise<{ code: number | null; stdout: string; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c, stdout, ms: Date.now() - t0 })));
}

describe('watchParent', () => {
  it('does not keep an idle process alive', async () => {
    const r = await node(
      `import { watchParent } from ${JSON.stringify(WATCH)}; console.log(watchParent() === null ? 'none' : 'watching');`,
    );
    expect(r.stdout.trim()).toBe('watching');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5000);
  });

  it.skipIf(process.platform !== 'linux')(
    'SIGKILLs its process within a second of the parent dying, while the main thread is blocked',
    async () => {
      // parent → child; the child watches the parent and blocks its main thread for 60 s.
      const child = `
        import { watchParent } from ${JSON.stringify(WATCH)};
        watchParent();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);`;
      const parent = `
        import { spawn } from 'node:child_process';
        const c = spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(child)}], { stdio: 'ignore' });
        console.log(c.pid);
        setInterval(() => {}, 1000);`;
      const p = spawn(process.execPath, ['--input-type=module', '-e', parent], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const pid = await new Promise<number>((resolve) =>
        p.stdout.setEncoding('utf8').once('data', (t: string) => resolve(Number(t.trim()))),
      );
      // Let the child start its thread and block.
      await new Promise((r) => setTimeout(r, 1000));
      expect(isRunning(pid)).toBe(true);
      p.kill('SIGKILL');
      const t0 = Date.now();
      while (isRunning(pid) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
      const ms = Date.now() - t0;
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      expect(ms).toBeLessThan(1000);
    },
  );
});

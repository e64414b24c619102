/**
 * Issue 11, bug 6: `--cores` above what this machine takes (4 per core, maxCores()) used to end
 * `run` in "internal error: RangeError: Farm options.cores …" with a stack. Every command that
 * starts solver processes (run, run --batch, resume, serve, worker) now says so in one line,
 * exit 2, before anything starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maxCores } from '../../../solver/farm/farm.ts';
import { killAll, ROOT, runCli, startCli } from './run-cli.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cores-limit-'));
});
afterEach(() => killAll());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tooMany = String(maxCores() + 1);
const line = `solver-farm: --cores ${tooMany}: more solver processes than this machine takes (at most ${maxCores()}: 4 per core, ${availableParallelism()} cores)\n`;

/** Runs the CLI, killed after 20 s should it start serving or working instead of refusing. */
async function refused(args: string[]) {
  const run = startCli(args, tmp);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const r = await run.done;
  clearTimeout(timer);
  return r;
}

describe('--cores above the machine’s cap', () => {
  it.each([
    ['run', ['run', join(ROOT, 'examples/wyndor-sweep.json'), '--out', 'never']],
    ['run --batch', ['run', '--batch', 'wyndor.lp', '--out', 'never-batch']],
    ['serve', ['serve', '--port', '0']],
    ['worker', ['worker', '--broker', 'amqp://guest:guest@127.0.0.1:1/']],
  ])('%s: one line, exit 2, no stack', async (_name, args) => {
    writeFileSync(join(tmp, 'wyndor.lp'), 'Maximize\n z: 3 x + 5 y\nSubject To\n p1: x <= 4\nEnd\n');
    const r = await refused([...args, '--cores', tooMany]);
    expect(r.signal, 'still running after 20 s').toBeNull();
    expect(r.stderr).toBe(line);
    expect(r.code).toBe(2);
  });

  it('resume: one line, exit 2, the run left as it was', { timeout: 60_000 }, async () => {
    writeFileSync(
      join(tmp, 'small.json'),
      JSON.stringify({
        kind: 'sweep',
        model: {
          name: 'w',
          objective: { direction: 'max', name: 'z', vars: [{ name: 'x', coef: 1 }] },
          subjectTo: [{ name: 'c', vars: [{ name: 'x', coef: 1 }], bnds: { type: 'up', ub: 4 } }],
        },
        grid: [{ name: 'p', objective: 'x', from: 1, to: 3, step: 1 }],
      }),
    );
    const first = await runCli(['run', 'small.json', '--cores', '1', '--out', 'small-run'], tmp);
    expect(first.code, first.stderr).toBe(0);
    const r = await refused(['resume', 'small-run', '--cores', tooMany]);
    expect(r.stderr).toBe(line);
    expect(r.code).toBe(2);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../solver/cli/errors.ts';
import { solveCommand } from '../../../solver/cli/solve-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'solve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AFIRO = join(import.meta.dirname, '../../../../shared/models/lp/afiro.mps');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    out,
    err,
  };
}

describe('solver-farm solve', () => {
  it.each(['glpk', 'highs', 'auto'] as const)(
    'prints status, objective, time and nonzero variables (%s)',
    async (engine) => {
      const file = join(dir, 'wyndor.lp');
      writeFileSync(
        file,
        'Maximize\n z: 3 doors + 5 windows\nSubject To\n p1: doors <= 4\n p2: 2 windows <= 12\n p3: 3 doors + 2 windows <= 18\nBounds\n unused <= 3\nEnd\n',
      );
      const c = capture();
      expect(await solveCommand(file, { engine }, c.io)).toBe(0);
      const text = c.out.join('');
      expect(text).toMatch(/status {5}optimal/);
      expect(text).toMatch(/objective {2}36\n/);
      expect(text).toMatch(new RegExp(`engine {5}${engine === 'auto' ? 'glpk' : engine}`));
      expect(text).toMatch(/nonzero variables \(2\):\n {2}doors +2\n {2}windows +6\n/);
    },
  );

  it.skipIf(!existsSync(AFIRO))('solves an MPS file and prints JSON on request', async () => {
    const c = capture();
    expect(await solveCommand(AFIRO, { engine: 'highs', json: true }, c.io)).toBe(0);
    const doc = JSON.parse(c.out.join(''));
    expect(doc.status).toBe('optimal');
    expect(Math.abs(doc.objective - -464.7531429) / 464.75).toBeLessThan(1e-6);
  });

  it('turns a bad file into a one-line user error naming the file and line', async () => {
    const file = join(dir, 'bad.mps');
    writeFileSync(file, 'NAME X\nROWS\n N obj\n Q c\nENDATA\n');
    await expect(solveCommand(file, {}, capture().io)).rejects.toThrow(UserError);
    await expect(solveCommand(file, {}, capture().io)).rejects.toThrow(
      /bad\.mps:4: expected a row type N, L, G or E, got "Q"/,
    );
  });

  it('exits 0 for infeasible (a definite answer)', async () => {
    const file = join(dir, 'inf.lp');
    writeFileSync(file, 'Minimize\n x\nSubject To\n a: x >= 3\n b: x <= 1\nEnd\n');
    const c = capture();
    expect(await solveCommand(file, { engine: 'glpk' }, c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/status {5}infeasible/);
  });
});

/**
 * A sweep over a model file: `"modelFile"` instead of inline glpk.js JSON, read on the main
 * side through the format readers, names addressed as in JSON models; `"engine"` chooses the
 * engine that solves each point.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweep } from '../../../solver/problems/sweep.ts';
import type { SolverContext, TaskPlan } from '../../../solver/problems/types.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'sweep-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Wyndor with an objective constant of 10 (RHS on the objective row, glpsol convention).
writeFileSync(
  join(dir, 'wyndor.mps'),
  [
    'NAME WYNDOR',
    'OBJSENSE',
    '    MAX',
    'ROWS',
    ' N profit',
    ' L plant1',
    ' L plant2',
    ' L plant3',
    'COLUMNS',
    '    doors profit 3 plant1 1',
    '    doors plant3 3',
    '    windows profit 5 plant2 2',
    '    windows plant3 2',
    'RHS',
    '    rhs profit 10',
    '    rhs plant1 4 plant2 12',
    '    rhs plant3 18',
    'ENDATA',
  ].join('\n'),
);
writeFileSync(join(dir, 'broken.lp'), 'Maximize\n x\nSubject To\n c: x <=\nEnd\n');

const ctx = { source: 'sweep.json', baseDir: dir };
const solverCtx: SolverContext = { solver: 0, seed: 1, log: () => {} };

function job(extra: Record<string, unknown>) {
  return {
    kind: 'sweep',
    modelFile: 'wyndor.mps',
    grid: [{ name: 'P', objective: 'windows', values: [1, 5] }],
    output: { values: ['doors', 'windows'] },
    ...extra,
  };
}

describe('sweep over a model file', () => {
  it.each(['glpk', 'highs', 'auto'])(
    'solves each point with %s, names as in the file, constant included',
    async (engine) => {
      const spec = await sweep.parse(job({ engine }), ctx);
      const plan = sweep.plan(spec) as TaskPlan<number[]>;
      const state = await sweep.setup(spec, solverCtx);
      const solve = sweep.solve;
      if (!solve) throw new Error('sweep has no solve');
      const results = [0, 1].map((i) => solve(state, plan.task(i), solverCtx));
      // P=1: doors=4, windows=3 → 12+3+10 = 25; P=5: doors=2, windows=6 → 6+30+10 = 46.
      expect(results.map((r) => [r.status, r.objective, r.values])).toEqual([
        ['optimal', 25, { doors: 4, windows: 3 }],
        ['optimal', 46, { doors: 2, windows: 6 }],
      ]);
      expect(results[0]?.engine).toBe(engine);
    },
  );

  it('reports a model file that does not read at $.modelFile, with its file and line', async () => {
    await expect(Promise.resolve().then(() => sweep.parse(job({ modelFile: 'broken.lp' }), ctx))).rejects.toThrow(
      ValidationError,
    );
    await expect(Promise.resolve().then(() => sweep.parse(job({ modelFile: 'broken.lp' }), ctx))).rejects.toThrow(
      /sweep\.json: \$\.modelFile: expected a readable CPLEX LP or MPS model file \(broken\.lp:5: expected a right-hand side/,
    );
    await expect(Promise.resolve().then(() => sweep.parse(job({ modelFile: 'none.mps' }), ctx))).rejects.toThrow(
      /\$\.modelFile: .*none\.mps: no such file/,
    );
  });

  it('addresses names the file defines, and refuses names it does not', async () => {
    await expect(
      Promise.resolve().then(() =>
        sweep.parse(job({ grid: [{ name: 'c', constraint: 'plant9', bound: 'ub', values: [1] }] }), ctx),
      ),
    ).rejects.toThrow(/\$\.grid\[0\]/);
    const spec = await sweep.parse(
      job({ grid: [{ name: 'c', constraint: 'plant3', bound: 'ub', values: [12, 18] }] }),
      ctx,
    );
    expect(sweep.plan(spec)).toMatchObject({ count: 2 });
  });
});

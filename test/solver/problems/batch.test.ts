import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { batch, parseBatch, planBatch, solveFile } from '../../../solver/problems/batch.ts';
import type { SolverContext } from '../../../solver/problems/types.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LP =
  'Maximize\n z: 3 doors + 5 windows\nSubject To\n p1: doors <= 4\n p2: 2 windows <= 12\n p3: 3 doors + 2 windows <= 18\nEnd\n';
const MPS = 'NAME T\nROWS\n N obj\n G c\nCOLUMNS\n    x obj 1 c 1\nRHS\n    rhs c 2\nENDATA\n';

mkdirSync(join(dir, 'models/sub'), { recursive: true });
writeFileSync(join(dir, 'models/b.lp'), LP);
writeFileSync(join(dir, 'models/a.mps'), MPS);
writeFileSync(join(dir, 'models/sub/c.mps.gz'), gzipSync(MPS));
writeFileSync(join(dir, 'models/notes.txt'), 'not a model');
writeFileSync(join(dir, 'models/sub/broken.lp'), 'Maximize\n x\nSubject To\n c: x <=\n');
mkdirSync(join(dir, 'empty'));

const ctx = { baseDir: dir, source: 'job.json' };

function logCtx(lines: string[]): SolverContext {
  return { solver: 0, seed: 1, log: (l) => lines.push(l) };
}

describe('batch kind', () => {
  it('lists folders recursively in sorted order, files as given, without duplicates', async () => {
    const spec = await parseBatch({ kind: 'batch', files: ['models/b.lp', 'models/'] }, ctx);
    expect(spec.labels).toEqual(['models/b.lp', 'models/a.mps', 'models/sub/broken.lp', 'models/sub/c.mps.gz']);
    expect(spec.files[0]).toBe(join(dir, 'models/b.lp'));
    expect([spec.engine, spec.mipGap, spec.values, spec.timeLimitSec]).toEqual(['auto', 0, 'none', undefined]);
    const plan = planBatch(spec);
    expect([plan.count, plan.task(1), plan.label(1), plan.params(1)]).toEqual([
      4,
      'models/a.mps',
      'models/a.mps',
      { file: 'models/a.mps' },
    ]);
  });

  it('labels files outside the job folder by their listed folder', async () => {
    const spec = await parseBatch(
      { kind: 'batch', files: [join(dir, 'models')] },
      { baseDir: join(dir, 'empty'), source: 'j.json' },
    );
    expect(spec.labels).toEqual(['models/a.mps', 'models/b.lp', 'models/sub/broken.lp', 'models/sub/c.mps.gz']);
  });

  it.each([
    [{ kind: 'batch', files: [] }, /job\.json: \$\.files: expected a non-empty array/],
    [{ kind: 'batch', files: ['nope.mps'] }, /job\.json: \$\.files\[0\]: expected an existing file or folder/],
    [{ kind: 'batch', files: ['empty'] }, /\$\.files\[0\]: expected a folder holding \.lp, \.mps/],
    [{ kind: 'batch', files: ['models/notes.txt'] }, /\$\.files\[0\]: expected a model file ending in \.lp/],
    [
      { kind: 'batch', files: ['models'], engine: 'cplex' },
      /\$\.engine: expected one of "glpk", "highs", "auto", got "cplex"/,
    ],
    [{ kind: 'batch', files: ['models'], timeLimitSec: 0 }, /\$\.timeLimitSec: expected a positive number/],
    [
      { kind: 'batch', files: ['models'], output: { values: 'some' } },
      /\$\.output\.values: expected one of "all", "nonzero", "none"/,
    ],
  ])('refuses %j with a located error', async (doc, message) => {
    await expect(parseBatch(doc, ctx)).rejects.toThrow(ValidationError);
    await expect(parseBatch(doc, ctx)).rejects.toThrow(message);
  });

  it.each(['glpk', 'highs', 'auto'])(
    'solves each file in the solver with %s, and reports a bad file as an error result',
    async (engine) => {
      const spec = await parseBatch({ kind: 'batch', files: ['models'], engine, output: { values: 'all' } }, ctx);
      const lines: string[] = [];
      const state = await batch.setup(spec, logCtx(lines));
      const plan = planBatch(spec);
      const results = Array.from({ length: plan.count }, (_, i) => solveFile(state, plan.task(i), logCtx(lines)));
      expect(results.map((r) => [r.status, r.objective])).toEqual([
        ['optimal', 2],
        ['optimal', 36],
        ['error', null],
        ['optimal', 2],
      ]);
      expect(results[1]?.values).toEqual({ doors: 2, windows: 6 });
      expect(results[1]?.engine).toBe(engine === 'auto' ? 'glpk' : engine);
      expect(results[2]?.error?.name).toBe('FormatError');
      expect(results[2]?.error?.message).toMatch(
        /models\/sub\/broken\.lp:4: expected a right-hand side number for "c", got the end of the file/,
      );
      expect(lines.some((l) => l.startsWith('models/b.lp: optimal objective 36'))).toBe(true);
    },
  );

  it('keeps only the requested values', async () => {
    const spec = await parseBatch({ kind: 'batch', files: ['models/b.lp'], output: { values: ['windows'] } }, ctx);
    const state = await batch.setup(spec, logCtx([]));
    expect(solveFile(state, planBatch(spec).task(0), logCtx([])).values).toEqual({ windows: 6 });
  });
});

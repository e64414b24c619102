import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAnswer, parseRace, planRace, race } from '../../../solver/problems/race.ts';
import type { SolverContext } from '../../../solver/problems/types.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');
const ctx = { source: 'race.json', baseDir: join(MODELS, 'mip') };
const solverCtx: SolverContext = { solver: 0, seed: 1, log: () => {} };

describe.skipIf(!existsSync(MODELS))('race kind', () => {
  it('parses entrants and plans one task per entrant, flagged as a race', () => {
    const spec = parseRace(
      {
        kind: 'race',
        model: 'p0548.mps',
        timeLimitSec: 30,
        entrants: [{ engine: 'highs' }, { engine: 'glpk', options: { mipGap: 0.01, timeLimitSec: 5 } }],
      },
      ctx,
    );
    expect(spec.entrants).toEqual([
      { engine: 'highs', timeLimitSec: 30 },
      { engine: 'glpk', mipGap: 0.01, timeLimitSec: 5 },
    ]);
    const plan = planRace(spec);
    expect([plan.count, plan.race, plan.label(1), plan.params(0)]).toEqual([
      2,
      true,
      'p0548.mps #2 glpk (mipGap=0.01, timeLimit=5s)',
      { entrant: 1, engine: 'highs' },
    ]);
  });

  it.each([
    [
      { kind: 'race', model: 'nope.mps', entrants: [{ engine: 'glpk' }, { engine: 'highs' }] },
      /race\.json: \$\.model: expected a model file/,
    ],
    [
      { kind: 'race', model: 'p0548.mps', entrants: [{ engine: 'glpk' }] },
      /\$\.entrants: expected at least two entrants/,
    ],
    [
      { kind: 'race', model: 'p0548.mps', entrants: [{ engine: 'glpk' }, { engine: 'cbc' }] },
      /\$\.entrants\[1\]\.engine: expected one of/,
    ],
    [
      {
        kind: 'race',
        model: 'p0548.mps',
        entrants: [{ engine: 'glpk' }, { engine: 'highs', options: { mipGap: -1 } }],
      },
      /\$\.entrants\[1\]\.options\.mipGap: expected a number >= 0/,
    ],
  ])('refuses %j with a located error', (doc, message) => {
    expect(() => parseRace(doc, ctx)).toThrow(message);
  });

  it('solves an entrant in the solver process; a time limit is not an answer', async () => {
    const spec = parseRace(
      {
        kind: 'race',
        model: 'p0548.mps',
        entrants: [{ engine: 'highs' }, { engine: 'glpk', options: { timeLimitSec: 1 } }],
      },
      ctx,
    );
    const state = await race.setup(spec, solverCtx);
    const solve = race.solve;
    if (!solve) throw new Error('no solve');
    const h = solve(state, 0, solverCtx);
    expect([h.status, h.objective, h.engine]).toEqual(['optimal', 8691, 'highs']);
    const g = solve(state, 1, solverCtx);
    expect(g.status).toBe('time-limit');
    expect(isAnswer(h.status)).toBe(true);
    expect(isAnswer(g.status)).toBe(false);
  });
});

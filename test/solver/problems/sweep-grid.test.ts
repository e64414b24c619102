/** Grid expansion and job validation of the sweep kind (main side only: parse + plan). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../../solver/problems/sweep.ts';
import { axisValue, planSweep, rangeCount, sweep } from '../../../solver/problems/sweep.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

const base = JSON.parse(
  readFileSync(new URL('../../../examples/wyndor-sweep.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const SOURCE = 'my-sweep.json';

function parse(doc: unknown): SweepSpec {
  return sweep.parse(doc, { source: SOURCE, baseDir: '.' }) as SweepSpec;
}
function grid(axes: unknown[], extra: Record<string, unknown> = {}) {
  return parse({ ...base, grid: axes, ...extra });
}
/** The error parse throws, asserted to be a located ValidationError. */
function parseError(doc: unknown): ValidationError {
  try {
    parse(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected parse to throw');
}
function expectLocated(err: ValidationError, path: string, expected: string) {
  expect(err.message.startsWith(`${SOURCE}: ${path}: expected `)).toBe(true);
  expect(err.message).toContain(expected);
  expect(err.source).toBe(SOURCE);
  expect(err.path).toBe(path);
}

describe('range expansion', () => {
  it('counts inclusive ranges', () => {
    expect(rangeCount(100, 1000, 1)).toBe(901);
    expect(rangeCount(0, 10, 3)).toBe(4); // 0 3 6 9
    expect(rangeCount(5, 5, 1)).toBe(1);
  });

  it('is float-safe: 0..1 by 0.1 has 11 values ending exactly at 1, 0.1..0.3 by 0.1 has 3', () => {
    // (1 - 0) / 0.1 = 9.999999999999998 in binary floats: a plain floor would drop the end.
    const spec = grid([{ name: 'x', objective: 'windows', from: 0, to: 1, step: 0.1 }]);
    const plan = planSweep(spec);
    expect(plan.count).toBe(11);
    const values = Array.from({ length: plan.count }, (_, i) => plan.task(i)[0]);
    expect(values).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(rangeCount(0.1, 0.3, 0.1)).toBe(3);
    const axis = { name: 'y', target: { kind: 'objective', variable: 'windows' }, n: 3, from: 0.1, step: 0.1 } as const;
    expect([0, 1, 2].map((j) => axisValue(axis, j))).toEqual([0.1, 0.2, 0.3]);
  });

  it('stops before `to` when the step does not land on it', () => {
    const plan = planSweep(grid([{ name: 'x', objective: 'windows', from: 0, to: 1, step: 0.3 }]));
    expect(Array.from({ length: plan.count }, (_, i) => plan.task(i)[0])).toEqual([0, 0.3, 0.6, 0.9]);
  });

  it('takes value lists as given, in order', () => {
    const plan = planSweep(grid([{ name: 'x', objective: 'windows', values: [7, -2, 3.5] }]));
    expect(plan.count).toBe(3);
    expect([0, 1, 2].map((i) => plan.task(i))).toEqual([[7], [-2], [3.5]]);
  });
});

describe('cartesian product', () => {
  it('varies the first axis slowest and labels every point', () => {
    const spec = grid([
      { name: 'P', objective: 'windows', from: 100, to: 102, step: 1 },
      { name: 'cap', constraint: 'plant3', bound: 'ub', values: [18, 20] },
    ]);
    const plan = planSweep(spec);
    expect(plan.count).toBe(6);
    expect(plan.paramNames).toEqual(['P', 'cap']);
    const tasks = Array.from({ length: 6 }, (_, i) => plan.task(i));
    expect(tasks).toEqual([
      [100, 18],
      [100, 20],
      [101, 18],
      [101, 20],
      [102, 18],
      [102, 20],
    ]);
    expect(plan.label(3)).toBe('P=101, cap=20');
    expect(plan.params(4)).toEqual({ P: 102, cap: 18 });
  });

  it('the count of a 3-axis grid is the product, and the last task is the last of every axis', () => {
    const spec = grid([
      { objective: 'windows', from: 1, to: 10, step: 1 },
      { constraint: 'plant1', bound: 'ub', values: [1, 2, 3] },
      { variable: 'doors', bound: 'lb', from: 0, to: 1, step: 0.25 },
    ]);
    const plan = planSweep(spec);
    expect(plan.count).toBe(10 * 3 * 5);
    expect(plan.task(plan.count - 1)).toEqual([10, 3, 1]);
    // Default axis names: the addressed item.
    expect(plan.paramNames).toEqual(['windows', 'plant1.ub', 'doors.lb']);
  });

  it('plans a million tasks lazily', () => {
    const spec = grid([
      { name: 'a', objective: 'windows', from: 1, to: 1000, step: 1 },
      { name: 'b', objective: 'doors', from: 1, to: 1000, step: 1 },
    ]);
    const plan = planSweep(spec);
    expect(plan.count).toBe(1_000_000);
    expect(plan.task(999_999)).toEqual([1000, 1000]);
    expect(plan.task(1234)).toEqual([2, 235]);
  });
});

describe('located errors', () => {
  it('refuses a grid above maxTasks, naming the sizes', () => {
    const err = parseError({
      ...base,
      maxTasks: 1000,
      grid: [
        { name: 'P', objective: 'windows', from: 100, to: 1000, step: 1 },
        { name: 'c', constraint: 'plant3', bound: 'ub', values: [18, 20] },
      ],
    });
    expectLocated(err, '$.grid', 'a grid of at most 1000 tasks');
    expect(err.message).toContain('901 × 2 = 1802');
  });

  it('applies the default cap of 1,000,000', () => {
    const err = parseError({ ...base, grid: [{ objective: 'windows', from: 0, to: 1_000_000, step: 1 }] });
    expectLocated(err, '$.grid', 'at most 1000000 tasks');
  });

  it('names an unknown variable, constraint or output name', () => {
    expectLocated(
      parseError({ ...base, grid: [{ objective: 'skylights', values: [1] }] }),
      '$.grid[0].objective',
      'the name of a variable of the model ("doors", "windows")',
    );
    expectLocated(
      parseError({ ...base, grid: [{ constraint: 'plant9', bound: 'ub', values: [1] }] }),
      '$.grid[0].constraint',
      'the name of a constraint of the model ("plant1", "plant2", "plant3")',
    );
    expectLocated(
      parseError({ ...base, grid: [{ variable: 'roofs', bound: 'lb', values: [1] }] }),
      '$.grid[0].variable',
      'the name of a variable of the model',
    );
    expectLocated(
      parseError({ ...base, output: { values: ['doors', 'roofs'] } }),
      '$.output.values[1]',
      'the name of a variable of the model',
    );
  });

  it('names bad axis fields', () => {
    const g = (axis: unknown) =>
      parseError({ ...base, grid: [{ name: 'P', objective: 'windows', from: 1, to: 5, step: 1 }, axis] });
    expectLocated(g({ objective: 'doors', from: 1, to: 5, step: -1 }), '$.grid[1].step', 'a positive number');
    expectLocated(g({ objective: 'doors', from: 5, to: 1, step: 1 }), '$.grid[1].to', 'a number ≥ "from" (5)');
    expectLocated(g({ objective: 'doors', from: 1, to: 5 }), '$.grid[1].step', 'a finite number');
    expectLocated(g({ objective: 'doors', values: [] }), '$.grid[1].values', 'a non-empty list of numbers');
    expectLocated(g({ objective: 'doors', values: [1, 'two'] }), '$.grid[1].values[1]', 'a finite number');
    expectLocated(g({ objective: 'doors', values: [1], from: 1 }), '$.grid[1]', 'either "values"');
    expectLocated(g({ constraint: 'plant1', values: [1] }), '$.grid[1].bound', 'one of "lb", "ub"');
    expectLocated(g({ values: [1] }), '$.grid[1]', 'exactly one of "objective"');
    expectLocated(
      g({ name: 'P', objective: 'doors', values: [1] }),
      '$.grid[1].name',
      'an axis name not used by another axis',
    );
    expectLocated(
      g({ name: 'Q', objective: 'windows', values: [1] }),
      '$.grid[1]',
      'writes something no other axis writes',
    );
    expectLocated(parseError({ ...base, grid: [] }), '$.grid', 'a non-empty array of axes');
  });

  it('names bad model fields', () => {
    const model = base.model as Record<string, unknown>;
    const rows = model.subjectTo as Record<string, unknown>[];
    const m = (patch: Record<string, unknown>) => parseError({ ...base, model: { ...model, ...patch } });
    expectLocated(m({ objective: { direction: 'up', vars: [] } }), '$.model.objective.direction', '"min" or "max"');
    expectLocated(
      m({ subjectTo: [{ ...rows[0], bnds: { type: 'between', ub: 4 } }] }),
      '$.model.subjectTo[0].bnds.type',
      'a bound type',
    );
    expectLocated(
      m({ subjectTo: [{ ...rows[0], bnds: { type: 'up' } }] }),
      '$.model.subjectTo[0].bnds.ub',
      'a finite number',
    );
    expectLocated(
      m({ subjectTo: [{ ...rows[0], bnds: { type: 'db', lb: 5, ub: 4 } }] }),
      '$.model.subjectTo[0].bnds',
      'lb ≤ ub',
    );
    expectLocated(
      m({
        subjectTo: [
          {
            name: 'r',
            vars: [
              { name: 'doors', coef: 1 },
              { name: 'doors', coef: 2 },
            ],
            bnds: { type: 'up', ub: 1 },
          },
        ],
      }),
      '$.model.subjectTo[0].vars[1].name',
      'each variable once per objective or constraint',
    );
    expectLocated(
      m({ subjectTo: [rows[0], rows[0]] }),
      '$.model.subjectTo[1].name',
      'a constraint name not used before',
    );
  });

  it('refuses duals on a MIP and an unknown message level', () => {
    const model = { ...(base.model as Record<string, unknown>), generals: ['doors'] };
    expectLocated(parseError({ ...base, model, output: { duals: true } }), '$.output.duals', 'false for a MIP model');
    expectLocated(parseError({ ...base, msglev: 'loud' }), '$.msglev', 'one of "off", "err", "on", "all"');
  });
});

describe('unknown fields', () => {
  it('accepts the framework fields (policy, description)', () => {
    expect(parse({ ...base, description: 'x', policy: { crashRetries: 1 } }).count).toBe(901);
  });

  it('names a misspelt field instead of ignoring it', () => {
    expectLocated(
      parseError({ ...base, ouput: { values: 'all' } }),
      '$.ouput',
      'a known field (kind, name, description, policy, model, grid',
    );
    expectLocated(
      parseError({ ...base, grid: [{ objective: 'windows', values: [1], stpe: 1 }] }),
      '$.grid[0].stpe',
      '"stpe" is not one',
    );
    expectLocated(
      parseError({ ...base, output: { value: ['doors'] } }),
      '$.output.value',
      'a known field (values, duals)',
    );
    const model = base.model as Record<string, unknown>;
    expectLocated(
      parseError({ ...base, model: { ...model, options: { msglev: 2 } } }),
      '$.model.options',
      'a known field',
    );
  });
});

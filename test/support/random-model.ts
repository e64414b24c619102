/** Random small linear models for the property tests (engines against each other, format round trips). */
import fc from 'fast-check';
import type { LinearModel } from '../../solver/formats/model.ts';

/** The distributions one property test wants its random models drawn from. */
export interface RandomModelOptions {
  /** The model's name. */
  name: string;
  /** At most this many variables (at least one). */
  maxVars: number;
  /** At most this many rows. */
  maxRows: number;
  /** A row coefficient (never 0). */
  coef: fc.Arbitrary<number>;
  /** An objective coefficient. */
  objectiveCoef: fc.Arbitrary<number>;
  /** A [lower, upper] bound pair, for variables and rows alike. */
  bounds: fc.Arbitrary<readonly number[]>;
  /** The objective's constant term (always 0 when not given). */
  constant?: fc.Arbitrary<number>;
  /** List each row's columns in increasing order (as the file writers do). */
  sortColumns?: boolean;
  /** Replace an integer column's infinite bounds with ±this (see cross-engine.test.ts for why). */
  integerBoundLimit?: number;
}

/**
 * Random models of 1..maxVars variables (bounded, some integer) and up to maxRows bounded rows,
 * each over distinct columns: one generator so every property test explores the same model shapes.
 */
export function randomModel(options: RandomModelOptions): fc.Arbitrary<LinearModel> {
  const { name, maxVars, maxRows, coef, objectiveCoef, bounds, constant = fc.constant(0), sortColumns } = options;
  const limit = options.integerBoundLimit ?? Number.POSITIVE_INFINITY;
  return fc.integer({ min: 1, max: maxVars }).chain((n) =>
    fc
      .record({
        sense: fc.constantFrom('min' as const, 'max' as const),
        constant,
        objective: fc.array(objectiveCoef, { minLength: n, maxLength: n }),
        vars: fc.array(fc.record({ b: bounds, integer: fc.boolean() }), { minLength: n, maxLength: n }),
        rows: fc.array(
          fc.record({
            entries: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: n - 1 }), coef), {
              minLength: 1,
              maxLength: n,
              selector: (e) => e[0],
            }),
            b: bounds,
          }),
          { maxLength: maxRows },
        ),
      })
      .map(({ sense, constant, objective, vars, rows }) => ({
        name,
        sense,
        objectiveName: 'obj',
        objective,
        objectiveConstant: constant,
        variables: vars.map((v, j) => ({
          name: `v${j}`,
          lb: v.integer ? Math.max(v.b[0] as number, -limit) : (v.b[0] as number),
          ub: v.integer ? Math.min(v.b[1] as number, limit) : (v.b[1] as number),
          integer: v.integer,
        })),
        rows: rows.map((r, i) => {
          const entries = sortColumns ? [...r.entries].sort((a, b) => a[0] - b[0]) : r.entries;
          return {
            name: `c${i}`,
            lb: r.b[0] as number,
            ub: r.b[1] as number,
            cols: entries.map((e) => e[0]),
            coefs: entries.map((e) => e[1]),
          };
        }),
        warnings: [],
      })),
  );
}

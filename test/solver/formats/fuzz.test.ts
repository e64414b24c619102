/**
 * Property tests for both readers:
 * - random valid models survive writer → reader unchanged and solve to the same optimum;
 * - random corruptions of real files give a FormatError (with the file and a line) or a
 *   valid model, never another kind of exception, and never hang (runs are bounded).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import { FormatError } from '../../../solver/formats/format-error.ts';
import { readLp } from '../../../solver/formats/lp-reader.ts';
import { writeLp } from '../../../solver/formats/lp-writer.ts';
import type { LinearModel } from '../../../solver/formats/model.ts';
import { readMps } from '../../../solver/formats/mps-reader.ts';
import { writeMps } from '../../../solver/formats/mps-writer.ts';
import { randomModel } from '../../support/random-model.ts';
import { MODELS } from './helpers.ts';

const INF = Number.POSITIVE_INFINITY;

const coef = fc.oneof(
  fc.integer({ min: -6, max: 6 }).filter((x) => x !== 0),
  fc.constantFrom(0.5, -0.25, 1.5, 1e-3, 12.75),
);
const small = fc.integer({ min: -8, max: 8 });

const bounds = fc.oneof(
  fc.constant([0, INF]),
  fc.tuple(small, small).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]),
  small.map((u) => [-INF, u]),
  small.map((l) => [l, INF]),
  fc.constant([-INF, INF]),
  small.map((v) => [v, v]),
);

const modelArb = randomModel({
  name: 'fuzz',
  maxVars: 6,
  maxRows: 5,
  coef,
  objectiveCoef: fc.oneof(fc.constant(0), coef),
  bounds,
  constant: fc.oneof(fc.constant(0), small),
  sortColumns: true,
});

/** What must survive a round trip (names, order, bounds, integrality, coefficients). */
function shape(m: LinearModel) {
  const rows = m.rows.map((r) => {
    const pairs = r.cols.map((j, k) => [j, r.coefs[k]] as const).sort((a, b) => a[0] - b[0]);
    return [r.name, r.lb, r.ub, pairs];
  });
  return {
    sense: m.sense,
    constant: m.objectiveConstant,
    objective: m.objective,
    variables: m.variables.map((v) => [v.name, v.lb, v.ub, v.integer]),
    rows,
  };
}

let glpk: Engine;
beforeAll(async () => {
  glpk = await loadEngine('glpk');
});

/**
 * Both models solve to the same answer. Not solved when an integer column is unbounded:
 * GLPK 5.0's MIP preprocessor can loop forever on such a model, ignoring its time limit
 * (see test/solver/engines/cross-engine.test.ts); the round trip itself is still checked.
 */
function sameSolve(a: LinearModel, b: LinearModel): void {
  if (a.variables.some((v) => v.integer && !(Number.isFinite(v.lb) && Number.isFinite(v.ub)))) return;
  const ra = glpk.solve(a, { timeLimitSec: 5 });
  const rb = glpk.solve(b, { timeLimitSec: 5 });
  expect(rb.status).toBe(ra.status);
  if (ra.objective === null) expect(rb.objective).toBeNull();
  else
    expect(Math.abs((rb.objective as number) - ra.objective)).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(ra.objective)),
    );
}

describe('round trips of random valid models', () => {
  it('CPLEX LP: writer → reader gives the same model and the same optimum', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const back = readLp(writeLp(m).text, { file: 'fuzz.lp' });
        expect(shape(back)).toEqual(shape(m));
        sameSolve(m, back);
      }),
      { numRuns: 300 },
    );
  });

  it('MPS: writer → reader gives the same model and the same optimum', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const back = readMps(writeMps(m), { file: 'fuzz.mps' });
        expect(shape(back)).toEqual(shape(m));
        sameSolve(m, back);
      }),
      { numRuns: 300 },
    );
  });
});

/** A corruption of a text: truncation, a deleted or duplicated line, a replaced token, garbage bytes. */
const TOKENS = [
  '',
  'x',
  '1e999',
  'NaN',
  '-',
  '+',
  'MARKER',
  "'INTORG'",
  'RHS',
  'BOUNDS',
  'UP',
  'FR',
  'inf',
  '[',
  ':',
  '<=',
  '=',
  'End',
  'Subject To',
  '\u0000',
  '\uFFFD',
  '  ',
  '\t',
  '*',
];
type Mutation = (text: string) => string;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (t: string) => t.slice(0, Math.floor(t.length * f))),
  fc.nat().map((k) => (t: string) => {
    const lines = t.split('\n');
    lines.splice(k % lines.length, 1);
    return lines.join('\n');
  }),
  fc.nat().map((k) => (t: string) => {
    const lines = t.split('\n');
    const i = k % lines.length;
    lines.splice(i, 0, lines[i] ?? '');
    return lines.join('\n');
  }),
  fc
    .tuple(fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })))
    .map(([k, w, tok]) => (t: string) => {
      const lines = t.split('\n');
      const i = k % lines.length;
      const words = (lines[i] ?? '').split(/(\s+)/);
      words[(w % Math.max(1, words.length)) & ~1] = tok;
      lines[i] = words.join('');
      return lines.join('\n');
    }),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ unit: 'binary', maxLength: 8 }))
    .map(([f, junk]) => (t: string) => {
      const at = Math.floor(t.length * f);
      return t.slice(0, at) + junk + t.slice(at);
    }),
);

function checkValid(m: LinearModel): void {
  const n = m.variables.length;
  for (const v of m.variables) {
    expect(Number.isNaN(v.lb) || Number.isNaN(v.ub)).toBe(false);
  }
  expect(m.objective).toHaveLength(n);
  for (const c of m.objective) expect(Number.isFinite(c)).toBe(true);
  expect(Number.isFinite(m.objectiveConstant)).toBe(true);
  for (const r of m.rows) {
    expect(r.cols).toHaveLength(r.coefs.length);
    for (const j of r.cols) expect(j >= 0 && j < n).toBe(true);
    for (const c of r.coefs) expect(Number.isFinite(c)).toBe(true);
    expect(Number.isNaN(r.lb) || Number.isNaN(r.ub)).toBe(false);
  }
}

function corruptionProperty(texts: string[], read: (text: string) => LinearModel, file: string) {
  return fc.property(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 3 }), (text, muts) => {
    const bad = muts.reduce((t, m) => m(t), text);
    let model: LinearModel | undefined;
    try {
      model = read(bad);
    } catch (err) {
      if (!(err instanceof FormatError))
        throw new Error(`not a FormatError: ${String(err)}\n--- input ---\n${bad.slice(0, 2000)}`);
      expect(err.file).toBe(file);
      expect(err.message.startsWith(`${file}`)).toBe(true);
      expect(err.line).toBeGreaterThanOrEqual(0);
      expect(err.line).toBeLessThanOrEqual(bad.split(/\r\n|\n|\r/).length);
      return;
    }
    checkValid(model);
  });
}

const REAL = ['lp/afiro.mps', 'mip/small_mip.mps', 'lp/avgas.mps', 'mip/flugpl.mps', 'lp/smalllp.mps'].map((f) =>
  join(MODELS, f),
);
const HAVE = REAL.every((f) => existsSync(f));

describe.skipIf(!HAVE)('corruptions of real files', () => {
  const mps = HAVE ? REAL.map((f) => readFileSync(f, 'utf8')) : [];
  const lp = mps.map((t) => writeLp(readMps(t)).text);

  it('MPS: a FormatError with a line, or a valid model', () => {
    fc.assert(
      corruptionProperty(mps, (t) => readMps(t, { file: 'bad.mps' }), 'bad.mps'),
      { numRuns: 1500, interruptAfterTimeLimit: 30_000 },
    );
  });

  it('CPLEX LP: a FormatError with a line, or a valid model', () => {
    fc.assert(
      corruptionProperty(lp, (t) => readLp(t, { file: 'bad.lp' }), 'bad.lp'),
      { numRuns: 1500, interruptAfterTimeLimit: 30_000 },
    );
  });

  it('arbitrary text: a FormatError or a model, for both readers', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), (text) => {
        for (const [read, file] of [
          [(t: string) => readMps(t, { file: 'x.mps' }), 'x.mps'],
          [(t: string) => readLp(t, { file: 'x.lp' }), 'x.lp'],
        ] as const) {
          try {
            checkValid(read(text));
          } catch (err) {
            if (!(err instanceof FormatError)) throw err;
            expect(err.file).toBe(file);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Reads the base model of a sweep: an LP/MIP in glpk.js's JSON shape, checked field by field
 * so that nothing reaches GLPK that would make it abort (GLPK treats bad input as a fatal
 * error, which in WebAssembly leaves the instance unusable), and normalised: numeric
 * directions and bound types, every bound value present.
 */
import type { LP } from '../../engines/glpk-runtime.ts';
import { GLP } from '../../engines/glpk-runtime.ts';
import type { Reader } from '../validate.ts';
import { onlyKeys } from './keys.ts';

/** GLPK's limit on row/column/problem name length. */
const MAX_NAME = 255;

const DIRECTIONS: Record<string, number> = { min: GLP.MIN, max: GLP.MAX, minimize: GLP.MIN, maximize: GLP.MAX };

const BOUND_TYPES: Record<string, number> = { fr: GLP.FR, lo: GLP.LO, up: GLP.UP, db: GLP.DB, fx: GLP.FX };

/** A bounds record as glpk.js reads it (every field present). */
export interface Bnds {
  type: number;
  lb: number;
  ub: number;
}

/** What the rest of the sweep needs to know about the model's names. */
export interface ModelIndex {
  /** Every column name, in first-appearance order (glpk.js's column order). */
  variables: string[];
  /** Row names, in order. */
  constraints: string[];
  /** Columns that are binary (their bounds are fixed to [0, 1] by GLPK). */
  binaries: Set<string>;
  isMip: boolean;
}

/** Whether a bound type has a lower bound. */
export function hasLower(type: number): boolean {
  return type === GLP.LO || type === GLP.DB || type === GLP.FX;
}

/** Whether a bound type has an upper bound. */
export function hasUpper(type: number): boolean {
  return type === GLP.UP || type === GLP.DB || type === GLP.FX;
}

function name(r: Reader): string {
  const s = r.string();
  if (s.length > MAX_NAME) r.fail(`a name of at most ${MAX_NAME} characters (GLPK's limit)`);
  return s;
}

function direction(r: Reader): number {
  const v = r.value;
  if (v === GLP.MIN || v === GLP.MAX) return v;
  if (typeof v === 'string' && DIRECTIONS[v.toLowerCase()] !== undefined) return DIRECTIONS[v.toLowerCase()] as number;
  return r.fail('1 (minimize), 2 (maximize), "min" or "max"');
}

function bounds(r: Reader, keys: readonly string[] = ['type', 'lb', 'ub']): Bnds {
  onlyKeys(r, keys);
  const t = r.at('type');
  let type: number;
  if (typeof t.value === 'string' && BOUND_TYPES[t.value.toLowerCase()] !== undefined) {
    type = BOUND_TYPES[t.value.toLowerCase()] as number;
  } else if (typeof t.value === 'number' && Number.isInteger(t.value) && t.value >= GLP.FR && t.value <= GLP.FX) {
    type = t.value;
  } else {
    type = t.fail('a bound type: 1..5 (GLP_FR, GLP_LO, GLP_UP, GLP_DB, GLP_FX) or "fr", "lo", "up", "db", "fx"');
  }
  const needLb = hasLower(type);
  const needUb = type === GLP.UP || type === GLP.DB;
  const lbR = r.at('lb');
  const ubR = r.at('ub');
  const lb = needLb ? lbR.number() : lbR.optional((x) => x.number(), 0);
  let ub = needUb ? ubR.number() : ubR.optional((x) => x.number(), 0);
  // GLPK reads only lb for a fixed bound; keep ub equal so a swept bound starts consistent.
  if (type === GLP.FX) ub = lb;
  if (type === GLP.DB && lb > ub) r.fail(`lb ≤ ub for a double bound, got lb = ${lb}, ub = ${ub}`);
  return { type, lb, ub };
}

/** A list of terms; a repeated variable is refused (GLPK aborts on one in a row; in the objective the last would silently win). */
function terms(r: Reader): { name: string; coef: number }[] {
  const seen = new Set<string>();
  return r.array().map((t) => {
    onlyKeys(t, ['name', 'coef']);
    const n = name(t.at('name'));
    if (seen.has(n)) t.at('name').fail('each variable once per objective or constraint (merge the terms)');
    seen.add(n);
    return { name: n, coef: t.at('coef').number() };
  });
}

function names(r: Reader): string[] {
  return r.optional((x) => x.array().map(name), []);
}

/** Parse and normalise a glpk.js LP document; throws a located ValidationError. */
export function readModel(r: Reader): { model: LP; index: ModelIndex } {
  // glpk.js also reads an "options" field here; solver options belong in the job's own "options".
  onlyKeys(r, ['name', 'objective', 'subjectTo', 'bounds', 'binaries', 'generals']);
  const obj = r.at('objective');
  onlyKeys(obj, ['direction', 'name', 'vars']);
  const objective = {
    direction: direction(obj.at('direction')),
    name: obj.at('name').optional(name, 'obj'),
    vars: terms(obj.at('vars')),
  };
  const rows = r.at('subjectTo').optional((x) => x.array(), []);
  const rowNames = new Set<string>();
  const subjectTo = rows.map((row) => {
    onlyKeys(row, ['name', 'vars', 'bnds']);
    const n = name(row.at('name'));
    if (rowNames.has(n)) row.at('name').fail('a constraint name not used before');
    rowNames.add(n);
    return { name: n, vars: terms(row.at('vars')), bnds: bounds(row.at('bnds')) };
  });
  const model: LP = { name: r.at('name').optional(name, 'model'), objective, subjectTo };

  const variables: string[] = [];
  const seenVar = new Set<string>();
  const add = (v: string) => {
    if (!seenVar.has(v)) {
      seenVar.add(v);
      variables.push(v);
    }
  };
  for (const t of objective.vars) add(t.name);
  for (const row of subjectTo) for (const t of row.vars) add(t.name);

  if (r.has('bounds')) {
    const boundNames = new Set<string>();
    model.bounds = r
      .at('bounds')
      .array()
      .map((b) => {
        b.object();
        const n = name(b.at('name'));
        if (boundNames.has(n)) b.at('name').fail('a variable named once in "bounds"');
        boundNames.add(n);
        add(n);
        return { name: n, ...bounds(b, ['name', 'type', 'lb', 'ub']) };
      });
  }
  const generals = names(r.at('generals'));
  const binaries = names(r.at('binaries'));
  for (const v of generals) add(v);
  for (const v of binaries) add(v);
  if (generals.length > 0) model.generals = generals;
  if (binaries.length > 0) model.binaries = binaries;
  if (variables.length === 0) r.at('objective').at('vars').fail('at least one variable in the model');

  return {
    model,
    index: {
      variables,
      constraints: subjectTo.map((row) => row.name),
      binaries: new Set(binaries),
      isMip: generals.length > 0 || binaries.length > 0,
    },
  };
}

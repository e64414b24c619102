/**
 * Neutral model → glpk.js LP JSON (the form sweep jobs and the glpk engine use).
 *
 * glpk.js has no objective constant: callers add `model.objectiveConstant` to the objective
 * GLPK reports. With `internalNames`, columns are `x0, x1…` and rows `r0, r1…`: the glpk
 * engine uses that so any name an MPS file allows (spaces, >255 characters, which would abort
 * GLPK) is safe; a sweep keeps the user's names because its grid addresses them.
 */
import type { LP } from 'glpk.js/node';
import { GLP } from './glpk-constants.ts';
import type { LinearModel } from './model.ts';

function boundType(lb: number, ub: number): number {
  const hasLb = lb !== Number.NEGATIVE_INFINITY;
  const hasUb = ub !== Number.POSITIVE_INFINITY;
  if (hasLb && hasUb) return lb === ub ? GLP.FX : GLP.DB;
  if (hasLb) return GLP.LO;
  if (hasUb) return GLP.UP;
  return GLP.FR;
}

/** Finite stand-ins for infinite bounds (GLPK ignores the side the type says is absent). */
function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/** Name of the fixed column that carries a model file's objective constant in glpk.js JSON. */
export const CONSTANT_COLUMN = '_objective_constant_';

/**
 * Convert to glpk.js JSON. Every column gets an explicit bounds entry (so unused columns exist).
 * `constantColumn`: glpk.js has no objective constant, so a nonzero one becomes a column fixed
 * at 1 whose objective coefficient is the constant (used where the JSON is solved as is, e.g.
 * a sweep over a model file).
 */
export function toGlpkLp(model: LinearModel, options: { internalNames?: boolean; constantColumn?: boolean } = {}): LP {
  const internal = options.internalNames === true;
  const col = (j: number): string => (internal ? `x${j}` : (model.variables[j]?.name ?? `x${j}`));
  const objVars: { name: string; coef: number }[] = [];
  model.objective.forEach((c, j) => {
    if (c !== 0) objVars.push({ name: col(j), coef: c });
  });
  const lp: LP = {
    name: model.name,
    objective: {
      direction: model.sense === 'max' ? GLP.MAX : GLP.MIN,
      name: internal ? 'obj' : model.objectiveName,
      vars: objVars,
    },
    subjectTo: model.rows.map((r, i) => ({
      name: internal ? `r${i}` : r.name,
      vars: r.cols.map((j, k) => ({ name: col(j), coef: r.coefs[k] ?? 0 })),
      bnds: { type: boundType(r.lb, r.ub), lb: finite(r.lb), ub: finite(r.ub) },
    })),
    bounds: model.variables.map((v, j) => ({
      name: col(j),
      type: boundType(v.lb, v.ub),
      lb: finite(v.lb),
      ub: finite(v.ub),
    })),
  };
  const generals = model.variables.flatMap((v, j) => (v.integer ? [col(j)] : []));
  if (generals.length > 0) lp.generals = generals;
  if (options.constantColumn === true && model.objectiveConstant !== 0) {
    let name = CONSTANT_COLUMN;
    while (model.variables.some((v) => v.name === name)) name = `_${name}`;
    objVars.push({ name, coef: model.objectiveConstant });
    lp.bounds?.push({ name, type: GLP.FX, lb: 1, ub: 1 });
  }
  return lp;
}

/** glpk.js JSON → neutral model (binaries get bounds [0, 1]; a column's default bounds are [0, +inf)). */
export function fromGlpkLp(lp: LP): LinearModel {
  const index = new Map<string, number>();
  const variables: LinearModel['variables'] = [];
  const objective: number[] = [];
  const col = (name: string): number => {
    let j = index.get(name);
    if (j === undefined) {
      j = variables.length;
      index.set(name, j);
      variables.push({ name, lb: 0, ub: Number.POSITIVE_INFINITY, integer: false });
      objective.push(0);
    }
    return j;
  };
  for (const t of lp.objective.vars) objective[col(t.name)] = (objective[col(t.name)] ?? 0) + t.coef;
  const range = (type: number, lb: number, ub: number): [number, number] => {
    switch (type) {
      case GLP.FR:
        return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      case GLP.LO:
        return [lb, Number.POSITIVE_INFINITY];
      case GLP.UP:
        return [Number.NEGATIVE_INFINITY, ub];
      case GLP.FX:
        return [lb, lb];
      default:
        return [lb, ub];
    }
  };
  const rows = lp.subjectTo.map((r) => {
    const [lb, ub] = range(r.bnds.type, r.bnds.lb, r.bnds.ub);
    return { name: r.name, lb, ub, cols: r.vars.map((t) => col(t.name)), coefs: r.vars.map((t) => t.coef) };
  });
  for (const b of lp.bounds ?? []) {
    const v = variables[col(b.name)];
    if (v !== undefined) [v.lb, v.ub] = range(b.type, b.lb, b.ub);
  }
  for (const n of lp.generals ?? []) {
    const v = variables[col(n)];
    if (v !== undefined) v.integer = true;
  }
  for (const n of lp.binaries ?? []) {
    const v = variables[col(n)];
    if (v !== undefined) Object.assign(v, { integer: true, lb: 0, ub: 1 });
  }
  return {
    name: lp.name,
    sense: lp.objective.direction === GLP.MAX ? 'max' : 'min',
    objectiveName: lp.objective.name,
    objective,
    objectiveConstant: 0,
    variables,
    rows,
    warnings: [],
  };
}

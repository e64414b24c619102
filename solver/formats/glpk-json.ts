/**
 * Neutral model → glpk.js LP JSON (the form sweep jobs and the glpk engine use).
 *
 * glpk.js has no objective constant: callers add `model.objectiveConstant` to the objective
 * GLPK reports. With `internalNames`, columns are `x0, x1…` and rows `r0, r1…`: the glpk
 * engine uses that so any name an MPS file allows (spaces, >255 characters, which would abort
 * GLPK) is safe; a sweep keeps the user's names because its grid addresses them.
 */
import type { LP } from 'glpk.js/node';
import { GLP } from '../engines/glpk-runtime.ts';
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

/** Convert to glpk.js JSON. Every column gets an explicit bounds entry (so unused columns exist). */
export function toGlpkLp(model: LinearModel, options: { internalNames?: boolean } = {}): LP {
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
  return lp;
}

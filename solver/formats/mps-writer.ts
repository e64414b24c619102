/**
 * Free-format MPS writer from the neutral model (used by tests and for exporting a model the
 * way glpsol and CBC read it). Names must not contain spaces (free MPS splits on them).
 *
 * Ranged rows are L rows with a RANGES entry; free rows are L rows with RHS 1e30 (infinite),
 * so the row count is kept. The objective constant is written as the objective row's RHS in
 * the convention `readMps` uses by default (glpsol/CBC: the RHS is the constant).
 */
import type { LinearModel } from './model.ts';

function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '1e30';
  if (v === Number.NEGATIVE_INFINITY) return '-1e30';
  return String(v);
}

/** Write the model as free MPS text. Throws if a name contains whitespace. */
export function writeMps(model: LinearModel): string {
  const bad = [...model.variables, ...model.rows].find((x) => /\s/.test(x.name) || x.name === '');
  if (bad !== undefined) throw new Error(`free MPS cannot carry the name ${JSON.stringify(bad.name)}`);
  const obj = model.objectiveName && !/\s/.test(model.objectiveName) ? model.objectiveName : 'obj';
  const out: string[] = [`NAME ${model.name.replace(/\s+/g, '_')}`];
  if (model.sense === 'max') out.push('OBJSENSE', '    MAX');
  out.push('ROWS', ` N ${obj}`);
  const kinds = model.rows.map((r) => {
    if (r.lb === r.ub) return 'E';
    if (r.lb === Number.NEGATIVE_INFINITY || Number.isFinite(r.ub)) return 'L';
    return 'G';
  });
  model.rows.forEach((r, i) => {
    out.push(` ${kinds[i]} ${r.name}`);
  });
  // Column-major entries.
  const byCol: [number, number][][] = model.variables.map(() => []);
  model.rows.forEach((r, i) => {
    r.cols.forEach((j, k) => {
      byCol[j]?.push([i, r.coefs[k] ?? 0]);
    });
  });
  out.push('COLUMNS');
  let inInt = false;
  let marker = 0;
  model.variables.forEach((v, j) => {
    if (v.integer !== inInt) {
      out.push(`    MARKER${marker++} 'MARKER' '${v.integer ? 'INTORG' : 'INTEND'}'`);
      inInt = v.integer;
    }
    const c = model.objective[j] ?? 0;
    const entries = byCol[j] ?? [];
    if (c !== 0 || entries.length === 0) out.push(`    ${v.name} ${obj} ${num(c)}`);
    for (const [i, a] of entries) out.push(`    ${v.name} ${model.rows[i]?.name} ${num(a)}`);
  });
  if (inInt) out.push(`    MARKER${marker++} 'MARKER' 'INTEND'`);
  out.push('RHS');
  if (model.objectiveConstant !== 0) out.push(`    rhs ${obj} ${num(model.objectiveConstant)}`);
  model.rows.forEach((r, i) => {
    const kind = kinds[i];
    const rhs =
      kind === 'G' ? r.lb : r.ub === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : kind === 'E' ? r.lb : r.ub;
    if (rhs !== 0) out.push(`    rhs ${r.name} ${num(rhs)}`);
  });
  const ranges = model.rows.flatMap((r, i) =>
    kinds[i] === 'L' && Number.isFinite(r.lb) && Number.isFinite(r.ub) ? [`    rng ${r.name} ${num(r.ub - r.lb)}`] : [],
  );
  if (ranges.length > 0) out.push('RANGES', ...ranges);
  const bounds: string[] = [];
  for (const v of model.variables) {
    if (v.lb === v.ub) {
      bounds.push(` FX bnd ${v.name} ${num(v.lb)}`);
      continue;
    }
    if (v.lb === Number.NEGATIVE_INFINITY && v.ub === Number.POSITIVE_INFINITY) {
      bounds.push(` FR bnd ${v.name}`);
      continue;
    }
    if (v.lb === Number.NEGATIVE_INFINITY) bounds.push(` MI bnd ${v.name}`);
    // An explicit LO 0 keeps a negative UP from meaning "lower bound -inf" (MPS convention).
    else if (v.lb !== 0 || v.ub < 0) bounds.push(` LO bnd ${v.name} ${num(v.lb)}`);
    if (v.ub !== Number.POSITIVE_INFINITY) bounds.push(` UP bnd ${v.name} ${num(v.ub)}`);
    // An integer column no BOUNDS line names would be read as binary (MPS convention).
    else if (v.integer && v.lb === 0) bounds.push(` PL bnd ${v.name}`);
  }
  if (bounds.length > 0) out.push('BOUNDS', ...bounds);
  out.push('ENDATA');
  return `${out.join('\n')}\n`;
}

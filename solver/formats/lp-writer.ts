/**
 * CPLEX LP writer from the neutral model. The output reads back through `readLp` to the same
 * model (same rows in the same order, same bounds, same integrality, same objective constant).
 *
 * Names that CPLEX LP cannot carry (MPS allows almost anything: spaces, leading digits,
 * operators) are replaced by a safe, unique name; `names` in the result maps each written
 * name back to the original so solutions can be reported under the user's names.
 */
import type { LinearModel } from './model.ts';

/** The LP text and the names used in it (same order as the model's variables and rows). */
export interface WrittenLp {
  text: string;
  variableNames: string[];
  rowNames: string[];
}

const RESERVED = new Set([
  'inf',
  'infinity',
  'free',
  'st',
  's.t.',
  'st.',
  'bound',
  'bounds',
  'end',
  'min',
  'max',
  'minimize',
  'maximize',
  'minimise',
  'maximise',
  'minimum',
  'maximum',
  'general',
  'generals',
  'gen',
  'integer',
  'integers',
  'binary',
  'binaries',
  'bin',
  'subject',
  'such',
  'sos',
  'semi',
  'semis',
  'semi-continuous',
]);

/** A name CPLEX LP accepts: no operator, comment or space; not starting with a digit, '.', 'e' + digit. */
function lpSafe(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    /^[A-Za-z_!"#$%&()/,;?@`'{}|~][A-Za-z0-9_!"#$%&()/,.;?@`'{}|~]*$/.test(name) &&
    !/^[eE]\d/.test(name) &&
    !RESERVED.has(name.toLowerCase())
  );
}

function safeNames(names: string[], prefix: string): string[] {
  const used = new Set<string>();
  for (const n of names) if (lpSafe(n)) used.add(n);
  return names.map((n, i) => {
    if (lpSafe(n)) return n;
    let base = `${prefix}${n.replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (!lpSafe(base) || base.length > 200) base = `${prefix}${i}`;
    let candidate = base;
    let k = 1;
    while (used.has(candidate)) candidate = `${base}_${k++}`;
    used.add(candidate);
    return candidate;
  });
}

/** Shortest exact decimal for a coefficient (round-trips through Number()). */
function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return String(v);
}

/** True when reading the written text creates the variables in model order. */
function appearsInOrder(model: LinearModel): boolean {
  const seen = new Uint8Array(model.variables.length);
  let next = 0;
  const visit = (j: number): boolean => {
    if (seen[j] === 1) return true;
    if (j !== next) return false;
    seen[j] = 1;
    next++;
    return true;
  };
  for (let j = 0; j < model.objective.length; j++) if (model.objective[j] !== 0 && !visit(j)) return false;
  for (const r of model.rows) {
    if (r.cols.length === 0 && model.variables.length > 0 && !visit(0)) return false;
    for (let k = 0; k < r.cols.length; k++) if (r.coefs[k] !== 0 && !visit(r.cols[k] ?? 0)) return false;
  }
  return true;
}

function terms(cols: number[], coefs: number[], names: string[], keepZeros = false): string[] {
  const out: string[] = [];
  for (let k = 0; k < cols.length; k++) {
    const c = coefs[k] ?? 0;
    if (c === 0 && !keepZeros) continue;
    const name = names[cols[k] ?? 0] ?? '';
    const sign = c < 0 || Object.is(c, -0) ? '-' : '+';
    const a = Math.abs(c);
    out.push(a === 1 ? `${sign} ${name}` : `${sign} ${num(a)} ${name}`);
  }
  return out;
}

/** Join terms into lines of at most ~100 characters (LP files have no hard limit; readers like short lines). */
function wrap(head: string, parts: string[], tail: string): string {
  const lines: string[] = [];
  let cur = head;
  for (const p of parts) {
    if (cur.length + p.length + 1 > 100 && cur.trim() !== '') {
      lines.push(cur);
      cur = '   ';
    }
    cur += ` ${p}`;
  }
  cur += tail;
  lines.push(cur);
  return lines.join('\n');
}

/** Write the model as CPLEX LP text. */
export function writeLp(model: LinearModel): WrittenLp {
  const variableNames = safeNames(
    model.variables.map((v) => v.name),
    'x_',
  );
  const rowNames = safeNames(
    model.rows.map((r) => r.name),
    'r_',
  );
  const objName = lpSafe(model.objectiveName) && !rowNames.includes(model.objectiveName) ? model.objectiveName : 'obj';
  const out: string[] = [];
  out.push(`\\ Problem: ${model.name.replace(/[\r\n]/g, ' ')}`);
  out.push(model.sense === 'max' ? 'Maximize' : 'Minimize');
  const objCols: number[] = [];
  const objCoefs: number[] = [];
  // Readers number variables by first appearance. When that order would differ from the
  // model's, every variable is listed in the objective (zeros included) to pin the order.
  const pin = !appearsInOrder(model);
  model.objective.forEach((c, j) => {
    if (c !== 0 || pin) {
      objCols.push(j);
      objCoefs.push(c);
    }
  });
  const objTerms = terms(objCols, objCoefs, variableNames, pin);
  if (model.objectiveConstant !== 0) {
    objTerms.push(`${model.objectiveConstant < 0 ? '-' : '+'} ${num(Math.abs(model.objectiveConstant))}`);
  }
  out.push(wrap(` ${objName}:`, objTerms, ''));
  out.push('Subject To');
  model.rows.forEach((row, i) => {
    const name = rowNames[i] ?? `r_${i}`;
    let t = terms(row.cols, row.coefs, variableNames);
    // A row needs at least one variable to parse; an empty row is written as 0 x (kept, same count).
    if (t.length === 0) t = [`+ 0 ${variableNames[0] ?? 'x_0'}`];
    const finiteLb = Number.isFinite(row.lb);
    const finiteUb = Number.isFinite(row.ub);
    if (finiteLb && finiteUb && row.lb === row.ub) out.push(wrap(` ${name}:`, t, ` = ${num(row.lb)}`));
    else if (finiteLb && finiteUb) out.push(wrap(` ${name}: ${num(row.lb)} <=`, t, ` <= ${num(row.ub)}`));
    else if (finiteLb) out.push(wrap(` ${name}:`, t, ` >= ${num(row.lb)}`));
    else if (finiteUb) out.push(wrap(` ${name}:`, t, ` <= ${num(row.ub)}`));
    else out.push(wrap(` ${name}:`, t, ' >= -inf'));
  });
  // Every variable gets a bounds line: that also declares variables used nowhere else.
  out.push('Bounds');
  model.variables.forEach((v, j) => {
    const name = variableNames[j] ?? `x_${j}`;
    if (v.lb === Number.NEGATIVE_INFINITY && v.ub === Number.POSITIVE_INFINITY) out.push(` ${name} free`);
    else if (v.lb === v.ub) out.push(` ${name} = ${num(v.lb)}`);
    else out.push(` ${num(v.lb)} <= ${name} <= ${num(v.ub)}`);
  });
  const ints = model.variables.map((v, j) => (v.integer ? variableNames[j] : undefined)).filter((n) => n !== undefined);
  if (ints.length > 0) {
    out.push('Generals');
    for (let k = 0; k < ints.length; k += 8) out.push(` ${ints.slice(k, k + 8).join(' ')}`);
  }
  out.push('End');
  return { text: `${out.join('\n')}\n`, variableNames, rowNames };
}

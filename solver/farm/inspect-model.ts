/**
 * inspectModel(): what a model file handed over by the UI holds — its variable and constraint
 * names, sense and size — read with the same readers a job uses (solver/formats), chosen by
 * the file name's ending: `.lp` (CPLEX LP), `.mps` (fixed or free MPS), `.json` (glpk.js JSON).
 * A model that cannot be read throws the reader's located message (`afiro.mps:12: expected …`).
 */
import type { ModelFile, ModelSummary } from '../api.ts';
import { FormatError } from '../formats/format-error.ts';
import { fromGlpkLp } from '../formats/glpk-json.ts';
import type { LinearModel } from '../formats/model.ts';
import { modelStats } from '../formats/model.ts';
import { modelFormat, readModelText } from '../formats/read-model.ts';
import { readModel } from '../problems/sweep/model.ts';
import { Reader } from '../problems/validate.ts';

/** Line (1-based) of a JSON.parse error, from V8's `(line L column C)` or `at position P`. */
function jsonErrorLine(message: string, text: string): number {
  const lc = /\(line (\d+) column \d+\)/.exec(message);
  if (lc?.[1] !== undefined) return Number(lc[1]);
  const pos = /at position (\d+)/.exec(message);
  if (pos?.[1] !== undefined) {
    const at = Math.min(Number(pos[1]), text.length);
    let line = 1;
    for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  }
  return 0;
}

function readGlpkJson(name: string, text: string): LinearModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw new FormatError(name, jsonErrorLine(message, text), `not valid JSON (${message}): fix the file's syntax`);
  }
  // The sweep's own checks of a glpk.js model: errors name the file and the JSON path.
  const { model } = readModel(new Reader(name, doc));
  const linear = fromGlpkLp(model);
  if (linear.name === '') linear.name = name.replace(/\.json$/i, '');
  return linear;
}

/** Reads a model file's text and summarises it; throws a located FormatError / ValidationError. */
export function inspectModel(file: ModelFile): ModelSummary {
  const { name, text } = file;
  let format: ModelSummary['format'];
  let model: LinearModel;
  if (name.toLowerCase().endsWith('.json')) {
    format = 'glpk-json';
    model = readGlpkJson(name, text);
  } else {
    const f = modelFormat(name);
    if (f === undefined) {
      throw new FormatError(name, 0, 'expected a model file ending in .lp (CPLEX LP), .mps (MPS) or .json (glpk.js)');
    }
    format = f;
    model = readModelText(text, f, name);
    if (model.name === '') model.name = name.replace(/\.(lp|mps)(\.gz)?$/i, '');
  }
  const stats = modelStats(model);
  return {
    name: model.name,
    format,
    sense: model.sense,
    variables: model.variables.map((v) => v.name),
    integers: stats.integers,
    constraints: model.rows.map((r) => r.name),
    nonzeros: stats.nonzeros,
  };
}

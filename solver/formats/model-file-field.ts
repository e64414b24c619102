/**
 * A job field that names a model file (`"modelFile": "x.lp" | "x.mps"`): read on the main side
 * through the format readers and handed on as glpk.js JSON, so a job kind that works on that
 * JSON (the sweep) addresses the file's variable and constraint names as it does today.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Reader } from '../problems/validate.ts';
import { Reader as JsonReader } from '../problems/validate.ts';
import { toGlpkLp } from './glpk-json.ts';
import { readModelFile } from './read-model.ts';

/**
 * Read the model file `field` names (relative to `baseDir`) and return a Reader over its
 * glpk.js JSON, located at the same JSON path (so later checks still name `$.modelFile`).
 * A missing or malformed file is a ValidationError at the field, carrying the file and line.
 */
export function modelFileAsGlpk(field: Reader, baseDir: string): Reader {
  const given = field.string();
  const path = isAbsolute(given) ? given : resolve(baseDir, given);
  let lp: ReturnType<typeof toGlpkLp>;
  try {
    lp = toGlpkLp(readModelFile(path, { label: given }), { constantColumn: true });
  } catch (err) {
    return field.fail(`a readable CPLEX LP or MPS model file (${err instanceof Error ? err.message : String(err)})`);
  }
  return new JsonReader(field.source, lp, field.path);
}

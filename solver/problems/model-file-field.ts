/**
 * A job field that names a model file (`"modelFile": "x.lp" | "x.mps"`): read on the main side
 * through the format readers and handed on as glpk.js JSON, so a job kind that works on that
 * JSON (the sweep) addresses the file's variable and constraint names as it does today.
 */

import { toGlpkLp } from '../formats/glpk-json.ts';
import type { LinearModel } from '../formats/model.ts';
import { modelFormat, readModelFile, readModelText } from '../formats/read-model.ts';
import { jobFilePath } from './job-access.ts';
import type { ParseContext } from './types.ts';
import type { Reader } from './validate.ts';
import { Reader as JsonReader, ValidationError } from './validate.ts';

/**
 * Read the model file `field` names (relative to the job's folder, checked against its access) and return a Reader over its
 * glpk.js JSON, located at the same JSON path (so later checks still name `$.modelFile`).
 * A missing or malformed file is a ValidationError at the field, carrying the file and line.
 */
export function modelFileAsGlpk(field: Reader, ctx: ParseContext): Reader {
  const given = field.string();
  const path = jobFilePath(field, ctx, given);
  let lp: ReturnType<typeof toGlpkLp>;
  try {
    lp = toGlpkLp(readModelFile(path, { label: given }), { constantColumn: true });
  } catch (err) {
    return field.fail(`a readable CPLEX LP or MPS model file (${err instanceof Error ? err.message : String(err)})`);
  }
  return new JsonReader(field.source, lp, field.path);
}

/** A model handed over inline (the browser cannot give the farm a path): its file name and text. */
export interface InlineModel {
  /** File name, e.g. `x.lp`: chooses the reader (`.lp`, `.mps`; a `.gz` name means already decompressed text). */
  name: string;
  text: string;
}

/**
 * Read an inline model field `{ "name": "x.lp", "text": "…" }`, checking its shape. The name
 * must end in a model extension because it chooses the reader, and it names the model in errors.
 */
export function readInlineModel(field: Reader): InlineModel {
  field.object();
  for (const key of Object.keys(field.value as object)) {
    if (key !== 'name' && key !== 'text') field.at(key).fail('no such field (an inline model has "name" and "text")');
  }
  const nameField = field.at('name');
  const name = nameField.string();
  if (modelFormat(name) === undefined) nameField.fail('a model file name ending in .lp, .mps, .lp.gz or .mps.gz');
  const textField = field.at('text');
  if (typeof textField.value !== 'string') textField.fail('the model file text, as a string');
  return { name, text: textField.value as string };
}

/** Parse an inline model's text; errors are FormatErrors naming the model's file name and line. */
export function parseInlineModel(model: InlineModel): LinearModel {
  const format = modelFormat(model.name) as 'lp' | 'mps';
  const parsed = readModelText(model.text, format, model.name);
  if (parsed.name === '') parsed.name = model.name.replace(/\.(lp|mps)(\.gz)?$/i, '');
  return parsed;
}

/**
 * Like {@link modelFileAsGlpk} for a model given inline (`"modelText": { "name", "text" }`):
 * parsed here with the same readers; a bad model is a ValidationError at `$.modelText.text`
 * whose message carries the model's name and line (`x.lp:3: …`), never the text itself.
 */
export function modelTextAsGlpk(field: Reader): Reader {
  const model = readInlineModel(field);
  let lp: ReturnType<typeof toGlpkLp>;
  try {
    lp = toGlpkLp(parseInlineModel(model), { constantColumn: true });
  } catch (err) {
    throw new ValidationError(
      field.source,
      `${field.path}.text`,
      `a readable CPLEX LP or MPS model (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return new JsonReader(field.source, lp, field.path);
}

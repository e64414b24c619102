/**
 * Read a model file by its extension: `.lp`, `.mps` (fixed or free), and the same gzip-compressed
 * (`.lp.gz`, `.mps.gz`, as MIPLIB distributes them), decompressed with node:zlib.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FormatError } from './format-error.ts';
import { readLp } from './lp-reader.ts';
import type { LinearModel } from './model.ts';
import { type MpsOptions, readMps } from './mps-reader.ts';

/** File name endings the readers understand, longest first. */
export const MODEL_EXTENSIONS = ['.lp.gz', '.mps.gz', '.lp', '.mps'] as const;

/** `lp` or `mps` by file name, or undefined when the name has another ending. */
export function modelFormat(path: string): 'lp' | 'mps' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.lp') || lower.endsWith('.lp.gz')) return 'lp';
  if (lower.endsWith('.mps') || lower.endsWith('.mps.gz')) return 'mps';
  return undefined;
}

/** Parse model text in the given format; `file` names it in errors. */
export function readModelText(
  text: string,
  format: 'lp' | 'mps',
  file: string,
  options: Omit<MpsOptions, 'file'> = {},
): LinearModel {
  return format === 'lp' ? readLp(text, { file }) : readMps(text, { ...options, file });
}

/**
 * Read and parse a model file. Errors name the file as `label` (default: its base name) and
 * the line; an unreadable or non-gzip `.gz` file is a FormatError too.
 */
export function readModelFile(path: string, options: Omit<MpsOptions, 'file'> & { label?: string } = {}): LinearModel {
  const label = options.label ?? basename(path);
  const format = modelFormat(path);
  if (format === undefined) {
    throw new FormatError(label, 0, 'expected a file ending in .lp, .mps, .lp.gz or .mps.gz');
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FormatError(label, 0, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`);
  }
  if (path.toLowerCase().endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new FormatError(label, 0, `is not a valid gzip file (${(err as Error).message})`);
    }
  }
  const { label: _label, ...mpsOptions } = options;
  const model = readModelText(bytes.toString('utf8'), format, label, mpsOptions);
  if (model.name === '') model.name = label.replace(/\.(lp|mps)(\.gz)?$/i, '');
  return model;
}

/**
 * Read a model file by its extension: `.lp`, `.mps` (fixed or free), and the same gzip-compressed
 * (`.lp.gz`, `.mps.gz`, as MIPLIB distributes them), decompressed with node:zlib. Every model
 * file, whoever reads it (a sweep's modelFile, a batch task, a race, `solver-farm solve`), is
 * read through read-file.ts: regular files only, with a size limit on the file and on what a
 * `.gz` inflates to.
 */
import { basename } from 'node:path';
import { FormatError } from './format-error.ts';
import { readLp } from './lp-reader.ts';
import type { LinearModel } from './model.ts';
import { type MpsOptions, readMps } from './mps-reader.ts';
import { readUserFile } from './read-file.ts';

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

/** Options of readModelFile. */
export type ReadModelFileOptions = Omit<MpsOptions, 'file'> & {
  /** Name of the file in errors (default: its base name). */
  label?: string;
  /** Size limit (plain or inflated), bytes; default modelSizeLimit() (read-file.ts). */
  maxBytes?: number;
};

/**
 * Read and parse a model file. Errors name the file as `label` (default: its base name) and
 * the line; a missing, unreadable, non-regular or too big file, or a broken or too big `.gz`
 * one, is a FormatError too.
 */
export function readModelFile(path: string, options: ReadModelFileOptions = {}): LinearModel {
  const label = options.label ?? basename(path);
  const format = modelFormat(path);
  if (format === undefined) {
    throw new FormatError(label, 0, 'expected a file ending in .lp, .mps, .lp.gz or .mps.gz');
  }
  const bytes = readUserFile(path, label, {
    gunzip: path.toLowerCase().endsWith('.gz'),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
  });
  const { label: _label, maxBytes: _maxBytes, ...mpsOptions } = options;
  const model = readModelText(bytes.toString('utf8'), format, label, mpsOptions);
  if (model.name === '') model.name = label.replace(/\.(lp|mps)(\.gz)?$/i, '');
  return model;
}

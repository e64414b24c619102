/**
 * Reading model files the user picked in the page (file input or folder input) into the
 * `{ name, text }` form the farm takes inline: the browser cannot hand the farm a path.
 */
import type { ModelFile } from '../../../solver/api.ts';

/** Endings the panel opens as models. `.json` is a glpk.js LP model (sweeps only). */
export const MODEL_FILE_ACCEPT = '.lp,.mps,.json,.gz';

/** Endings the farm's batch kind reads (no glpk.js JSON there). */
const BATCH_ENDINGS = ['.lp', '.mps', '.lp.gz', '.mps.gz'];

/** Whether a file name is a model the panel can open (a folder's other files are skipped). */
export function isModelName(name: string): boolean {
  const lower = name.toLowerCase();
  return BATCH_ENDINGS.some((e) => lower.endsWith(e)) || lower.endsWith('.json');
}

/** Whether the farm's batch kind takes this model (CPLEX LP or MPS, gzipped or not). */
export function isBatchModel(name: string): boolean {
  const lower = name.toLowerCase();
  return BATCH_ENDINGS.some((e) => lower.endsWith(e));
}

/** The name a file is known by: its path inside an opened folder, else its own name. */
export function displayName(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return rel && rel.length > 0 ? rel : file.name;
}

/**
 * Reads one picked file as text. A `.gz` file is decompressed here (DecompressionStream,
 * which Chromium and Electron have) and named without `.gz`, so the farm reads plain text.
 * Errors name the file and say what to do.
 */
export async function readModelFile(file: File, name = displayName(file)): Promise<ModelFile> {
  const gz = name.toLowerCase().endsWith('.gz');
  try {
    if (!gz) return { name, text: await file.text() };
    if (typeof DecompressionStream !== 'function') {
      throw new Error('this browser cannot decompress gzip files; decompress it first (gunzip) and open the result');
    }
    const text = await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
    return { name: name.slice(0, -3), text };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      gz
        ? `${name}: not a readable gzip file (${why}). Check the file, or decompress it and open the plain model.`
        : `${name}: cannot read the file (${why}).`,
    );
  }
}

/**
 * The model files among picked files (a folder brings everything in it), sorted by name so
 * a batch's order does not depend on the file system.
 */
export function pickModelFiles(files: Iterable<File>): File[] {
  return [...files]
    .filter((f) => isModelName(displayName(f)))
    .sort((a, b) => {
      const x = displayName(a);
      const y = displayName(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

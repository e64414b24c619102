/**
 * The documents Solver Farm opens from the desktop (double-click, "Open with", a file dropped
 * on the dock icon): one list shared by the installers' file associations
 * (electron-builder.config.ts), the macOS Info.plist (forge.config.ts) and the main process's
 * open-file handling (open-file.ts), so the three cannot drift apart.
 */

/** What the app does with an opened file: load a job document, or a model as a one-file batch. */
export type OpenedFileRole = 'job' | 'model';

/** One associated file type. */
export interface AppFileType {
  /** Extensions without the dot; the first is the canonical one. */
  extensions: readonly string[];
  /** Name shown by the OS ("Solver Farm job"). */
  name: string;
  /** MIME type registered on Linux (shared-mime-info) for the extensions. */
  mimeType: string;
  role: OpenedFileRole;
}

/**
 * Job files are JSON documents (examples/*.json); they get their own extension, `.sfjob`,
 * so that double-clicking one opens Solver Farm and not the user's JSON editor. A plain
 * `.json` job can still be opened from the app or passed on the command line.
 * Model files are CPLEX LP and MPS (fixed or free), as the batch kind reads them.
 */
export const APP_FILE_TYPES: readonly AppFileType[] = [
  { extensions: ['sfjob'], name: 'Solver Farm job', mimeType: 'application/x-solver-farm-job', role: 'job' },
  { extensions: ['lp'], name: 'CPLEX LP model', mimeType: 'application/x-cplex-lp', role: 'model' },
  { extensions: ['mps'], name: 'MPS model', mimeType: 'application/x-mps', role: 'model' },
];

/** Also accepted on the command line (not associated with the app by the installers). */
const EXTRA_EXTENSIONS: readonly { suffix: string; role: OpenedFileRole }[] = [
  { suffix: '.json', role: 'job' },
  { suffix: '.lp.gz', role: 'model' },
  { suffix: '.mps.gz', role: 'model' },
];

/** The role of a file by its name, or undefined when the app does not open such files. */
export function openedFileRole(fileName: string): OpenedFileRole | undefined {
  const lower = fileName.toLowerCase();
  for (const type of APP_FILE_TYPES) {
    if (type.extensions.some((ext) => lower.endsWith(`.${ext}`))) return type.role;
  }
  return EXTRA_EXTENSIONS.find((extra) => lower.endsWith(extra.suffix))?.role;
}

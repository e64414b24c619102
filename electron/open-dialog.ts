/**
 * File ▸ Open…: the app's own dialog for job and model files. A file picked here is the
 * user's choice, like one opened from the OS, so it takes the same road (open-file.ts): read
 * in the main process, recorded as a grant, handed to the page. The page's own file input
 * cannot do this: the page is untrusted, so a job it reads is the page's, never a job file.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron';
import { APP_FILE_TYPES } from './file-types.ts';

/** One file at a time: the page has one chosen job, and the last file opened is it. */
export function openDialogOptions(): OpenDialogOptions {
  const types = APP_FILE_TYPES.map((type) => ({ name: type.name, extensions: [...type.extensions] }));
  return {
    title: 'Open a job or model file',
    properties: ['openFile'],
    filters: [
      // `gz`: compressed models (.lp.gz, .mps.gz); open-file.ts refuses any other .gz by name.
      { name: 'Jobs and models', extensions: [...types.flatMap((type) => type.extensions), 'json', 'gz'] },
      ...types,
      { name: 'JSON job', extensions: ['json'] },
    ],
  };
}

/** Show the dialog (on the window when there is one); resolves with the picked paths, none when cancelled. */
export async function pickFilesToOpen(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  window: BrowserWindow | null,
): Promise<string[]> {
  const options = openDialogOptions();
  const result = window === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options);
  return result.canceled ? [] : result.filePaths;
}

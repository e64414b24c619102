/**
 * The run journal of a data folder, as the Farm's port (solver/farm/journal-port.ts): every
 * run the Farm starts without its own `observe` hook is recorded in `<dataDir>/runs/<run id>/`,
 * and runs(), openRun() and resume() read and continue the runs there. The shells that keep
 * a history pass one: `new Farm({ launcher, journal: farmJournal(dataDir) })`.
 */
import type { RunJournal } from '../farm/journal-port.ts';
import { prepareResume, recordInto } from './farm-recording.ts';
import { openPastRun, pastRuns, runDirOf } from './run-history.ts';

/** The journal of the runs under `dataDir` (desktop: Electron's userData folder; serve: the current folder). */
export function farmJournal(dataDir: string): RunJournal {
  return {
    record: recordInto({ root: dataDir }),
    async prepareResume(runId, { kinds, access, retryFailed }) {
      const { request, options } = await prepareResume(runDirOf(dataDir, runId), kinds, { access, retryFailed });
      return { request, options };
    },
    runs: () => pastRuns(dataDir),
    openRun: (runId, kinds, paging) => openPastRun(dataDir, runId, kinds, paging),
  };
}

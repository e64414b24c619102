/**
 * Run history in the panel: the list of past runs (FarmApi.runs), one run opened for viewing
 * (FarmApi.openRun, paged), and Resume / Retry failed (FarmApi.resume), which switches back
 * to the live view. Also closes a gap of the live view: results that arrived while the
 * WebSocket was down are fetched back from the run's journal (openRun) on reconnect.
 *
 * The history has its own small store: it is a separate screen whose data (a past run's
 * table) must never mix with the live run's.
 */
import { create } from 'zustand';
import type { PastRun, PastRunDetail, RunInfo, RunState } from '../../../solver/api.ts';
import { farmApi } from './actions.ts';
import { ResultTable } from './result-table.ts';
import { runIsActive, useFarm } from './store.ts';

/** Results fetched per openRun call. */
export const HISTORY_PAGE = 5000;

/** A past run on screen. */
export interface OpenedRun {
  detail: PastRunDetail;
  table: ResultTable;
  version: number;
  /** Results loaded so far (the next page's offset). */
  loaded: number;
}

/** State of the Runs screen. */
export interface HistoryState {
  /** The Runs screen is showing (instead of the live view). */
  open: boolean;
  runs: PastRun[];
  /** A runs() request is in flight. */
  loading: boolean;
  /** Why the list could not be loaded, in plain words. */
  listError: string | null;
  opened: OpenedRun | null;
  /** runId being opened, or whose page/resume is in flight. */
  busy: string | null;
  /** Why opening, paging, exporting or resuming failed. */
  runError: string | null;
}

function initial(): HistoryState {
  return { open: false, runs: [], loading: false, listError: null, opened: null, busy: null, runError: null };
}

/** The Runs screen's store. */
export const useHistory = create<HistoryState>()(() => initial());

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reloads the list of past runs. */
export async function refreshRuns(): Promise<void> {
  useHistory.setState({ loading: true });
  try {
    const runs = await farmApi().runs();
    useHistory.setState({ runs, listError: null });
  } catch (e) {
    useHistory.setState({ listError: `Could not list the past runs: ${message(e)}` });
  } finally {
    useHistory.setState({ loading: false });
  }
}

/** Shows the Runs screen (and refreshes its list). */
export function showHistory(): void {
  useHistory.setState({ open: true });
  void refreshRuns();
}

/** Back to the live view. */
export function showLive(): void {
  useHistory.setState({ open: false });
}

/** Opens a past run: its first page of results, log tails and steps. */
export async function openPastRun(runId: string): Promise<void> {
  useHistory.setState({ busy: runId, runError: null });
  try {
    const detail = await farmApi().openRun(runId, { offset: 0, limit: HISTORY_PAGE });
    const table = new ResultTable();
    table.append(detail.results);
    useHistory.setState({ opened: { detail, table, version: 1, loaded: detail.results.length } });
  } catch (e) {
    useHistory.setState({ runError: `Could not open run ${runId}: ${message(e)}` });
  } finally {
    useHistory.setState({ busy: null });
  }
}

/** Closes the opened run (back to the list). */
export function closePastRun(): void {
  useHistory.setState({ opened: null, runError: null });
  void refreshRuns();
}

/** Loads the next page of the opened run's results; resolves true when more remain. */
export async function loadMoreResults(): Promise<boolean> {
  const opened = useHistory.getState().opened;
  if (!opened) return false;
  const { detail } = opened;
  if (opened.loaded >= detail.resultCount) return false;
  useHistory.setState({ busy: detail.run.runId, runError: null });
  try {
    const page = await farmApi().openRun(detail.run.runId, { offset: opened.loaded, limit: HISTORY_PAGE });
    const current = useHistory.getState().opened;
    if (current?.detail.run.runId !== detail.run.runId) return false;
    current.table.append(page.results);
    const loaded = current.loaded + page.results.length;
    useHistory.setState({ opened: { ...current, loaded, version: current.version + 1 } });
    return page.results.length > 0 && loaded < page.resultCount;
  } catch (e) {
    useHistory.setState({ runError: `Could not load more results: ${message(e)}` });
    return false;
  } finally {
    useHistory.setState({ busy: null });
  }
}

/** Loads every remaining page (up to the table's capacity), e.g. before an export. */
export async function loadAllResults(): Promise<void> {
  for (;;) {
    const opened = useHistory.getState().opened;
    if (!opened || opened.table.length >= opened.table.capacity) return;
    if (!(await loadMoreResults())) return;
  }
}

/** Waits until the live store shows run `runId` (its first event arrived), or a timeout. */
function whenLiveRunIs(runId: string, timeoutMs = 10_000): Promise<void> {
  if (useFarm.getState().run?.runId === runId) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = useFarm.subscribe((s) => {
      if (s.run?.runId === runId) done();
    });
    function done(): void {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

/**
 * Appends the results the run's journal holds to the live table (ids already there are
 * skipped by ResultTable), page by page. Used after a resume (the earlier session's results)
 * and after a reconnect (those that arrived while the connection was down).
 */
export async function backfillLiveResults(runId: string): Promise<void> {
  let offset = 0;
  for (;;) {
    const live = useFarm.getState();
    if (live.run?.runId !== runId || live.results.length >= live.results.capacity) return;
    const page = await farmApi().openRun(runId, { offset, limit: HISTORY_PAGE });
    const now = useFarm.getState();
    if (now.run?.runId !== runId) return;
    if (now.results.append(page.results) > 0) useFarm.setState({ resultsVersion: now.resultsVersion + 1 });
    offset += page.results.length;
    if (page.results.length === 0 || offset >= page.resultCount) return;
  }
}

/** Resumes a past run (only missing tasks; with retryFailed, failed ones too), then shows it live. */
export async function resumePastRun(runId: string, retryFailed: boolean): Promise<void> {
  const live = useFarm.getState();
  if (runIsActive(live.runState)) {
    useHistory.setState({ runError: 'A run is active: terminate it or wait for it to end before resuming another.' });
    return;
  }
  useHistory.setState({ busy: runId, runError: null });
  try {
    const options: { retryFailed?: boolean; cores?: number } = { retryFailed };
    if (live.cores !== null) options.cores = live.cores;
    const run: RunInfo = await farmApi().resume(runId, options);
    useFarm.setState((s) =>
      s.run?.runId === run.runId && runIsActive(s.runState) ? {} : { toolbarError: null, pending: null },
    );
    useHistory.setState({ open: false, opened: null });
    // The live table starts empty for a run it was not showing: add what the run already had.
    await whenLiveRunIs(run.runId);
    await backfillLiveResults(run.runId).catch(() => {});
  } catch (e) {
    useHistory.setState({ runError: `Could not resume run ${runId}: ${message(e)}` });
  } finally {
    useHistory.setState({ busy: null });
  }
}

const END_STATES: readonly RunState[] = ['done', 'stopped', 'failed'];

/**
 * Follows the live store: refreshes the list when a run ends, and after a reconnect fetches
 * back the current run's results from its journal (again when the run ends, since the
 * journal is written in batches). Returns an unsubscribe function.
 */
export function bindHistory(): () => void {
  let wasOpen = useFarm.getState().connection === 'open';
  let everOpen = wasOpen;
  let gapInRun: string | null = null;
  return useFarm.subscribe((s, prev) => {
    const open = s.connection === 'open';
    if (open && !wasOpen && everOpen && s.run?.dir !== undefined) {
      // Reconnected: the status answer (applyStatus) may land after this; wait for the run.
      const runId = s.run.runId;
      gapInRun = runId;
      void whenLiveRunIs(runId).then(() => backfillLiveResults(runId).catch(() => {}));
    }
    if (open) everOpen = true;
    wasOpen = open;
    if (s.runState !== prev.runState && END_STATES.includes(s.runState)) {
      if (useHistory.getState().open) void refreshRuns();
      const runId = s.run?.runId;
      if (runId !== undefined && gapInRun === runId && s.run?.dir !== undefined) {
        gapInRun = null;
        void backfillLiveResults(runId).catch(() => {});
      }
    }
  });
}

/**
 * State and actions of the model panel: the opened model files, the summary of a single
 * model, the sweep axes being built, engine and time limit, and the farm's count preview.
 *
 * Kept in its own small store beside the farm store (which mirrors the farm's events): this
 * is form state that only the model panel reads, and keeping it apart means a sweep being typed
 * never re-renders the run views. What it produces (the job) goes into the farm store's
 * `job`, so Start, the job picker and the shell's menu work on it as on any job.
 */
import { create } from 'zustand';
import type { JobPreview, ModelFile, ModelSummary } from '../../../solver/api.ts';
import { farmApi, startRun } from './actions.ts';
import { pickModelFiles, readModelFile } from './model-files.ts';
import {
  type AxisDraft,
  type AxisKind,
  type BuiltJob,
  buildBatch,
  buildSweep,
  type EngineName,
  type SolveSettings,
} from './model-job.ts';
import { runIsActive, useFarm } from './store.ts';

/** Wait after the last edit before asking the farm for a count preview. */
export const PREVIEW_DEBOUNCE_MS = 250;

export interface ModelPanelState {
  /** Models opened (one: sweep builder; several: batch). */
  models: ModelFile[];
  /** What was opened, for the heading (a file name, `3 files`, or a folder's name). */
  title: string;
  /** Reading or inspecting. */
  loading: boolean;
  /** A problem opening or reading the files, shown in place. */
  openError: string | null;
  summary: ModelSummary | null;
  axes: AxisDraft[];
  engine: EngineName;
  timeLimit: string;
  /** The farm's preview of the built job; null while not asked or invalid. */
  preview: JobPreview | null;
  /** Why the job cannot run (form problem or the farm's located error). */
  previewError: string | null;
  previewPending: boolean;
}

function initial(): ModelPanelState {
  return {
    models: [],
    title: '',
    loading: false,
    openError: null,
    summary: null,
    axes: [],
    engine: 'glpk',
    timeLimit: '',
    preview: null,
    previewError: null,
    previewPending: false,
  };
}

/** The model panel's store. */
export const useModels = create<ModelPanelState>()(() => initial());

/** Back to nothing opened. */
export function resetModels(): void {
  previewSeq++;
  if (previewTimer) clearTimeout(previewTimer);
  previewTimer = null;
  useModels.setState(initial(), true);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let nextKey = 1;
let openSeq = 0;

/**
 * Opens picked files (several files, or everything in a folder): keeps the model files, reads
 * them (gzip decompressed), and for a single model asks the farm for its summary.
 */
export async function openModels(files: Iterable<File>, folder?: string): Promise<void> {
  const all = [...files];
  const picked = pickModelFiles(all);
  const seq = ++openSeq;
  if (picked.length === 0) {
    useModels.setState({
      ...initial(),
      openError:
        all.length === 0
          ? 'No files were chosen.'
          : `${folder ? `The folder ${folder}` : 'The chosen files'} hold no models: open .lp, .mps (or .lp.gz, .mps.gz) files, or a glpk.js .json model.`,
    });
    return;
  }
  useModels.setState({ ...initial(), loading: true, engine: useModels.getState().engine });
  let models: ModelFile[];
  try {
    models = await Promise.all(picked.map((f) => readModelFile(f)));
  } catch (e) {
    if (seq === openSeq) useModels.setState({ loading: false, openError: message(e) });
    return;
  }
  if (seq !== openSeq) return;
  const title = folder ?? (models.length === 1 ? (models[0]?.name ?? '') : `${models.length} models`);
  useModels.setState({ models, title });
  if (models.length === 1) {
    const model = models[0] as ModelFile;
    try {
      const summary = await farmApi().inspectModel(model);
      if (seq !== openSeq) return;
      useModels.setState({ summary, loading: false });
    } catch (e) {
      if (seq !== openSeq) return;
      useModels.setState({ loading: false, openError: message(e), models: [] });
      return;
    }
  } else {
    useModels.setState({ loading: false });
  }
  schedulePreview(0);
}

/** Adds an axis, preset to the first name of the model the kind addresses. */
export function addAxis(kind: AxisKind = 'objective'): void {
  const s = useModels.getState();
  const names = kind === 'constraint' ? (s.summary?.constraints ?? []) : (s.summary?.variables ?? []);
  const axis: AxisDraft = {
    key: nextKey++,
    kind,
    target: names[0] ?? '',
    bound: 'ub',
    mode: 'range',
    from: '',
    to: '',
    step: '1',
    values: '',
  };
  useModels.setState({ axes: [...s.axes, axis] });
  schedulePreview();
}

/** Changes one axis; switching what it addresses picks a valid name for the new kind. */
export function updateAxis(key: number, patch: Partial<Omit<AxisDraft, 'key'>>): void {
  const s = useModels.getState();
  useModels.setState({
    axes: s.axes.map((a) => {
      if (a.key !== key) return a;
      const next = { ...a, ...patch };
      if (patch.kind && patch.kind !== a.kind && (patch.kind === 'constraint') !== (a.kind === 'constraint')) {
        const names = patch.kind === 'constraint' ? (s.summary?.constraints ?? []) : (s.summary?.variables ?? []);
        next.target = names[0] ?? '';
      }
      return next;
    }),
  });
  schedulePreview();
}

export function removeAxis(key: number): void {
  useModels.setState((s) => ({ axes: s.axes.filter((a) => a.key !== key) }));
  schedulePreview();
}

export function setSettings(patch: Partial<SolveSettings>): void {
  useModels.setState(patch);
  schedulePreview();
}

/** The job the panel describes now (sweep for one model, batch for several). */
export function buildJob(s: ModelPanelState = useModels.getState()): BuiltJob | null {
  if (s.models.length === 0) return null;
  const settings: SolveSettings = { engine: s.engine, timeLimit: s.timeLimit };
  if (s.models.length === 1) return buildSweep(s.models[0] as ModelFile, s.axes, settings);
  return buildBatch(s.models, settings, s.title);
}

let previewTimer: ReturnType<typeof setTimeout> | null = null;
let previewSeq = 0;

/** Asks the farm for the built job's count, after the user stops typing for a moment. */
export function schedulePreview(delay = PREVIEW_DEBOUNCE_MS): void {
  if (previewTimer) clearTimeout(previewTimer);
  const seq = ++previewSeq;
  useModels.setState({ previewPending: true });
  previewTimer = setTimeout(() => {
    previewTimer = null;
    void runPreview(seq);
  }, delay);
}

async function runPreview(seq: number): Promise<void> {
  const built = buildJob();
  if (!built) {
    useModels.setState({ preview: null, previewError: null, previewPending: false });
    return;
  }
  if (!built.ok) {
    useModels.setState({ preview: null, previewError: built.error, previewPending: false });
    return;
  }
  try {
    const preview = await farmApi().preview({ job: built.job, source: built.source });
    if (seq === previewSeq) useModels.setState({ preview, previewError: null, previewPending: false });
  } catch (e) {
    if (seq === previewSeq) useModels.setState({ preview: null, previewError: message(e), previewPending: false });
  }
}

/**
 * Makes the built job the chosen job (the toolbar's picker shows it) and starts it. The
 * farm checks the job again on start; its error lands next to the toolbar as for any job.
 */
export async function startModelJob(): Promise<void> {
  const built = buildJob();
  if (!built) return;
  if (!built.ok) {
    useModels.setState({ previewError: built.error });
    return;
  }
  if (runIsActive(useFarm.getState().runState)) return;
  useFarm.setState({ job: { type: 'file', name: built.source, job: built.job }, toolbarError: null });
  await startRun();
}

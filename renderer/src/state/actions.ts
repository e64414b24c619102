import type { FarmApi, FarmStatus, StartRequest } from '../../../solver/api.ts';
import type { Transport } from '../transport/choose.ts';
import { applyStartedRun, applyStatus, enqueueEvents, runIsActive, useFarm } from './store.ts';

let api: FarmApi | null = null;

function farm(): FarmApi {
  if (!api) throw new Error('The panel is not connected to a solver farm yet.');
  return api;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Wires a transport to the store, once at start: events go into the store outside React
 * (queued and applied once per frame), and every (re)connect re-reads the farm's status so the panel shows the
 * truth after a dropped connection.
 */
export function bindTransport(t: Transport): () => void {
  api = t.api;
  useFarm.setState({ transport: t.kind });
  const unsubscribe = t.api.subscribe(enqueueEvents);
  let loadedExamples = false;
  const offConnection = t.onConnection((state, detail) => {
    useFarm.setState({ connection: state, connectionDetail: detail });
    if (state !== 'open') return;
    void refreshStatus().catch(() => {});
    if (!loadedExamples) {
      loadedExamples = true;
      t.api.examples().then(
        (examples) => {
          useFarm.setState((s) => ({
            examples,
            job: s.job ?? (examples[0] ? { type: 'example', id: examples[0].id } : null),
          }));
        },
        (e: unknown) => {
          loadedExamples = false;
          useFarm.setState({ toolbarError: `Could not load the example jobs: ${message(e)}` });
        },
      );
    }
  });
  return () => {
    unsubscribe();
    offConnection();
  };
}

/** Asks the farm for its status and brings the store up to date; returns the answer. */
export async function refreshStatus(): Promise<FarmStatus> {
  const st = await farm().status();
  applyStatus(st);
  return st;
}

/** Starts the chosen job with the chosen cores. Errors land next to the toolbar. */
export async function startRun(): Promise<void> {
  const s = useFarm.getState();
  if (s.pending || runIsActive(s.runState)) return;
  const job = s.job;
  if (!job) {
    useFarm.setState({ toolbarError: 'Pick a job first: a built-in example, or open a job file.' });
    return;
  }
  const request: StartRequest =
    job.type === 'example' ? { example: job.id } : { job: job.job, source: job.source ?? job.name };
  if (s.cores !== null) request.cores = s.cores;
  useFarm.setState({ pending: 'start', toolbarError: null });
  try {
    applyStartedRun(await farm().start(request));
  } catch (e) {
    useFarm.setState({ toolbarError: message(e) });
  } finally {
    useFarm.setState({ pending: null });
  }
}

/** First press drains, the next one kills (DESIGN 'Users' 4). */
export async function terminateRun(): Promise<void> {
  const s = useFarm.getState();
  if (s.pending === 'terminate') return;
  const force = s.terminateStage === 'graceful' || s.runState === 'stopping';
  useFarm.setState({ pending: 'terminate', toolbarError: null });
  try {
    const stage = await farm().terminate({ force });
    if (stage !== 'none') useFarm.setState((st) => (st.terminateStage === 'force' ? {} : { terminateStage: stage }));
  } catch (e) {
    useFarm.setState({ toolbarError: `Terminate failed: ${message(e)}` });
  } finally {
    useFarm.setState({ pending: null });
  }
}

/** Reads a job file chosen by the user; a file that is not JSON is reported by name. */
export async function chooseJobFile(file: File): Promise<void> {
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    useFarm.setState({ toolbarError: `${file.name}: cannot read the file: ${message(e)}` });
    return;
  }
  let job: unknown;
  try {
    job = JSON.parse(text);
  } catch (e) {
    useFarm.setState({
      toolbarError: `${file.name}: not valid JSON (${message(e)}). A job file is a JSON document such as examples/wyndor-sweep.json.`,
    });
    return;
  }
  useFarm.setState({ job: { type: 'file', name: file.name, job }, toolbarError: null });
}

/** The farm API, for components that ask it directly (the status dialog). */
export function farmApi(): FarmApi {
  return farm();
}

/**
 * The one verb table (DESIGN 'Shells'): for each FarmApi verb, the guard that checks what a
 * page sent and the call that hands the checked arguments to the farm. Every transport that
 * serves a page (Electron IPC, the browser-mode WebSocket, an HTTP API) is a loop over this
 * table: it frames requests and replies and says whose page it is (PageAccess); it checks no
 * argument itself. A page is untrusted, so arguments are checked here, once, at the boundary,
 * and what a verb answers is what a page may see (no stacks: page-errors.ts).
 */
import type { FarmApi, FarmVerb, StartRequest } from '../api.ts';
import { runDetailForPage } from './page-errors.ts';
import type { JobAccess, PageFacingFarm, RecordedJob } from './page-farm.ts';
import {
  checkModelFile,
  checkOpenRunOptions,
  checkResumeOptions,
  checkRunId,
  checkStartRequest,
  checkTerminateOptions,
} from './verb-args.ts';

/**
 * What a job from the page behind one request may read and load (problems/job-access.ts).
 * The desktop decides it per request from the user's grants; browser mode has one per server.
 */
export interface PageAccess {
  /**
   * A job the page sends (start, preview): the request to hand the farm and its access. A
   * shell may answer with another request, e.g. the user's own copy of a job file it granted.
   */
  job(request: StartRequest): { request: StartRequest; access: JobAccess };
  /**
   * A job the farm reads back from a run folder because the page asked (resume), decided from
   * what the folder records. The folder is no authority (anyone who can write in the data
   * folder can edit it): only what the user gave the shell can lift the page's rules.
   */
  run(recorded: RecordedJob): JobAccess;
}

/** The same access for every request, whatever the page sends or a run folder says (browser mode). */
export function fixedAccess(access: JobAccess): PageAccess {
  return { job: (request) => ({ request, access }), run: () => access };
}

/** One verb: its arguments as FarmApi declares them, checked; then the farm's answer. */
interface Verb<V extends FarmVerb> {
  /** Check the arguments a page sent, in order; throws a TypeError that says what was expected. */
  guard(args: readonly unknown[]): Parameters<FarmApi[V]>;
  /** Call the farm with checked arguments; the verbs that read files or load code get the page's access. */
  call(farm: PageFacingFarm, args: Parameters<FarmApi[V]>, page: PageAccess): ReturnType<FarmApi[V]>;
}

/** A table entry as callVerb sees it, the verb known only at run time. */
interface AnyVerb {
  guard(args: readonly unknown[]): unknown[];
  call(farm: PageFacingFarm, args: unknown[], page: PageAccess): Promise<unknown>;
}

/** A verb that takes no arguments (any sent are ignored, as a JavaScript call would). */
const none = (): [] => [];

/** The table. Its keys are FarmVerb: a verb of FarmApi missing here does not compile. */
export const VERBS: { readonly [V in FarmVerb]: Verb<V> } = {
  start: {
    guard: ([request]) => [checkStartRequest('start', request)],
    call: (farm, [sent], page) => {
      const { request, access } = page.job(sent);
      return farm.start(request, { access });
    },
  },
  terminate: { guard: ([options]) => [checkTerminateOptions(options)], call: (farm, args) => farm.terminate(...args) },
  status: { guard: none, call: (farm) => farm.status() },
  examples: { guard: none, call: (farm) => farm.examples() },
  runs: { guard: none, call: (farm) => farm.runs() },
  openRun: {
    guard: ([runId, paging]) => [checkRunId('openRun', runId), checkOpenRunOptions(paging)],
    // Task errors in the journal keep their stacks; the page gets the messages.
    call: async (farm, args) => runDetailForPage(await farm.openRun(...args)),
  },
  resume: {
    guard: ([runId, options]) => [checkRunId('resume', runId), checkResumeOptions(options)],
    // The run's job is read again from its folder: the page asks, so the page's shell decides
    // what it may do from what the folder records (never from a flag in it).
    call: (farm, [runId, options], page) => farm.resume(runId, options, (recorded) => page.run(recorded)),
  },
  inspectModel: { guard: ([file]) => [checkModelFile(file)], call: (farm, args) => farm.inspectModel(...args) },
  preview: {
    guard: ([request]) => [checkStartRequest('preview', request)],
    call: (farm, [sent], page) => {
      const { request, access } = page.job(sent);
      return farm.preview(request, access);
    },
  },
};

/** Whether a name a page sent is a verb of the table (own keys only: `__proto__` is none). */
export function isFarmVerb(name: string): name is FarmVerb {
  return Object.hasOwn(VERBS, name);
}

/**
 * Check a page's arguments for `verb`, then call the farm. A refused argument rejects with
 * its TypeError before the farm is touched.
 */
export async function callVerb(
  farm: PageFacingFarm,
  verb: FarmVerb,
  args: readonly unknown[],
  page: PageAccess,
): Promise<unknown> {
  // Typed per verb, the table pairs each guard with its own call; a verb known only at run
  // time cannot carry that pairing through the compiler, so it is taken on the table's word.
  const entry = VERBS[verb] as unknown as AnyVerb;
  return entry.call(farm, entry.guard(args), page);
}

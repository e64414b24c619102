/**
 * Errors as they reach a page (the browser panel over WebSocket, the desktop window over IPC):
 * a name, the message the user reads and a short stable code, never a stack (DESIGN 'Trust
 * boundaries'). Stacks stay where they are useful: the server's log and the run's journal.
 * The stripping happens at the shell boundary, so the journal keeps what solvers reported.
 */
import type { FarmEvent, PastRunDetail, SerializedError, TaskResult } from '../api.ts';

/**
 * Codes a page can act on. `bad-request`: the request itself was malformed; `invalid-argument`:
 * a job, model or option was refused (the message says where); `internal`: a bug (something
 * that is no error at all, or an error class only a bug raises); `error`: anything else. An
 * error may carry its own kebab-case `code` property (e.g. `busy`), which is kept.
 */
export type ErrorCode = 'bad-request' | 'invalid-argument' | 'internal' | 'error';

/** Error classes whose messages describe what was wrong with the caller's input. */
const INVALID_ARGUMENT = new Set(['ValidationError', 'FormatError', 'TsplibError', 'TypeError', 'RangeError']);
/** Error classes that only a bug raises. */
const INTERNAL = new Set(['ReferenceError', 'EvalError', 'AssertionError']);
const CODE_PATTERN = /^[a-z]+(-[a-z]+)*$/;

/** The code of anything thrown: its own `code` when it is one of ours (kebab-case), else by class. */
export function errorCode(err: unknown): string {
  if (!(err instanceof Error)) return 'internal';
  const own = (err as { code?: unknown }).code;
  // Node's own codes (ENOENT, ERR_…) are upper case and name a cause, not what the page can do.
  if (typeof own === 'string' && CODE_PATTERN.test(own)) return own;
  if (INVALID_ARGUMENT.has(err.name)) return 'invalid-argument';
  if (INTERNAL.has(err.name)) return 'internal';
  return 'error';
}

/** Whether a failure with this code is the server's business to log (a stack helps nobody for a refused job). */
export function worthLogging(code: string): boolean {
  return code === 'internal' || code === 'error';
}

/** What a page is told about anything thrown: name, message and code. */
export function pageError(err: unknown): { name: string; message: string; code: string } {
  const code = errorCode(err);
  if (err instanceof Error) return { name: err.name, message: err.message, code };
  let message: string;
  try {
    message = typeof err === 'string' ? err : String(JSON.stringify(err));
  } catch {
    message = String(err);
  }
  return { name: 'Error', message, code };
}

/** The stack (or the text) of anything thrown, for the server's log. */
export function stackOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}

/** A SerializedError without its stack; the same object when it has none. */
function strip(error: SerializedError): SerializedError {
  if (error.stack === undefined) return error;
  const { stack: _stack, ...rest } = error;
  return rest;
}

/** Results without error stacks; the same array when none has one (the usual case, kept cheap). */
export function resultsForPage(results: TaskResult[]): TaskResult[] {
  if (!results.some((r) => r.error?.stack !== undefined)) return results;
  return results.map((r) => (r.error?.stack === undefined ? r : { ...r, error: strip(r.error) }));
}

/** An event batch without error stacks; the same array when none has one. */
export function eventsForPage(events: FarmEvent[]): FarmEvent[] {
  let out: FarmEvent[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as FarmEvent;
    let clean: FarmEvent = ev;
    if ((ev.type === 'error' || ev.type === 'run') && ev.error?.stack !== undefined) {
      clean = { ...ev, error: strip(ev.error) };
    } else if (ev.type === 'results') {
      const results = resultsForPage(ev.results);
      if (results !== ev.results) clean = { ...ev, results };
    }
    if (clean !== ev) out ??= events.slice(0, i);
    out?.push(clean);
  }
  return out ?? events;
}

/** A past run's page of results without error stacks (the journal keeps them). */
export function runDetailForPage(detail: PastRunDetail): PastRunDetail {
  const results = resultsForPage(detail.results);
  return results === detail.results ? detail : { ...detail, results };
}

/**
 * Checks of the FarmApi verbs' arguments, used by the verb table (verbs.ts) that every shell
 * serving a page goes through, and by the Farm for its run-history and inspection verbs: a
 * page is untrusted, so every argument is checked for shape before it reaches the farm or the
 * disk. Each check throws a TypeError that says what was expected.
 */
import type { ModelFile, StartRequest } from '../api.ts';

/** Run ids as the farm and the journal make them (`20261122-031500-ab12cd`). */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4,6}$/;

/** Largest model text accepted by inspectModel (the browser-mode frame limit is 8 MiB). */
export const MAX_MODEL_TEXT = 64 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(verb: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${verb}(): unknown option "${key}" (expected ${allowed.join(', ')})`);
    }
  }
}

/**
 * A start or preview request's shape: `{ example }` or `{ job, source }`, with optional cores.
 * The farm checks the job document itself (and where it is wrong); the same object is returned,
 * so a shell can still tell the user's own document from a copy (electron/request-access.ts).
 */
export function checkStartRequest(verb: string, value: unknown): StartRequest {
  if (isRecord(value)) {
    const coresOk = value.cores === undefined || typeof value.cores === 'number';
    if (coresOk && (typeof value.example === 'string' || ('job' in value && typeof value.source === 'string'))) {
      return value as StartRequest;
    }
  }
  throw new TypeError(`${verb}() expects { example: string } or { job, source: string }, with optional cores.`);
}

/** A run id, never a path: it names a folder under `<dataDir>/runs/`. */
export function checkRunId(verb: string, value: unknown): string {
  if (typeof value !== 'string' || !RUN_ID.test(value)) {
    throw new TypeError(
      `${verb}(): expected a run id such as "20261122-031500-ab12cd" (from runs()), got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** openRun's paging options. */
export function checkOpenRunOptions(value: unknown): { offset?: number; limit?: number } {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError('openRun(): options must be { offset?, limit? }');
  onlyKeys('openRun', value, ['offset', 'limit']);
  const out: { offset?: number; limit?: number } = {};
  for (const key of ['offset', 'limit'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`openRun(): ${key} must be a whole number, 0 or more, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** terminate's options: `{ force?: boolean }` or nothing. */
export function checkTerminateOptions(value: unknown): { force?: boolean } {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError('terminate(): options must be { force?: boolean }');
  onlyKeys('terminate', value, ['force']);
  if (value.force === undefined) return {};
  if (typeof value.force !== 'boolean') throw new TypeError('terminate(): force must be true or false');
  return { force: value.force };
}

/** resume's options. */
export function checkResumeOptions(value: unknown): { retryFailed?: boolean; cores?: number } {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError('resume(): options must be { retryFailed?, cores? }');
  onlyKeys('resume', value, ['retryFailed', 'cores']);
  const out: { retryFailed?: boolean; cores?: number } = {};
  if (value.retryFailed !== undefined) {
    if (typeof value.retryFailed !== 'boolean') throw new TypeError('resume(): retryFailed must be true or false');
    out.retryFailed = value.retryFailed;
  }
  if (value.cores !== undefined) {
    if (typeof value.cores !== 'number' || !Number.isInteger(value.cores) || value.cores < 1) {
      throw new TypeError(`resume(): cores must be a whole number, 1 or more, got ${JSON.stringify(value.cores)}`);
    }
    out.cores = value.cores;
  }
  return out;
}

/** inspectModel's file: `{ name, text }`. */
export function checkModelFile(value: unknown): ModelFile {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.text !== 'string') {
    throw new TypeError('inspectModel(): expected { name: string, text: string } (the file name and its text)');
  }
  if (value.name === '' || value.name.length > 1024) {
    throw new TypeError('inspectModel(): name must be the model file name (1 to 1024 characters)');
  }
  if (value.text.length > MAX_MODEL_TEXT) {
    throw new TypeError(`inspectModel(): ${value.name} is larger than ${MAX_MODEL_TEXT / 1024 / 1024} MiB`);
  }
  return { name: value.name, text: value.text };
}

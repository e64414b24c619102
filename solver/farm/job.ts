/**
 * From a start request to a parsed, planned job: built-in examples (examples/index.json)
 * or a job document with its source file; the job's `kind` is looked up in the registry
 * and its own `parse` validates the rest with located errors.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ExampleJob } from '../api.ts';
import { JOB_FILE_ACCESS, type JobAccess } from '../problems/job-access.ts';
import type { AnyProblemKind, StepPlan, TaskPlan } from '../problems/types.ts';
import { Reader } from '../problems/validate.ts';
import { checkJobNesting } from './job-nesting.ts';
import { checkPlan } from './plan-check.ts';

/** One line of examples/index.json (written by the problems side). */
export interface ExampleEntry extends ExampleJob {
  /** Job file, relative to the examples folder. */
  file: string;
}

/** A job ready to run. */
export interface LoadedJob {
  kindName: string;
  kind: AnyProblemKind;
  spec: unknown;
  plan: TaskPlan<unknown> | StepPlan<unknown>;
  /** Display name of the run. */
  name: string;
  /** File name (or example file) used in messages. */
  source: string;
  /** The job document as given. */
  doc: unknown;
  /** Folder the job's relative paths resolved against. */
  baseDir: string;
  /** What the job was allowed to read and load (who sent it). */
  access: JobAccess;
}

/** Read examples/index.json; a missing index means no examples. */
export async function readExamples(dir: string): Promise<ExampleEntry[]> {
  const path = join(dir, 'index.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const source = path;
  const r = new Reader(source, parseJson(text, source));
  return r.array().map((e) => ({
    id: e.at('id').string(),
    file: e.at('file').string(),
    name: e.at('name').string(),
    description: e.at('description').optional((x) => x.string(), ''),
    kind: e.at('kind').string(),
  }));
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${source}: not valid JSON (${err instanceof Error ? err.message : String(err)}): fix the file's syntax`,
    );
  }
}

/** Load a built-in example by id. */
export async function loadExample(
  dir: string,
  id: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
): Promise<LoadedJob> {
  const examples = await readExamples(dir);
  const entry = examples.find((e) => e.id === id);
  if (!entry) {
    const known = examples.map((e) => JSON.stringify(e.id)).join(', ') || 'none';
    throw new Error(`unknown example "${id}": the built-in examples are ${known}`);
  }
  const path = join(dir, entry.file);
  const doc = parseJson(await readFile(path, 'utf8'), entry.file);
  // Our own job files: whoever asks for an example, the example's own rules apply.
  const job = await loadJob(doc, entry.file, dirname(path), kinds, JOB_FILE_ACCESS);
  job.name = entry.name;
  return job;
}

/** Where a job's relative paths resolve: the job file's folder, or the working directory. */
export function baseDirOf(source: string): string {
  return isAbsolute(source) ? dirname(source) : process.cwd();
}

/** A job parsed without being planned (preview): its plan only when planning runs no job code. */
export interface PreviewedJob {
  kindName: string;
  kind: AnyProblemKind;
  spec: unknown;
  plan: TaskPlan<unknown> | StepPlan<unknown> | null;
  name: string;
}

/**
 * Parse a job for a preview or a look at a past run: files are read and checked against
 * `access`, but no code the job names is imported or run (a custom kind is not planned).
 */
export async function previewJob(
  doc: unknown,
  source: string,
  baseDir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  access: JobAccess,
): Promise<PreviewedJob> {
  const { kindName, kind, name } = jobKind(doc, source, kinds);
  const spec = await kind.parse(doc, { source, baseDir, access, preview: true });
  const plan = kind.plansWithJobCode === true ? null : checkPlan(kind.plan(spec), source, kindName, !!kind.reduce);
  return { kindName, kind, spec, plan, name };
}

/**
 * Validate and plan a job document, reading only what `access` lets its sender name.
 * Throws ValidationError with file and JSON path.
 */
export async function loadJob(
  doc: unknown,
  source: string,
  baseDir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  access: JobAccess,
): Promise<LoadedJob> {
  const { kindName, kind, name } = jobKind(doc, source, kinds);
  const spec = await kind.parse(doc, { source, baseDir, access });
  const plan = checkPlan(kind.plan(spec), source, kindName, !!kind.reduce);
  return { kindName, kind, spec, plan, name, source, doc, baseDir, access };
}

function jobKind(
  doc: unknown,
  source: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
): { kindName: string; kind: AnyProblemKind; name: string } {
  // Before any kind (or anything after it) walks the document recursively.
  checkJobNesting(doc, source);
  const r = new Reader(source, doc);
  r.object();
  const kindName = r.at('kind').oneOf([...kinds.keys()]);
  const named = r.at('name').value;
  return {
    kindName,
    kind: kinds.get(kindName) as AnyProblemKind,
    name: typeof named === 'string' && named !== '' ? named : basename(source),
  };
}

/**
 * From a start request to a parsed, planned job: built-in examples (examples/index.json)
 * or a job document with its source file; the job's `kind` is looked up in the registry
 * and its own `parse` validates the rest with located errors.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ExampleJob } from '../api.ts';
import type { AnyProblemKind, StepPlan, TaskPlan } from '../problems/types.ts';
import { Reader, ValidationError } from '../problems/validate.ts';

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
  const job = await loadJob(doc, entry.file, dirname(path), kinds);
  job.name = entry.name;
  return job;
}

/** Where a job's relative paths resolve: the job file's folder, or the working directory. */
export function baseDirOf(source: string): string {
  return isAbsolute(source) ? dirname(source) : process.cwd();
}

/** Validate and plan a job document. Throws ValidationError with file and JSON path. */
export async function loadJob(
  doc: unknown,
  source: string,
  baseDir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
): Promise<LoadedJob> {
  const r = new Reader(source, doc);
  r.object();
  const names = [...kinds.keys()];
  const kindName = r.at('kind').oneOf(names);
  const kind = kinds.get(kindName) as AnyProblemKind;
  const spec = await kind.parse(doc, { source, baseDir });
  const plan = kind.plan(spec);
  if (plan.type === 'steps' && (!kind.reduce || !Number.isInteger(plan.steps) || plan.steps < 1)) {
    throw new ValidationError(source, '$', `a ${kindName} job with at least one barrier step and a reduce()`);
  }
  const named = r.at('name').value;
  return {
    kindName,
    kind,
    spec,
    plan,
    name: typeof named === 'string' && named !== '' ? named : basename(source),
    source,
    doc,
    baseDir,
  };
}

/**
 * Test helper: job files for the slow fixture kind (fixtures/slow-kind.ts). A custom kind's
 * module must sit in the job file's own folder, named relatively (DESIGN 'Trust boundaries'),
 * so each job is written beside the kind under a unique name and removed by removeSlowJobs().
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const written: string[] = [];

/** Spec of the slow kind: `tasks` tasks blocking `ms` each, the first `quick` only 10 ms. */
export interface SlowSpec {
  tasks: number;
  ms: number;
  quick?: number;
}

/** Writes a job file running the slow kind; returns its absolute path. */
export function slowJob(spec: SlowSpec): string {
  const file = join(FIXTURES, `tmp-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify({ kind: 'custom', module: './slow-kind.ts', spec }));
  written.push(file);
  return file;
}

/** Removes every job file slowJob() wrote (afterEach). */
export function removeSlowJobs(): void {
  for (const file of written.splice(0)) rmSync(file, { force: true });
}

/**
 * A job's custom kind module must sit in the job file's own folder (solver/problems/job-access.ts).
 * Tests that write job files into a temporary folder put a one-line module there that
 * re-exports a fixture kind, and name it relatively, as a user's job would.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `<dir>/<fixture's name>` re-exporting the fixture kind; returns the job's `module` value. */
export function kindModuleIn(dir: string, fixture: string): string {
  const name = path.basename(fixture);
  writeFileSync(path.join(dir, name), `export { default } from ${JSON.stringify(path.resolve(fixture))};\n`);
  return `./${name}`;
}

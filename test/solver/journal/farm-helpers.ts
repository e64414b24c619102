/** Shared set-up of the journal's farm tests: jobs, journal accounting, waits. */
import { fileURLToPath } from 'node:url';
import { readJournal } from '../../../solver/journal/journal-reader.ts';

/** Folder of this suite's fixtures (fixture kinds; job "files" live here). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** A job file name inside the fixtures folder (only its folder matters). */
export const JOB_SOURCE = `${FIXTURES}journal-job.json`;

/** A custom job on the flaky fixture kind. */
export function flakyJob(
  spec: Record<string, unknown>,
  policy?: Record<string, unknown>,
): { job: unknown; source: string } {
  const job: Record<string, unknown> = { kind: 'custom', name: 'flaky', module: './flaky.ts', spec };
  if (policy !== undefined) job.policy = policy;
  return { job, source: JOB_SOURCE };
}

/**
 * A sweep of `count` LPs over a size×size transportation model (glpk.js JSON), generated
 * from a seed: solves take a few ms each, so a run lasts long enough to be disturbed.
 */
export function transportSweep(size: number, count: number, policy?: Record<string, unknown>): Record<string, unknown> {
  let a = 12345;
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const supply = Array.from({ length: size }, () => 50 + Math.floor(rnd() * 100));
  const total = supply.reduce((x, y) => x + y, 0);
  const demand = Array.from({ length: size }, () => Math.floor((0.8 * total) / size));
  const x = (i: number, j: number) => `x${i}_${j}`;
  const vars = [];
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) vars.push({ name: x(i, j), coef: 1 + Math.floor(rnd() * 50) });
  const subjectTo = [];
  for (let i = 0; i < size; i++) {
    subjectTo.push({
      name: `supply${i}`,
      vars: Array.from({ length: size }, (_, j) => ({ name: x(i, j), coef: 1 })),
      bnds: { type: 'up', ub: supply[i] },
    });
  }
  for (let j = 0; j < size; j++) {
    subjectTo.push({
      name: `demand${j}`,
      vars: Array.from({ length: size }, (_, i) => ({ name: x(i, j), coef: 1 })),
      bnds: { type: 'lo', lb: demand[j] },
    });
  }
  const job: Record<string, unknown> = {
    kind: 'sweep',
    name: `transport ${size}x${size}, ${count} cost points`,
    model: { name: 'transport', objective: { direction: 'min', name: 'cost', vars }, subjectTo },
    grid: [{ name: 'c00', objective: x(0, 0), from: 1, to: count, step: 1 }],
    output: { values: [x(0, 0)] },
    msglev: 'err',
  };
  if (policy !== undefined) job.policy = policy;
  return job;
}

/** Lines per task index in a run's journal, plus the reader's own accounting. */
export async function journalCounts(dir: string) {
  const perIndex = new Map<number, number>();
  const perId = new Map<string, number>();
  const scan = await readJournal(`${dir}/results.jsonl`, {
    onResult: (r) => {
      perIndex.set(r.index, (perIndex.get(r.index) ?? 0) + 1);
      perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
    },
  });
  const repeated = [...perIndex.entries()].filter(([, n]) => n !== 1);
  return { scan, perIndex, perId, repeated };
}

/** Poll until `check` returns a truthy value, or fail after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

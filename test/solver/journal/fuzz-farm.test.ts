/**
 * Fuzzed job documents and models against the real farm: start() either runs the job or
 * rejects with an error naming the job file — the farm never crashes and stays usable —
 * and neither a fuzzed new job aimed at an existing run folder nor a fuzzed job.json in a
 * finished run ever changes a byte of that run's journal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { recordInto, resumeOnFarm } from '../../../solver/journal/farm-recording.ts';
import { kinds } from '../../../solver/problems/registry.ts';
import { JOB_SOURCE } from './farm-helpers.ts';
import { tempDir } from './helpers.ts';

const WYNDOR = JSON.parse(readFileSync(new URL('../../../examples/wyndor-sweep.json', import.meta.url), 'utf8'));
/** A small, valid sweep: 11 points. */
const SMALL = { ...WYNDOR, grid: [{ name: 'P', objective: 'windows', from: 100, to: 1000, step: 90 }], msglev: 'off' };

let farm: Farm;
let tmp: ReturnType<typeof tempDir>;
let runDir: string;
let journal: Buffer;
let n = 0;

beforeAll(async () => {
  tmp = tempDir('journal-fuzz-farm-');
  farm = new Farm({ launcher: new NodeLauncher(), cores: 1 });
  runDir = path.join(tmp.dir, 'existing');
  await farm.start({ job: SMALL, source: JOB_SOURCE }, { observe: recordInto({ dir: runDir }) });
  expect(await farm.finished()).toBe('done');
  journal = readFileSync(path.join(runDir, 'results.jsonl'));
  expect(journal.toString('utf8').trim().split('\n')).toHaveLength(11);
}, 60_000);

afterAll(async () => {
  await farm.close();
  tmp.cleanup();
});

/** Replace one value somewhere in a JSON document by another. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  if (doc === null || typeof doc !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || path.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  (copy as Record<string, unknown>)[key] =
    path.length === 1 ? value : mutate((copy as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

/** Replace the k-th number anywhere in a document (a fuzzed model: coefficients, bounds, grid). */
function mutateNumber(doc: unknown, k: number, value: number): unknown {
  let seen = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return seen++ === k ? value : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, walk(x)]));
    return v;
  };
  return walk(doc);
}

const fuzzedJob = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.nat(30),
        fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      )
      .map(([k, value]) => mutateNumber(SMALL, k, value)),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.array(fc.nat(20), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }))
      .map(([where, value]) => mutate(SMALL, where, value)),
  },
);

/** Start (or resume) must either succeed or reject with a located, readable error. */
async function expectRunsOrRefuses(started: Promise<unknown>, located?: RegExp): Promise<'ran' | 'refused'> {
  try {
    await started;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    if (located !== undefined) expect((err as Error).message).toMatch(located);
    expect((err as Error).message).not.toMatch(
      /^(TypeError|RangeError|ReferenceError)|undefined is not|cannot read prop/i,
    );
    return 'refused';
  }
  const state = await farm.finished();
  expect(['done', 'failed', 'stopped']).toContain(state);
  return 'ran';
}

describe('fuzzed jobs on the real farm', () => {
  it('run or are refused with a located error; the farm stays usable', async () => {
    const outcomes = { ran: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fuzzedJob, async (job) => {
        const dir = path.join(tmp.dir, `fuzz-${n++}`);
        const started = farm.start({ job, source: JOB_SOURCE }, { observe: recordInto({ dir }) });
        outcomes[await expectRunsOrRefuses(started, /journal-job\.json: \$/)]++;
        expect((await farm.status()).state).not.toBe('running');
      }),
      { numRuns: 40 },
    );
    console.log(`fuzzed jobs: ${outcomes.ran} ran, ${outcomes.refused} refused`);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.ran).toBeGreaterThan(0);
    // Still works.
    await farm.start(
      { job: SMALL, source: JOB_SOURCE },
      { observe: recordInto({ dir: path.join(tmp.dir, `after-${n++}`) }) },
    );
    expect(await farm.finished()).toBe('done');
  }, 300_000);

  it('a fuzzed job aimed at an existing run folder is refused and the journal is untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzedJob, async (job) => {
        const started = farm.start({ job, source: JOB_SOURCE }, { observe: recordInto({ dir: runDir }) });
        expect(await expectRunsOrRefuses(started)).toBe('refused');
        expect(readFileSync(path.join(runDir, 'results.jsonl')).equals(journal)).toBe(true);
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it("a fuzzed job.json in a finished run never damages that run's journal on resume", async () => {
    const jobFile = path.join(runDir, 'job.json');
    const original = readFileSync(jobFile, 'utf8');
    const stored = JSON.parse(original);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fuzzedJob.map((job) => JSON.stringify({ ...stored, job })),
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.string(),
          ),
          async (text) => {
            writeFileSync(jobFile, text);
            await expectRunsOrRefuses(resumeOnFarm(farm, runDir, { kinds }));
            const now = readFileSync(path.join(runDir, 'results.jsonl'));
            // Never cut or rewritten: the journal still starts with every original byte.
            expect(now.subarray(0, journal.length).equals(journal)).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      writeFileSync(jobFile, original);
    }
  }, 300_000);
});

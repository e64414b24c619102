/**
 * Fuzzed job files, run files and journal contents: the readers never crash, errors are the
 * located kind a user can act on, and repairing a journal never damages what it held.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFailurePolicy } from '../../../solver/farm/failure-policy.ts';
import { listRuns } from '../../../solver/journal/history.ts';
import { readJournal, readJournalSync, repairJournal } from '../../../solver/journal/journal-reader.ts';
import { JournalWriter } from '../../../solver/journal/journal-writer.ts';
import { readRunJob } from '../../../solver/journal/run-dir.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';
import { lines, result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let n = 0;
beforeAll(() => {
  tmp = tempDir('journal-fuzz-');
});
afterAll(() => tmp.cleanup());
const fresh = (name: string) => path.join(tmp.dir, `${name}-${n++}`);

const statusArb = fc.constantFrom('optimal', 'feasible', 'time-limit', 'infeasible', 'unbounded', 'error' as const);
const resultsArb = fc.array(
  fc.tuple(fc.nat(50), statusArb).map(([i, s]) => result(i, s)),
  { maxLength: 30 },
);
/** Junk as a power cut, a disk error or an editor might leave it. */
const junkArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.nat(4096).map((k) => Buffer.alloc(k)),
  fc.json().map((s) => Buffer.from(`${s}\n`)),
  resultsArb.map((rs) => Buffer.from(lines(rs).slice(0, -3))),
);

describe('fuzzed journals', () => {
  it('a journal with junk at the end or in the middle: the reader never throws, repair keeps every good line, appending stays valid', async () => {
    await fc.assert(
      fc.asyncProperty(resultsArb, junkArb, resultsArb, fc.boolean(), async (head, junk, tail, junkInMiddle) => {
        const file = fresh('results.jsonl');
        const original = junkInMiddle
          ? Buffer.concat([Buffer.from(lines(head)), junk, Buffer.from('\n'), Buffer.from(lines(tail))])
          : Buffer.concat([Buffer.from(lines(head)), junk]);
        writeFileSync(file, original);
        const before = await readJournal(file);
        // The synchronous reader sees exactly the same.
        expect(readJournalSync(file)).toEqual(before);
        // Every well-formed line of the head is read.
        for (const r of head) expect(before.latest.has(r.index)).toBe(true);

        const repaired = await repairJournal(file);
        const after = readFileSync(file);
        // Repair only ever cuts the end, never more than the torn tail.
        expect(original.subarray(0, after.length).equals(after)).toBe(true);
        expect(after.length).toBe(repaired.validBytes);
        expect(after.length).toBeGreaterThanOrEqual(Buffer.byteLength(lines(head)));
        const reread = await readJournal(file);
        expect(reread.torn).toBeNull();
        expect(reread.lines).toBe(before.lines);

        // Appending after repair yields a journal whose new line is read back.
        const w = await JournalWriter.open(file);
        w.append(result(999, 'optimal', 'appended'));
        w.close();
        const final = await readJournal(file);
        expect(final.torn).toBeNull();
        expect(final.latest.get(999)).toBe('optimal');
        expect(final.lines).toBe(before.lines + 1);
      }),
      { numRuns: 150 },
    );
  });

  it('random byte damage anywhere never crashes the reader', async () => {
    const good = Buffer.from(lines(Array.from({ length: 40 }, (_, i) => result(i))));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        async (flips) => {
          const damaged = Buffer.from(good);
          for (const [at, byte] of flips) damaged[at] = byte;
          const file = fresh('damaged.jsonl');
          writeFileSync(file, damaged);
          const scan = await readJournal(file);
          expect(scan.lines + scan.invalidCount + (scan.torn === null ? 0 : 1)).toBeGreaterThanOrEqual(1);
          expect(scan.lines).toBeLessThanOrEqual(40 + flips.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('fuzzed job and run files', () => {
  it('readRunJob throws only located errors for any job.json content', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) =>
            JSON.stringify({
              format: 'solver-farm/job@1',
              ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { job: v }),
            }),
          ),
        ),
        (text) => {
          const dir = fresh('run');
          mkdirSync(dir);
          writeFileSync(path.join(dir, 'job.json'), text);
          try {
            readRunJob(dir);
          } catch (err) {
            expect(err).toBeInstanceOf(ValidationError);
            expect((err as Error).message).toContain('job.json: $');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('listRuns never throws on runs with garbage job.json / summary.json / journal', async () => {
    const root = fresh('root');
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.oneof(fc.string(), fc.json()), junkArb, async (job, summary, journal) => {
        const dir = path.join(root, 'runs', `r${n++}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'job.json'), job);
        writeFileSync(path.join(dir, 'summary.json'), summary);
        writeFileSync(path.join(dir, 'results.jsonl'), journal);
        const { runs, broken } = await listRuns(root, { exact: true });
        expect(runs.length + broken.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it('parseFailurePolicy accepts or throws a located ValidationError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom(
              'taskTimeoutSec',
              'crashRetries',
              'haltAfterFailures',
              'haltAfterFailurePercent',
              'memoryLimitMb',
              'x',
            ),
            fc.jsonValue(),
          ),
        ),
        (policy) => {
          try {
            const p = parseFailurePolicy({ policy }, 'fuzz.json');
            expect(Number.isInteger(p.crashRetries)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(ValidationError);
            expect((err as Error).message).toMatch(/^fuzz\.json: \$\.policy/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

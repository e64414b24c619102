/**
 * Resuming a step job (tsp) from its run folder: after each step the recorder appends the
 * step's summary to steps.jsonl and then replaces step-input.json with the next step's
 * input; a resume goes on after the step the input file names. A crash between the two
 * writes makes the resume run that step again, and readStepSummaries counts it once.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepSummary } from '../../../solver/api.ts';
import { RunRecorder } from '../../../solver/journal/recorder.ts';
import { resumeStepRun } from '../../../solver/journal/resume.ts';
import { type NewRun, readStepInput, readStepSummaries } from '../../../solver/journal/run-dir.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function newStepRun(dir: string): NewRun {
  return {
    dir,
    job: { kind: 'tsp', steps: 5 },
    source: 'tour.json',
    baseDir: tmp.dir,
    kind: 'tsp',
    name: 'tour',
    taskCount: null,
    steps: 5,
    specHash: 'steps-fixture',
  };
}

function summary(step: number, best: number): StepSummary {
  return { step, steps: 5, best, perSolver: [{ solver: 0, value: best }], winner: 0, sense: 'min' };
}

describe('step job resume', () => {
  it('goes on after the last step whose next input was recorded, from that input', async () => {
    const dir = path.join(tmp.dir, 'run');
    const rec = await RunRecorder.create(newStepRun(dir), { summaryRefreshMs: 0 });
    rec.step(summary(1, 100), { tour: [0, 1, 2] });
    rec.step(summary(2, 90), { tour: [0, 2, 1] });
    rec.finish({ status: 'stopped' });
    expect(readStepInput(dir)).toMatchObject({ step: 2, input: { tour: [0, 2, 1] } });

    const r = await resumeStepRun(dir, { specHash: 'steps-fixture', initial: { tour: null }, summaryRefreshMs: 0 });
    expect(r).toMatchObject({ done: 2, total: 5, input: { tour: [0, 2, 1] }, best: 90, warnings: '' });
    r.recorder.step(summary(3, 85), { tour: [1, 0, 2] });
    const end = r.recorder.finish({ status: 'done' });
    expect(end).toMatchObject({ stepsDone: 3, best: 85, resumes: 1 });
    expect(readStepSummaries(dir).map((s) => s.step)).toEqual([1, 2, 3]);
  });

  it('runs a step again when the crash came between its summary and its input', async () => {
    const dir = path.join(tmp.dir, 'run');
    const rec = await RunRecorder.create(newStepRun(dir), { summaryRefreshMs: 0 });
    rec.step(summary(1, 100), { tour: [0, 1, 2] });
    rec.finish({ status: 'stopped' });
    // Step 2's summary reached the disk, its input did not (and a torn half line follows).
    appendFileSync(path.join(dir, 'steps.jsonl'), `${JSON.stringify(summary(2, 95))}\n{"step":`);

    const r = await resumeStepRun(dir, { specHash: 'steps-fixture', initial: { tour: null }, summaryRefreshMs: 0 });
    expect(r).toMatchObject({ done: 1, input: { tour: [0, 1, 2] }, best: 100 });
    r.recorder.step(summary(2, 93), { tour: [2, 1, 0] });
    r.recorder.finish({ status: 'stopped' });
    // Step 2 is on disk twice; it counts once, with the run that recorded its input.
    const steps = readStepSummaries(dir);
    expect(steps.map((s) => [s.step, s.best])).toEqual([
      [1, 100],
      [2, 93],
    ]);
    // The torn half line was cut off before appending: every line is whole JSON again.
    const lines = readFileSync(path.join(dir, 'steps.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("starts from the plan's initial input when no step finished, and refuses a changed job", async () => {
    const dir = path.join(tmp.dir, 'run');
    (await RunRecorder.create(newStepRun(dir), { summaryRefreshMs: 0 })).finish({ status: 'stopped' });
    const fresh = await resumeStepRun(dir, { specHash: 'steps-fixture', initial: { tour: null }, summaryRefreshMs: 0 });
    expect(fresh).toMatchObject({ done: 0, input: { tour: null } });
    expect(fresh.best).toBeUndefined();
    fresh.recorder.finish({ status: 'stopped' });
    await expect(resumeStepRun(dir, { specHash: 'other', initial: null })).rejects.toThrow(/inputs changed/);
  });

  it('names the file when step-input.json is not a step input', async () => {
    const dir = path.join(tmp.dir, 'run');
    const rec = await RunRecorder.create(newStepRun(dir), { summaryRefreshMs: 0 });
    rec.finish({ status: 'stopped' });
    writeFileSync(path.join(dir, 'step-input.json'), '{"format":"something else"}');
    expect(() => readStepInput(dir)).toThrow(/step-input\.json: \$\.format: expected "solver-farm\/step-input@1"/);
    await expect(resumeStepRun(dir, { specHash: 'steps-fixture', initial: null })).rejects.toThrow(/step-input\.json/);
  });
});

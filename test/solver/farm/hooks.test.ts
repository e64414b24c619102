/**
 * start()'s optional hooks for recording and resuming runs: an observer sees every
 * result, log line and step before the events go out; a resumed run skips finished tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StepSummary, TaskResult } from '../../../solver/api.ts';
import type { RunEnd, RunObserver } from '../../../solver/farm/farm.ts';
import { customJob, FarmHarness } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

class Recording implements RunObserver {
  results: TaskResult[] = [];
  lines = 0;
  steps: StepSummary[] = [];
  end: RunEnd | undefined;
  result(r: TaskResult): boolean {
    this.results.push(r);
    return true;
  }
  log(_solver: number, lines: readonly string[]): void {
    this.lines += lines.length;
  }
  step(summary: StepSummary): void {
    this.steps.push(summary);
  }
  finish(end: RunEnd): void {
    this.end = end;
  }
}

describe('start() hooks', () => {
  it('a resumed run runs only the unfinished tasks, counts the rest, and the observer sees it all', async () => {
    h = new FarmHarness({ cores: 2 });
    const finished = new Uint8Array(10);
    finished.set([1, 1, 2, 0, 1, 0, 0, 1, 0, 0]); // 4 done, 1 failed earlier
    const recording = new Recording();
    let runDir = '';
    const info = await h.farm.start(customJob('spin.ts', { tasks: 10, ms: 5 }), {
      finished,
      observe: ({ info, job }) => {
        expect(job.kindName).toBe('custom');
        info.dir = runDir = `/runs/${info.runId}`;
        return recording;
      },
    });
    expect(info.dir).toBe(runDir);
    expect(await h.farm.finished()).toBe('done');
    const ran = h
      .results()
      .map((r) => r.index)
      .sort((a, b) => a - b);
    expect(ran).toEqual([3, 5, 6, 8, 9]);
    expect(recording.results.map((r) => r.index).sort((a, b) => a - b)).toEqual(ran);
    expect(recording.lines).toBeGreaterThanOrEqual(5); // a "start tN" line per task
    expect(recording.end).toEqual({ status: 'done' });
    expect((await h.farm.status()).progress).toMatchObject({ total: 10, done: 9, failed: 1 });
  });

  it('a resumed run with nothing left ends done without starting a solver', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 3, ms: 5 }), { finished: Uint8Array.from([1, 1, 1]) });
    expect(await h.farm.finished()).toBe('done');
    expect(h.launcher.launched).toHaveLength(0);
  });

  it('the observer sees steps and how a step run ended; its failures become one error event', async () => {
    h = new FarmHarness({ cores: 2 });
    const recording = new Recording();
    recording.log = () => {
      throw new Error('disk full');
    };
    await h.farm.start(customJob('step-spin.ts', { steps: 2, ms: 30 }), { observe: () => recording });
    expect(await h.farm.finished()).toBe('done');
    expect(recording.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(recording.end).toEqual({ status: 'done', stepsDone: 2, best: 996 });
    const errors = h.events().filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: { message: 'recording the run failed: disk full' } });
  });

  it('an observer that cannot record a result stops the run at once: failed, one error event saying so', async () => {
    h = new FarmHarness({ cores: 2 });
    const recording = new Recording();
    let seen = 0;
    recording.result = () => {
      seen++;
      if (seen > 3) throw Object.assign(new Error('no room'), { code: 'journal-full' });
      return true;
    };
    await h.farm.start(customJob('spin.ts', { tasks: 400, ms: 10 }), { observe: () => recording });
    expect(await h.farm.finished()).toBe('failed');
    const errors = h.events().filter((e) => e.type === 'error');
    expect(errors).toEqual([
      {
        type: 'error',
        error: {
          name: 'RecorderError',
          message: 'recording the run failed: no room; the run was stopped',
          code: 'journal-full',
        },
      },
    ]);
    const progress = (await h.farm.status()).progress;
    expect((progress?.done ?? 0) + (progress?.failed ?? 0)).toBeLessThan(400);
    expect(recording.end).toMatchObject({ status: 'failed', reason: 'recording the run failed: no room' });
  });
});

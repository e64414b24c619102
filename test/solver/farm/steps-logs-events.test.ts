/**
 * Barrier steps, live logs and event batching, on real solver processes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmEvent } from '../../../solver/api.ts';
import { customJob, FarmHarness, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('barrier steps', () => {
  it('no solver starts step k+1 before every solver finished step k', async () => {
    h = new FarmHarness({ cores: 2 });
    const steps = 4;
    const info = await h.farm.start(customJob('step-spin.ts', { steps, ms: 60 }));
    expect(info).toMatchObject({ total: null, steps, cores: 2 });
    expect(await h.farm.finished()).toBe('done');

    // Walk the record in order: who reached the barrier after which step, and when
    // each step summary came out.
    const atBarrier = new Map<number, Set<number>>();
    const summarized = new Set<number>();
    let steppingSeen = 0;
    for (const e of h.events()) {
      if (e.type === 'step') summarized.add(e.summary.step);
      if (e.type !== 'solver') continue;
      const { id, state, step } = e.solver;
      if (state === 'barrier' && step !== undefined) {
        const set = atBarrier.get(step) ?? new Set<number>();
        set.add(id);
        atBarrier.set(step, set);
      }
      if (state === 'stepping' && step !== undefined && step > 1) {
        steppingSeen++;
        expect(atBarrier.get(step - 1)?.size, `solver ${id} began step ${step} too early`).toBe(2);
        expect(summarized.has(step - 1)).toBe(true);
      }
    }
    expect(steppingSeen).toBe(2 * (steps - 1));

    const summaries = h.events().flatMap((e) => (e.type === 'step' ? [e.summary] : []));
    expect(summaries.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    // Solver 1 always wins (value = input - 1 - solver), and each step starts from the last best.
    expect(summaries.map((s) => s.best)).toEqual([998, 996, 994, 992]);
    for (const s of summaries) {
      expect(s.steps).toBe(steps);
      expect(s.winner).toBe(1);
      expect(s.perSolver.map((p) => p.solver)).toEqual([0, 1]);
    }
    const last = (await h.farm.status()).progress;
    expect(last).toMatchObject({ total: null, done: steps, best: 992, step: { k: steps, n: steps } });
  });

  it('a solver killed mid-step is replaced and re-runs that step with the same input', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('step-spin.ts', { steps: 3, ms: 400 }));
    const victim = await waitFor('solver 0 stepping in step 2', () => {
      const s = h?.farm.snapshot().solvers[0];
      return s?.state === 'stepping' && s.step === 2 ? s : undefined;
    });
    process.kill(victim.pid as number, 'SIGKILL');
    expect(await h.farm.finished()).toBe('done');
    const summaries = h.events().flatMap((e) => (e.type === 'step' ? [e.summary] : []));
    // The replacement's output for step 2 is the one a healthy solver would give.
    expect(summaries.map((s) => s.best)).toEqual([998, 996, 994]);
    expect(summaries[1]?.perSolver).toEqual([
      { solver: 0, value: 997 },
      { solver: 1, value: 996 },
    ]);
    expect((await h.farm.status()).solvers[0]?.restarts).toBe(1);
  });
});

describe('logs', () => {
  it('lines of a solve arrive while that solve is still running', async () => {
    h = new FarmHarness({ cores: 1 });
    await h.farm.start(customJob('chatty.ts', { tasks: 1, ms: 1500, lineEveryMs: 50 }));
    expect(await h.farm.finished()).toBe('done');

    // Position of the task's result in the record vs its log lines.
    let resultAt = -1;
    const linesBefore: { at: number; line: string }[] = [];
    for (const d of h.record) {
      for (const e of d.events) {
        if (e.type === 'results' && e.results.some((r) => r.label === 'chat0')) resultAt = d.at;
        if (e.type === 'log' && resultAt < 0) for (const line of e.lines) linesBefore.push({ at: d.at, line });
      }
    }
    expect(resultAt).toBeGreaterThan(0);
    const progressLines = linesBefore.filter((l) => /^chat0 line \d+ at \d+$/.test(l.line));
    // ~30 lines were written over 1.5 s; most must be delivered before the solve ended.
    expect(progressLines.length).toBeGreaterThanOrEqual(10);
    // Delivered soon after being written, not all at the end.
    const lags = progressLines.map((l) => l.at - Number(l.line.split(' at ')[1]));
    expect(Math.min(...lags)).toBeLessThan(300);
    const first = progressLines[0] as { at: number };
    expect(resultAt - first.at).toBeGreaterThan(700);
  });
});

describe('raw output', () => {
  it("a solver process's own stdout becomes log lines of that solver", async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 6, ms: 5, print: true }));
    expect(await h.farm.finished()).toBe('done');
    for (const r of h.results()) {
      const line = `printed t${r.index} from pid ${r.values?.pid}`;
      expect(h.logLines(r.solver)).toContain(line);
    }
  });
});

describe('progress', () => {
  it('counts up to the total with elapsed time, and ends with no ETA left', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 60, ms: 20 }));
    expect(await h.farm.finished()).toBe('done');
    const progress = h.events().flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress.length).toBeGreaterThan(3);
    for (let k = 1; k < progress.length; k++) {
      const [a, b] = [progress[k - 1], progress[k]] as [(typeof progress)[0], (typeof progress)[0]];
      expect(b.done).toBeGreaterThanOrEqual(a.done);
      expect(b.elapsedMs).toBeGreaterThanOrEqual(a.elapsedMs);
    }
    const midway = progress.find((p) => p.done > 10 && p.done < 50);
    expect(midway?.rate).toBeGreaterThan(0);
    expect(midway?.etaMs).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ total: 60, done: 60, failed: 0, running: 0, etaMs: 0 });
  });
});

describe('events', () => {
  it('are delivered in batches: at most ~60 a second during a busy run', async () => {
    h = new FarmHarness({ cores: 2 });
    // 1 ms tasks that each log a line: up to ~2000 results and lines a second.
    await h.farm.start(customJob('spin.ts', { tasks: 4000, ms: 1 }));
    const from = (
      await waitFor('first results', () => h?.record.find((d) => d.events.some((e) => e.type === 'results')))
    ).at;
    await waitFor('a busy second', () => Date.now() >= from + 1000 && h?.farm.snapshot().state === 'running', 30_000);
    const inSecond = h.record.filter((d) => d.at >= from && d.at < from + 1000);
    const eventsInSecond = inSecond.flatMap((d) => d.events);
    expect(inSecond.length).toBeLessThanOrEqual(70);
    // Results ride together: one results event per batch at most, many results in it.
    const results = eventsInSecond.flatMap((e) => (e.type === 'results' ? e.results : []));
    for (const d of inSecond) expect(d.events.filter((e) => e.type === 'results').length).toBeLessThanOrEqual(1);
    expect(results.length).toBeGreaterThan(2 * inSecond.length);
    // Log lines too: at most one log event per solver per batch.
    for (const d of inSecond) {
      const logSolvers = d.events.flatMap((e) => (e.type === 'log' ? [e.solver] : []));
      expect(new Set(logSolvers).size).toBe(logSolvers.length);
    }
    // One progress event per batch at most, and it is the last one.
    for (const d of inSecond) {
      const progress = d.events.filter((e: FarmEvent) => e.type === 'progress');
      expect(progress.length).toBeLessThanOrEqual(1);
      if (progress.length === 1) expect(d.events.at(-1)?.type).toBe('progress');
    }
    expect(await h.farm.finished()).toBe('done');
    expect(new Set(h.results().map((r) => r.index)).size).toBe(4000);
  });
});

/**
 * The Farm's run-history and inspection verbs on real solver processes and real run
 * folders: runs() lists what the journal recorded, openRun() pages results in plan order
 * with log tails, resume() of a stopped run runs exactly the missing tasks, inspectModel()
 * reads LP / MPS / glpk.js JSON with located errors, preview() plans without starting.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmEvent, TaskResult } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { flakyJob } from '../journal/farm-helpers.ts';
import { customJob, waitFor } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const AFIRO = '/work/shared/models/lp/afiro.mps';

let farm: Farm | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await farm?.close();
  farm = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

function newFarm(withData = true): Farm {
  if (withData) dataDir = mkdtempSync(path.join(tmpdir(), 'farm-history-'));
  farm = new Farm({
    launcher: new NodeLauncher(),
    cores: 2,
    ...(withData ? { journal: farmJournal(dataDir as string) } : {}),
  });
  return farm;
}

function journalIndices(dir: string): number[] {
  return readFileSync(path.join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as TaskResult).index);
}

describe('Farm runs / openRun', () => {
  it('lists a finished sweep with its counts and pages its results in plan order', async () => {
    const f = newFarm();
    expect(await f.runs()).toEqual([]);
    const info = await f.start({ example: 'wyndor-sweep' });
    expect(await f.finished()).toBe('done');
    const total = info.total as number;

    const runs = await f.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      runId: info.runId,
      kind: 'sweep',
      status: 'done',
      total,
      done: total,
      failed: 0,
      resumable: false,
      dir: info.dir,
    });
    expect(runs[0]?.durationMs).toBeGreaterThanOrEqual(0);

    const first = await f.openRun(info.runId, { limit: 100 });
    expect(first.resultCount).toBe(total);
    expect(first.results.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(first.params).toEqual(info.params);
    expect(first.view).toEqual({ kind: 'none' });
    expect(first.logs.length).toBeGreaterThan(0);
    expect(first.logs.every((l) => l.lines.length > 0 && l.lines.length <= 200)).toBe(true);
    // Each page's results are the journal's, in plan order, whatever order they finished in.
    const last = await f.openRun(info.runId, { offset: total - 10, limit: 100 });
    expect(last.results.map((r) => r.index)).toEqual(Array.from({ length: 10 }, (_, i) => total - 10 + i));
    const all = await f.openRun(info.runId);
    expect(all.results).toHaveLength(total);
    const live = new Map<number, TaskResult>();
    for (const r of all.results) live.set(r.index, r);
    expect(live.size).toBe(total);
    expect(all.results[400]?.objective).toBe(live.get(400)?.objective);
  }, 60_000);

  it('resumes a stopped run: exactly the missing tasks run, and the run is then done', async () => {
    const f = newFarm();
    const tasks = 80;
    const info = await f.start(customJob('spin.ts', { tasks, ms: 25 }));
    const results: TaskResult[] = [];
    const off = f.subscribe((events: FarmEvent[]) => {
      for (const e of events) if (e.type === 'results') results.push(...e.results);
    });
    await waitFor('a few results', () => results.length >= 6);
    await f.terminate();
    expect(await f.finished()).toBe('stopped');
    const doneBefore = results.length;
    expect(doneBefore).toBeLessThan(tasks);

    const [stopped] = await f.runs();
    expect(stopped).toMatchObject({ runId: info.runId, status: 'stopped', total: tasks, resumable: true });
    const before = new Set(journalIndices(info.dir as string));
    expect(before.size).toBe(stopped?.done);

    results.length = 0;
    const resumed = await f.resume(info.runId);
    expect(resumed.runId).toBe(info.runId);
    expect(resumed.dir).toBe(info.dir);
    expect(await f.finished()).toBe('done');
    off();
    // Only the tasks without a result ran again.
    const rerun = results.map((r) => r.index).sort((a, b) => a - b);
    expect(rerun).toEqual(Array.from({ length: tasks }, (_, i) => i).filter((i) => !before.has(i)));
    const indices = journalIndices(info.dir as string);
    expect(indices).toHaveLength(tasks);
    expect(new Set(indices).size).toBe(tasks);

    const [done] = await f.runs();
    expect(done).toMatchObject({ status: 'done', done: tasks, failed: 0, resumable: false });
    const opened = await f.openRun(info.runId, { limit: tasks });
    expect(opened.resultCount).toBe(tasks);
    expect(opened.results.map((r) => r.index)).toEqual(Array.from({ length: tasks }, (_, i) => i));
    await expect(f.resume(info.runId)).resolves.toMatchObject({ runId: info.runId });
    expect(await f.finished()).toBe('done');
  }, 60_000);

  it('retries failed tasks only when asked (Retry failed), appending to the same journal', async () => {
    const f = newFarm();
    const fixed = path.join(dataDir as string, 'fixed');
    const info = await f.start(flakyJob({ tasks: 30, ms: 1, failEvery: 5, failUntil: fixed }));
    expect(await f.finished()).toBe('done');
    const [failed] = await f.runs();
    expect(failed).toMatchObject({ status: 'done', done: 24, failed: 6, total: 30, resumable: true });
    // A plain resume has nothing to run: the failed tasks stay failed.
    await f.resume(info.runId);
    await f.finished();
    expect((await f.runs())[0]).toMatchObject({ done: 24, failed: 6 });
    writeFileSync(fixed, 'the cause is fixed');
    await f.resume(info.runId, { retryFailed: true });
    expect(await f.finished()).toBe('done');
    expect((await f.runs())[0]).toMatchObject({ status: 'done', done: 30, failed: 0, resumable: false });
    // 30 first answers, then one new line for each of the 6 retried tasks.
    expect(journalIndices(info.dir as string)).toHaveLength(36);
    const opened = await f.openRun(info.runId);
    expect(opened.resultCount).toBe(30);
    expect(opened.results.every((r) => r.status !== 'error')).toBe(true);
  }, 60_000);

  it('opens a TSP run with its cities (re-derived from job.json), its steps and the best tour', async () => {
    const f = newFarm();
    const info = await f.start({ example: 'tsp-berlin52' });
    expect(await f.finished()).toBe('done');
    const [run] = await f.runs();
    expect(run).toMatchObject({ runId: info.runId, kind: 'tsp', status: 'done', total: null, resumable: false });
    const detail = await f.openRun(info.runId);
    expect(detail.view).toEqual(info.view);
    expect(detail.view.kind).toBe('tour');
    expect(detail.steps.map((s) => s.step)).toEqual(Array.from({ length: info.steps as number }, (_, i) => i + 1));
    const best = detail.steps.at(-1);
    expect(best?.tour).toHaveLength(52);
    expect(detail.results).toEqual([]);
  }, 60_000);

  it("resumes a stopped TSP run after its last step, from that step's best tour, and records every step once", async () => {
    const f = newFarm();
    const events: FarmEvent[] = [];
    f.subscribe((batch) => events.push(...batch));
    const info = await f.start({ example: 'tsp-berlin52' });
    const steps = info.steps as number;
    // Stop (gracefully: the running step finishes) once step 3 is through.
    await waitFor('step 3', () => events.some((e) => e.type === 'step' && e.summary.step >= 3), 30_000);
    await f.terminate();
    expect(await f.finished()).toBe('stopped');
    const stopped = await f.openRun(info.runId);
    const doneBefore = stopped.steps.length;
    expect(doneBefore).toBeGreaterThanOrEqual(3);
    expect(doneBefore).toBeLessThan(steps);
    const bestBefore = stopped.steps.at(-1)?.best as number;
    const [listed] = await f.runs();
    expect(listed).toMatchObject({ runId: info.runId, status: 'stopped', resumable: true });

    events.length = 0;
    const resumed = await f.resume(info.runId);
    expect(resumed.runId).toBe(info.runId);
    expect(await f.finished()).toBe('done');
    // The resumed session ran exactly the missing steps, starting after the last recorded one.
    const ran = events.flatMap((e) => (e.type === 'step' ? [e.summary.step] : []));
    expect(ran).toEqual(Array.from({ length: steps - doneBefore }, (_, i) => doneBefore + 1 + i));
    const detail = await f.openRun(info.runId);
    expect(detail.steps.map((st) => st.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    // Each step starts from the best tour so far, so the best never gets worse across the resume.
    const bests = detail.steps.map((st) => st.best);
    for (let k = 1; k < bests.length; k++) expect(bests[k]).toBeLessThanOrEqual(bests[k - 1] as number);
    expect(bests.at(-1)).toBeLessThanOrEqual(bestBefore);
    expect(detail.steps.at(-1)?.tour).toHaveLength(52);
    const [after] = await f.runs();
    expect(after).toMatchObject({ runId: info.runId, status: 'done', resumable: false });
  }, 90_000);

  it('says plainly when there is no such run, no data folder, or a path instead of an id', async () => {
    const f = newFarm();
    await expect(f.openRun('20261122-031500-ab12cd')).rejects.toThrow(/There is no run 20261122-031500-ab12cd/);
    await expect(f.openRun('../../etc')).rejects.toThrow(/expected a run id/);
    await expect(f.resume('20261122-031500-ab12cd', { cores: 0 })).rejects.toThrow(/cores must be a whole number/);
    await f.close();
    const bare = newFarm(false);
    expect(await bare.runs()).toEqual([]);
    await expect(bare.openRun('20261122-031500-ab12cd')).rejects.toThrow(/keeps no run history/);
    await expect(bare.resume('20261122-031500-ab12cd')).rejects.toThrow(/keeps no run history/);
  });
});

describe('Farm inspectModel', () => {
  it('reads an MPS file (afiro)', async () => {
    const f = newFarm(false);
    const summary = await f.inspectModel({ name: 'afiro.mps', text: readFileSync(AFIRO, 'utf8') });
    expect(summary).toMatchObject({ format: 'mps', sense: 'min', integers: 0 });
    expect(summary.name).toMatch(/^AFIRO/);
    expect(summary.variables).toHaveLength(32);
    expect(summary.constraints).toHaveLength(27);
    expect(summary.constraints).toContain('R09');
    expect(summary.variables).toContain('X01');
    expect(summary.nonzeros).toBeGreaterThan(27);
  });

  it('reads CPLEX LP text and glpk.js JSON', async () => {
    const f = newFarm(false);
    const lp = [
      'Maximize',
      ' obj: 3 doors + 5 windows',
      'Subject To',
      ' plant1: doors <= 4',
      ' plant2: 2 windows <= 12',
      ' plant3: 3 doors + 2 windows <= 18',
      'General',
      ' doors',
      'End',
      '',
    ].join('\n');
    await expect(f.inspectModel({ name: 'wyndor.lp', text: lp })).resolves.toEqual({
      name: 'wyndor',
      format: 'lp',
      sense: 'max',
      variables: ['doors', 'windows'],
      integers: 1,
      constraints: ['plant1', 'plant2', 'plant3'],
      nonzeros: 4,
    });
    const job = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as {
      model: unknown;
    };
    const summary = await f.inspectModel({ name: 'wyndor.json', text: JSON.stringify(job.model, null, 2) });
    expect(summary).toMatchObject({ format: 'glpk-json', sense: 'max' });
    expect([...summary.variables].sort()).toEqual(['doors', 'windows']);
  });

  it('rejects a bad model with file:line and what was expected', async () => {
    const f = newFarm(false);
    const bad = ['Maximize', ' obj: 3 x + 5 y', 'Subject To', ' c1: x + <= 4', 'End', ''].join('\n');
    await expect(f.inspectModel({ name: 'bad.lp', text: bad })).rejects.toThrow(/^bad\.lp:4: /);
    const mps = readFileSync(AFIRO, 'utf8').split('\n');
    const row = mps.findIndex((l) => l.startsWith('COLUMNS')) + 2;
    mps[row] = '    X01       X48       not-a-number';
    await expect(f.inspectModel({ name: 'afiro.mps', text: mps.join('\n') })).rejects.toThrow(
      new RegExp(`^afiro\\.mps:${row + 1}: `),
    );
    await expect(f.inspectModel({ name: 'm.json', text: '{\n  "name": "x",\n  oops\n}' })).rejects.toThrow(
      /^m\.json:3: not valid JSON/,
    );
    await expect(f.inspectModel({ name: 'm.txt', text: '' })).rejects.toThrow(
      /m\.txt: expected a model file ending in/,
    );
  });
});

describe('Farm preview', () => {
  it('counts the Wyndor sweep (901 tasks) without starting anything', async () => {
    const f = newFarm();
    const preview = await f.preview({ example: 'wyndor-sweep' });
    expect(preview).toMatchObject({ kind: 'sweep', total: 901, steps: null });
    expect(preview.params).toEqual(['P']);
    expect((await f.status()).state).toBe('idle');
    expect(await f.runs()).toEqual([]);
  });

  it('gives the same located error as start() for a bad job', async () => {
    const f = newFarm(false);
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as {
      grid: { step?: number }[];
    };
    const first = doc.grid[0];
    if (first) first.step = 0;
    const request = { job: doc, source: '/jobs/wyndor.json' };
    const previewError = await f.preview(request).catch((e: Error) => e.message);
    const startError = await f.start(request).catch((e: Error) => e.message);
    expect(previewError).toMatch(/^\/jobs\/wyndor\.json: \$\.grid\[0\]/);
    expect(previewError).toBe(startError);
  });
});

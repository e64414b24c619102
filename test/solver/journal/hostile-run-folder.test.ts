/**
 * A run folder whose files are not what the farm wrote (DESIGN 'Trust boundaries': only
 * regular files, every limit enforced before allocating). Each file of a run — job.json,
 * summary.json, results.jsonl, steps.jsonl, step-input.json, run.lock, a solver log — is
 * replaced by a FIFO (a read would wait for a writer forever) or by a link to /dev/zero (a
 * read would never end), under the data folder of a real `serve` child and of the real CLI.
 * The server must go on answering (runs, openRun, resume, status), naming the file it refused;
 * the CLI must end, naming it too.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FarmStatus, PastRun, PastRunDetail } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { killAll, ROOT, startCli } from '../cli/run-cli.ts';
import { type ServedPage, servePage } from '../cli/serve-page.ts';
import { tempDir } from './helpers.ts';

const WYNDOR_LP =
  'Maximize\n profit: 300 doors + 500 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n';

/** How a file is spoiled, and how the refusal names it. */
const SPOILERS = {
  fifo: { make: (file: string) => mkfifo(file), kind: 'a FIFO' },
  zero: { make: (file: string) => symlinkSync('/dev/zero', file), kind: 'a character device' },
} as const;

type Spoiler = keyof typeof SPOILERS;

function mkfifo(file: string): void {
  const made = spawnSync('mkfifo', [file]);
  if (made.status !== 0) throw new Error(`mkfifo ${file}: ${String(made.stderr)}`);
}

/** A broken copy of a recorded run: which file, spoiled how, and the run id it has. */
interface Case {
  runId: string;
  file: string;
  spoiler: Spoiler;
  template: 'sweep' | 'tsp';
}

const tmp = tempDir('hostile-run-');
const data = path.join(tmp.dir, 'data');
const templates: Record<'sweep' | 'tsp', string> = { sweep: '', tsp: '' };
const cases: Case[] = [];

/** Run ids that sort by case number and differ from the templates'. */
function caseRunId(n: number): string {
  return `20200101-000000-${n.toString(16).padStart(4, '0')}`;
}

/** A copy of a template run under `data` with its own run id and one file spoiled. */
function brokenCopy(c: Case): string {
  const dir = path.join(data, 'runs', c.runId);
  cpSync(templates[c.template], dir, { recursive: true });
  for (const name of ['job.json', 'summary.json']) {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), runId: c.runId }));
  }
  // All results but one gone, so that a resume keeps every solver busy (and writing its log).
  const journal = path.join(dir, 'results.jsonl');
  if (c.template === 'sweep') writeFileSync(journal, `${readFileSync(journal, 'utf8').split('\n')[0]}\n`);
  const target = path.join(dir, c.file);
  rmSync(target, { recursive: true, force: true });
  SPOILERS[c.spoiler].make(target);
  return dir;
}

/** The refusal for a case: the file, named, and what it is. */
function refusal(c: Case): string {
  return `${path.join(data, 'runs', c.runId, c.file)}: not a regular file (${SPOILERS[c.spoiler].kind})`;
}

beforeAll(async () => {
  // Two real runs, recorded by a farm: a sweep (91 tasks) and a TSP of 2 barrier steps.
  // Their files sit in the data folder, which serve lets a page's jobs read (its --root).
  const recorded = path.join(tmp.dir, 'recorded');
  mkdirSync(recorded);
  mkdirSync(path.join(data, 'runs'), { recursive: true });
  writeFileSync(path.join(data, 'wyndor.lp'), WYNDOR_LP);
  cpSync(path.join(ROOT, 'examples', 'berlin52.tsp'), path.join(data, 'berlin52.tsp'));
  const farm = new Farm({ launcher: new NodeLauncher(), cores: 1, journal: farmJournal(recorded) });
  try {
    const sweep = await farm.start({
      job: {
        kind: 'sweep',
        modelFile: 'wyndor.lp',
        grid: [{ name: 'P', objective: 'windows', from: 100, to: 1000, step: 10 }],
        // GLPK talks: each solve writes lines to its solver's log.
        msglev: 'all',
      },
      source: path.join(data, 'sweep.json'),
    });
    expect(await farm.finished()).toBe('done');
    const tsp = await farm.start({
      job: { kind: 'tsp', instance: 'berlin52.tsp', steps: 2, stepMs: 20 },
      source: path.join(data, 'tsp.json'),
    });
    expect(await farm.finished()).toBe('done');
    templates.sweep = path.join(recorded, 'runs', sweep.runId);
    templates.tsp = path.join(recorded, 'runs', tsp.runId);
  } finally {
    await farm.close();
  }
  let n = 1;
  for (const spoiler of Object.keys(SPOILERS) as Spoiler[]) {
    for (const file of ['job.json', 'summary.json', 'results.jsonl', 'steps.jsonl', 'logs/solver-0.log', 'run.lock']) {
      cases.push({ runId: caseRunId(n++), file, spoiler, template: 'sweep' });
    }
    cases.push({ runId: caseRunId(n++), file: 'step-input.json', spoiler, template: 'tsp' });
  }
  for (const c of cases) brokenCopy(c);
}, 120_000);

afterAll(() => {
  killAll();
  tmp.cleanup();
});

/** Files without which a run cannot be listed at all. */
const UNLISTABLE = new Set(['job.json', 'summary.json']);
/** Files openRun reads: a bad one is refused by name (a solver log only loses its tail). */
const OPENRUN_REFUSES = new Set(['job.json', 'summary.json', 'results.jsonl', 'steps.jsonl']);
/** Files a resume reads before it runs: a bad one is refused by name. */
const RESUME_REFUSES = new Set(['job.json', 'summary.json', 'results.jsonl', 'step-input.json']);

/** The CLI to its end, or killed after `ms` (a read that blocks would otherwise hang the test). */
async function runCli(args: string[], ms = 20_000) {
  const run = startCli(args);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const out = await run.done;
  clearTimeout(timer);
  if (out.signal === 'SIGKILL') throw new Error(`solver-farm ${args.join(' ')} did not end within ${ms} ms`);
  return out;
}

async function idle(page: ServedPage): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const status = await page.call<FarmStatus>('status', [], 2000);
    if (status.state !== 'starting' && status.state !== 'running' && status.state !== 'stopping') return;
    if (Date.now() > until) throw new Error(`the farm is still ${status.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('serve over a data folder with spoiled run files', () => {
  it('lists, opens and resumes without waiting on any of them, refusing each by name', async () => {
    const page = await servePage([], data);
    try {
      // The panel's first call: every run but those without a readable job.json or summary.json.
      const runs = await page.call<PastRun[]>('runs');
      const listed = cases.filter((c) => !UNLISTABLE.has(c.file)).map((c) => c.runId);
      expect(runs.map((r) => r.runId).sort()).toEqual(listed.sort());
      for (const c of cases) {
        const what = `${c.spoiler} ${c.file}`;
        const opened = page.call<PastRunDetail>('openRun', [c.runId]);
        if (OPENRUN_REFUSES.has(c.file)) await expect(opened, what).rejects.toThrow(refusal(c));
        else {
          const detail = await opened;
          if (c.file.startsWith('logs/')) {
            expect(detail.logs.find((l) => l.solver === 0)?.lines, what).toEqual([refusal(c)]);
          }
        }
        expect((await page.call<FarmStatus>('status', [], 2000)).at, what).toBeGreaterThan(0);
        const resumed = page.call<{ total: number }>('resume', [c.runId]);
        if (RESUME_REFUSES.has(c.file)) await expect(resumed, what).rejects.toThrow(refusal(c));
        else {
          expect((await resumed).total, what).toBeGreaterThan(0);
          await idle(page);
          // It ran (a spoiled log only loses its lines): every task has its result now.
          const after = page.call<PastRunDetail>('openRun', [c.runId]);
          if (OPENRUN_REFUSES.has(c.file)) await expect(after, what).rejects.toThrow(refusal(c));
          else expect((await after).resultCount, what).toBe(91);
        }
      }
    } finally {
      await page.close();
    }
  }, 180_000);
});

describe('the CLI on spoiled run files', () => {
  it('solver-farm runs lists the others and says which runs it skipped and why', async () => {
    const out = await runCli(['runs', '--root', data]);
    expect(out.code).toBe(1);
    for (const c of cases.filter((x) => UNLISTABLE.has(x.file))) {
      expect(out.stderr).toContain(`skipped ${path.join(data, 'runs', c.runId)}: ${refusal(c)}`);
    }
    expect(out.stdout).toContain(cases.find((c) => c.file === 'results.jsonl')?.runId);
  }, 60_000);

  it('solver-farm resume refuses a spoiled run by the file, a file given as the run and a job.json folder', async () => {
    for (const c of cases.filter((x) => x.spoiler === 'fifo' && RESUME_REFUSES.has(x.file))) {
      const dir = path.join(data, 'runs', c.runId);
      const out = await runCli(['resume', dir, '--cores', '1']);
      expect(out.code, c.file).not.toBe(0);
      expect(out.stderr, c.file).toContain(`cannot resume ${dir}: ${refusal(c)}`);
    }
    const fifo = path.join(tmp.dir, 'fifo.json');
    mkfifo(fifo);
    const notRun = await runCli(['resume', fifo, '--cores', '1']);
    expect(notRun.code).not.toBe(0);
    expect(notRun.stderr).toContain(`${fifo}: not a run folder (it is a FIFO)`);
    const folderJob = path.join(tmp.dir, 'folder-job');
    cpSync(templates.sweep, folderJob, { recursive: true });
    rmSync(path.join(folderJob, 'job.json'));
    mkdirSync(path.join(folderJob, 'job.json'));
    const folder = await runCli(['resume', folderJob, '--cores', '1']);
    expect(folder.code).not.toBe(0);
    expect(folder.stderr).toContain(`${path.join(folderJob, 'job.json')}: not a regular file (a folder)`);
    expect(folder.stderr).not.toContain('EISDIR');
  }, 120_000);
});

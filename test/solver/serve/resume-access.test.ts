/**
 * A page's resume in browser mode never loads code because a run folder says so (DESIGN
 * 'Trust boundaries'). The run folder is not the user: anyone who can write in the data folder
 * can edit job.json, so what its resume may load comes from the server's own rules (--root,
 * --allow-modules), never from the file. A fixture kind writes a mark when it is imported
 * (SOLVER_FARM_IMPORT_MARK), so "never imported" is observed, not assumed.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunDir, SUMMARY_FORMAT } from '../../../solver/journal/run-dir.ts';
import { type ServeHandle, serve } from '../../../solver/serve/index.ts';
import { type FarmSocket, openFarmSocket, ReplyError } from './farm-socket.ts';

const MARKS_IMPORT = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'kinds', 'marks-import.ts');
const RUN_ID = '20260101-000000-e111';

let work: string;
let server: ServeHandle | undefined;
let page: FarmSocket | undefined;

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'resume-access-'));
  process.env.SOLVER_FARM_IMPORT_MARK = path.join(work, 'imported.mark');
});

afterEach(async () => {
  page?.close();
  await server?.close();
  server = page = undefined;
  delete process.env.SOLVER_FARM_IMPORT_MARK;
  rmSync(work, { recursive: true, force: true });
});

/**
 * The attacker's run folder under `data`: a custom job whose module (a copy of the marking
 * fixture) sits in `evil/`, with job.json claiming it came from a job file the user gave.
 */
function editedRun(data: string, evil: string): void {
  mkdirSync(evil, { recursive: true });
  copyFileSync(MARKS_IMPORT, path.join(evil, 'evil.ts'));
  const run = RunDir.create({
    root: data,
    runId: RUN_ID,
    job: { kind: 'custom', module: './evil.ts', spec: {} },
    source: path.join(evil, 'job.json'),
    baseDir: evil,
    kind: 'custom',
    name: 'evil',
    taskCount: 2,
    steps: null,
    specHash: 'anything: the check that compares it comes after the import',
  });
  const now = new Date().toISOString();
  run.writeSummary({
    format: SUMMARY_FORMAT,
    runId: RUN_ID,
    status: 'stopped',
    total: 2,
    done: 0,
    failed: 0,
    byStatus: { optimal: 0, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 },
    startedAt: now,
    endedAt: now,
    durationMs: 1,
    resumes: 0,
  });
  run.release();
  // What older versions trusted: a flag in the same editable file.
  const file = path.join(run.dir, 'job.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), fromJobFile: true }));
}

async function served(options: { allowModules?: string[] } = {}): Promise<FarmSocket> {
  const data = path.join(work, 'data');
  mkdirSync(data);
  server = await serve({ port: 0, cores: 1, dataDir: data, roots: [data], log: () => {}, ...options });
  page = await openFarmSocket(`http://127.0.0.1:${server.port}`, server.token);
  return page;
}

describe('resume from the page in browser mode', () => {
  it('refuses an edited job.json that claims a job file, and never imports its module', async () => {
    const socket = await served();
    editedRun(path.join(work, 'data'), path.join(work, 'evil'));
    const refused = await socket.call('resume', RUN_ID).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ReplyError);
    expect((refused as ReplyError).message).toMatch(/\$\.module: expected no custom kind here/);
    expect(existsSync(process.env.SOLVER_FARM_IMPORT_MARK as string)).toBe(false);
  });

  it('loads the module of a run from a folder the server allows, as a start would', async () => {
    const evil = path.join(work, 'allowed');
    const socket = await served({ allowModules: [evil] });
    editedRun(path.join(work, 'data'), evil);
    // Allowed by --allow-modules: it loads (and then the edited spec hash is refused).
    await expect(socket.call('resume', RUN_ID)).rejects.toThrow(/the job's inputs changed since this run started/);
    expect(existsSync(process.env.SOLVER_FARM_IMPORT_MARK as string)).toBe(true);
  });
});

/**
 * electron/grants.ts and electron/request-access.ts: what the user gave the app from outside
 * the page (opened from the OS, the command line, the Open dialog), and what that lets each
 * request from the page do. Only the user's own job file, sent back exactly as it was read,
 * is trusted as a job file; anything else the page sends is the page's, which may read only
 * the granted paths and load no code.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserGrants } from '../../electron/grants.ts';
import { PAGE_ACCESS_HINT, pageAccess, startAccess } from '../../electron/request-access.ts';
import { JOB_FILE_ACCESS } from '../../solver/farm/page-farm.ts';

const JOB_FILE = path.resolve('/home/ana/jobs/my.sfjob');
const MODEL = path.resolve('/home/ana/models/a.lp');
const FOLDER = path.resolve('/home/ana/models');
const DOC = { kind: 'custom', module: './kind.ts', spec: { tasks: 3, names: ['a', 'b'] } };

function granted(): UserGrants {
  const grants = new UserGrants();
  grants.grantJobFile(JOB_FILE, structuredClone(DOC));
  grants.grantPath(MODEL);
  grants.grantPath(FOLDER);
  return grants;
}

describe('electron/grants.ts', () => {
  it('lists every granted file and folder once, as absolute paths', () => {
    const grants = granted();
    grants.grantPath(MODEL);
    grants.grantPath(`${FOLDER}${path.sep}.`);
    expect(grants.paths().sort()).toEqual([JOB_FILE, MODEL, FOLDER].sort());
  });

  it("gives back its own copy of a job file's document only for that file and exactly that document", () => {
    const grants = granted();
    const doc = grants.jobFileDocument(JOB_FILE, structuredClone(DOC));
    expect(doc).toEqual(DOC);
    // Its own copy: what the page sent is not what the farm gets, and no caller can change the grant.
    (doc as { spec: { tasks: number } }).spec.tasks = 1000;
    expect(grants.jobFileDocument(JOB_FILE, structuredClone(DOC))).toEqual(DOC);

    expect(grants.jobFileDocument(JOB_FILE, { ...DOC, module: '/tmp/evil.mjs' })).toBeUndefined();
    expect(grants.jobFileDocument(JOB_FILE, { ...DOC, spec: { tasks: 3, names: ['a', 'c'] } })).toBeUndefined();
    expect(grants.jobFileDocument(JOB_FILE, { ...DOC, extra: true })).toBeUndefined();
    expect(grants.jobFileDocument(MODEL, structuredClone(DOC))).toBeUndefined();
    expect(grants.jobFileDocument('my.sfjob', structuredClone(DOC))).toBeUndefined();
    // Not JSON at all (a structured clone can carry these): never a match, never a throw.
    const cyclic: Record<string, unknown> = { ...DOC };
    cyclic.self = cyclic;
    expect(grants.jobFileDocument(JOB_FILE, cyclic)).toBeUndefined();
    expect(grants.jobFileDocument(JOB_FILE, { ...DOC, big: 1n })).toBeUndefined();
  });

  it('keeps the document the job file held when it was opened last', () => {
    const grants = granted();
    const edited = { ...DOC, spec: { tasks: 4, names: [] } };
    grants.grantJobFile(JOB_FILE, edited);
    expect(grants.jobFileDocument(JOB_FILE, edited)).toEqual(edited);
    expect(grants.jobFileDocument(JOB_FILE, DOC)).toBeUndefined();
  });
});

describe('electron/request-access.ts', () => {
  it("trusts the user's own job file, sent back unchanged: as a job file, with the granted document", () => {
    const grants = granted();
    const sent = { job: structuredClone(DOC), source: JOB_FILE, cores: 2 };
    const { request, access } = startAccess(sent, grants);
    expect(access).toBe(JOB_FILE_ACCESS);
    expect(request).toEqual({ job: DOC, source: JOB_FILE, cores: 2 });
    expect((request as { job: unknown }).job).not.toBe(sent.job);
  });

  it("treats a changed job, or a job claiming a granted file it did not come from, as the page's own", () => {
    const grants = granted();
    for (const sent of [
      { job: { ...DOC, module: '/tmp/evil.mjs' }, source: JOB_FILE },
      { job: { kind: 'batch', files: ['/etc/passwd'] }, source: JOB_FILE },
      { job: structuredClone(DOC), source: MODEL },
      { job: structuredClone(DOC), source: 'my.sfjob' },
    ]) {
      const { request, access } = startAccess(sent, grants);
      expect(request).toBe(sent);
      expect(access).toEqual({ roots: expect.any(Array), modules: [], hint: PAGE_ACCESS_HINT });
      expect([...(access.roots ?? [])].sort()).toEqual([JOB_FILE, MODEL, FOLDER].sort());
    }
  });

  it('gives the page exactly the granted paths, no modules, and a hint that says how to open a job file', () => {
    expect(pageAccess(new UserGrants())).toEqual({ roots: [], modules: [], hint: PAGE_ACCESS_HINT });
    expect(PAGE_ACCESS_HINT).toMatch(/File ▸ Open/);
  });

  it('passes an example through unchanged, with the page access (the farm treats examples as its own)', () => {
    const grants = granted();
    const sent = { example: 'wyndor-sweep', cores: 1 };
    const { request, access } = startAccess(sent, grants);
    expect(request).toBe(sent);
    expect(access.modules).toEqual([]);
  });
});

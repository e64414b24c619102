/**
 * What a job the page sends may read and load (DESIGN 'Trust boundaries'), decided per
 * request from the user's grants (grants.ts). The user's own job file, sent back unchanged,
 * runs as a job file: files anywhere, a custom kind from its own folder. Everything else is
 * the page's: files only beneath what the user granted, no code at all, and the refusal says
 * how to run a custom kind instead. The farm is always given the grant's own copy of a
 * trusted document, never the page's. A resume the page asks for is decided the same way,
 * from what the run folder records: the folder is no authority of its own.
 */
import path from 'node:path';
import type { StartRequest } from '../solver/api.ts';
import { JOB_FILE_ACCESS, type JobAccess, type RecordedJob } from '../solver/farm/page-farm.ts';
import type { UserGrants } from './grants.ts';

/** Shown with every file or module the farm refuses a page's job. */
export const PAGE_ACCESS_HINT = 'open the job file from disk (File ▸ Open…, double-click, or the command line)';

/** The rules of a job the page made or changed. */
export function pageAccess(grants: UserGrants): JobAccess {
  return { roots: grants.paths(), modules: [], hint: PAGE_ACCESS_HINT };
}

/**
 * The request to hand the farm and what its job may do. Examples are the farm's own (it
 * loads them as job files whatever the access); they get the page's access like any other.
 */
export function startAccess(request: StartRequest, grants: UserGrants): { request: StartRequest; access: JobAccess } {
  if (!('example' in request)) {
    const doc = grants.jobFileDocument(request.source, request.job);
    if (doc !== undefined) {
      const trusted: StartRequest = { job: doc, source: request.source };
      if (request.cores !== undefined) trusted.cores = request.cores;
      return { request: trusted, access: JOB_FILE_ACCESS };
    }
  }
  return { request, access: pageAccess(grants) };
}

/**
 * What a resume the page asks for may do. A run resumes as a job file only when all that its
 * folder records is what the user gave this session: its source is a job file the user opened,
 * its document is exactly that file's, and it resolved in that file's own folder (where the
 * start would have loaded its module from). Anything else (another run, an edited job.json, a
 * run of a file not opened since the app started) gets the page's rules.
 */
export function resumeAccess(recorded: RecordedJob, grants: UserGrants): JobAccess {
  const granted =
    path.isAbsolute(recorded.source) &&
    path.resolve(recorded.baseDir) === path.dirname(recorded.source) &&
    grants.jobFileDocument(recorded.source, recorded.job) !== undefined;
  return granted ? JOB_FILE_ACCESS : pageAccess(grants);
}

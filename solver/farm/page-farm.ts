/**
 * The farm as a shell that serves a page calls it (DESIGN 'Trust boundaries'). The Farm's
 * job verbs take what the job may read and load (problems/job-access.ts) and, without it,
 * trust the caller as they would a job file the user gave. A page is not the user, so a
 * page-facing shell must name the access on every call: this type makes the argument
 * required, so forgetting it does not compile. The Farm class is one.
 */
import type { FarmApi, JobPreview, RunInfo, StartRequest } from '../api.ts';
import type { JobAccess } from '../problems/job-access.ts';
import type { ResumeAccess } from './journal-port.ts';

// The shells may import solver/farm only (biome.json): what they need of job-access comes through here.
export { JOB_FILE_ACCESS, type JobAccess } from '../problems/job-access.ts';
export type { RecordedJob, ResumeAccess } from './journal-port.ts';

/** FarmApi whose job verbs also say who sent the job. */
export interface PageFacingFarm extends Omit<FarmApi, 'start' | 'preview' | 'resume'> {
  start(request: StartRequest, options: { access: JobAccess }): Promise<RunInfo>;
  preview(request: StartRequest, access: JobAccess): Promise<JobPreview>;
  /** A resume's access is decided from the run's recorded job, by the shell, before any of its code loads. */
  resume(
    runId: string,
    options: { retryFailed?: boolean; cores?: number } | undefined,
    access: ResumeAccess,
  ): Promise<RunInfo>;
}

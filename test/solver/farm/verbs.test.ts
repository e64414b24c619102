/**
 * The verb table (solver/farm/verbs.ts) that every page-facing transport goes through: one
 * entry per FarmApi verb, each argument checked before the farm is touched, the page's access
 * handed to exactly the verbs that read files or load code, and what reaches the page free of
 * stacks. The transports' own tests (IPC, WebSocket) check they use it.
 */
import { describe, expect, it } from 'vitest';
import type { FarmVerb, PastRunDetail, StartRequest } from '../../../solver/api.ts';
import { FARM_VERBS } from '../../../solver/channels.ts';
import type { JobAccess, PageFacingFarm, RecordedJob, ResumeAccess } from '../../../solver/farm/page-farm.ts';
import { callVerb, fixedAccess, isFarmVerb, type PageAccess, VERBS } from '../../../solver/farm/verbs.ts';

const RUN_ID = '20261122-031500-ab12cd';
const ACCESS: JobAccess = { roots: ['/srv/jobs'], modules: [] };
const GRANTED: JobAccess = { roots: null, modules: 'job-folder' };
/** What a run folder records, as the farm hands it to a resume's access. */
const RECORDED: RecordedJob = { source: '/home/ana/a.json', baseDir: '/home/ana', job: { kind: 'sweep' } };

/** A farm that records every call and answers with the verb's name (openRun: a detail with a stack). */
function recordingFarm(): { farm: PageFacingFarm; calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  const record =
    (verb: string) =>
    async (...args: unknown[]) => {
      calls.push([verb, args]);
      return verb;
    };
  const detail = {
    results: [{ id: 'a', error: { name: 'Error', message: 'bad task', stack: 'at /home/me/secret.ts:1' } }],
  } as unknown as PastRunDetail;
  const farm = {
    start: record('start'),
    terminate: record('terminate'),
    status: record('status'),
    examples: record('examples'),
    runs: record('runs'),
    openRun: async (...args: unknown[]) => {
      calls.push(['openRun', args]);
      return detail;
    },
    // The access of a resume is decided from the recorded job: recorded as it decides for RECORDED.
    resume: async (runId: string, options: unknown, access: ResumeAccess) => {
      calls.push(['resume', [runId, options, access(RECORDED)]]);
      return 'resume';
    },
    inspectModel: record('inspectModel'),
    preview: record('preview'),
    subscribe: () => () => {},
  } as unknown as PageFacingFarm;
  return { farm, calls };
}

describe('the verb table', () => {
  it('has one entry per verb of FarmApi, the verbs the IPC channels list', () => {
    expect(Object.keys(VERBS).sort()).toEqual([...FARM_VERBS].sort());
    expect(FARM_VERBS).toHaveLength(9);
    for (const verb of FARM_VERBS) expect(isFarmVerb(verb)).toBe(true);
    for (const name of ['subscribe', '__proto__', 'constructor', 'toString', 'close', '']) {
      expect(isFarmVerb(name), name).toBe(false);
    }
  });

  it('checks the arguments and hands them to the farm', async () => {
    const { farm, calls } = recordingFarm();
    const page = fixedAccess(ACCESS);
    const call = (verb: FarmVerb, ...args: unknown[]) => callVerb(farm, verb, args, page);
    await call('start', { example: 'wyndor-sweep', cores: 2 });
    await call('terminate', { force: true });
    await call('terminate');
    await call('status', 'ignored');
    await call('examples');
    await call('runs');
    await call('openRun', RUN_ID, { offset: 5 });
    await call('resume', RUN_ID, { retryFailed: true });
    await call('inspectModel', { name: 'a.lp', text: 'max\n x\nend\n' });
    await call('preview', { job: { kind: 'sweep' }, source: 'a.json' });
    expect(calls).toEqual([
      ['start', [{ example: 'wyndor-sweep', cores: 2 }, { access: ACCESS }]],
      ['terminate', [{ force: true }]],
      ['terminate', [{}]],
      ['status', []],
      ['examples', []],
      ['runs', []],
      ['openRun', [RUN_ID, { offset: 5 }]],
      ['resume', [RUN_ID, { retryFailed: true }, ACCESS]],
      ['inspectModel', [{ name: 'a.lp', text: 'max\n x\nend\n' }]],
      ['preview', [{ job: { kind: 'sweep' }, source: 'a.json' }, ACCESS]],
    ]);
  });

  it('refuses malformed arguments of every verb that takes any, before the farm is touched', async () => {
    const { farm, calls } = recordingFarm();
    const page = fixedAccess(ACCESS);
    const refused: [FarmVerb, unknown[]][] = [
      ['start', ['wyndor-sweep']],
      ['start', [{ job: {} }]],
      ['start', [{ example: 'x', cores: '2' }]],
      ['start', [null]],
      ['terminate', ['now']],
      ['terminate', [{ force: 'yes' }]],
      ['terminate', [{ force: true, extra: 1 }]],
      ['terminate', [null]],
      ['openRun', ['../../etc']],
      ['openRun', [RUN_ID, { limit: -1 }]],
      ['resume', ['/tmp/runs/x']],
      ['resume', [RUN_ID, { cores: 'all' }]],
      ['inspectModel', ['a.lp']],
      ['inspectModel', [{ name: '', text: '' }]],
      ['preview', [[]]],
    ];
    for (const [verb, args] of refused) {
      await expect(callVerb(farm, verb, args, page), `${verb}(${JSON.stringify(args)})`).rejects.toBeInstanceOf(
        TypeError,
      );
    }
    expect(calls).toEqual([]);
  });

  it("asks the page's access for each job, and hands the farm the request it answers with", async () => {
    const { farm, calls } = recordingFarm();
    const asked: StartRequest[] = [];
    const recorded: RecordedJob[] = [];
    const granted: StartRequest = { job: { kind: 'sweep', granted: true }, source: '/home/ana/a.json' };
    const page: PageAccess = {
      job: (request) => {
        asked.push(request);
        return { request: granted, access: GRANTED };
      },
      run: (record) => {
        recorded.push(record);
        return GRANTED;
      },
    };
    const sent = { job: { kind: 'sweep' }, source: '/home/ana/a.json' };
    await callVerb(farm, 'start', [sent], page);
    await callVerb(farm, 'preview', [sent], page);
    await callVerb(farm, 'resume', [RUN_ID], page);
    expect(asked).toEqual([sent, sent]);
    expect(asked[0]).toBe(sent);
    // A resume's access is the page's decision on what the run folder records.
    expect(recorded).toEqual([RECORDED]);
    expect(calls).toEqual([
      ['start', [granted, { access: GRANTED }]],
      ['preview', [granted, GRANTED]],
      ['resume', [RUN_ID, {}, GRANTED]],
    ]);
  });

  it('answers openRun without the stacks the journal keeps', async () => {
    const { farm } = recordingFarm();
    const detail = (await callVerb(farm, 'openRun', [RUN_ID], fixedAccess(ACCESS))) as PastRunDetail;
    expect(detail.results[0]?.error).toEqual({ name: 'Error', message: 'bad task' });
  });
});

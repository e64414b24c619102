import { describe, expect, it } from 'vitest';
import {
  crashRetriesFor,
  DEFAULT_POLICY,
  HALT_PERCENT_MIN_FINISHED,
  haltReason,
  memoryExecArgv,
  memoryMessage,
  overMemory,
  parseFailurePolicy,
  taskTimeoutMs,
  timeoutMessage,
} from '../../../solver/farm/failure-policy.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

describe('parseFailurePolicy', () => {
  it('gives the defaults when the job has no policy', () => {
    expect(parseFailurePolicy({ kind: 'sweep' }, 'job.json')).toEqual({ crashRetries: 2 });
    expect(DEFAULT_POLICY.crashRetries).toBe(2);
  });

  it('reads every member', () => {
    const policy = parseFailurePolicy(
      {
        policy: {
          taskTimeoutSec: 1.5,
          crashRetries: 0,
          haltAfterFailures: 10,
          haltAfterFailurePercent: 25,
          memoryLimitMb: 512,
        },
      },
      'job.json',
    );
    expect(policy).toEqual({
      taskTimeoutSec: 1.5,
      crashRetries: 0,
      haltAfterFailures: 10,
      haltAfterFailurePercent: 25,
      memoryLimitMb: 512,
    });
    expect(taskTimeoutMs(policy)).toBe(1500);
    expect(timeoutMessage(policy)).toBe('timed out after 1.5 s (policy.taskTimeoutSec)');
    expect(memoryExecArgv(policy)).toEqual(['--max-old-space-size=512']);
  });

  it.each([
    [{ policy: 3 }, 'job.json: $.policy: expected an object, got 3'],
    [{ policy: { crashRetries: -1 } }, 'job.json: $.policy.crashRetries: expected an integer from 0 to 100, got -1'],
    [{ policy: { taskTimeoutSec: 0 } }, 'job.json: $.policy.taskTimeoutSec: expected a positive number, got 0'],
    [{ policy: { taskTimeoutSec: '5' } }, 'job.json: $.policy.taskTimeoutSec: expected a finite number, got "5"'],
    [{ policy: { haltAfterFailurePercent: 150 } }, 'job.json: $.policy.haltAfterFailurePercent: expected a percentage'],
    [{ policy: { haltAfterFailures: 2.5 } }, 'job.json: $.policy.haltAfterFailures: expected an integer from 1'],
    [{ policy: { memoryLimitMb: 4 } }, 'job.json: $.policy.memoryLimitMb: expected an integer from 16'],
    [{ policy: { timeoutSec: 5 } }, 'job.json: $.policy.timeoutSec: expected one of the policy members taskTimeoutSec'],
  ])('locates the error in %j', (job, message) => {
    let error: unknown;
    try {
      parseFailurePolicy(job, 'job.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message.startsWith(message)).toBe(true);
  });
});

describe('halt decisions', () => {
  it('halts after N failures and says why', () => {
    const policy = parseFailurePolicy({ policy: { haltAfterFailures: 3 } }, 'j');
    expect(haltReason(policy, { done: 100, failed: 2, total: 1000 })).toBeNull();
    expect(haltReason(policy, { done: 100, failed: 3, total: 1000 })).toBe(
      'halted after 3 failed tasks (policy.haltAfterFailures is 3)',
    );
  });

  it('halts at X% of finished tasks, but not on the first few', () => {
    const policy = parseFailurePolicy({ policy: { haltAfterFailurePercent: 50 } }, 'j');
    expect(haltReason(policy, { done: 0, failed: 1, total: 1000 })).toBeNull();
    expect(haltReason(policy, { done: 9, failed: HALT_PERCENT_MIN_FINISHED - 10, total: 1000 })).toBeNull();
    expect(haltReason(policy, { done: 10, failed: 10, total: 1000 })).toMatch(
      /^halted: 10 of 20 finished tasks failed \(50\.0%, policy\.haltAfterFailurePercent is 50\)$/,
    );
    expect(haltReason(policy, { done: 11, failed: 10, total: 1000 })).toBeNull();
    // A job smaller than the sample is judged once all its tasks finished.
    expect(haltReason(policy, { done: 1, failed: 2, total: 3 })).toMatch(/2 of 3/);
  });

  it('never halts without a limit', () => {
    expect(haltReason(DEFAULT_POLICY, { done: 0, failed: 1_000_000, total: 1_000_000 })).toBeNull();
  });

  it("uses the job's crashRetries only when the job sets it", () => {
    const job = { policy: { crashRetries: 0 } };
    expect(crashRetriesFor(job, parseFailurePolicy(job, 'j'), 5)).toBe(0);
    expect(crashRetriesFor({}, parseFailurePolicy({}, 'j'), 5)).toBe(5);
    expect(crashRetriesFor({ policy: {} }, parseFailurePolicy({ policy: {} }, 'j'), 1)).toBe(1);
  });

  it('checks memory against the cap', () => {
    const policy = parseFailurePolicy({ policy: { memoryLimitMb: 100 } }, 'j');
    expect(overMemory(policy, 99 * 1024 * 1024)).toBe(false);
    expect(overMemory(policy, 101 * 1024 * 1024)).toBe(true);
    expect(overMemory(policy, undefined)).toBe(false);
    expect(overMemory(DEFAULT_POLICY, 1e12)).toBe(false);
    expect(memoryMessage(policy, 150 * 1024 * 1024)).toMatch(/150 MiB, over policy.memoryLimitMb \(100 MiB\)/);
  });
});

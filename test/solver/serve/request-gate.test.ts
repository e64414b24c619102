/**
 * How much work one WebSocket client may ask for at a time (solver/serve/request-gate.ts):
 * 16 requests in flight, 4 running, none started while its replies pile up unread.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_REQUESTS_IN_FLIGHT,
  MAX_REQUESTS_RUNNING,
  REPLY_BACKLOG_BYTES,
  RequestGate,
  TooManyRequests,
} from '../../../solver/serve/request-gate.ts';

/** Work that ends when the test says so. */
function held() {
  let release: () => void = () => {};
  let started = false;
  const work = () => {
    started = true;
    return new Promise<string>((resolve) => {
      release = () => resolve('done');
    });
  };
  return { work, release: () => release(), started: () => started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RequestGate', () => {
  it('runs 4 at a time, queues up to 16, refuses the 17th at once', async () => {
    const gate = new RequestGate({ bufferedAmount: 0 });
    const jobs = Array.from({ length: MAX_REQUESTS_IN_FLIGHT }, () => held());
    const outcomes = jobs.map((j) => gate.run(j.work));
    await tick();
    expect(jobs.filter((j) => j.started())).toHaveLength(MAX_REQUESTS_RUNNING);
    await expect(gate.run(async () => 'x')).rejects.toBeInstanceOf(TooManyRequests);
    await expect(gate.run(async () => 'x')).rejects.toMatchObject({ code: 'too-many-requests' });
    // One ends: the next in order starts.
    jobs[0]?.release();
    await tick();
    expect(jobs.filter((j) => j.started())).toHaveLength(MAX_REQUESTS_RUNNING + 1);
    expect(jobs[MAX_REQUESTS_RUNNING]?.started()).toBe(true);
    // The rest run 4 at a time as each ends.
    for (let round = 0; round < MAX_REQUESTS_IN_FLIGHT; round++) {
      for (const j of jobs) j.release();
      await tick();
    }
    await expect(Promise.all(outcomes)).resolves.toEqual(jobs.map(() => ({ value: 'done' })));
    expect(gate.inFlight).toBe(0);
  });

  it('starts nothing while the socket has a backlog of unsent replies, and nothing at all once it is gone', async () => {
    const socket = { bufferedAmount: REPLY_BACKLOG_BYTES };
    const gate = new RequestGate(socket);
    const job = held();
    const outcome = gate.run(job.work);
    await tick();
    expect(job.started()).toBe(false);
    // Written out: woken, it starts.
    socket.bufferedAmount = 0;
    gate.wake();
    await tick();
    expect(job.started()).toBe(true);
    job.release();
    await expect(outcome).resolves.toEqual({ value: 'done' });

    socket.bufferedAmount = REPLY_BACKLOG_BYTES;
    const never = held();
    const dropped = gate.run(never.work);
    gate.close();
    await expect(dropped).resolves.toBeNull();
    expect(never.started()).toBe(false);
  });
});

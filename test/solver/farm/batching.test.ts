import { describe, expect, it } from 'vitest';
import { BatchSizer, INITIAL_BATCH, MAX_BATCH, TaskQueue } from '../../../solver/farm/batching.ts';

describe('TaskQueue', () => {
  it('hands out indices in order, returned ones first and in their order', () => {
    const q = new TaskQueue(6);
    expect([q.take(), q.take(), q.take()]).toEqual([0, 1, 2]);
    q.returnFront([1, 2]);
    expect(q.remaining).toBe(5);
    expect(q.peek()).toBe(1);
    expect([q.take(), q.take(), q.take(), q.take(), q.take(), q.take()]).toEqual([1, 2, 3, 4, 5, -1]);
    expect(q.remaining).toBe(0);
  });

  it('clear() drops everything queued', () => {
    const q = new TaskQueue(10);
    q.take();
    q.returnFront([0]);
    q.clear();
    expect(q.remaining).toBe(0);
    expect(q.take()).toBe(-1);
  });

  it('skips indices the caller says are done', () => {
    const done = new Set([0, 1, 3]);
    const q = new TaskQueue(5, (i) => done.has(i));
    expect([q.take(), q.take(), q.take()]).toEqual([2, 4, -1]);
  });
});

describe('BatchSizer', () => {
  it('starts small before anything is measured', () => {
    expect(new BatchSizer().next(100_000, 2)).toBe(INITIAL_BATCH);
  });

  it('aims at ~15 ms of work per batch, within 1..MAX_BATCH', () => {
    const tiny = new BatchSizer();
    tiny.observe(100, 1.1); // 11 µs a task (+4 µs messaging) → ~1000
    expect(tiny.next(100_000, 2)).toBeGreaterThanOrEqual(900);
    expect(tiny.next(100_000, 2)).toBeLessThanOrEqual(1100);
    const trivial = new BatchSizer();
    trivial.observe(1000, 0.1); // 0.1 µs a task: capped
    expect(trivial.next(100_000, 2)).toBe(MAX_BATCH);
    const medium = new BatchSizer();
    medium.observe(4, 4 * 0.5); // 0.5 ms a task → ~30
    expect(medium.next(100_000, 2)).toBeGreaterThanOrEqual(25);
    expect(medium.next(100_000, 2)).toBeLessThanOrEqual(35);
    const slow = new BatchSizer();
    slow.observe(2, 2 * 18); // 18 ms a task
    expect(slow.next(100_000, 2)).toBe(1);
  });

  it('shrinks near the end so every solver gets a share of the tail', () => {
    const s = new BatchSizer();
    s.observe(1000, 10); // 10 µs a task (+4 µs messaging): ~1070 when far from the end
    expect(s.next(10_000, 2)).toBe(Math.round(15 / 0.014));
    expect(s.next(400, 2)).toBe(100);
    expect(s.next(3, 2)).toBe(1);
  });
});

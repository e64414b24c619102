/**
 * A kind's plan, checked before anything starts. Built-in kinds are right by construction,
 * but a custom kind is a user's module: a plan without `params()`, or a label that throws,
 * would otherwise surface deep inside a running run (in the result builder, in the server
 * process that owns every client). Checked once at load, with a located error; labels and
 * params are then read through guards, so one bad index fails its task, not the farm.
 */
import type { StepPlan, TaskPlan } from '../problems/types.ts';
import { ValidationError } from '../problems/validate.ts';

/** Most tasks one run may plan: every structure per task (done flags, journal index) is sized by it. */
export const MAX_PLANNED_TASKS = 100_000_000;

type AnyPlan = TaskPlan<unknown> | StepPlan<unknown>;

function why(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Check a plan's shape and try its first task; returns a plan whose `label` and `params`
 * never throw (a failing one reads `#i` / `{}`: the task still runs and its result is kept).
 * Throws a ValidationError at `$` naming what is wrong.
 */
export function checkPlan(plan: unknown, source: string, kindName: string, hasReduce: boolean): AnyPlan {
  const fail = (expected: string): never => {
    throw new ValidationError(source, '$', `a ${kindName} job whose plan() returns ${expected}`);
  };
  if (typeof plan !== 'object' || plan === null) return fail('an object (got none)');
  const p = plan as Record<string, unknown>;
  if (p.type === 'steps') {
    if (typeof p.steps !== 'number' || !Number.isInteger(p.steps) || p.steps < 1) {
      fail('at least one barrier step (steps: a whole number ≥ 1)');
    }
    if (!hasReduce) fail('barrier steps only with a reduce() to combine them');
    return plan as StepPlan<unknown>;
  }
  if (p.type !== 'tasks') return fail(`type "tasks" or "steps" (got ${JSON.stringify(p.type) ?? 'none'})`);
  const count = p.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_PLANNED_TASKS) {
    fail(`a task count from 0 to ${MAX_PLANNED_TASKS.toLocaleString('en-US')} (got ${String(count)})`);
  }
  const missing = ['task', 'label', 'params'].filter((name) => typeof p[name] !== 'function');
  if (missing.length > 0) fail(`task(i), label(i) and params(i) functions (${missing.join(', ')} missing)`);
  const tasks = plan as TaskPlan<unknown>;
  if ((count as number) > 0) {
    // One probe catches the common mistakes (a typo, a wrong return type) before any solver starts.
    try {
      tasks.task(0);
      if (typeof tasks.label(0) !== 'string') fail('a string from label(i)');
      const params = tasks.params(0);
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        fail('an object of names to numbers or strings from params(i)');
      }
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      fail(`a first task that can be read (task/label/params of task 0 threw: ${why(err)})`);
    }
  }
  return {
    ...tasks,
    label: (i) => {
      try {
        const label = tasks.label(i);
        return typeof label === 'string' ? label : `#${i + 1}`;
      } catch {
        return `#${i + 1}`;
      }
    },
    params: (i) => {
      try {
        const params = tasks.params(i);
        return typeof params === 'object' && params !== null ? params : {};
      } catch {
        return {};
      }
    },
  };
}

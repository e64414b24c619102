/**
 * Micro-measure (not a test): the farm's main-process CPU per task with no real processes.
 * An in-process fake solver answers each `run` batch with `rows` JSON text like a real sweep
 * solver's; the farm parses it (as child_process's JSON channel does) and builds, hashes
 * and emits TaskResults. CPU time spent inside the fake solver is subtracted (CPU time, not
 * wall time: on a loaded machine wall time includes time the process did not run).
 *
 *   node test/solver/farm/measure-main-path.ts [tasks=100000]
 */

import { Farm } from '../../../solver/farm/farm.ts';
import type { SolverExit, SolverHandle, SolverLauncher } from '../../../solver/farm/launcher.ts';
import type { ProblemKind } from '../../../solver/problems/types.ts';
import type { FromSolver, ToSolver } from '../../../solver/protocol.ts';
import { RowsWriter } from '../../../solver/solver-process/rows.ts';

const tasks = Number(process.argv[2] ?? 100_000);
let fakeMs = 0;

/** A "process" that answers in the next turn, via JSON text like the real channel. */
class FakeHandle implements SolverHandle {
  readonly pid = 1;
  #onMessage: (m: FromSolver) => void = () => {};
  #onExit: (e: SolverExit) => void = () => {};
  constructor() {
    setImmediate(() => this.#deliver({ t: 'ready', pid: 1 }));
  }
  #deliver(m: FromSolver | string): void {
    this.#onMessage(typeof m === 'string' ? (JSON.parse(m) as FromSolver) : m);
  }
  post(message: ToSolver): void {
    const text = JSON.stringify(message); // the parent's send cost is real: keep it out of fakeMs
    const t1 = process.cpuUsage();
    const m = JSON.parse(text) as ToSolver;
    let reply: string | undefined;
    if (m.t === 'setup') reply = JSON.stringify({ t: 'setup-done' });
    if (m.t === 'shutdown') setImmediate(() => this.#onExit({ code: 0, signal: null, reason: 'exited with code 0' }));
    if (m.t === 'run') {
      // Columns, as a real solver answers a `run` batch (solver/solver-process/rows.ts).
      const rows = new RowsWriter();
      for (const i of m.i) {
        const objective = 3600 + 100 + i * 0.01;
        rows.add(
          { status: 'optimal', objective, timeMs: 0.011, values: { doors: 2, windows: 6 }, engine: 'glpk' },
          0.011,
        );
      }
      reply = JSON.stringify(rows.take(m.batch, true, 0));
    }
    const d = process.cpuUsage(t1);
    fakeMs += (d.user + d.system) / 1000;
    if (reply !== undefined) {
      const r = reply;
      setImmediate(() => this.#deliver(r));
    }
  }
  onMessage(l: (m: FromSolver) => void): void {
    this.#onMessage = l;
  }
  onExit(l: (e: SolverExit) => void): void {
    this.#onExit = l;
  }
  onOutput(): void {}
  kill(): void {
    setImmediate(() => this.#onExit({ code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL' }));
  }
}

const launcher: SolverLauncher = { launch: () => new FakeHandle() };

// A sweep-like plan: one axis P, label `P=…`, params { P }.
const kind: ProblemKind<{ n: number }, number[]> = {
  kind: 'fake-sweep',
  parse: () => ({ n: tasks }),
  plan: (spec) => ({
    type: 'tasks',
    count: spec.n,
    task: (i) => [100 + i * 0.01],
    label: (i) => `P=${100 + i * 0.01}`,
    params: (i) => ({ P: 100 + i * 0.01 }),
    paramNames: ['P'],
  }),
  setup: () => null,
};

const farm = new Farm({ launcher, cores: 2, kinds: new Map([['fake-sweep', kind]]) });
let results = 0;
farm.subscribe((events) => {
  for (const e of events) if (e.type === 'results') results += e.results.length;
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await farm.start({ job: { kind: 'fake-sweep' }, source: 'fake.json' });
await farm.finished();
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await farm.close();
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  `${results} results, wall ${wall.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms, fake solver ${fakeMs.toFixed(0)} ms`,
);
console.log(`main-process cost per task: ${(((cpuMs - fakeMs) * 1000) / results).toFixed(2)} µs`);

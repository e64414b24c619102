/**
 * Micro-measure (not a test): main-process CPU per task and throughput of the farm on a
 * tiny LP sweep, against a single in-process loop over the same tasks.
 *
 *   node test/solver/farm/measure-overhead.ts [tasks=100000] [cores=2] [msglev=off] [noloop]
 *
 * Prints the in-process rate, the farm's wall time and rate, the speed-up, and the main
 * process's CPU µs per task (everything: planning, dispatch, IPC parse, results, events).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { kinds } from '../../../solver/problems/registry.ts';

const tasks = Number(process.argv[2] ?? 100_000);
const cores = Number(process.argv[3] ?? 2);
const msglev = process.argv[4] ?? 'off';
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const job = JSON.parse(readFileSync(`${examples}wyndor-sweep.json`, 'utf8')) as Record<string, unknown>;
// P from 100 in steps of 0.01: `tasks` grid points.
job.grid = [{ name: 'P', objective: 'windows', from: 100, to: 100 + (tasks - 1) * 0.01, step: 0.01 }];
job.msglev = msglev;
const source = `${examples}wyndor-sweep-${tasks}.json`;

// 1. One in-process loop over the same tasks.
const sweep = kinds.get('sweep');
if (!sweep?.solve) throw new Error('no sweep kind');
const spec = await sweep.parse(job, { source, baseDir: examples });
const plan = sweep.plan(spec);
if (plan.type !== 'tasks') throw new Error('expected tasks');
let lines = 0;
const state = await sweep.setup(spec, { solver: 0, seed: 1, log: () => lines++ });
const t0 = performance.now();
const loopCpu0 = process.cpuUsage();
const skipLoop = process.argv[5] === 'noloop';
if (!skipLoop)
  for (let i = 0; i < plan.count; i++) sweep.solve(state, plan.task(i), { solver: 0, seed: 1, log: () => lines++ });
const loopMs = skipLoop ? Number.NaN : performance.now() - t0;
const loopCpu = process.cpuUsage(loopCpu0);
const loopCpuMs = skipLoop ? Number.NaN : (loopCpu.user + loopCpu.system) / 1000;
console.log(
  `in-process loop: ${plan.count} tasks in ${loopMs.toFixed(0)} ms = ${((plan.count / loopMs) * 1000).toFixed(0)} tasks/s`,
);

// 2. The farm.
const farm = new Farm({ launcher: new NodeLauncher(), cores });
let results = 0;
let batches = 0;
/** CPU ms of the solver processes, read from /proc when the last result arrives (Linux only). */
let solverCpuMs = Number.NaN;
const tick = 100; // USER_HZ on Linux
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
}
farm.subscribe((events) => {
  batches++;
  for (const e of events) if (e.type === 'results') results += e.results.length;
  if (results === plan.count && Number.isNaN(solverCpuMs)) {
    try {
      solverCpuMs = farm.snapshot().solvers.reduce((sum, s) => sum + (s.pid ? procCpuMs(s.pid) : 0), 0);
    } catch {
      // not Linux, or a solver already gone
    }
  }
});
const cpu0 = process.cpuUsage();
const w0 = performance.now();
await farm.start({ job, source });
let firstResultAt = 0;
let cpuAtFirst = cpu0;
let resultsAtFirst = 0;
const unsubscribe = farm.subscribe((events) => {
  if (firstResultAt === 0 && events.some((e) => e.type === 'results')) {
    firstResultAt = performance.now();
    cpuAtFirst = process.cpuUsage();
    resultsAtFirst = results;
  }
});
const final = await farm.finished();
const wallMs = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);
unsubscribe();
await farm.close();
const cpuUs = cpu.user + cpu.system;
const steadyMs = wallMs - (firstResultAt - w0);
console.log(
  `farm (${cores} cores): ${final}, ${results} results in ${wallMs.toFixed(0)} ms = ${((results / wallMs) * 1000).toFixed(0)} tasks/s` +
    ` (${((results / steadyMs) * 1000).toFixed(0)} tasks/s after the first result), ${batches} event batches`,
);
console.log(`speed-up vs the loop: ${(loopMs / wallMs).toFixed(2)}x (steady state ${(loopMs / steadyMs).toFixed(2)}x)`);
if (!Number.isNaN(solverCpuMs)) {
  const total = cpuUs / 1000 + solverCpuMs;
  console.log(
    `solver processes CPU: ${solverCpuMs.toFixed(0)} ms = ${((solverCpuMs * 1000) / results).toFixed(2)} µs per task;` +
      ` farm total ${((total * 1000) / results).toFixed(2)} µs per task vs the loop's ${((loopCpuMs * 1000) / plan.count).toFixed(2)}` +
      ` → speed-up on ${cores} otherwise idle cores, by CPU time: ${((cores * loopCpuMs) / total).toFixed(2)}x`,
  );
}
const steady = process.cpuUsage(cpuAtFirst);
const steadyUs = steady.user + steady.system;
console.log(
  `main process CPU: ${(cpuUs / 1000).toFixed(0)} ms in all (launch included) = ${(cpuUs / results).toFixed(2)} µs per task;` +
    ` from the first result on: ${(steadyUs / (results - resultsAtFirst)).toFixed(2)} µs per task`,
);

/**
 * `npm run bench:models`: real model files, in ONE run on the same machine.
 *
 * 1. Per-model solve time with each engine, in-process (best of BENCH_MODEL_REPS, default 3;
 *    one run for solves over 1 s), with status and objective, against reference.json.
 * 2. The whole folder as a batch: wall time through the farm (Farm + NodeLauncher, real
 *    solver processes) with glpk, highs and auto, against native `glpsol` driven by GNU
 *    parallel over the same files (`parallel -j<cores> glpsol --freemps {} --tmlim N …`; free
 *    MPS because some reference files, e.g. chip.mps, break the fixed-format column rules).
 * 3. `--crossover`: glpk vs highs on generated n×n transport LPs (where `auto` switches).
 *
 * Options: `--dir <folder>` (default ../shared/models), `--cores N` (default 2),
 * `--time-limit S` per model (default 20), `--crossover`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FarmEvent, TaskResult } from '../solver/api.ts';
import { loadEngine } from '../solver/engines/index.ts';
import type { Engine, EngineChoice } from '../solver/engines/types.ts';
import { Farm } from '../solver/farm/farm.ts';
import { NodeLauncher } from '../solver/farm/node-launcher.ts';
import type { LinearModel } from '../solver/formats/model.ts';
import { readModelFile } from '../solver/formats/read-model.ts';
import { listModelFiles } from '../solver/problems/batch.ts';

const args = process.argv.slice(2);
function opt(name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = resolve(opt('--dir', join(root, '../shared/models')));
const cores = Number(opt('--cores', '2'));
const timeLimit = Number(opt('--time-limit', '20'));
const reps = Number(process.env.BENCH_MODEL_REPS ?? 3);

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}

interface Ref {
  status: string;
  objective?: number;
}
const refPath = join(dir, 'reference.json');
const reference: Record<string, Ref> = existsSync(refPath) ? JSON.parse(readFileSync(refPath, 'utf8')).models : {};

function verdict(name: string, status: string, objective: number | null): string {
  const ref = reference[name];
  if (!ref) return '';
  if (status === 'time-limit') return 'limit';
  if (status !== ref.status) return 'WRONG';
  if (ref.objective === undefined) return 'ok';
  if (objective === null) return 'WRONG';
  return Math.abs(objective - ref.objective) / Math.max(1, Math.abs(ref.objective)) <= 1e-6 ? 'ok' : 'WRONG';
}

async function perModel(files: string[]): Promise<void> {
  const engines: Engine[] = [await loadEngine('glpk'), await loadEngine('highs')];
  console.log(`\n1. Per-model solve time in-process (best of ${reps}; time limit ${timeLimit} s)\n`);
  console.log(
    `${pad('model', 22)}${pad('rows', 6)}${pad('cols', 6)}${pad('int', 5)}${engines.map((e) => pad(`${e.name}`, 34)).join('')}faster`,
  );
  for (const f of files) {
    const name = basename(f).replace(/\.(lp|mps)(\.gz)?$/i, '');
    const model: LinearModel = readModelFile(f);
    const cells: string[] = [];
    const times: number[] = [];
    for (const e of engines) {
      let best = Number.POSITIVE_INFINITY;
      let last = e.solve(model, { timeLimitSec: timeLimit });
      best = last.timeMs;
      for (let k = 1; k < reps && best < 1000; k++) {
        last = e.solve(model, { timeLimitSec: timeLimit });
        best = Math.min(best, last.timeMs);
      }
      times.push(best);
      const obj = last.objective === null ? '' : ` ${Number(last.objective.toPrecision(10))}`;
      cells.push(pad(`${ms(best)} ${last.status}${obj} ${verdict(name, last.status, last.objective)}`, 34));
    }
    const ints = model.variables.filter((v) => v.integer).length;
    const faster = (times[0] ?? 0) <= (times[1] ?? 0) ? 'glpk' : 'highs';
    console.log(
      `${pad(relative(dir, f), 22)}${pad(String(model.rows.length), 6)}${pad(String(model.variables.length), 6)}${pad(String(ints), 5)}${cells.join('')}${faster}`,
    );
  }
}

async function farmBatch(engine: EngineChoice): Promise<{ wallMs: number; results: TaskResult[] }> {
  const farm = new Farm({ launcher: new NodeLauncher(), cores });
  const events: FarmEvent[] = [];
  const done = new Promise<void>((resolveDone) => {
    farm.subscribe((batch) => {
      events.push(...batch);
      if (batch.some((e) => e.type === 'run' && ['done', 'stopped', 'failed'].includes(e.state))) resolveDone();
    });
  });
  const t0 = performance.now();
  await farm.start({
    job: { kind: 'batch', files: ['.'], engine, timeLimitSec: timeLimit, msglev: 'off' },
    source: join(dir, 'bench-batch.json'),
  });
  await done;
  const wallMs = performance.now() - t0;
  await farm.close();
  return { wallMs, results: events.flatMap((e) => (e.type === 'results' ? e.results : [])) };
}

function glpsolParallel(files: string[]): Promise<{ wallMs: number; ok: boolean; out: string }> {
  // glpsol replaces its -o file (write then rename): never point it at /dev/null, which it
  // would turn into a regular file for every process on the machine.
  const solDir = mkdtempSync(join(tmpdir(), 'sf-glpsol-'));
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    execFile(
      'parallel',
      [
        `-j${cores}`,
        'glpsol',
        '--freemps',
        '{}',
        '--tmlim',
        String(timeLimit),
        '-o',
        join(solDir, '{/}.sol'),
        ':::',
        ...files,
      ],
      { maxBuffer: 64 << 20 },
      (err, stdout) => {
        const wallMs = performance.now() - t0;
        rmSync(solDir, { recursive: true, force: true });
        resolveRun({ wallMs, ok: err === null, out: stdout });
      },
    );
  });
}

async function batches(files: string[]): Promise<void> {
  console.log(
    `\n2. The folder as one batch (${files.length} files, ${cores} cores, time limit ${timeLimit} s per model)\n`,
  );
  const rows: string[][] = [];
  for (const engine of ['glpk', 'highs', 'auto'] as EngineChoice[]) {
    const { wallMs, results } = await farmBatch(engine);
    const wrong = results.filter(
      (r) => verdict(r.label.replace(/^.*\/|\.(lp|mps)(\.gz)?$/g, ''), r.status, r.objective) === 'WRONG',
    );
    const limited = results.filter((r) => r.status === 'time-limit').map((r) => r.label);
    const solveMs = results.reduce((s, r) => s + r.timeMs, 0);
    rows.push([
      `farm batch, ${engine}`,
      ms(wallMs),
      ms(solveMs),
      `${results.length - wrong.length - limited.length} ok, ${wrong.length} wrong, ${limited.length} time-limit${limited.length ? ` (${limited.join(', ')})` : ''}`,
    ]);
  }
  const mpsOnly = files.filter((f) => /\.mps$/i.test(f));
  const { loadavg } = await import('node:os');
  console.log(
    `(load average before the native run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );
  const native = await glpsolParallel(mpsOnly);
  rows.push([
    `glpsol via parallel -j${cores}`,
    ms(native.wallMs),
    '',
    native.ok ? `${mpsOnly.length} runs` : 'failed (is glpk-utils/parallel installed?)',
  ]);
  console.log(`${pad('contender', 28)}${pad('wall', 12)}${pad('sum of solves', 16)}outcome`);
  for (const r of rows) console.log(`${pad(r[0] ?? '', 28)}${pad(r[1] ?? '', 12)}${pad(r[2] ?? '', 16)}${r[3] ?? ''}`);
}

/** n×n transport LP with deterministic pseudo-random costs, supplies and demands. */
export function transport(n: number, seed = 1): LinearModel {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const variables = [];
  const objective = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      variables.push({ name: `x${i}_${j}`, lb: 0, ub: Number.POSITIVE_INFINITY, integer: false });
      objective.push(Math.round(1 + rnd() * 99));
    }
  const supply = Array.from({ length: n }, () => Math.round(50 + rnd() * 100));
  const total = supply.reduce((a, b) => a + b, 0);
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      name: `s${i}`,
      lb: Number.NEGATIVE_INFINITY,
      ub: supply[i] as number,
      cols: Array.from({ length: n }, (_, j) => i * n + j),
      coefs: Array(n).fill(1),
    });
  }
  for (let j = 0; j < n; j++) {
    rows.push({
      name: `d${j}`,
      lb: Math.floor((total * 0.9) / n),
      ub: Number.POSITIVE_INFINITY,
      cols: Array.from({ length: n }, (_, i) => i * n + j),
      coefs: Array(n).fill(1),
    });
  }
  return {
    name: `transport${n}`,
    sense: 'min',
    objectiveName: 'cost',
    objective,
    objectiveConstant: 0,
    variables,
    rows,
    warnings: [],
  };
}

async function crossover(): Promise<void> {
  const g = await loadEngine('glpk');
  const h = await loadEngine('highs');
  console.log('\n3. Crossover: n×n transport LPs, mean ms per solve (conversion included)\n');
  console.log(`${pad('n×n', 10)}${pad('columns', 10)}${pad('glpk', 12)}${pad('highs', 12)}glpk/highs`);
  for (const n of [3, 5, 8, 10, 12, 15, 17, 20, 30, 40, 70, 100, 150, 200]) {
    const m = transport(n);
    const rounds = n <= 20 ? 30 : n <= 70 ? 5 : 2;
    const t: number[] = [];
    for (const e of [g, h]) {
      e.solve(m);
      const t0 = performance.now();
      for (let k = 0; k < rounds; k++) e.solve(m);
      t.push((performance.now() - t0) / rounds);
    }
    console.log(
      `${pad(`${n}×${n}`, 10)}${pad(String(n * n), 10)}${pad(ms(t[0] ?? 0), 12)}${pad(ms(t[1] ?? 0), 12)}${((t[0] ?? 0) / (t[1] ?? 1)).toFixed(2)}`,
    );
  }
}

const files = existsSync(dir) ? await listModelFiles(dir) : [];
if (files.length === 0 && !args.includes('--crossover')) {
  console.error(`no .lp/.mps files under ${dir} (use --dir)`);
  process.exit(2);
}
console.log(`bench:models — ${files.length} files under ${dir}; node ${process.version}`);
if (args.includes('--crossover')) await crossover();
else {
  await perModel(files);
  await batches(files);
}

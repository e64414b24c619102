/**
 * The import graph of our own code, read from the sources: which file imports which (static
 * `import … from`, `export … from`, side-effect `import '…'`, and `import('…')`, type-only ones
 * included: a type import is a dependency of the design even when the bundle drops it).
 *
 * A line scanner, not a parser: Biome formats every file, so a static import starts a line,
 * and doc comments start theirs with `*`. TypeScript 7 has no JavaScript API to ask instead.
 * Run it to print the cycles and the room graph: `node test/architecture/import-graph.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The folders scanned, relative to the repository. */
export const SCANNED = ['solver', 'electron', 'renderer/src'];

const STATIC =
  /^(?:import|export)\s+(?:type\s+)?(?:(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+\w+))?)\s+from\s+)?['"]([^'"\n]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** Relative specifiers a source text imports (packages and `node:` modules are not ours). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(STATIC)) out.push(m[1] as string);
  for (const line of text.split('\n')) {
    const start = line.trimStart();
    if (start.startsWith('*') || start.startsWith('//') || start.startsWith('/*')) continue;
    for (const m of line.matchAll(DYNAMIC)) out.push(m[1] as string);
  }
  return out.filter((s) => s.startsWith('.'));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveSpecifier(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** File → the files it imports, all as paths relative to `root` with `/` separators. */
export type ImportGraph = Map<string, Set<string>>;

/** Reads the graph of every .ts/.tsx file under the scanned folders; `extra` adds (or replaces) sources. */
export function readImportGraph(root: string, extra: ReadonlyMap<string, string> = new Map()): ImportGraph {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const graph: ImportGraph = new Map();
  const files = SCANNED.flatMap((dir) => sourceFiles(path.join(root, dir)));
  const texts = new Map(files.map((f) => [rel(f), () => readFileSync(f, 'utf8')]));
  for (const [file, text] of extra) texts.set(file, () => text);
  for (const [file, read] of texts) {
    const edges = new Set<string>();
    for (const spec of importsOf(read())) {
      const target = resolveSpecifier(path.join(root, file), spec);
      const name =
        target === null ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : rel(target);
      if (texts.has(name)) edges.add(name);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** The strongly connected components with a circle in them (Tarjan), each sorted; [] when there is none. */
export function findComponents(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

/**
 * Every circle of the graph, one per strongly connected component, each as a path
 * `a → b → … → a` through that component; [] when there is none.
 */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  return findComponents(graph).map((component) => cycleThrough(graph, new Set(component)));
}

/** One circle inside a strongly connected component: a shortest way back to its first node. */
function cycleThrough(graph: ReadonlyMap<string, ReadonlySet<string>>, component: ReadonlySet<string>): string[] {
  const start = [...component][0] as string;
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = from.get(at) as string) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * The room of a file: `solver/<folder>` for the engine's folders, `solver/<file>.ts` for its
 * top-level contracts and entry (api.ts, protocol.ts, channels.ts, cli.ts), else the shell.
 */
export function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'solver') return parts.length > 2 ? `solver/${parts[1]}` : file;
  if (parts[0] === 'renderer') return 'renderer';
  return parts[0] as string;
}

/** The graph between rooms (an import inside a room is no edge). */
export function roomGraph(graph: ImportGraph): Map<string, Set<string>> {
  const rooms = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = roomOf(file);
    const edges = rooms.get(from) ?? new Set<string>();
    rooms.set(from, edges);
    for (const target of targets) if (roomOf(target) !== from) edges.add(roomOf(target));
  }
  return rooms;
}

/** Which file of room `from` imports which file of room `to` (for messages). */
export function edgesBetween(graph: ImportGraph, from: string, to: string): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (roomOf(file) !== from) continue;
    for (const target of targets) if (roomOf(target) === to) out.push(`${file} → ${target}`);
  }
  return out;
}

if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const graph = readImportGraph(root);
  const rooms = roomGraph(graph);
  for (const [room, targets] of [...rooms].sort()) console.log(`${room} → ${[...targets].sort().join(', ')}`);
  for (const cycle of findCycles(graph)) console.log(`file circle: ${cycle.join(' → ')}`);
  for (const component of findComponents(rooms)) {
    console.log(`rooms in a circle: ${component.join(', ')}`);
    for (const from of component) {
      for (const to of component) {
        if (to !== from) for (const edge of edgesBetween(graph, from, to)) console.log(`  ${edge}`);
      }
    }
  }
}

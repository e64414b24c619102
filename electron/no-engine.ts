/**
 * Stand-in for the solver engines (glpk.js, highs) in the main-process bundle. The main
 * process parses and plans jobs but never solves: solves run in solver processes, whose
 * bundle (solver.mjs) carries the real engines. glpk.js is an ES module with top-level
 * await and a wasm file beside it, which a CommonJS main bundle cannot hold, so the build
 * aliases the engines here (vite.main.config.ts) and any accidental solve says why it fails.
 */
export default function noEngine(): never {
  throw new Error('Solver engines run in solver processes only, not in the Electron main process.');
}

/**
 * Engines by name. Each loads once per process (WebAssembly instantiation); `auto` loads both.
 */
import { autoEngine } from './auto.ts';
import { loadGlpkEngine } from './glpk.ts';
import { loadHighsEngine } from './highs.ts';
import type { Engine, EngineChoice } from './types.ts';

export type { Engine, EngineChoice, EngineName, EngineResult, SolveOptions } from './types.ts';
export { ENGINE_CHOICES } from './types.ts';

/** Load the engine a job chose (once per process; later calls return the same engine). */
export async function loadEngine(choice: EngineChoice): Promise<Engine> {
  if (choice === 'glpk') return loadGlpkEngine();
  if (choice === 'highs') return loadHighsEngine();
  const [g, h] = await Promise.all([loadGlpkEngine(), loadHighsEngine()]);
  return autoEngine(g, h);
}

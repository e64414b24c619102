/**
 * The bridges the preload exposes to the renderer, by name: the preload's unit test and the
 * built-bundle test pin the same narrow surface, so a new verb is added in one place.
 */

/** window.farm: the FarmApi verbs, sorted. */
export const FARM_VERBS = [
  'examples',
  'inspectModel',
  'openRun',
  'preview',
  'resume',
  'runs',
  'start',
  'status',
  'subscribe',
  'terminate',
] as const;

/** window.farmShell: the desktop shell's listeners. */
export const FARM_SHELL_VERBS = ['onMenu', 'onOpenFile'] as const;

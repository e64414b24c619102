/**
 * The bridges the preload exposes to the renderer, by name: the preload's unit test and the
 * built-bundle test pin the same narrow surface. window.farm is FarmApi's verbs (the list the
 * preload is built from, solver/channels.ts) and subscribe: nothing else, no passthrough.
 */
import { FARM_VERBS as REQUEST_VERBS } from '../../solver/channels.ts';

/** window.farm: the FarmApi verbs, sorted. */
export const FARM_VERBS = [...REQUEST_VERBS, 'subscribe'].sort();

/** window.farmShell: the desktop shell's listeners. */
export const FARM_SHELL_VERBS = ['onMenu', 'onOpenFile'] as const;

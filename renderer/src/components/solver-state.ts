import type { SolverState, SolverStatus } from '../../../solver/api.ts';

/** The words a user reads for a solver's state (the colour is only a second cue). */
export function describeSolver(s: SolverStatus | undefined): string {
  if (!s) return 'Not started';
  switch (s.state) {
    case 'starting':
      return 'Starting';
    case 'setup':
      return 'Loading the model';
    case 'idle':
      return 'Idle';
    case 'solving':
      return s.task ? `Solving ${s.task}` : 'Solving';
    case 'stepping':
      return s.step !== undefined ? `Step ${s.step}` : 'Working on a step';
    case 'barrier':
      return s.step !== undefined ? `Waiting at the barrier after step ${s.step}` : 'Waiting at the barrier';
    case 'crashed':
      return 'Crashed';
    case 'stopped':
      return 'Stopped';
  }
}

/** CSS tone of a state. */
export function stateTone(state: SolverState | undefined): string {
  switch (state) {
    case 'solving':
    case 'stepping':
      return 'busy';
    case 'barrier':
    case 'setup':
    case 'starting':
      return 'wait';
    case 'crashed':
      return 'bad';
    case 'stopped':
      return 'off';
    default:
      return 'idle';
  }
}

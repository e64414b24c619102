/**
 * GLPK's constants (the values glpk.js uses; fixed by GLPK's API): the glpk.js JSON model format
 * spells directions and bound types with them, and the glpk engine reads statuses with them.
 * Here, below both, so the format does not reach up into the engine room.
 */
export const GLP = {
  MIN: 1,
  MAX: 2,
  FR: 1,
  LO: 2,
  UP: 3,
  DB: 4,
  FX: 5,
  MSG_OFF: 0,
  MSG_ERR: 1,
  MSG_ON: 2,
  MSG_ALL: 3,
  UNDEF: 1,
  FEAS: 2,
  INFEAS: 3,
  NOFEAS: 4,
  OPT: 5,
  UNBND: 6,
} as const;

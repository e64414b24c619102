/**
 * What the CPLEX LP section handlers share: the tokens and the position in them, the model
 * being built, and how to refuse a token (file, line, what was expected).
 */
import { FormatError, quote } from './format-error.ts';
import type { LpToken } from './lp-tokenizer.ts';
import { type LinearModel, ModelBuilder, type Variable } from './model.ts';

/** The reader's state: a cursor over the tokens, and the model built so far. */
export class LpState {
  readonly file: string;
  readonly tokens: readonly LpToken[];
  /** Index of the next token to read. */
  pos = 0;
  readonly builder = new ModelBuilder('');
  readonly model: LinearModel = this.builder.model;

  constructor(tokens: readonly LpToken[], file: string) {
    this.tokens = tokens;
    this.file = file;
  }

  /** The token `offset` places after the next one (0: the next one); undefined past the end. */
  peek(offset = 0): LpToken | undefined {
    return this.tokens[this.pos + offset];
  }

  /** True when the next token is followed by ':', i.e. it is a label (`c1: …`). */
  labelAhead(): boolean {
    return isOp(this.tokens[this.pos + 1], ':');
  }

  /** The variable called `name`, created with bounds [0, +inf) on first use. */
  variable(name: string): Variable {
    return this.model.variables[this.builder.variable(name)] as Variable;
  }

  /** Throws a FormatError at `tok`'s line (at the last token's line when the file ran out). */
  fail(tok: LpToken | undefined, message: string): never {
    throw new FormatError(this.file, tok?.line ?? this.tokens[this.tokens.length - 1]?.line ?? 1, message);
  }
}

/** True when `tok` is the operator `op`. */
export function isOp(tok: LpToken | undefined, op: string): boolean {
  return tok?.k === 'op' && tok.v === op;
}

/** A token as an error message names it. */
export function show(tok: LpToken | undefined): string {
  if (tok === undefined) return 'the end of the file';
  if (tok.k === 'num') return quote(tok.text);
  if (tok.k === 'section') return `the keyword ${quote(tok.text)}`;
  return quote(tok.v);
}

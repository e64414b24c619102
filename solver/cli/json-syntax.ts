/**
 * Finds the first syntax error in a JSON text, with its line and column. V8's
 * `JSON.parse` messages only sometimes carry a position ("Unexpected token ']' … is not
 * valid JSON" does not), and a user fixing a job file needs line, column and what was
 * expected there. This scanner follows RFC 8259 and is run only after JSON.parse failed.
 */

/** Where a JSON text first goes wrong. Line and column are 1-based. */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  /** What the grammar allows at that point, e.g. `',' or '}' after a property value`. */
  expected: string;
  /** What is there instead, e.g. `']'` or `the end of the file`. */
  got: string;
}

class Stop {
  readonly offset: number;
  readonly expected: string;
  constructor(offset: number, expected: string) {
    this.offset = offset;
    this.expected = expected;
  }
}

/** The first syntax error in `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const n = text.length;

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };

  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) throw new Stop(i + k, `the literal ${word}`);
    }
    i += word.length;
  };

  const digits = (what: string): void => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) throw new Stop(i, what);
  };

  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (i < n && /[0-9]/.test(text[i] ?? '')) throw new Stop(i, 'no leading zeros in a number');
    } else {
      digits('a digit');
    }
    if (text[i] === '.') {
      i++;
      digits('a digit after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('a digit in the exponent');
    }
  };

  const string = (): void => {
    i++; // opening quote
    while (true) {
      if (i >= n) throw new Stop(i, 'a closing double quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i, 'a closing double quote (line breaks and tabs inside strings must be escaped)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i + 2, 'four hex digits after \\u');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new Stop(i + 1, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
      } else {
        i++;
      }
    }
  };

  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else throw new Stop(i, 'a JSON value (object, array, string in double quotes, number, true, false or null)');
  };

  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    while (true) {
      ws();
      if (text[i] !== '"') {
        const trailing = text[i] === '}';
        throw new Stop(i, trailing ? 'a property name (no comma before })' : 'a property name in double quotes');
      }
      string();
      ws();
      if (text[i] !== ':') throw new Stop(i, "':' after the property name");
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      throw new Stop(i, "',' or '}' after a property value");
    }
  };

  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    while (true) {
      ws();
      if (text[i] === ']') throw new Stop(i, 'a value (no comma before ])');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      throw new Stop(i, "',' or ']' after an array element");
    }
  };

  try {
    value();
    ws();
    if (i < n) throw new Stop(i, 'the end of the file after the JSON value');
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return locate(text, err.offset, err.expected);
  }
}

function locate(text: string, offset: number, expected: string): JsonSyntaxProblem {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  const ch = text[offset];
  const got =
    ch === undefined
      ? 'the end of the file'
      : ch === '\n' || ch === '\r'
        ? 'a line break'
        : ch.charCodeAt(0) < 0x20
          ? JSON.stringify(ch)
          : `'${ch}'`;
  return { offset, line, column: offset - lineStart + 1, expected, got };
}

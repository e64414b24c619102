import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../../solver/cli/json-syntax.ts';

describe('findJsonSyntaxError', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '0', '"s"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeNull();
    }
  });

  it('locates errors by line and column with what was expected', () => {
    const cases: [string, number, number, string][] = [
      ['{\n  "kind": "sweep",\n  "name" "x"\n}', 3, 10, "':' after the property name"],
      ['{"a": [1,2,]}', 1, 12, 'no comma before ]'],
      ['{\n  "a": 1,\n}', 3, 1, 'no comma before }'],
      ['{"a": 1 "b": 2}', 1, 9, "',' or '}'"],
      ['{"a": tru}', 1, 10, 'the literal true'],
      ['{"a": 01}', 1, 8, 'no leading zeros'],
      ['{"a": "x', 1, 9, 'a closing double quote'],
      ["{'a': 1}", 1, 2, 'a property name in double quotes'],
      ['{"a": 1}}', 1, 9, 'the end of the file'],
      ['{"a": ', 1, 7, 'a JSON value'],
    ];
    for (const [text, line, column, expected] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      const p = findJsonSyntaxError(text);
      expect(p, text).not.toBeNull();
      expect({ line: p?.line, column: p?.column }, text).toEqual({ line, column });
      expect(p?.expected, text).toContain(expected);
    }
  });

  it('names what it found instead', () => {
    expect(findJsonSyntaxError('[1 2]')?.got).toBe("'2'");
    expect(findJsonSyntaxError('[1,')?.got).toBe('the end of the file');
  });
});

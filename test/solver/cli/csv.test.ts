import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../../solver/cli/csv.ts';

describe('csv (RFC 4180)', () => {
  it('quotes only fields that need it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('ends records with CRLF', () => {
    expect(csvRow(['P=1, Q=2', 3, null])).toBe('"P=1, Q=2",3,\r\n');
  });
});

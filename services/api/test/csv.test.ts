import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/routes/v1/imports/csv.js';

/** The plain state machine the parser was before it learned to jump: the reference it must agree with. */
function byCharacter(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      started = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      started = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (started || field !== '') {
        fields.push(field);
        rows.push({ line: rowLine, fields });
      }
      fields = [];
      field = '';
      started = false;
      line++;
      rowLine = line;
    } else {
      field += c;
      started = true;
    }
  }
  if (started || field !== '') {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  return rows;
}

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and line ends inside quotes, with each row’s line', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\nlast')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 6, fields: ['last'] },
    ]);
  });

  it('agrees with the character-by-character reading on any text, however malformed', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', ',', '"', '""', '\n', '\r', '\r\n', 'é', '\u0000'), { maxLength: 60 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (csv) => {
        expect(parseCsv(csv)).toEqual(byCharacter(csv));
      }),
      { numRuns: 2_000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARACTERS, TOO_LONG, textLines } from '../src/http/ndjson.js';

async function read(chunks: (string | Buffer)[]): Promise<(string | null)[]> {
  const lines: (string | null)[] = [];
  async function* stream() {
    yield* chunks;
  }
  for await (const batch of textLines(stream())) lines.push(...batch);
  return lines;
}

describe('textLines', () => {
  it('joins lines split across chunks, characters split across bytes, and ends without a newline', async () => {
    const pound = Buffer.from('£', 'utf8');
    const lines = await read([
      Buffer.from('{"a":1}\r\n{"b":'),
      Buffer.concat([Buffer.from('"'), pound.subarray(0, 1)]),
      Buffer.concat([pound.subarray(1), Buffer.from('"}\n\nlast')]),
    ]);
    expect(lines).toEqual(['{"a":1}', '{"b":"£"}', '', 'last']);
  });

  it('answers a line longer than the limit as too long, whole or in pieces, and reads on after it', async () => {
    const long = 'x'.repeat(MAX_LINE_CHARACTERS + 1);
    expect(await read([`a\n${long}\nb\n`])).toEqual(['a', TOO_LONG, 'b']);
    const half = long.slice(0, MAX_LINE_CHARACTERS / 2 + 1);
    expect(await read(['a\n', half, half, half, '\nb'])).toEqual(['a', TOO_LONG, 'b']);
    expect(await read(['a\n', half, half, half])).toEqual(['a', TOO_LONG]);
  });
});

import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is not read: it is answered as too long, and reading goes on after it. */
export const MAX_LINE_CHARACTERS = 1_048_576;

/** Stands for a line that was longer than {@link MAX_LINE_CHARACTERS}. */
export const TOO_LONG = null;

/**
 * The lines of a text stream, as they arrive, a chunk's worth at a time (a promise a line would
 * cost more than reading one): each line without its `\n` (or `\r\n`), or {@link TOO_LONG}. A last
 * line without a newline counts. What is held is a chunk's lines and the start of the next line
 * (at most {@link MAX_LINE_CHARACTERS}), however long the stream.
 */
export async function* textLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<(string | typeof TOO_LONG)[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let skipping = false;
  for await (const chunk of stream) {
    const carried = rest.length;
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines: (string | typeof TOO_LONG)[] = [];
    let start = 0;
    // What was carried over holds no newline: the search starts after it.
    let end = text.indexOf('\n', carried);
    while (end !== -1) {
      if (skipping || end - start > MAX_LINE_CHARACTERS) {
        lines.push(TOO_LONG);
        skipping = false;
      } else lines.push(withoutReturn(text.slice(start, end)));
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (rest.length > MAX_LINE_CHARACTERS) {
      skipping = true;
      rest = '';
    }
    if (lines.length > 0) yield lines;
  }
  rest += decoder.end();
  if (skipping || rest.length > MAX_LINE_CHARACTERS) yield [TOO_LONG];
  else if (rest !== '') yield [withoutReturn(rest)];
}

function withoutReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

import { createReadStream } from 'node:fs';

/** A CSV record with the line it starts on (1 is the header). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** Splits one complete record (RFC 4180 quoting) into fields. */
function splitRecord(text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Whether a piece of text leaves a quoted field open (an odd number of quotes). */
function opensQuote(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}

/**
 * Reads a CSV file record by record without holding it in memory; quoted fields may span lines.
 * `onProgress` hears the bytes read so far.
 */
export async function* readCsv(path: string, onProgress?: (bytes: number) => void): AsyncGenerator<CsvRecord> {
  let pending = '';
  let line = 0;
  let recordStart = 1;
  let open = '';
  let bytes = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytes += Buffer.byteLength(chunk as string);
    onProgress?.(bytes);
    pending += chunk as string;
    let start = 0;
    for (let end = pending.indexOf('\n', start); end !== -1; end = pending.indexOf('\n', start)) {
      const text = pending.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      line++;
      if (open === '') recordStart = line;
      const record = open === '' ? text : `${open}\n${text}`;
      if (opensQuote(record)) {
        open = record;
        continue;
      }
      open = '';
      if (record !== '') yield { line: recordStart, fields: splitRecord(record) };
    }
    pending = pending.slice(start);
  }
  const rest = open === '' ? pending.replace(/\r$/, '') : `${open}\n${pending}`;
  if (rest !== '') yield { line: open === '' ? line + 1 : recordStart, fields: splitRecord(rest) };
}

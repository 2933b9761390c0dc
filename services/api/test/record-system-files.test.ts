import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// A people file as a record system exports it: its own column names, UK dates, an NHS number and
// columns the service has no use for. 943 476 5919 is the NHS Data Dictionary's example number;
// 401 023 2137, 401 023 2129 and 401 023 2145 are valid by the modulus 11 check, 943 476 5918 is not.

let t: TestApp;
let council: SetUpCouncil;

const COLUMNS = {
  SYSTEM: 'system',
  PERSON_REF: 'externalId',
  SERVICE_GROUP: 'clientGroup',
  FULL_NAME: 'displayName',
  DOB: 'dateOfBirth',
  NHS_NO: 'nhsNumber',
};

const importFile = (file: string, query = '', contentType = 'text/csv') =>
  t.app.inject({
    method: 'POST',
    url: `/v1/imports/people${query}`,
    headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': contentType },
    payload: file,
  });

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
  const read = await t.call('GET', '/v1/council', { key: council.keys.admin });
  const set = await t.call('PATCH', '/v1/council', {
    key: council.keys.admin,
    headers: { 'if-match': read.headers.etag as string, 'content-type': 'application/merge-patch+json' },
    body: { settings: { imports: { columns: COLUMNS, dateFormat: 'dd/mm/yyyy' } } },
  });
  expect(set.statusCode, set.body).toBe(200);
});
afterAll(() => t.close());

async function personOf(system: string, externalId: string) {
  const found = await t.call('GET', `/v1/people?externalId=${encodeURIComponent(`${system}:${externalId}`)}`, { key: council.keys.admin });
  return found.json().items[0];
}

describe('a record system’s people file', () => {
  it('reads its own column names and UK dates, keeps the NHS number, and ignores and lists the columns it has no use for', async () => {
    const csv = [
      'SYSTEM,PERSON_REF,SERVICE_GROUP,FULL_NAME,DOB,NHS_NO,GP_PRACTICE,ETHNICITY_CODE',
      'carefirst,CF-1001,learning-disability,Ann Jones,31/01/1960,943 476 5919,Y01234,A',
      'carefirst,CF-1002,learning-disability,Ben Price,1/2/1975,4010232137,Y01234,B',
    ].join('\r\n');
    const answer = await importFile(csv);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ created: 2, failed: 0, errors: [], ignoredColumns: ['GP_PRACTICE', 'ETHNICITY_CODE'] });
    const ann = await personOf('carefirst', 'CF-1001');
    expect(ann).toMatchObject({ dateOfBirth: '1960-01-31', externalIds: { carefirst: 'CF-1001', nhs: '9434765919' } });
    expect((await personOf('carefirst', 'CF-1002')).dateOfBirth).toBe('1975-02-01');
    // Found by the NHS number too, as by any record-system id.
    expect((await personOf('nhs', '9434765919')).id).toBe(ann.id);
  });

  it('names each bad NHS number and date, and an NHS number that is someone else’s, by line and field', async () => {
    const csv = [
      'SYSTEM,PERSON_REF,SERVICE_GROUP,FULL_NAME,DOB,NHS_NO',
      'carefirst,CF-2001,learning-disability,Cy Bell,29/02/1980,4010232129',
      'carefirst,CF-2006,learning-disability,Hal Gee,31/02/1980,',
      'carefirst,CF-2002,learning-disability,Di Cole,1980-01-01,',
      'carefirst,CF-2003,learning-disability,Ed Dunn,,943 476 5918',
      'carefirst,CF-2004,learning-disability,Flo Eve,,9434765919',
      'carefirst,CF-2005,learning-disability,Gus Fry,,4010232129',
    ].join('\r\n');
    const answer = await importFile(csv, '?mode=best-effort');
    expect(answer.statusCode, answer.body).toBe(200);
    const report = answer.json();
    // Line 2 is good (1980 was a leap year); the rest are not.
    expect(report).toMatchObject({ total: 6, created: 1, failed: 5 });
    expect(report.errors).toEqual([
      { line: 3, pointer: '/line/3/dateOfBirth', detail: expect.stringContaining('DD/MM/YYYY') },
      { line: 4, pointer: '/line/4/dateOfBirth', detail: expect.stringContaining('DD/MM/YYYY') },
      { line: 5, pointer: '/line/5/nhsNumber', detail: expect.stringContaining('modulus 11') },
      { line: 7, pointer: '/line/7/nhsNumber', detail: 'repeats the NHS number on line 2' },
      { line: 6, pointer: '/line/6/nhsNumber', detail: 'is another person’s NHS number in this council' },
    ]);
    expect((await personOf('carefirst', 'CF-2001')).dateOfBirth).toBe('1980-02-29');
  });

  it('updates a person’s NHS number on a later file, and refuses all of an all-or-nothing file for one bad number', async () => {
    const later = [
      'SYSTEM,PERSON_REF,SERVICE_GROUP,FULL_NAME,DOB,NHS_NO',
      'carefirst,CF-1002,learning-disability,Ben Price,01/02/1975,4010232145',
    ].join('\r\n');
    const answer = await importFile(later);
    expect(answer.json()).toMatchObject({ updated: 1, failed: 0 });
    expect((await personOf('carefirst', 'CF-1002')).externalIds).toEqual({ carefirst: 'CF-1002', nhs: '4010232145' });
    expect(await personOf('nhs', '4010232137')).toBeUndefined();
    const refused = await importFile(
      ['SYSTEM,PERSON_REF,SERVICE_GROUP,NHS_NO', 'carefirst,CF-3001,learning-disability,123'].join('\r\n'),
      '?mode=all-or-nothing',
    );
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).errors).toEqual([{ line: 2, pointer: '/line/2/nhsNumber', detail: expect.any(String) }]);
    expect(await personOf('carefirst', 'CF-3001')).toBeUndefined();
  });

  it('ignores and lists unknown keys of an NDJSON file too', async () => {
    const ndjson = `${JSON.stringify({ system: 'carefirst', externalId: 'CF-4001', clientGroup: 'learning-disability', GP: 'Y1' })}\n`;
    const answer = await importFile(ndjson, '', 'application/x-ndjson');
    expect(answer.json()).toMatchObject({ created: 1, ignoredColumns: ['GP'] });
  });
});

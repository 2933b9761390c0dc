import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_BATCH } from '../src/workflows/import-people.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';
import { appWatching, countRows } from './helpers/watched-app.js';

// importPeople at scale (the IT health check of issue 12, medium 4): above about 7,000 rows it
// failed. Every test here failed on the code before its fix (the comment on each says how).

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('importPeople above about 7,000 rows (medium 4)', () => {
  // Before: one audit insert for every row passed PostgreSQL's 65,535 parameters, and the import
  // answered 500; the README promised 50,000 rows.
  const file = (rows: number, bad: number | null = null) =>
    [
      'system,externalId,clientGroup,displayName,dateOfBirth',
      ...Array.from({ length: rows }, (_, i) =>
        i === bad ? `carefirst,B${i},older-people,Bad Row,1941-02-30` : `carefirst,B${i},older-people,Person ${i},1941-03-04`,
      ),
    ].join('\n');
  const post = (body: string, mode: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/imports/people?mode=${mode}`,
      headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'text/csv' },
      payload: body,
    });
  const people = () => countRows(t.database.db, 'people', council.id);

  it('imports 50,000 rows all-or-nothing, writes nothing when one is bad, and re-imports them unchanged', async () => {
    const before = await people();
    const refused = await post(file(50_000, 49_999), 'all-or-nothing');
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).errors).toEqual([
      { line: 50001, pointer: '/line/50001/dateOfBirth', detail: expect.stringContaining('real date') },
    ]);
    expect(await people()).toBe(before);

    const imported = await post(file(50_000), 'all-or-nothing');
    expect(imported.statusCode, imported.body.slice(0, 300)).toBe(200);
    expect(imported.json()).toMatchObject({ total: 50_000, created: 50_000, updated: 0, unchanged: 0, failed: 0 });
    expect(await people()).toBe(before + 50_000);
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('council_id', '=', council.id)
      .where('action', '=', 'person.created')
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBeGreaterThanOrEqual(50_000);

    const again = await post(file(50_000).replace('Person 7,', 'Person Seven,'), 'best-effort');
    expect(again.json()).toMatchObject({ total: 50_000, created: 0, updated: 1, unchanged: 49_999, failed: 0 });
  }, 180_000);

  it('keeps an import all-or-nothing when the database fails in a late batch', async () => {
    // Found in review: the test above refuses a bad row before anything is written, so it would
    // pass even if every batch committed on its own. Here the third batch's insert fails.
    let peopleInserts = 0;
    const watched = await appWatching({
      transformQuery: (args) => {
        const node = args.node as { kind: string; sqlFragments?: readonly string[] };
        const text = node.kind === 'RawNode' ? (node.sqlFragments ?? []).join('') : '';
        if (/insert into people\b/.test(text) && ++peopleInserts === 3) throw new Error('the database failed');
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    try {
      const response = await watched.app.inject({
        method: 'POST',
        url: '/v1/imports/people?mode=all-or-nothing',
        headers: { authorization: `Bearer ${watched.adminKey}`, 'content-type': 'text/csv' },
        payload: file(2 * IMPORT_BATCH + 10),
      });
      expect(response.statusCode).toBe(500);
      expect(peopleInserts).toBe(3);
      expect(await countRows(watched.database.db, 'people', watched.councilId)).toBe(0);
      expect(await countRows(watched.database.db, 'person_external_ids', watched.councilId)).toBe(0);
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('imports the good rows best-effort and reports the bad one by its line', async () => {
    const report = (await post(file(8_000, 10).replaceAll('carefirst,B', 'mosaic,M'), 'best-effort')).json();
    expect(report).toMatchObject({ total: 8_000, created: 7_999, failed: 1 });
    expect(report.errors).toEqual([{ line: 12, pointer: '/line/12/dateOfBirth', detail: expect.stringContaining('real date') }]);
    const renamed = (
      await post(file(8_000, 10).replaceAll('carefirst,B', 'mosaic,M').replaceAll('Person', 'Renamed'), 'best-effort')
    ).json();
    expect(renamed).toMatchObject({ total: 8_000, created: 0, updated: 7_999, unchanged: 0, failed: 1 });
    const sample = await t.database.db
      .selectFrom('people')
      .innerJoin('person_external_ids as e', 'e.person_id', 'people.id')
      .select('display_name')
      .where('e.system', '=', 'mosaic')
      .where('e.value', '=', 'M7999')
      .executeTakeFirstOrThrow();
    expect(sample.display_name).toBe('Renamed 7999');
  }, 60_000);
});

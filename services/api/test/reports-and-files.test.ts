import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;
let integration: string;

const line = (managedBy: string) => ({ ...PLAN.lines[0], costType: 'annual', amountPence: 100_000, managedBy });

beforeAll(async () => {
  // 15 July 2026: each budget from 1 May has its four-week review (29 May) overdue, its annual one not.
  t = await createTestApp({ clock: fixedClock('2026-07-15') });
  council = await setUpCouncil(t);
  integration = await t.key(council.keys.admin, ['integration']);
  // Four people, one for each way of counting in ASCOF 3D.
  await agreedBudget(t, council, { plan: { ...PLAN, lines: [line('direct-payment'), line('trust')] } }); // direct payment only
  await agreedBudget(t, council); // part direct payment (DP + council-arranged + ISF)
  await agreedBudget(t, council, { plan: { ...PLAN, lines: [line('individual-service-fund'), line('council-arranged')] } }); // managed personal budget
  await agreedBudget(t, council, { plan: { ...PLAN, lines: [line('council-arranged')] } }); // council-arranged under a personal budget
});
afterAll(() => t.close());

describe('getSummaryReport', () => {
  it('counts people by how they manage their budget and works out the ASCOF 3D share against the council’s targets', async () => {
    const council2 = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const updated = await t.call('PATCH', '/v1/council', {
      key: council.keys.admin,
      headers: { 'if-match': council2.headers.etag as string },
      body: {
        settings: {
          targets: [
            { measure: 'self-directed-support-share', percent: 36.2, by: '2026-12-31', label: 'Seed 004 end-2011 target' },
            { measure: 'self-directed-support-share', percent: 80, by: '2027-12-31' },
          ],
        },
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: council.keys.auditor })).json();
    expect(report.peopleWithPersonalBudget).toBe(4);
    expect(report.byManagementMix).toEqual({
      'direct-payment-only': 1,
      'part-direct-payment': 1,
      'managed-personal-budget': 2,
      'commissioned-support-only': 0,
    });
    // Everyone with a RAS budget receives self-directed support: 4 of 4 (part 1a); 2 of 4 have a
    // direct payment, wholly or in part (part 2a).
    expect(report.selfDirectedSupport).toMatchObject({ numerator: 4, denominator: 4, percent: 100 });
    expect(report.directPayments).toMatchObject({ numerator: 2, denominator: 4, percent: 50 });
    expect(report.targets.map((target: { met: boolean }) => target.met)).toEqual([true, true]);
    expect(report.money.allocatedAnnualPence).toBe(4 * 625_000);
    expect(report.reviews.overdueNow).toBe(4);
    const csv = await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31&format=csv', { key: council.keys.finance });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')).toContain('self-directed support,percent,100');
    expect(csv.body.split('\r\n')).toContain('direct payments (ASCOF 3D part 2a),percent,50');
    expect((await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: council.keys.portal })).statusCode).toBe(403);
    expect((await t.call('GET', '/v1/reports/summary?from=2027-04-01&to=2026-03-31', { key: council.keys.auditor })).statusCode).toBe(422);
  });
});

describe('exportRecords', () => {
  it('streams plans as CSV with CLD delivery mechanisms, and every kind as NDJSON', async () => {
    const csv = await t.call('GET', '/v1/exports/plans?format=csv', { key: integration });
    expect(csv.statusCode).toBe(200);
    const [header, ...rows] = csv.body.trim().split('\r\n');
    expect(header).toBe(
      'planId,budgetId,personId,externalIds,planStatus,line,description,outcomeKeys,provider,managedBy,deliveryMechanism,costType,amountPence',
    );
    expect(rows.length).toBe(2 + 3 + 2 + 1);
    expect(rows.some((row) => row.includes('individual-service-fund,CASSR Managed Personal Budget'))).toBe(true);
    for (const kind of ['people', 'assessments', 'budgets', 'plans', 'decisions', 'reviews', 'transactions', 'client-level-data']) {
      const response = await t.call('GET', `/v1/exports/${kind}`, { key: integration });
      expect(response.statusCode, kind).toBe(200);
      const records = response.body
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((text) => JSON.parse(text));
      if (kind !== 'transactions') expect(records.length, kind).toBeGreaterThan(0);
    }
    const cld = (await t.call('GET', '/v1/exports/client-level-data', { key: integration })).body
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect(new Set(cld.map((record: { Delivery_Mechanism: string }) => record.Delivery_Mechanism))).toEqual(
      new Set(['Direct Payment', 'CASSR Managed Personal Budget']),
    );
    expect((await t.call('GET', '/v1/exports/secrets', { key: integration })).statusCode).toBe(400);
    const other = await setUpCouncil(t);
    const theirs = await t.call('GET', '/v1/exports/people', { key: other.keys.admin });
    expect(theirs.body.trim()).toBe('');
  });

  it('pages through more records than one page', async () => {
    const c = await setUpCouncil(t);
    const people = Array.from({ length: 620 }, (_, i) => `carefirst,CF-${i},older-people,Person ${i},`);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/people',
      headers: { authorization: `Bearer ${c.keys.admin}`, 'content-type': 'text/csv' },
      payload: `system,externalId,clientGroup,displayName,dateOfBirth\n${people.join('\n')}\n`,
    });
    expect(imported.json().created).toBe(620);
    const exported = await t.call('GET', '/v1/exports/people?format=csv', { key: c.keys.admin });
    const rows = exported.body.trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(620);
    expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(620);
  });
});

describe('importPeople', () => {
  const file = [
    'system,externalId,clientGroup,displayName,dateOfBirth',
    'carefirst,CF-1,older-people,"Smith, Ann",1940-02-03',
    'carefirst,CF-2,learning-disability,Ben,',
    'carefirst,,older-people,No id,',
    'carefirst,CF-3,older-people,Cara,1950-02-30',
    'carefirst,CF-1,older-people,Ann again,',
  ].join('\n');

  async function send(key: string, body: string, query = '', type = 'text/csv') {
    return t.app.inject({
      method: 'POST',
      url: `/v1/imports/people${query}`,
      headers: { authorization: `Bearer ${key}`, 'content-type': type },
      payload: body,
    });
  }

  it('writes nothing in all-or-nothing mode when a row is bad, and reports every bad row by line', async () => {
    const c = await setUpCouncil(t);
    const response = await send(c.keys.admin, file, '?mode=all-or-nothing');
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([
      { line: 4, pointer: '/line/4/externalId', detail: 'is required (at most 100 characters)' },
      { line: 5, pointer: '/line/5/dateOfBirth', detail: 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD' },
      { line: 6, pointer: '/line/6', detail: 'repeats carefirst:CF-1 from line 2' },
    ]);
    expect((await t.call('GET', '/v1/people', { key: c.keys.admin })).json().items).toEqual([]);
  });

  it('upserts the good rows by record-system id in best-effort mode, from CSV or NDJSON', async () => {
    const c = await setUpCouncil(t);
    const first = (await send(c.keys.admin, file)).json();
    expect(first).toMatchObject({ mode: 'best-effort', total: 5, created: 2, updated: 0, unchanged: 0, failed: 3 });
    const ann = (await t.call('GET', '/v1/people?externalId=carefirst:CF-1', { key: c.keys.admin })).json().items[0];
    expect(ann).toMatchObject({ displayName: 'Smith, Ann', dateOfBirth: '1940-02-03', clientGroup: 'older-people' });
    const ndjson = [
      JSON.stringify({
        system: 'carefirst',
        externalId: 'CF-1',
        clientGroup: 'physical-disability',
        displayName: 'Smith, Ann',
        dateOfBirth: '1940-02-03',
      }),
      JSON.stringify({ system: 'carefirst', externalId: 'CF-2', clientGroup: 'learning-disability', displayName: 'Ben' }),
      JSON.stringify({ system: 'mosaic', externalId: 'M-9', clientGroup: 'mental-health', nhsNumber: '123' }),
      'not json',
      // Nested past the limit: answered as a bad row of its own, and the import goes on (issue 28).
      `{"system":"carefirst","externalId":"CF-DEEP","clientGroup":"older-people","x":${'['.repeat(10_000)}0${']'.repeat(10_000)}}`,
    ].join('\n');
    const second = (await send(c.keys.admin, ndjson, '', 'application/x-ndjson')).json();
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1, failed: 3 });
    expect(second.errors.map((error: { line: number }) => error.line)).toEqual([4, 5, 3]);
    expect(second.errors[1]).toEqual({ line: 5, pointer: '/line/5', detail: 'nests objects and arrays more than 32 levels deep' });
    expect((await t.call('GET', `/v1/people/${ann.id}`, { key: c.keys.admin })).json().clientGroup).toBe('physical-disability');
  });
});

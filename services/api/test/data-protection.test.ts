import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { anonymise } from '../src/db/personal-data.js';
import { directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Information governance (issue 18). Zebedee Quince's support ends on 30 April 2027; eight years
// later, on 1 June 2035, his records are past their date and the retention run erases him. Yolanda
// Keep is still supported and is kept. The summary and fairness reports for 2026-27 must not move.

/** Strings that only Zebedee's records hold: none may survive his erasure anywhere in the database. */
const ZEBEDEE = ['Zebedee', 'Quince', '1951-07-14', 'CF-ZQ-0001', 'ZQ-ACCOUNT-77', 'Ursula', 'ZQ-APPEAL', 'ZQ-TAXI', 'ZQ-NOTES'];

let today = '2026-07-15';
const clock: Clock = { now: () => new Date(`${today}T12:00:00Z`), today: () => today };

let t: TestApp;
let council: SetUpCouncil;
let other: SetUpCouncil;
const zebedee = { personId: '', budgetId: '', assessmentId: '' };
const yolanda = { personId: '', budgetId: '' };
let carerId = '';

const ZEBEDEE_PLAN = {
  ...PLAN,
  outcomes: [
    { key: 'home', description: 'Zebedee stays at Quince Cottage' },
    { key: 'work', description: 'Keep my job at the café' },
  ],
};

async function patch(url: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  const current = await t.call('GET', url, { key: council.keys.admin });
  const response = await t.call('PATCH', url, { key, body, headers: { 'if-match': current.headers.etag as string, ...headers } });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

/** Every row of every table of the database, as text. */
async function wholeDatabase(): Promise<string> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(t.database.db);
  let text = '';
  for (const { name } of tables) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(t.database.db);
    for (const { row } of rows) text += `${name}: ${row}\n`;
  }
  return text;
}

const reports = async () => {
  const summary = await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: council.keys.finance });
  const fairness = await t.call('GET', '/v1/reports/fairness?from=2026-04-01&to=2027-03-31', { key: council.keys.admin });
  expect(summary.statusCode, summary.body).toBe(200);
  expect(fairness.statusCode, fairness.body).toBe(200);
  return { summary: summary.json(), fairness: fairness.json() };
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  council = await setUpCouncil(t, {
    dataProtection: {
      controller: 'Test Borough Council',
      dpoContact: 'dpo@test-borough.example',
      retention: { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 },
      redactInSubjectAccess: ['staff-names', 'carers', 'agents'],
      processors: [{ name: 'Hosting Example Ltd', purpose: 'Runs the service', location: 'UK' }],
    },
  });
  other = await setUpCouncil(t);

  const z = await agreedBudget(t, council, { plan: ZEBEDEE_PLAN, directPaymentAgreement: false });
  Object.assign(zebedee, { personId: z.personId, budgetId: z.budgetId, assessmentId: z.assessmentId });
  await directPaymentAgreement(t, council, z.budgetId, {
    holder: { type: 'nominated-person', name: 'Ursula Quince' },
    account: { type: 'bank', reference: 'ZQ-ACCOUNT-77' },
    acceptedBy: 'Zebedee Quince',
  });
  await patch(`/v1/people/${z.personId}`, council.keys.assessor, {
    displayName: 'Zebedee Quince',
    dateOfBirth: '1951-07-14',
    externalIds: { carefirst: 'CF-ZQ-0001' },
    agent: { name: 'Ursula Quince', relationship: 'daughter' },
  });
  await patch(`/v1/people/${z.personId}/equality-monitoring`, council.keys.assessor, {
    sex: 'male',
    ethnicity: 'white-british',
    religion: 'christian',
    primarySupportReason: 'learning-disability',
  });
  const spend = await t.call('POST', `/v1/budgets/${z.budgetId}/transactions`, {
    key: council.keys.finance,
    headers: { 'ras-actor': 'Fiona Finance' },
    body: { kind: 'spend', amountPence: 2_500, occurredOn: '2026-06-01', category: 'transport', description: 'ZQ-TAXI to Quince Cottage' },
  });
  expect(spend.statusCode, spend.body).toBe(201);
  const paid = await t.call('POST', `/v1/budgets/${z.budgetId}/transactions`, {
    key: council.keys.finance,
    body: { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' },
  });
  expect(paid.statusCode, paid.body).toBe(201);
  const appeal = await t.call('POST', '/v1/appeals', {
    key: council.keys.assessor,
    body: { subject: 'budget', budgetId: z.budgetId, reason: 'ZQ-APPEAL: Zebedee needs more hours' },
  });
  expect(appeal.statusCode, appeal.body).toBe(201);
  const financial = await t.call('POST', `/v1/people/${z.personId}/financial-assessments`, {
    key: council.keys.finance,
    body: { effectiveFrom: '2026-06-01', weeklyContributionPence: 0, notes: 'ZQ-NOTES: Quince pension only' },
  });
  expect(financial.statusCode, financial.body).toBe(201);
  const carer = await t.call('POST', '/v1/people', {
    key: council.keys.assessor,
    body: { clientGroup: 'older-people', displayName: 'Carol Carer', caresForPersonId: z.personId },
  });
  expect(carer.statusCode, carer.body).toBe(201);
  carerId = carer.json().id;

  // A desktop exercise whose case references are record-system ids, Zebedee's among them.
  const calibration = await t.call('POST', '/v1/calibrations', {
    key: council.keys.admin,
    body: {
      cases: [
        { ref: 'CF-ZQ-0001', points: 25, currentAnnualPence: 600_000 },
        { ref: 'CF-OTHER-0002', points: 40, currentAnnualPence: 900_000 },
      ],
      topSlicePercent: 10,
    },
  });
  expect(calibration.statusCode, calibration.body).toBe(201);

  const y = await agreedBudget(t, council);
  Object.assign(yolanda, { personId: y.personId, budgetId: y.budgetId });
  await patch(`/v1/people/${y.personId}`, council.keys.assessor, { displayName: 'Yolanda Keep', dateOfBirth: '1960-02-02' });
});
afterAll(async () => {
  await t.close();
});
// Every test starts on the same day, whichever ran before it (the story below moves the clock on).
beforeEach(() => {
  today = '2026-07-15';
});

describe('the retention policy', () => {
  it('refuses a period shorter than the statutory minimum the council declares, naming the field', async () => {
    const current = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const settings = current.json().settings;
    const refused = await t.call('PATCH', '/v1/council', {
      key: council.keys.admin,
      headers: { 'if-match': current.headers.etag as string },
      body: {
        settings: { ...settings, dataProtection: { retention: { personRecordYears: 6, auditRecordYears: 10, statutoryMinimumYears: 8 } } },
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).code).toBe('RETENTION_BELOW_STATUTORY_MINIMUM');
    expect(problemOf(refused).errors).toEqual([
      { pointer: '/settings/dataProtection/retention/personRecordYears', detail: 'is 6 years, shorter than the statutory minimum of 8' },
    ]);
    const unchanged = await t.call('GET', '/v1/council', { key: council.keys.admin });
    expect(unchanged.json().settings.dataProtection.retention.personRecordYears).toBe(8);
  });

  it('asks for a policy before it runs', async () => {
    const refused = await t.call('POST', '/v1/erasure-runs', { key: other.keys.admin, body: { dryRun: true } });
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused).code).toBe('INVALID_STATE');
  });
});

describe('who read what', () => {
  it('logs each read of a person’s record, special-category fields and money, with the key and named actor, never the data', async () => {
    const as = { key: council.keys.assessor, headers: { 'ras-actor': 'Nurse Ratched' } };
    expect((await t.call('GET', `/v1/people/${zebedee.personId}`, as)).statusCode).toBe(200);
    expect((await t.call('GET', `/v1/budgets/${zebedee.budgetId}/account`, as)).statusCode).toBe(200);
    expect((await t.call('GET', `/v1/budgets?personId=${zebedee.personId}`, as)).statusCode).toBe(200);
    // The same id in capitals names the same record, and is logged as it.
    expect((await t.call('GET', `/v1/assessments/${zebedee.assessmentId.toUpperCase()}`, as)).statusCode).toBe(200);
    // A read refused is not a read.
    expect((await t.call('GET', `/v1/people/${zebedee.personId}/equality-monitoring`, as)).statusCode).toBe(403);
    const log = await t.call('GET', `/v1/access-log?personId=${zebedee.personId}&pageSize=200`, { key: council.keys.auditor });
    expect(log.statusCode, log.body).toBe(200);
    const byAssessor = log
      .json()
      .items.filter((entry: { actorName: string | null }) => entry.actorName === 'Nurse Ratched')
      .map((entry: { operationId: string; what: string[]; personId: string }) => [entry.operationId, entry.what, entry.personId]);
    expect(byAssessor).toEqual([
      ['getPerson', ['record'], zebedee.personId],
      ['getBudgetAccount', ['record', 'money'], zebedee.personId],
      ['listBudgets', ['record', 'money'], zebedee.personId],
      ['getAssessment', ['record', 'special-category'], zebedee.personId],
    ]);
    expect(log.body).not.toContain('Zebedee');
    // Filtered by key: only that key's reads.
    const keyId = log.json().items.find((entry: { actorName: string | null }) => entry.actorName === 'Nurse Ratched').keyId as string;
    const byKey = await t.call('GET', `/v1/access-log?keyId=${keyId}&pageSize=200`, { key: council.keys.admin });
    expect(byKey.json().items.length).toBeGreaterThanOrEqual(4);
    expect(byKey.json().items.every((entry: { keyId: string }) => entry.keyId === keyId)).toBe(true);
    // Only admin and auditor keys read it; another council sees none of it.
    expect((await t.call('GET', '/v1/access-log', { key: council.keys.assessor })).statusCode).toBe(403);
    const elsewhere = await t.call('GET', `/v1/access-log?personId=${zebedee.personId}`, { key: other.keys.admin });
    expect(elsewhere.json().items).toEqual([]);
  });

  it('is append-only: the database refuses to change or remove an entry', async () => {
    await expect(
      sql`update access_log set actor_name = 'someone else' where council_id = ${council.id}`.execute(t.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_log where council_id = ${council.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });
});

describe('Zebedee’s record, from subject access to erasure and past the audit period', () => {
  it('gives his record, ends his budget, holds and then erases him, closes the record, counts it in the DPIA, and removes old audit records but a held person’s, in the order of his life', async () => {
    // gives everything held about the person as one JSON document, with other people’s details redacted.
    {
      const response = await t.call('GET', `/v1/people/${zebedee.personId}/record`, { key: council.keys.auditor });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const record = response.json();
      expect(record.personId).toBe(zebedee.personId);
      expect(record.redacted).toEqual(['staff-names', 'carers', 'agents']);
      const s = record.sections;
      expect(s.person.displayName).toBe('Zebedee Quince');
      expect(s.person.dateOfBirth).toBe('1951-07-14');
      expect(s.person.externalIds).toEqual({ carefirst: 'CF-ZQ-0001' });
      expect(s.person.agent).toBe('[redacted]');
      expect(s.equalityMonitoring.religion).toBe('christian');
      expect(s.carers).toEqual([expect.objectContaining({ id: carerId, displayName: '[redacted]' })]);
      expect(s.assessments[0].answers).toEqual({ washing: 'lots', aids: ['hoist', 'rail'], out: 'with' });
      expect(s.budgets.map((budget: { id: string }) => budget.id)).toEqual([zebedee.budgetId]);
      expect(s.supportPlans[0].plan.outcomes[0].description).toBe('Zebedee stays at Quince Cottage');
      expect(s.planDecisions).toHaveLength(3);
      expect(s.financialAssessments.map((row: { notes: string | null }) => row.notes)).toContain('ZQ-NOTES: Quince pension only');
      expect(s.directPaymentAgreements[0]).toMatchObject({ accountReference: 'ZQ-ACCOUNT-77', holderName: '[redacted]' });
      expect(s.appeals[0].reason).toBe('ZQ-APPEAL: Zebedee needs more hours');
      expect(s.letters).toContainEqual({
        kind: 'indicative-budget',
        id: zebedee.budgetId,
        href: `/v1/letters/indicative-budget/${zebedee.budgetId}`,
      });
      expect(s.ledger.map((row: { kind: string; amountPence: number }) => [row.kind, row.amountPence])).toEqual([
        ['council-payment', 52_084],
        ['spend', 2_500],
      ]);
      expect(s.events.map((event: { type: string }) => event.type)).toEqual(
        expect.arrayContaining(['person.created', 'person.updated', 'budget.agreed', 'appeal.lodged', 'transaction.recorded']),
      );
      const spendAudit = s.auditTrail.find(
        (row: { action: string; after: { kind?: string } }) => row.action === 'transaction.recorded' && row.after.kind === 'spend',
      );
      expect(spendAudit.actorName).toBe('[redacted]');
      expect(s.accessLog.length).toBeGreaterThan(0);
      expect(s.accessLog.every((read: { actorName: string | null }) => read.actorName === null || read.actorName === '[redacted]')).toBe(
        true,
      );
      expect(response.body).not.toContain('Nurse Ratched');
      expect(response.body).not.toContain('Fiona Finance');
      expect(response.body).not.toContain('Carol Carer');
    }

    // gives the same record as a readable page.
    {
      const response = await t.call('GET', `/v1/people/${zebedee.personId}/record?format=html`, { key: council.keys.admin });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('<h1>What ');
      expect(response.body).toContain('Zebedee Quince');
      expect(response.body).toContain('Who looked at your records');
      expect(response.body).toContain('£25.00');
      expect(response.body).toContain('[redacted]');
      expect(response.body.trimEnd().endsWith('</html>')).toBe(true);
    }

    // is for admin and auditor keys of the person’s own council.
    {
      expect((await t.call('GET', `/v1/people/${zebedee.personId}/record`, { key: council.keys.assessor })).statusCode).toBe(403);
      expect((await t.call('GET', `/v1/people/${zebedee.personId}/record`, { key: council.keys.portal })).statusCode).toBe(403);
      const elsewhere = await t.call('GET', `/v1/people/${zebedee.personId}/record`, { key: other.keys.admin });
      expect(elsewhere.statusCode).toBe(404);
      expect(problemOf(elsewhere).code).toBe('NOT_FOUND');
    }

    // refuses an end before the start, naming endDate, and then ends the budget.
    {
      const current = await t.call('GET', `/v1/budgets/${zebedee.budgetId}`, { key: council.keys.teamManager });
      const early = await t.call('POST', `/v1/budgets/${zebedee.budgetId}/end`, {
        key: council.keys.teamManager,
        headers: { 'if-match': current.headers.etag as string },
        body: { endDate: '2026-04-30', reason: 'Moved away' },
      });
      expect(early.statusCode).toBe(422);
      expect(problemOf(early).errors).toEqual([{ pointer: '/endDate', detail: 'is before the start date 2026-05-01' }]);
      const ended = await t.call('POST', `/v1/budgets/${zebedee.budgetId}/end`, {
        key: council.keys.teamManager,
        headers: { 'if-match': current.headers.etag as string },
        body: { endDate: '2027-04-30', reason: 'Zebedee moved to his daughter’s' },
      });
      expect(ended.statusCode, ended.body).toBe(200);
      expect(ended.json()).toMatchObject({ status: 'ended', endDate: '2027-04-30' });
      const again = await t.call('POST', `/v1/budgets/${zebedee.budgetId}/end`, {
        key: council.keys.teamManager,
        headers: { 'if-match': ended.headers.etag as string },
        body: { endDate: '2027-05-30', reason: 'again' },
      });
      expect(problemOf(again).code).toBe('INVALID_STATE');
    }

    // refuses to erase a person still supported.
    {
      const refused = await t.call('POST', `/v1/people/${yolanda.personId}/erasure`, { key: council.keys.admin, body: { note: 'test' } });
      expect(refused.statusCode).toBe(409);
      expect(problemOf(refused).code).toBe('SUPPORT_CONTINUES');
      const elsewhere = await t.call('POST', `/v1/people/${yolanda.personId}/erasure`, { key: other.keys.admin, body: { note: 'test' } });
      expect(elsewhere.statusCode).toBe(404);
    }

    // keeps a person under a legal hold: the run lists them as held and erasePerson refuses with 409.
    {
      today = '2035-06-01';
      const held = await t.call('PUT', `/v1/people/${zebedee.personId}/legal-hold`, {
        key: council.keys.admin,
        body: { reason: 'Ombudsman complaint open' },
      });
      expect(held.statusCode, held.body).toBe(200);
      expect(held.json().legalHold).toMatchObject({ reason: 'Ombudsman complaint open' });
      expect((await t.call('GET', `/v1/people/${zebedee.personId}`, { key: council.keys.admin })).json().underLegalHold).toBe(true);
      const refused = await t.call('POST', `/v1/people/${zebedee.personId}/erasure`, {
        key: council.keys.admin,
        body: { note: 'request' },
      });
      expect(refused.statusCode).toBe(409);
      expect(problemOf(refused).code).toBe('LEGAL_HOLD');
      const run = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: false } });
      expect(run.statusCode, run.body).toBe(200);
      // Carol, registered as his carer in 2026 and never supported herself, is past her date too.
      expect(run.json().erased).toEqual([carerId]);
      expect(run.json().held.map((row: { personId: string }) => row.personId)).toEqual([zebedee.personId]);
      // Eight years from the day his budget ended.
      expect(run.json().held[0]).toEqual({ personId: zebedee.personId, lastActivity: '2027-04-30', retainUntil: '2035-04-30' });
      const released = await t.call('DELETE', `/v1/people/${zebedee.personId}/legal-hold`, { key: council.keys.admin });
      expect(released.statusCode, released.body).toBe(200);
      expect(released.json().legalHold).toBeNull();
      expect(problemOf(await t.call('DELETE', `/v1/people/${zebedee.personId}/legal-hold`, { key: council.keys.admin })).code).toBe(
        'INVALID_STATE',
      );
    }

    // lists in a dry run who would be erased, and changes nothing.
    {
      const dry = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: true } });
      expect(dry.statusCode, dry.body).toBe(200);
      const due = dry.json().due.map((row: { personId: string }) => row.personId);
      expect(due).toContain(zebedee.personId);
      expect(due).not.toContain(yolanda.personId);
      expect(dry.json().erased).toEqual([]);
      expect((await t.call('GET', `/v1/people/${zebedee.personId}`, { key: council.keys.admin })).json().displayName).toBe(
        'Zebedee Quince',
      );
    }

    // erases everyone past their date: personal fields gone from every table, reports for past years unchanged.
    {
      const before = await reports();
      // Both Zebedee's and Yolanda's budgets are counted before the run, so "unchanged" means his stayed in.
      expect(before.summary.peopleWithPersonalBudget).toBe(2);
      expect(before.summary.money.allocatedAnnualPence).toBe(2 * 625_000);
      const run = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: false } });
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json().erased).toContain(zebedee.personId);
      expect(run.json().erased).not.toContain(yolanda.personId);

      expect(await reports()).toEqual(before);
      const database = await wholeDatabase();
      for (const marker of ZEBEDEE)
        expect(
          database.includes(marker),
          `${marker} is still in the database: ${database.split('\n').find((line) => line.includes(marker))}`,
        ).toBe(false);
      expect(database).toContain('Yolanda Keep');

      const person = (await t.call('GET', `/v1/people/${zebedee.personId}`, { key: council.keys.admin })).json();
      expect(person).toMatchObject({
        displayName: null,
        dateOfBirth: null,
        agent: null,
        externalIds: {},
        erasedAt: '2035-06-01T12:00:00.000Z',
      });
      const assessment = (await t.call('GET', `/v1/assessments/${zebedee.assessmentId}`, { key: council.keys.admin })).json();
      expect(assessment.answers).toEqual({});
      expect(assessment.score.totalPoints).toBe(25);
      const budget = (await t.call('GET', `/v1/budgets/${zebedee.budgetId}`, { key: council.keys.admin })).json();
      expect(budget).toMatchObject({ status: 'ended', totalAnnualPence: 625_000 });

      const { rows: trail } = await sql<{ action: string; after: { reason: string } }>`
        select action, after from audit_log where council_id = ${council.id} and entity_id = ${zebedee.personId} and action = 'person.erased'`.execute(
        t.database.db,
      );
      expect(trail).toEqual([{ action: 'person.erased', after: expect.objectContaining({ reason: 'retention' }) }]);
      const events = (await t.call('GET', '/v1/events?type=person.erased&pageSize=500', { key: council.keys.admin })).json().items;
      expect(events.map((event: { data: { id: string } }) => event.data.id)).toContain(zebedee.personId);
    }

    // closes the erased record: no changes, no second erasure, and an import can never re-link it.
    {
      const update = await t.call('PATCH', `/v1/people/${zebedee.personId}`, {
        key: council.keys.admin,
        headers: {
          'if-match': (await t.call('GET', `/v1/people/${zebedee.personId}`, { key: council.keys.admin })).headers.etag as string,
        },
        body: { displayName: 'Back again' },
      });
      expect(problemOf(update).code).toBe('PERSON_ERASED');
      expect(
        problemOf(await t.call('POST', `/v1/people/${zebedee.personId}/erasure`, { key: council.keys.admin, body: { note: 'x' } })).code,
      ).toBe('PERSON_ERASED');
      expect(problemOf(await t.call('GET', `/v1/budgets/${zebedee.budgetId}/verification`, { key: council.keys.finance })).code).toBe(
        'PERSON_ERASED',
      );
      // Nothing new can be written about him: not an assessment, a payment, an appeal or a carer.
      const writes = [
        t.call('POST', '/v1/assessments', {
          key: council.keys.assessor,
          body: { personId: zebedee.personId, questionnaireId: council.questionnaireId, completedWith: ['self'], answers: {} },
        }),
        t.call('POST', `/v1/budgets/${zebedee.budgetId}/transactions`, {
          key: council.keys.finance,
          body: { kind: 'spend', amountPence: 100, occurredOn: '2027-01-01' },
        }),
        t.call('POST', '/v1/appeals', { key: council.keys.assessor, body: { subject: 'budget', budgetId: zebedee.budgetId, reason: 'x' } }),
        t.call('POST', '/v1/people', {
          key: council.keys.assessor,
          body: { clientGroup: 'older-people', caresForPersonId: zebedee.personId },
        }),
      ];
      for (const write of await Promise.all(writes)) {
        expect(write.statusCode, write.body).toBe(409);
        expect(problemOf(write).code).toBe('PERSON_ERASED');
      }
      const imported = await t.app.inject({
        method: 'POST',
        url: '/v1/imports/people',
        headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'text/csv' },
        payload: 'system,externalId,clientGroup,displayName\ncarefirst,CF-ZQ-0001,learning-disability,New Person\n',
      });
      expect(imported.statusCode, imported.body).toBe(200);
      expect(imported.json()).toMatchObject({ created: 1, updated: 0 });
      const found = await t.call('GET', '/v1/people?externalId=carefirst:CF-ZQ-0001', { key: council.keys.admin });
      expect(found.json().items.map((item: { id: string }) => item.id)).not.toContain(zebedee.personId);
    }

    // leaves a person untouched when erasure fails part-way, and erases them wholly when run again.
    {
      const person = await t.call('POST', '/v1/people', {
        key: council.keys.assessor,
        body: { clientGroup: 'older-people', displayName: 'Walter Interrupted', externalIds: { carefirst: 'CF-W-INTERRUPT' } },
      });
      const id = person.json().id as string;
      // Fails the statement that deletes this person's record-system ids: after their name is gone.
      await sql`create function fail_interrupted_erasure() returns trigger language plpgsql as $$
                begin raise exception 'interrupted'; end $$`.execute(t.database.db);
      await sql`create trigger interrupt_erasure before delete on person_external_ids for each row
                when (old.value = 'CF-W-INTERRUPT') execute function fail_interrupted_erasure()`.execute(t.database.db);
      try {
        const failed = await t.call('POST', `/v1/people/${id}/erasure`, { key: council.keys.admin, body: { note: 'request ref 9' } });
        expect(failed.statusCode).toBe(500);
        const untouched = (await t.call('GET', `/v1/people/${id}`, { key: council.keys.admin })).json();
        expect(untouched).toMatchObject({
          displayName: 'Walter Interrupted',
          externalIds: { carefirst: 'CF-W-INTERRUPT' },
          erasedAt: null,
        });
      } finally {
        await sql`drop trigger interrupt_erasure on person_external_ids`.execute(t.database.db);
        await sql`drop function fail_interrupted_erasure()`.execute(t.database.db);
      }
      const erased = await t.call('POST', `/v1/people/${id}/erasure`, { key: council.keys.admin, body: { note: 'request ref 9' } });
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json()).toMatchObject({ id, reason: 'request' });
      expect((await wholeDatabase()).includes('Walter Interrupted')).toBe(false);
    }
    expect(
      (await t.call('POST', `/v1/people/${yolanda.personId}/erasure`, { key: council.keys.portal, body: { note: 'x' } })).statusCode,
    ).toBe(403);
    expect(
      (await t.call('PUT', `/v1/people/${yolanda.personId}/legal-hold`, { key: council.keys.assessor, body: { reason: 'x' } })).statusCode,
    ).toBe(403);
    expect((await t.call('POST', '/v1/erasure-runs', { key: council.keys.auditor, body: { dryRun: true } })).statusCode).toBe(403);

    // The DPIA pack is generated from the running configuration.
    {
      const webhook = await t.call('POST', '/v1/webhooks', {
        key: council.keys.admin,
        body: { url: 'http://127.0.0.1:9/record-system', eventTypes: ['person.erased'] },
      });
      expect(webhook.statusCode, webhook.body).toBe(201);
      expect((await t.call('GET', '/v1/exports/people?format=csv', { key: council.keys.admin })).statusCode).toBe(200);
      const response = await t.call('GET', '/v1/dpia', { key: council.keys.auditor });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      const page = response.body;
      expect(page).toContain('Test Borough Council');
      expect(page).toContain('dpo@test-borough.example');
      expect(page).toContain('8 years after the person’s last budget ended');
      expect(page).toContain('Statutory minimum declared</dt><dd>8 years');
      expect(page).toContain('http://127.0.0.1:9/record-system');
      expect(page).toMatch(/<td>exportRecords<\/td><td>people<\/td>/);
      expect(page).toMatch(/<td>exportPersonRecord<\/td>/);
      expect(page).toContain('Hosting Example Ltd');
      expect(page).toContain('People erased so far: 3 (3 in the last year). Under a legal hold now: 0.');
      // Who can read special-category data, from the routes as registered: equality monitoring is
      // read by admin, auditor and portal keys; assessments by every role.
      expect(page).toMatch(
        /special-category data \(health and care needs, equality monitoring\)<\/td><td>[^<]*admin[^<]*auditor[^<]*portal/,
      );
      expect((await t.call('GET', '/v1/dpia', { key: council.keys.assessor })).statusCode).toBe(403);
    }

    // Audit records past their period are counted in a dry run and removed by a run, but for a held person’s, with an audit row saying how many went.
    {
      today = '2100-01-01';
      const before = '2090-01-01';
      // Yolanda is under a legal hold: her audit trail and access log stay whatever their age.
      const held = await t.call('PUT', `/v1/people/${yolanda.personId}/legal-hold`, {
        key: council.keys.admin,
        body: { reason: 'Inquiry' },
      });
      expect(held.statusCode, held.body).toBe(200);
      expect((await t.call('GET', `/v1/budgets/${yolanda.budgetId}`, { key: council.keys.admin })).statusCode).toBe(200);
      await t.app.accessLog.flush();
      const { rows: hers } = await sql<{ id: string }>`
        select ${yolanda.personId}::uuid as id
        union all select id from assessments where person_id = ${yolanda.personId}
        union all select id from budgets where person_id = ${yolanda.personId}
        union all select id from support_plans where person_id = ${yolanda.personId}
        union all select id from reviews where person_id = ${yolanda.personId}
        union all select id from financial_assessments where person_id = ${yolanda.personId}
        union all select id from direct_payment_agreements where person_id = ${yolanda.personId}
        union all select id from payment_agreements where budget_id in (select id from budgets where person_id = ${yolanda.personId})
        union all select id from budget_transactions where budget_id in (select id from budgets where person_id = ${yolanda.personId})`.execute(
        t.database.db,
      );
      const herIds = new Set(hers.map((row) => row.id));
      /** The council's audit rows and access log entries from before the cut-off: hers, and everyone else's. */
      const past = async () => {
        const { rows: audit } = await sql<{ action: string; entity_id: string }>`
          select action, entity_id from audit_log where council_id = ${council.id} and at < ${before}::timestamptz`.execute(t.database.db);
        const { rows: access } = await sql<{ person_id: string | null }>`
          select person_id from access_log where council_id = ${council.id} and at < ${before}::timestamptz`.execute(t.database.db);
        return {
          herAudit: audit.filter((row) => herIds.has(row.entity_id)).length,
          otherAudit: audit.filter((row) => !herIds.has(row.entity_id)),
          herAccess: access.filter((row) => row.person_id === yolanda.personId).length,
          otherAccess: access.filter((row) => row.person_id !== yolanda.personId).length,
        };
      };
      const start = await past();
      expect(start.herAudit).toBeGreaterThan(0);
      expect(start.herAccess).toBeGreaterThan(0);
      expect(start.otherAudit.length).toBeGreaterThan(0);
      expect(start.otherAccess).toBeGreaterThan(0);

      const dry = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: true } });
      expect(dry.json().auditRecords).toEqual({
        before,
        auditRecords: start.otherAudit.length,
        accessLog: start.otherAccess,
        removed: false,
      });
      expect((await past()).otherAudit.length).toBe(start.otherAudit.length);

      const run = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: false } });
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json().auditRecords).toMatchObject({ before, accessLog: start.otherAccess, removed: true });
      const end = await past();
      expect(end.herAudit).toBe(start.herAudit);
      expect(end.herAccess).toBe(start.herAccess);
      expect(end.otherAccess).toBe(0);
      // What else is left is the record of the removal (stamped by the database's clock, not the test's).
      expect(end.otherAudit.map((row) => row.action)).toEqual(['retention.audit-records-removed']);
      const { rows } = await sql<{ after: { before: string } }>`
        select after from audit_log where council_id = ${council.id} and action = 'retention.audit-records-removed'`.execute(t.database.db);
      expect(rows.map((row) => row.after.before)).toEqual([before]);
      // Yolanda is still supported: her records stay, whatever the date.
      expect((await t.call('GET', `/v1/people/${yolanda.personId}`, { key: council.keys.admin })).json().displayName).toBe('Yolanda Keep');
    }
  });
});

describe('anonymise', () => {
  it('keeps figures, codes, ids and dates, and removes free text, names and numbers that could identify', () => {
    expect(
      anonymise({
        amountPence: 5_000,
        category: 'personal-assistant',
        description: 'PA for Zeb',
        budgetId: '01900000-0000-7000-8000-000000000000',
        occurredOn: '2026-05-01',
        referrals: [{ reason: 'above-ceiling', detail: 'Over the ceiling by £12' }],
        reason: 'deceased',
        phoneLike: '07700900123',
        lowerName: 'smith',
        answers: { washing: 'lots' },
        nested: { notes: ['Calls his daughter Ursula'], achieved: 'yes' },
      }),
    ).toEqual({
      amountPence: 5_000,
      category: 'personal-assistant',
      description: null,
      budgetId: '01900000-0000-7000-8000-000000000000',
      occurredOn: '2026-05-01',
      referrals: [{ reason: 'above-ceiling', detail: null }],
      reason: null,
      phoneLike: null,
      // A lower-case single word is taken for a code: the one form of name this rule keeps.
      lowerName: 'smith',
      answers: null,
      nested: { notes: null, achieved: 'yes' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberEvents } from '../src/repositories/events.js';
import { TEST_CLIENT_GROUPS } from './helpers/council-setup.js';
import { SMALL_QUESTIONNAIRE } from './helpers/fixtures.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let adminKey: string;
let assessorKey: string;
let questionnaireId: string;

const ANSWERS = { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' }; // 25 points (see calculations.test.ts)

async function person(key: string, body: Record<string, unknown> = {}) {
  const response = await t.call('POST', '/v1/people', { key, body: { clientGroup: 'learning-disability', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** Creates, answers and submits an assessment, returning it with its ETag. */
async function submitted(key: string, personId: string, answers: Record<string, unknown> = ANSWERS) {
  const created = await t.call('POST', '/v1/assessments', { key, body: { personId, questionnaireId, completedWith: ['family'], answers } });
  expect(created.statusCode, created.body).toBe(201);
  const submit = await t.call('POST', `/v1/assessments/${created.json().id}/submit`, {
    key,
    headers: { 'if-match': created.headers.etag as string },
  });
  expect(submit.statusCode, submit.body).toBe(200);
  return { id: submit.json().id as string, etag: submit.headers.etag as string, body: submit.json() };
}

async function agreed(personId: string, eligible = true) {
  const assessment = await submitted(assessorKey, personId);
  const moderated = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
    key: assessorKey,
    headers: { 'if-match': assessment.etag },
    body: { decision: 'agree', eligibility: { eligible, basis: 'care-act-2014' } },
  });
  expect(moderated.statusCode, moderated.body).toBe(200);
  return moderated.json();
}

beforeAll(async () => {
  t = await createTestApp();
  adminKey = (await t.council(undefined, { clientGroups: TEST_CLIENT_GROUPS })).adminKey;
  assessorKey = await t.key(adminKey, ['assessor']);
  questionnaireId = (await t.call('POST', '/v1/questionnaires', { key: adminKey, body: SMALL_QUESTIONNAIRE })).json().id;
  const scheme = await t.call('POST', '/v1/allocation-schemes', {
    key: adminKey,
    body: {
      key: 'ld',
      questionnaireId,
      clientGroups: ['learning-disability'],
      effectiveFrom: '2026-04-01',
      method: { type: 'linear', poundsPerPointPence: 25_000 },
      ceilingPence: 600_000,
      clawback: { type: 'percent', percent: 20 },
    },
  });
  expect(scheme.statusCode).toBe(201);
});
afterAll(() => t.close());

describe('people', () => {
  it('finds a person by record-system id and refuses a duplicate id', async () => {
    const created = await person(adminKey, { externalIds: { carefirst: 'CF-1001' }, displayName: 'Alex' });
    const found = (await t.call('GET', '/v1/people?externalId=carefirst:CF-1001', { key: adminKey })).json();
    expect(found.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
    const duplicate = await t.call('POST', '/v1/people', {
      key: adminKey,
      body: { clientGroup: 'older-people', externalIds: { carefirst: 'CF-1001' } },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(problemOf(duplicate).errors?.[0]?.pointer).toBe('/externalIds/carefirst');
  });

  it('updates with If-Match: 428 without, 412 when stale', async () => {
    const created = await t.call('POST', '/v1/people', { key: adminKey, body: { clientGroup: 'older-people' } });
    const url = `/v1/people/${created.json().id}`;
    expect((await t.call('PATCH', url, { key: adminKey, body: { displayName: 'Sam' } })).statusCode).toBe(428);
    const updated = await t.call('PATCH', url, {
      key: adminKey,
      body: { displayName: 'Sam' },
      headers: { 'if-match': created.headers.etag as string },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ displayName: 'Sam', version: 2 });
    const stale = await t.call('PATCH', url, {
      key: adminKey,
      body: { displayName: 'Jo' },
      headers: { 'if-match': created.headers.etag as string },
    });
    expect(stale.statusCode).toBe(412);
    expect(problemOf(stale).code).toBe('PRECONDITION_FAILED');
  });

  it('shows a portal key only the people it created, and another council nothing', async () => {
    const portalA = await t.key(adminKey, ['portal']);
    const portalB = await t.key(adminKey, ['portal']);
    const mine = await person(portalA);
    const theirs = await person(portalB);
    expect((await t.call('GET', `/v1/people/${mine.id}`, { key: portalA })).statusCode).toBe(200);
    expect((await t.call('GET', `/v1/people/${theirs.id}`, { key: portalA })).statusCode).toBe(404);
    const listed = (await t.call('GET', '/v1/people?pageSize=200', { key: portalA })).json().items.map((item: { id: string }) => item.id);
    expect(listed).toEqual([mine.id]);
    expect((await t.call('GET', `/v1/people/${mine.id}`, { key: adminKey })).statusCode).toBe(200);
    const other = await t.council();
    expect((await t.call('GET', `/v1/people/${mine.id}`, { key: other.adminKey })).statusCode).toBe(404);
    // A portal cannot start an assessment for someone else's person either.
    const attempt = await t.call('POST', '/v1/assessments', {
      key: portalA,
      body: { personId: theirs.id, questionnaireId, completedWith: ['self'] },
    });
    expect(attempt.statusCode).toBe(422);
    expect(problemOf(attempt).errors?.[0]?.pointer).toBe('/personId');
  });
});

describe('assessments', () => {
  it('lists every missing or invalid answer on submit, and keeps the draft', async () => {
    const { id } = await person(adminKey);
    const created = await t.call('POST', '/v1/assessments', {
      key: assessorKey,
      body: { personId: id, questionnaireId, completedWith: ['self', 'advocate'], answers: { washing: 'some' } },
    });
    expect(created.json()).toMatchObject({ status: 'draft', completedWith: ['self', 'advocate'] });
    const submit = await t.call('POST', `/v1/assessments/${created.json().id}/submit`, {
      key: assessorKey,
      headers: { 'if-match': created.headers.etag as string },
    });
    expect(submit.statusCode).toBe(422);
    expect(problemOf(submit).errors).toEqual([{ pointer: '/answers/out', detail: 'is required and has no answer' }]);
    const save = await t.call('PUT', `/v1/assessments/${created.json().id}/answers`, {
      key: assessorKey,
      headers: { 'if-match': created.headers.etag as string },
      body: { answers: { washing: 'some', out: 'sometimes', extra: 'x' } },
    });
    expect(save.statusCode).toBe(422);
    expect(
      problemOf(save)
        .errors?.map((error) => error.pointer)
        .sort(),
    ).toEqual(['/answers/extra', '/answers/out']);
  });

  it('moderation keeps the person’s answers, records each amendment with its reason, and the eligibility', async () => {
    const { id: personId } = await person(adminKey);
    const assessment = await submitted(assessorKey, personId);
    expect(assessment.body.score.totalPoints).toBe(25);
    const noIfMatch = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
      key: assessorKey,
      body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    });
    expect(noIfMatch.statusCode).toBe(428);
    const notAssessor = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
      key: adminKey,
      headers: { 'if-match': assessment.etag },
      body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    });
    expect(notAssessor.statusCode).toBe(403);
    const moderated = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
      key: assessorKey,
      headers: { 'if-match': assessment.etag },
      body: {
        decision: 'amend',
        amendments: [{ questionKey: 'out', answer: 'never', reason: 'Cannot go out without two people, seen at visit' }],
        eligibility: { eligible: true, basis: 'facs', band: 'substantial' },
      },
    });
    expect(moderated.statusCode, moderated.body).toBe(200);
    const body = moderated.json();
    expect(body.status).toBe('agreed');
    expect(body.submittedAnswers.out).toBe('with');
    expect(body.answers.out).toBe('never');
    expect(body.moderation.amendments).toEqual([
      { questionKey: 'out', from: 'with', to: 'never', reason: 'Cannot go out without two people, seen at visit' },
    ]);
    expect(body.eligibility).toEqual({ eligible: true, basis: 'facs', band: 'substantial' });
    expect(body.score.totalPoints).toBe(32); // 20 + 12
    const again = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
      key: assessorKey,
      headers: { 'if-match': moderated.headers.etag as string },
      body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses an amendment that does not fit the questionnaire, pointing at it', async () => {
    const { id: personId } = await person(adminKey);
    const assessment = await submitted(assessorKey, personId);
    const response = await t.call('POST', `/v1/assessments/${assessment.id}/moderation`, {
      key: assessorKey,
      headers: { 'if-match': assessment.etag },
      body: {
        decision: 'amend',
        amendments: [{ questionKey: 'aids', answer: 'hoist', reason: 'x' }],
        eligibility: { eligible: true, basis: 'care-act-2014' },
      },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/amendments/0/answer');
  });
});

describe('budgets', () => {
  it('sets the indicative budget from an agreed assessment under the scheme in force, with a ceiling referral', async () => {
    const { id: personId } = await person(adminKey, { externalIds: { carefirst: 'CF-2002' } });
    const assessment = await agreed(personId);
    const response = await t.call('POST', '/v1/budgets', {
      key: assessorKey,
      body: { assessmentId: assessment.id, startDate: '2026-05-01', weeksAtHome: 26 },
    });
    expect(response.statusCode, response.body).toBe(201);
    const budget = response.json();
    expect(budget).toMatchObject({ status: 'indicative', personId, assessmentId: assessment.id, startDate: '2026-05-01', totalPoints: 25 });
    expect(budget.fullYearPence).toBe(625_000);
    expect(budget.rasAnnualPence).toBe(312_500); // half a year
    expect(budget.referral).toMatchObject({ reason: 'above-ceiling', ceilingPence: 600_000 });
    expect(budget.scheme.key).toBe('ld');
    expect(budget.questionnaire.id).toBe(questionnaireId);
    const fetched = await t.call('GET', `/v1/budgets/${budget.id}`, { key: adminKey });
    expect(fetched.json()).toEqual(budget);
    const listed = (await t.call('GET', `/v1/budgets?personId=${personId}`, { key: adminKey })).json();
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([budget.id]);
  });

  it('is 422 for an assessment not yet agreed, a person found not eligible, or no scheme in force', async () => {
    const { id: personId } = await person(adminKey);
    const draft = await submitted(assessorKey, personId);
    const notAgreed = await t.call('POST', '/v1/budgets', { key: assessorKey, body: { assessmentId: draft.id, startDate: '2026-05-01' } });
    expect(problemOf(notAgreed).code).toBe('ASSESSMENT_NOT_AGREED');

    const ineligible = await agreed((await person(adminKey)).id, false);
    const refused = await t.call('POST', '/v1/budgets', {
      key: assessorKey,
      body: { assessmentId: ineligible.id, startDate: '2026-05-01' },
    });
    expect(problemOf(refused).code).toBe('NOT_ELIGIBLE');

    const early = await agreed((await person(adminKey)).id);
    const noScheme = await t.call('POST', '/v1/budgets', { key: assessorKey, body: { assessmentId: early.id, startDate: '2026-03-31' } });
    expect(noScheme.statusCode).toBe(422);
    expect(problemOf(noScheme).code).toBe('NO_SCHEME_IN_FORCE');

    const otherGroup = await agreed((await person(adminKey, { clientGroup: 'mental-health' })).id);
    const none = await t.call('POST', '/v1/budgets', { key: assessorKey, body: { assessmentId: otherGroup.id, startDate: '2026-05-01' } });
    expect(problemOf(none).code).toBe('NO_SCHEME_IN_FORCE');
    expect(problemOf(none).detail).toContain('mental-health');
  });

  it('creates exactly one budget when the same Idempotency-Key is sent twice at once', async () => {
    const { id: personId } = await person(adminKey);
    const assessment = await agreed(personId);
    const send = () =>
      t.call('POST', '/v1/budgets', {
        key: assessorKey,
        body: { assessmentId: assessment.id, startDate: '2026-06-01' },
        headers: { 'idempotency-key': `budget-${assessment.id}` },
      });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    const listed = (await t.call('GET', `/v1/budgets?assessmentId=${assessment.id}`, { key: adminKey })).json();
    expect(listed.items).toHaveLength(1);
  });

  it('writes an audit record and an event with every change, numbered per council', async () => {
    const council = await t.council();
    const q = (await t.call('POST', '/v1/questionnaires', { key: council.adminKey, body: SMALL_QUESTIONNAIRE })).json();
    await t.call('POST', '/v1/people', { key: council.adminKey, body: { clientGroup: 'x' } });
    // Numbered after commit, by the sequencer (the relay's round, or a reader of the feed).
    await numberEvents(t.database.db);
    const events = await t.database.db
      .selectFrom('events')
      .select(['seq', 'type'])
      .where('council_id', '=', council.id)
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { seq: 1, type: 'council.created' },
      { seq: 2, type: 'questionnaire.created' },
      { seq: 3, type: 'person.created' },
    ]);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('council_id', '=', council.id)
      .execute();
    expect(audit.map((row) => row.action).sort()).toEqual([
      'api-key.created',
      'council.created',
      'person.created',
      'questionnaire.created',
    ]);
    expect(audit.find((row) => row.action === 'questionnaire.created')?.entity_id).toBe(q.id);
  });

  it('writes nothing when a change fails half way', async () => {
    const council = await t.council();
    const before = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('council_id', '=', council.id)
      .executeTakeFirstOrThrow();
    await t.call('POST', '/v1/people', { key: council.adminKey, body: { clientGroup: 'x', externalIds: { carefirst: 'DUP' } } });
    const duplicate = await t.call('POST', '/v1/people', {
      key: council.adminKey,
      body: { clientGroup: 'x', externalIds: { carefirst: 'DUP' } },
    });
    expect(duplicate.statusCode).toBe(409);
    const people = await t.database.db.selectFrom('people').select('id').where('council_id', '=', council.id).execute();
    expect(people).toHaveLength(1);
    const after = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('council_id', '=', council.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });
});

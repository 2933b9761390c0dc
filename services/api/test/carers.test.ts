import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;
/** The council as seen with the older people's questionnaire, and with the carers' one. */
let olderPeople: SetUpCouncil;
let carers: SetUpCouncil;

/** A plan within £1,400: the day service (£1,000 a year) with £100 contingency, council-arranged. */
const SMALL_PLAN = {
  ...PLAN,
  outcomes: [PLAN.outcomes[1]],
  lines: [PLAN.lines[1]],
  contingency: { ...PLAN.contingency, amountPence: 10_000 },
};

// Older people, £250 a point. Personal care: washing and dressing add points; a question on help
// family give without pay takes its points off the section (never below 0).
const OLDER_PEOPLE_SAQ = {
  key: 'older-saq',
  title: 'Older people’s self-assessment',
  sections: [
    {
      key: 'care',
      title: 'Personal care',
      questions: [
        {
          key: 'washing',
          text: 'Washing',
          type: 'single',
          options: [
            { key: 'none', text: 'I manage', points: 0 },
            { key: 'lots', text: 'Lots of help', points: 9 },
          ],
        },
        {
          key: 'dressing',
          text: 'Dressing',
          type: 'single',
          options: [
            { key: 'none', text: 'I manage', points: 0 },
            { key: 'some', text: 'Some help', points: 6 },
          ],
        },
        {
          key: 'family',
          text: 'Does family help with this without pay?',
          type: 'single',
          unpaidSupport: true,
          options: [
            { key: 'no', text: 'No', points: 0 },
            { key: 'some', text: 'Sometimes', points: 3 },
            { key: 'most', text: 'Most days', points: 6 },
          ],
        },
      ],
    },
  ],
};

// Carers, £100 a point: the carer's own questionnaire.
const CARERS_SAQ = {
  key: 'carers-saq',
  title: 'Carer’s assessment',
  sections: [
    {
      key: 'caring',
      title: 'Your caring role',
      questions: [
        {
          key: 'hours',
          text: 'Hours a week you care',
          type: 'single',
          options: [
            { key: 'under-20', text: 'Under 20', points: 2 },
            { key: '20-50', text: '20 to 50', points: 5 },
            { key: 'over-50', text: 'Over 50', points: 10 },
          ],
        },
        {
          key: 'break',
          text: 'Do you need a break?',
          type: 'single',
          options: [
            { key: 'no', text: 'No', points: 0 },
            { key: 'yes', text: 'Yes', points: 4 },
          ],
        },
      ],
    },
  ],
};

async function schemeFor(body: object, clientGroup: string, poundsPerPointPence: number) {
  const questionnaire = await t.call('POST', '/v1/questionnaires', { key: council.keys.admin, body });
  expect(questionnaire.statusCode, questionnaire.body).toBe(201);
  const scheme = await t.call('POST', '/v1/allocation-schemes', {
    key: council.keys.admin,
    body: {
      key: clientGroup,
      questionnaireId: questionnaire.json().id,
      clientGroups: [clientGroup],
      effectiveFrom: '2026-01-01',
      method: { type: 'linear', poundsPerPointPence },
      clawback: { type: 'percent', percent: 20 },
    },
  });
  expect(scheme.statusCode, scheme.body).toBe(201);
  return { ...council, questionnaireId: questionnaire.json().id as string, schemeId: scheme.json().id as string };
}

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
  olderPeople = await schemeFor(OLDER_PEOPLE_SAQ, 'older-people', 25_000);
  carers = await schemeFor(CARERS_SAQ, 'carers', 10_000);
});
afterAll(async () => {
  await t.close();
});

describe('carers and unpaid support', () => {
  it('lowers the cared-for person’s points for unpaid support, gives the carer their own budget, and reports both', async () => {
    // Washing 9 + dressing 6 = 15, less 6 for family help most days: 9 points × £250 = £2,250.
    const cared = await agreedBudget(t, olderPeople, {
      person: { clientGroup: 'older-people', answers: { washing: 'lots', dressing: 'some', family: 'most' } },
      plan: SMALL_PLAN,
    });
    const budget = (await t.call('GET', `/v1/budgets/${cared.budgetId}`, { key: council.keys.finance })).json();
    expect(budget).toMatchObject({ totalPoints: 9, rasAnnualPence: 225_000, status: 'agreed' });
    expect(budget.sections[0]).toMatchObject({ questionPoints: 9, unpaidSupportPoints: 6, points: 9 });
    expect(budget.explanation.find((s: { key: string }) => s.key === 'section:care').text).toBe(
      'Personal care: 9 points, after 6 points taken off for needs your family or friends meet without pay.',
    );

    // The carer: over 50 hours (10) and needs a break (4) = 14 points × £100 = £1,400.
    const carer = await agreedBudget(t, carers, {
      person: { clientGroup: 'carers', answers: { hours: 'over-50', break: 'yes' } },
      plan: SMALL_PLAN,
    });
    const before = await t.call('GET', `/v1/people/${carer.personId}`, { key: council.keys.assessor });
    const linked = await t.call('PATCH', `/v1/people/${carer.personId}`, {
      key: council.keys.assessor,
      headers: { 'if-match': before.headers.etag as string },
      body: { caresForPersonId: cared.personId },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().caresForPersonId).toBe(cared.personId);
    const carerBudget = (await t.call('GET', `/v1/budgets/${carer.budgetId}`, { key: council.keys.finance })).json();
    expect(carerBudget).toMatchObject({ totalPoints: 14, rasAnnualPence: 140_000, scheme: { key: 'carers' } });

    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: council.keys.auditor })).json();
    expect(report.carers).toEqual({ carersBudgets: 1, carersAnnualPence: 140_000, budgetsLessUnpaidSupport: 1, unpaidSupportPoints: 6 });
    const csv = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31&format=csv', { key: council.keys.auditor })).body;
    expect(csv).toContain('carers and unpaid support,carersAnnualPence,140000');
  });

  it('never takes a section below 0, and links a carer only to someone the caller can see', async () => {
    // Washing 0 + dressing 6, less 6: 0 points, not −.
    const calc = await t.call('POST', '/v1/calculations/budget', {
      key: council.keys.assessor,
      body: { schemeId: olderPeople.schemeId, answers: { washing: 'none', dressing: 'some', family: 'most' } },
    });
    expect(calc.json().sections[0]).toMatchObject({ questionPoints: 0, unpaidSupportPoints: 6, points: 0 });

    const person = await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'carers' } });
    const self = await t.call('PATCH', `/v1/people/${person.json().id}`, {
      key: council.keys.assessor,
      headers: { 'if-match': person.headers.etag as string },
      body: { caresForPersonId: person.json().id },
    });
    expect(problemOf(self).errors?.[0]?.pointer).toBe('/caresForPersonId');
    const other = await setUpCouncil(t);
    const theirs = await t.call('POST', '/v1/people', { key: other.keys.assessor, body: { clientGroup: 'older-people' } });
    const foreign = await t.call('POST', '/v1/people', {
      key: council.keys.assessor,
      body: { clientGroup: 'carers', caresForPersonId: theirs.json().id },
    });
    expect(foreign.statusCode).toBe(422);
    expect(problemOf(foreign).errors?.[0]?.pointer).toBe('/caresForPersonId');
  });
});

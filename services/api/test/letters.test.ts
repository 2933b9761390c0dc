import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN, reviewedYear } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

/** A Welsh council's own text for the indicative budget letter (a sample: the council supplies its own). */
const WELSH_INDICATIVE_BUDGET = {
  subject: 'Eich cyllideb bersonol',
  greeting: 'Annwyl {{name}},',
  nameUnknown: 'Syr neu Fadam',
  paragraphs: [
    'Diolch am ddweud wrthym am eich anghenion.',
    'Rydym yn credu bod angen tua {{budget}} y flwyddyn arnoch ar gyfer eich cymorth.',
    { when: 'has-contribution', text: 'Byddwch yn talu {{contribution}} y flwyddyn tuag ato. Mae’r cyngor yn talu {{councilPays}}.' },
    { when: 'no-contribution', text: 'Does dim rhaid i chi dalu tuag ato.' },
  ],
  pictureHeading: 'O ble daw’r arian',
  picture: {
    rasAmount: 'Eich cyllideb gennym ni',
    councilPays: 'Mae’r cyngor yn talu',
    contribution: 'Rydych chi’n talu',
    otherFunders: 'Cymorth arall yn talu',
    addedStreams: 'Cymorth ychwanegol',
  },
  explanationHeading: 'Sut y gwnaethom ei gyfrifo',
  disagreeHeading: 'Os nad ydych yn cytuno',
  disagree: [
    'Dywedwch wrthym erbyn {{respondBy}}.',
    'Ffoniwch neu ysgrifennwch at eich gweithiwr gofal. Gall ffrind neu eiriolwr eich helpu.',
  ],
  signOff: 'Oddi wrth {{council}}',
};

/** Dates the letter from 15 July 2026 (a budget is stamped by the database when it is made): a reply is due 28 days on, on 12 August 2026. */
async function datedFifteenthOfJuly(budgetId: string): Promise<void> {
  await sql`update budgets set created_at = '2026-07-15T10:00:00Z' where id = ${budgetId}`.execute(t.database.db);
}

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t, { letters: { templates: { cy: { 'indicative-budget': WELSH_INDICATIVE_BUDGET } } } });
});
afterAll(() => t.close());

describe('letters to the person', () => {
  it('writes the indicative budget letter from the stored figures and explanation, with the picture and the reply date', async () => {
    const { budgetId } = await agreedBudget(t, council, { weeklyContributionPence: 1_000 });
    await datedFifteenthOfJuly(budgetId);
    const letter = await t.call('GET', `/v1/letters/indicative-budget/${budgetId}`, { key: council.keys.assessor });
    expect(letter.statusCode, letter.body).toBe(200);
    expect(letter.headers['content-type']).toContain('text/html');
    expect(letter.headers['content-language']).toBe('en');
    const html = letter.body;
    expect(html).toContain('<h1>Your personal budget</h1>');
    expect(html).toContain('Dear Sir or Madam,');
    // 25 points × £250 = £6,250.00; £10 a week for 52 weeks = £520.00; the council pays £5,730.00.
    expect(html).toContain('We think you need about £6,250.00 a year for your support.');
    // The budget is agreed (its plan went through panel), so the letter does not call it a first figure.
    expect(html).toContain('Your budget has been agreed. It starts on 1 May 2026.');
    expect(html).not.toContain('It is not the final one.');
    expect(html).toContain('You pay £520.00 a year towards it. That is £10.00 a week. The council pays £5,730.00.');
    expect(html).not.toContain('You do not have to pay towards it');
    // The picture: the RAS amount split between the council and the person.
    expect(html).toContain('Your budget from us: £6,250.00');
    expect(html).toContain('The council pays: £5,730.00');
    expect(html).toContain('You pay: £520.00');
    // The stored explanation, step by step, and what to do by when.
    expect(html).toContain('<li>Your answers add up to 25 points.</li>');
    expect(html).toContain('Tell us by 12 August 2026.');
    expect(html).toContain('@page { size: A4');
  });

  it('gives the same letter as an A4 PDF, by format or by Accept', async () => {
    const { budgetId } = await agreedBudget(t, council);
    for (const request of [
      { url: `/v1/letters/indicative-budget/${budgetId}?format=pdf` },
      { url: `/v1/letters/indicative-budget/${budgetId}`, accept: 'application/pdf' },
    ]) {
      const pdf = await t.call('GET', request.url, {
        key: council.keys.assessor,
        headers: request.accept ? { accept: request.accept } : {},
      });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const bytes = pdf.rawPayload;
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.subarray(-6).toString('latin1')).toContain('%%EOF');
      // The embedded font covers Welsh letters; A4 is 595.28 × 841.89 points.
      expect(bytes.toString('latin1')).toContain('DejaVuSans');
      expect(bytes.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    }
  });

  it('writes in Welsh from the council’s own template, and says when it has none', async () => {
    const { budgetId, planId } = await agreedBudget(t, council, { weeklyContributionPence: 1_000 });
    await datedFifteenthOfJuly(budgetId);
    const welsh = await t.call('GET', `/v1/letters/indicative-budget/${budgetId}?language=cy`, { key: council.keys.assessor });
    expect(welsh.statusCode, welsh.body).toBe(200);
    expect(welsh.headers['content-language']).toBe('cy');
    expect(welsh.body).toContain('<html lang="cy">');
    expect(welsh.body).toContain('Annwyl Syr neu Fadam,');
    expect(welsh.body).toContain('Byddwch yn talu £520.00 y flwyddyn tuag ato. Mae’r cyngor yn talu £5,730.00.');
    expect(welsh.body).toContain('Mae’r cyngor yn talu: £5,730.00');
    expect(welsh.body).toContain('Dywedwch wrthym erbyn 12 Awst 2026.');
    const pdf = await t.call('GET', `/v1/letters/indicative-budget/${budgetId}?language=cy&format=pdf`, { key: council.keys.assessor });
    expect(pdf.statusCode).toBe(200);
    // No Welsh plan decision letter has been supplied.
    const missing = await t.call('GET', `/v1/letters/plan-decision/${planId}?language=cy`, { key: council.keys.assessor });
    expect(missing.statusCode).toBe(422);
    expect(problemOf(missing)).toMatchObject({ code: 'NO_LETTER_TEMPLATE', errors: [{ pointer: '/query/language' }] });
  });

  it('refuses a council template with a placeholder the service does not fill, naming where', async () => {
    const current = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const bad = await t.call('PATCH', '/v1/council', {
      key: council.keys.admin,
      headers: { 'if-match': current.headers.etag as string },
      body: {
        settings: {
          ...current.json().settings,
          letters: {
            templates: { cy: { 'indicative-budget': { ...WELSH_INDICATIVE_BUDGET, paragraphs: ['Eich cyllideb yw {{budjet}}.'] } } },
          },
        },
      },
    });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(problemOf(bad).errors?.[0]?.pointer).toBe('/settings/letters/templates/cy/indicative-budget/paragraphs/0');
  });

  it('writes the plan decision and clawback letters, and keeps each person’s letters to those who may see them', async () => {
    const { budgetId, planId } = await agreedBudget(t, council);
    const decision = await t.call('GET', `/v1/letters/plan-decision/${planId}`, { key: council.keys.panel });
    expect(decision.statusCode, decision.body).toBe(200);
    expect(decision.body).toContain('We said yes to your plan. Your money starts on 1 May 2026.');
    expect(decision.body).toContain('This is why: ok');
    expect(decision.body).not.toContain('We said no');

    // A plan approved only by the coordinator has no decision to write to the person about yet.
    const { assessmentId } = await agreedPerson(t, council);
    const early = await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const plan = await t.call('POST', '/v1/support-plans', { key: council.keys.assessor, body: { budgetId: early.json().id, ...PLAN } });
    const submitted = await t.call('POST', `/v1/support-plans/${plan.json().id}/submit`, {
      key: council.keys.assessor,
      headers: { 'if-match': plan.headers.etag as string },
    });
    const coordinator = await t.call('POST', `/v1/support-plans/${plan.json().id}/decisions`, {
      key: council.keys.assessor,
      headers: { 'if-match': submitted.headers.etag as string },
      body: { stage: 'coordinator', outcome: 'approve', reasons: 'ok' },
    });
    expect(coordinator.statusCode, coordinator.body).toBe(200);
    expect((await t.call('GET', `/v1/letters/plan-decision/${plan.json().id}`, { key: council.keys.assessor })).statusCode).toBe(409);

    const [annual] = (await t.call('GET', `/v1/reviews?budgetId=${budgetId}&kind=annual`, { key: council.keys.assessor })).json().items;
    expect((await t.call('GET', `/v1/letters/clawback-recommendation/${annual.id}`, { key: council.keys.assessor })).statusCode).toBe(409);
    await reviewedYear(t, council, budgetId);
    const clawback = await t.call('GET', `/v1/letters/clawback-recommendation/${annual.id}`, { key: council.keys.finance });
    expect(clawback.statusCode, clawback.body).toBe(200);
    // £6,250.00 paid, £3,000.00 spent: £3,250.00 unspent; 20% (£1,250.00) kept; £2,000.00 back.
    expect(clawback.body).toContain('You had £3,250.00 left over.');
    expect(clawback.body).toContain('You can keep up to £1,250.00 of it.');
    expect(clawback.body).toContain('We can take back up to £2,000.00.');
    expect(clawback.body).toContain('Our money team will decide.');
    // Dated on the review's own date, 1 May 2027.
    expect(clawback.body).toContain('We looked at your budget account for the year on 1 May 2027.');
    expect(clawback.body).toContain('<li>Unspent, what the account holds: £3,250.00.</li>');

    // A portal key sees only the letters of people it created; another council sees none.
    expect((await t.call('GET', `/v1/letters/indicative-budget/${budgetId}`, { key: council.keys.portal })).statusCode).toBe(404);
    const other = await setUpCouncil(t);
    expect((await t.call('GET', `/v1/letters/plan-decision/${planId}`, { key: other.keys.admin })).statusCode).toBe(404);
  });
});

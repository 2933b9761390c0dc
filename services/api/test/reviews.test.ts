import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { ANSWERS_25, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

async function reviewsOf(budgetId: string) {
  return (await t.call('GET', `/v1/reviews?budgetId=${budgetId}`, { key: council.keys.assessor })).json().items as {
    id: string;
    kind: string;
    dueDate: string;
  }[];
}

async function getReview(id: string) {
  return t.call('GET', `/v1/reviews/${id}`, { key: council.keys.assessor });
}

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('reviews', () => {
  it('schedules the first and annual reviews, shows overdue ones, and takes interim ones', async () => {
    const { budgetId } = await agreedBudget(t, council);
    const reviews = await reviewsOf(budgetId);
    expect(reviews.map((r) => [r.kind, r.dueDate])).toEqual([
      ['first', '2026-05-29'],
      ['annual', '2027-05-01'],
    ]);
    const interim = await t.call('POST', '/v1/reviews', {
      key: council.keys.assessor,
      body: { budgetId, kind: 'interim', dueDate: '2026-11-01' },
    });
    expect(interim.statusCode).toBe(201);
    expect((await reviewsOf(budgetId)).map((r) => r.kind).sort()).toEqual(['annual', 'first', 'interim']);
  });

  it('repeats an interim review every 3 months until stopped, and starts a re-assessment when needs have changed', async () => {
    const { budgetId, assessmentId } = await agreedBudget(t, council);
    const scheduled = await t.call('POST', '/v1/reviews', {
      key: council.keys.assessor,
      body: { budgetId, kind: 'interim', dueDate: '2026-08-01', repeatEveryMonths: 3 },
    });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    expect(scheduled.json()).toMatchObject({ kind: 'interim', repeatEveryMonths: 3 });
    const rate = {
      outcomes: [
        { key: 'home', achieved: 'yes' },
        { key: 'work', achieved: 'partly' },
      ],
      spentAsPlanned: 'yes',
    };
    // Completed two days late, the next is still counted from the due date: 1 November.
    const first = await t.call('POST', `/v1/reviews/${scheduled.json().id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': scheduled.headers.etag as string },
      body: { ...rate, completedOn: '2026-08-03' },
    });
    expect(first.statusCode, first.body).toBe(200);
    const nextId = first.json().outcome.nextReviewId as string;
    const next = await getReview(nextId);
    expect(next.json()).toMatchObject({ kind: 'interim', dueDate: '2026-11-01', repeatEveryMonths: 3, status: 'scheduled' });

    // The second finds needs have changed: it stops the cycle and starts a re-assessment.
    const second = await t.call('POST', `/v1/reviews/${nextId}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': next.headers.etag as string },
      body: { ...rate, completedOn: '2026-11-01', stopRepeating: true, reassess: true },
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().outcome).toMatchObject({ nextReviewId: null });
    const reassessment = await t.call('GET', `/v1/assessments/${second.json().outcome.reassessmentId}`, { key: council.keys.assessor });
    const last = await t.call('GET', `/v1/assessments/${assessmentId}`, { key: council.keys.assessor });
    expect(reassessment.json()).toMatchObject({ status: 'draft', answers: last.json().answers });
    expect((await reviewsOf(budgetId)).filter((r) => r.kind === 'interim')).toHaveLength(2);

    const annualRepeat = await t.call('POST', '/v1/reviews', {
      key: council.keys.assessor,
      body: { budgetId, kind: 'annual', dueDate: '2027-05-01', repeatEveryMonths: 6 },
    });
    expect(problemOf(annualRepeat).errors?.[0]?.pointer).toBe('/repeatEveryMonths');
    const once = await t.call('POST', '/v1/reviews', {
      key: council.keys.assessor,
      body: { budgetId, kind: 'interim', dueDate: '2027-01-01' },
    });
    const stopOnce = await t.call('POST', `/v1/reviews/${once.json().id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': once.headers.etag as string },
      body: { ...rate, completedOn: '2027-01-01', stopRepeating: true },
    });
    expect(problemOf(stopOnce).errors?.[0]?.pointer).toBe('/stopRepeating');
  });

  it('shows a review overdue the day after it was due, on a clock stopped on a date worked out by hand', async () => {
    // The budget starts 2026-05-01: first review 4 weeks on, 2026-05-29; annual 2027-05-01.
    // On 2026-05-30 the first is one day overdue and the annual is not yet due.
    const stopped = await createTestApp({ clock: fixedClock('2026-05-30') });
    try {
      const c = await setUpCouncil(stopped);
      const { budgetId } = await agreedBudget(stopped, c);
      const list = async (query: string) =>
        (await stopped.call('GET', `/v1/reviews?budgetId=${budgetId}${query}`, { key: c.keys.auditor })).json().items as {
          kind: string;
          overdue: boolean;
        }[];
      expect((await list('')).map((r) => [r.kind, r.overdue])).toEqual([
        ['first', true],
        ['annual', false],
      ]);
      expect((await list('&overdue=true')).map((r) => r.kind)).toEqual(['first']);
    } finally {
      await stopped.close();
    }
    // On its due date it is not yet overdue.
    const onTheDay = await createTestApp({ clock: fixedClock('2026-05-29') });
    try {
      const c = await setUpCouncil(onTheDay);
      const { budgetId } = await agreedBudget(onTheDay, c);
      const overdue = (await onTheDay.call('GET', `/v1/reviews?budgetId=${budgetId}&overdue=true`, { key: c.keys.auditor })).json().items;
      expect(overdue).toEqual([]);
    } finally {
      await onTheDay.close();
    }
  });

  it('records outcomes, the person’s experience and spending, and whether it was on time', async () => {
    const { budgetId } = await agreedBudget(t, council);
    const first = (await reviewsOf(budgetId)).find((r) => r.kind === 'first')!;
    const review = await getReview(first.id);
    const missing = await t.call('POST', `/v1/reviews/${first.id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': review.headers.etag as string },
      body: {
        outcomes: [
          { key: 'home', achieved: 'yes' },
          { key: 'garden', achieved: 'no' },
        ],
        spentAsPlanned: 'yes',
      },
    });
    expect(missing.statusCode).toBe(422);
    expect(
      problemOf(missing)
        .errors?.map((e) => e.detail)
        .join(' '),
    ).toMatch(/"work" is not rated.*not an outcome/);
    const done = await t.call('POST', `/v1/reviews/${first.id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': review.headers.etag as string },
      body: {
        outcomes: [
          { key: 'home', achieved: 'yes' },
          { key: 'work', achieved: 'partly', note: 'Hours cut at the café' },
        ],
        experience: { 'information-and-advice': 4, 'knowing-the-budget': 5, 'managing-the-money': 2 },
        spentAsPlanned: 'partly',
        completedOn: '2026-05-28',
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', clawback: null, overdue: false });
    expect(done.json().outcome).toMatchObject({ onTime: true, spentAsPlanned: 'partly', experience: { 'knowing-the-budget': 5 } });
    expect(done.json().outcome.outcomes[1]).toEqual({
      key: 'work',
      description: 'Keep my job at the café',
      achieved: 'partly',
      note: 'Hours cut at the café',
    });
    const bad = await t.call('POST', `/v1/reviews/${first.id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': done.headers.etag as string },
      body: { outcomes: [], spentAsPlanned: 'yes' },
    });
    expect(bad.statusCode).toBe(409);
  });

  it('recommends a clawback at the annual review, which finance confirms into the account', async () => {
    const { budgetId } = await agreedBudget(t, council, { weeklyContributionPence: 2_000 });
    const post = (body: Record<string, unknown>) =>
      t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key: council.keys.finance, body: { occurredOn: '2026-06-01', ...body } });
    // The council paid £5,210 (its net share), the person £1,100 though £1,040 was due; £3,000 was spent.
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    for (const instalment of account.schedule)
      await post({ kind: 'council-payment', amountPence: instalment.amountPence, instalmentNumber: instalment.number });
    await post({ kind: 'contribution', amountPence: 110_000 });
    await post({ kind: 'spend', amountPence: 300_000, category: 'personal-assistant' });
    const annual = (await reviewsOf(budgetId)).find((r) => r.kind === 'annual')!;
    const review = await getReview(annual.id);
    const done = await t.call('POST', `/v1/reviews/${annual.id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': review.headers.etag as string },
      body: {
        outcomes: [
          { key: 'home', achieved: 'yes' },
          { key: 'work', achieved: 'yes' },
        ],
        spentAsPlanned: 'no',
        completedOn: '2027-05-01',
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    // Paid in 521,000 + 110,000 = 631,000; spent 300,000: 331,000 unspent. The person overpaid
    // 110,000 − 104,000 (52 × £20) = 6,000, refunded first. They keep 20% of the council's
    // £6,250 = 125,000. Clawback: 331,000 − 6,000 − 125,000 = 200,000 (under the 521,000 paid).
    expect(done.json().clawback).toMatchObject({
      periodWeeks: 52,
      underspendPence: 331_000,
      contributionRefundPence: 6_000,
      allowancePence: 125_000,
      clawbackPence: 200_000,
      decision: null,
    });
    const noReason = await t.call('POST', `/v1/reviews/${annual.id}/clawback`, {
      key: council.keys.finance,
      headers: { 'if-match': done.headers.etag as string },
      body: { decision: 'waive' },
    });
    expect(noReason.statusCode).toBe(422);
    const notFinance = await t.call('POST', `/v1/reviews/${annual.id}/clawback`, {
      key: council.keys.assessor,
      headers: { 'if-match': done.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(notFinance.statusCode).toBe(403);
    const reduced = await t.call('POST', `/v1/reviews/${annual.id}/clawback`, {
      key: council.keys.finance,
      headers: { 'if-match': done.headers.etag as string },
      body: { decision: 'reduce', amountPence: 150_000, reason: 'Replacement boiler due next month' },
    });
    expect(reduced.statusCode, reduced.body).toBe(200);
    expect(reduced.json().clawback.decision).toMatchObject({ decision: 'reduce', amountPence: 150_000 });
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    expect(after).toMatchObject({ clawedBackPence: 150_000, contributionRefundedPence: 6_000, balancePence: 331_000 - 150_000 - 6_000 });
    const twice = await t.call('POST', `/v1/reviews/${annual.id}/clawback`, {
      key: council.keys.finance,
      headers: { 'if-match': reduced.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('links the new year’s agreed assessment and creates next year’s indicative budget', async () => {
    const { budgetId, personId } = await agreedBudget(t, council);
    const created = await t.call('POST', '/v1/assessments', {
      key: council.keys.assessor,
      body: { personId, questionnaireId: council.questionnaireId, completedWith: ['self'], answers: ANSWERS_25 },
    });
    const submitted = await t.call('POST', `/v1/assessments/${created.json().id}/submit`, {
      key: council.keys.assessor,
      headers: { 'if-match': created.headers.etag as string },
    });
    await t.call('POST', `/v1/assessments/${created.json().id}/moderation`, {
      key: council.keys.assessor,
      headers: { 'if-match': submitted.headers.etag as string },
      body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    });
    const annual = (await reviewsOf(budgetId)).find((r) => r.kind === 'annual')!;
    const review = await getReview(annual.id);
    const done = await t.call('POST', `/v1/reviews/${annual.id}/completion`, {
      key: council.keys.assessor,
      headers: { 'if-match': review.headers.etag as string },
      body: {
        outcomes: [
          { key: 'home', achieved: 'yes' },
          { key: 'work', achieved: 'no' },
        ],
        spentAsPlanned: 'yes',
        nextAssessmentId: created.json().id,
        completedOn: '2027-04-20',
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    const nextBudgetId = done.json().outcome.nextBudgetId;
    const next = (await t.call('GET', `/v1/budgets/${nextBudgetId}`, { key: council.keys.assessor })).json();
    expect(next).toMatchObject({ status: 'indicative', startDate: '2027-05-01', personId, rasAnnualPence: 625_000 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { BOOTSTRAP_TOKEN, createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;

async function withSettings(council: SetUpCouncil, settings: Record<string, unknown>) {
  const current = await t.call('GET', '/v1/council', { key: council.keys.admin });
  const response = await t.call('PATCH', '/v1/council', {
    key: council.keys.admin,
    headers: { 'if-match': current.headers.etag as string },
    body: { settings },
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function rate(council: SetUpCouncil, roundId: string, component: string, rating: number, extra: Record<string, unknown> = {}) {
  const response = await t.call('PUT', `/v1/self-rating-rounds/${roundId}/ratings/${component}`, {
    key: council.keys.admin,
    body: { rating, ...extra },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('Critical Path Framework', () => {
  it('lists the 20 steps in four stages and records a council’s answers, notes and status', async () => {
    const council = await setUpCouncil(t);
    const framework = (await t.call('GET', '/v1/critical-path', { key: council.keys.auditor })).json();
    expect(framework.steps).toHaveLength(20);
    expect(framework.stages.map((stage: { steps: number[] }) => stage.steps.length)).toEqual([5, 5, 5, 5]);
    const step9 = framework.steps.find((step: { number: number }) => step.number === 9);
    expect(step9.status).toBe('not-started');
    expect(step9.serviceFigures.map((figure: { key: string }) => figure.key)).toEqual(['reviews-on-time', 'outcomes-achieved']);
    const question = step9.questions[0].key;

    const first = await t.call('PUT', '/v1/critical-path/steps/9', {
      key: council.keys.admin,
      body: {
        status: 'in-progress',
        statusDate: '2026-10-01',
        notes: 'Outcome monitoring piloted in the LD team',
        answers: { [question]: 'Quarterly, from review records' },
      },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().version).toBe(1);
    expect((await t.call('PUT', '/v1/critical-path/steps/9', { key: council.keys.admin, body: { status: 'in-place' } })).statusCode).toBe(
      428,
    );
    const unknown = await t.call('PUT', '/v1/critical-path/steps/9', {
      key: council.keys.admin,
      headers: { 'if-match': first.headers.etag as string },
      body: { status: 'in-place', answers: { q99: 'x' } },
    });
    expect(problemOf(unknown).errors?.[0]?.pointer).toBe('/answers/q99');
    expect((await t.call('PUT', '/v1/critical-path/steps/9', { key: council.keys.auditor, body: { status: 'in-place' } })).statusCode).toBe(
      403,
    );
    const after = (await t.call('GET', '/v1/critical-path', { key: council.keys.auditor })).json().steps[8];
    expect(after).toMatchObject({ status: 'in-progress', statusDate: '2026-10-01', notes: 'Outcome monitoring piloted in the LD team' });
    expect(after.questions[0].answer).toBe('Quarterly, from review records');
    const other = await setUpCouncil(t);
    expect((await t.call('GET', '/v1/critical-path', { key: other.keys.admin })).json().steps[8].status).toBe('not-started');
  });
});

describe('Minimum Process self-rating', () => {
  it('rates the four components until the round closes', async () => {
    const council = await setUpCouncil(t);
    const round = await t.call('POST', '/v1/self-rating-rounds', {
      key: council.keys.admin,
      body: { roundKey: 'nw-2030', title: 'North West 2030', closesOn: '2030-06-30' },
    });
    expect(round.statusCode).toBe(201);
    expect(round.json().ratings.map((r: { component: string }) => r.component)).toEqual([
      'services-available-to-all',
      'prevention',
      'supporting-recovery',
      'staying-in-control',
    ]);
    const rated = await rate(council, round.json().id, 'prevention', 3, {
      comment: 'Contact centre triage works',
      proposedAction: 'Extend to evenings',
      userComments: ['Easy to get advice'],
    });
    expect(rated.json()).toMatchObject({ rating: 3, version: 1 });
    expect(
      (
        await t.call('PUT', `/v1/self-rating-rounds/${round.json().id}/ratings/prevention`, {
          key: council.keys.admin,
          body: { rating: 4 },
        })
      ).statusCode,
    ).toBe(428);
    expect(
      (
        await t.call('PUT', `/v1/self-rating-rounds/${round.json().id}/ratings/prevention`, {
          key: council.keys.admin,
          body: { rating: 6 },
        })
      ).statusCode,
    ).toBe(400);
    const closed = await t.call('POST', '/v1/self-rating-rounds', {
      key: council.keys.admin,
      body: { roundKey: 'nw-2020', title: 'Closed round', closesOn: '2020-06-30' },
    });
    expect(
      (
        await t.call('PUT', `/v1/self-rating-rounds/${closed.json().id}/ratings/prevention`, {
          key: council.keys.admin,
          body: { rating: 4 },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('compiles an anonymised regional report from councils that opted in, naming only agreed high performers', async () => {
    const roundKey = `region-${Date.now()}`;
    const councils = await Promise.all(Array.from({ length: 6 }, () => setUpCouncil(t)));
    const [named, anonymous, , , , outside] = councils as SetUpCouncil[] as [
      SetUpCouncil,
      SetUpCouncil,
      SetUpCouncil,
      SetUpCouncil,
      SetUpCouncil,
      SetUpCouncil,
    ];
    await withSettings(named, { regionalReportOptIn: true, regionalReportNamed: true });
    for (const council of councils.slice(1, 5)) await withSettings(council, { regionalReportOptIn: true });
    const names = await Promise.all(
      councils.map(async (c) => (await t.call('GET', '/v1/council', { key: c.keys.admin })).json().name as string),
    );
    for (const [index, council] of councils.entries()) {
      const round = await t.call('POST', '/v1/self-rating-rounds', {
        key: council.keys.admin,
        body: { roundKey, title: 'Regional round', closesOn: '2030-01-01' },
      });
      await rate(council, round.json().id, 'staying-in-control', index === 5 ? 1 : index === 4 ? 3 : 5, {
        // Council 1 names council 5, which did not opt in: every known council is scrubbed.
        comment: index === 1 ? `Like ${names[5]}, ${names[1]} runs reviews on time` : `${names[index]} runs reviews on time`,
        userComments: [`Council ${index} comment`],
      });
    }
    const report = (await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}`, { key: BOOTSTRAP_TOKEN })).json();
    expect(report).toMatchObject({ councils: 5, minimumCouncils: 5, published: true });
    const control = report.components.find((c: { component: string }) => c.component === 'staying-in-control');
    expect(control.distribution).toEqual({ 1: 0, 2: 0, 3: 1, 4: 0, 5: 4 });
    expect(control.highPerformers).toEqual([names[0]]);
    const text = JSON.stringify(report);
    for (const name of names.slice(1)) expect(text).not.toContain(name);
    expect(text).not.toContain('Council 5 comment');
    expect(control.comments).toEqual([
      ...Array(4).fill('[council] runs reviews on time'),
      'Like [council], [council] runs reviews on time',
    ]);

    expect((await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}`, { key: anonymous.keys.auditor })).statusCode).toBe(
      200,
    );
    expect((await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}`, { key: outside.keys.admin })).statusCode).toBe(
      403,
    );
    const html = await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}&format=html`, { key: named.keys.admin });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Staying in control of support');
    expect(html.body).not.toContain(names[1]);
    const csv = await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}&format=csv`, { key: named.keys.admin });
    expect(csv.body).toContain('Staying in control of support,rated 5,4');
  });

  it('shows a council only rounds it answered, and no figures until five councils have (issue 12, low 10)', async () => {
    // Before: any opted-in council could read a round whose key it guessed, and in a round of two
    // each council could read the other's answers off the report.
    const roundKey = `small-${Date.now()}`;
    const [first, second, guesser] = await Promise.all([setUpCouncil(t), setUpCouncil(t), setUpCouncil(t)]);
    for (const council of [first, second, guesser]) await withSettings(council as SetUpCouncil, { regionalReportOptIn: true });
    for (const council of [first, second] as SetUpCouncil[]) {
      const round = await t.call('POST', '/v1/self-rating-rounds', {
        key: council.keys.admin,
        body: { roundKey, title: 'Small round', closesOn: '2030-01-01' },
      });
      await rate(council, round.json().id, 'prevention', 2, { comment: 'We are behind on prevention' });
    }
    const url = `/v1/reports/regional-self-rating?roundKey=${roundKey}`;
    const guessed = await t.call('GET', url, { key: (guesser as SetUpCouncil).keys.admin });
    expect(guessed.statusCode).toBe(404);
    const small = (await t.call('GET', url, { key: (first as SetUpCouncil).keys.admin })).json();
    expect(small).toMatchObject({ councils: 2, published: false, components: [] });
    expect(small.note).toContain('3 more needed');
    expect(JSON.stringify(small)).not.toContain('behind on prevention');
  });

  it('takes every known council’s name and its short forms out of comments, not only the author’s', async () => {
    const stamp = Date.now();
    const { buildRegionalReport } = await import('../src/self-review/regional-report.js');
    const comments = [
      `Unlike Wrexhamton${stamp}, we do well`,
      'East Sussex County Council (ESCC) showed us how',
      `Ask wrexhamton${stamp} CBC`,
      'Plain words',
      'Author 3 did it',
      'We copied Stockton and the e.s.c.c. team',
      'The City of London and escc agree',
    ];
    const ratings = comments.map((comment, index) => ({
      council_id: `c${index}`,
      council_name: `Author ${index} Council`,
      named: false,
      component: 'prevention',
      rating: 3,
      comment,
      proposed_action: null,
      user_comments: [],
    }));
    const known = [
      `Wrexhamton${stamp} County Borough Council`,
      'East Sussex County Council',
      'Stockton-on-Tees Borough Council',
      'City of London',
    ];
    const report = buildRegionalReport('r', ratings, known);
    const prevention = report.components.find((component) => component.component === 'prevention');
    expect(prevention?.comments).toEqual([
      '[council] ([council]) showed us how',
      '[council] did it',
      'Ask [council] CBC',
      'Plain words',
      'The [council] and [council] agree',
      'Unlike [council], we do well',
      'We copied [council] and the [council] team',
    ]);
    // Fewer than five councils rated the other components: no figures, no comments.
    const control = report.components.find((component) => component.component === 'staying-in-control');
    expect(control).toMatchObject({ responses: 0, withheld: true, distribution: null, comments: [] });
    const fewer = buildRegionalReport(
      'r',
      ratings.map((rating, index) => ({ ...rating, component: index < 4 ? 'prevention' : 'staying-in-control' })),
      known,
    );
    expect(fewer.components.find((component) => component.component === 'prevention')).toMatchObject({
      withheld: true,
      distribution: null,
    });
    expect(fewer.components.find((component) => component.component === 'staying-in-control')).toMatchObject({ withheld: true });
  });
});

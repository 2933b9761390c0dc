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
    const councils = await Promise.all([setUpCouncil(t), setUpCouncil(t), setUpCouncil(t)]);
    const [named, anonymous, outside] = councils as [SetUpCouncil, SetUpCouncil, SetUpCouncil];
    await withSettings(named, { regionalReportOptIn: true, regionalReportNamed: true });
    await withSettings(anonymous, { regionalReportOptIn: true });
    const names = await Promise.all(
      councils.map(async (c) => (await t.call('GET', '/v1/council', { key: c.keys.admin })).json().name as string),
    );
    for (const [index, council] of councils.entries()) {
      const round = await t.call('POST', '/v1/self-rating-rounds', {
        key: council.keys.admin,
        body: { roundKey, title: 'Regional round', closesOn: '2030-01-01' },
      });
      await rate(council, round.json().id, 'staying-in-control', index === 2 ? 1 : 5, {
        comment: `${names[index]} runs reviews on time`,
        userComments: [`Council ${index} comment`],
      });
    }
    const report = (await t.call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}`, { key: BOOTSTRAP_TOKEN })).json();
    expect(report.councils).toBe(2);
    const control = report.components.find((c: { component: string }) => c.component === 'staying-in-control');
    expect(control.distribution).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 2 });
    expect(control.highPerformers).toEqual([names[0]]);
    const text = JSON.stringify(report);
    expect(text).not.toContain(names[1]);
    expect(text).not.toContain(names[2]);
    expect(text).not.toContain('Council 2 comment');
    expect(control.comments).toEqual(['[council] runs reviews on time', '[council] runs reviews on time']);

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
    expect(csv.body).toContain('Staying in control of support,rated 5,2');
  });
});

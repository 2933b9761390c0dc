import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_QUESTIONNAIRE } from './helpers/fixtures.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let adminKey: string;
let questionnaireId: string;

const scheme = (overrides: Record<string, unknown> = {}) => ({
  key: 'ld',
  questionnaireId,
  clientGroups: ['learning-disability'],
  effectiveFrom: '2026-04-01',
  method: { type: 'linear', poundsPerPointPence: 25_000 },
  clawback: { type: 'percent', percent: 20 },
  ...overrides,
});

beforeAll(async () => {
  t = await createTestApp();
  adminKey = (await t.council()).adminKey;
  const created = await t.call('POST', '/v1/questionnaires', { key: adminKey, body: SMALL_QUESTIONNAIRE });
  expect(created.statusCode).toBe(201);
  questionnaireId = created.json().id;
});
afterAll(() => t.close());

describe('questionnaires', () => {
  it('makes a new immutable version for each create with the same key', async () => {
    const v2 = await t.call('POST', '/v1/questionnaires', { key: adminKey, body: { ...SMALL_QUESTIONNAIRE, title: 'Revised' } });
    expect(v2.statusCode).toBe(201);
    expect(v2.json().version).toBe(2);
    const v1 = (await t.call('GET', `/v1/questionnaires/${questionnaireId}`, { key: adminKey })).json();
    expect(v1.version).toBe(1);
    expect(v1.title).toBe('Small self-assessment');
    const list = (await t.call('GET', '/v1/questionnaires?key=small-saq', { key: adminKey })).json();
    expect(list.items.map((item: { version: number }) => item.version)).toEqual([1, 2]);
  });

  it('lists every problem in a bad definition with its path', async () => {
    const bad = structuredClone(SMALL_QUESTIONNAIRE) as typeof SMALL_QUESTIONNAIRE;
    const care = bad.sections[0]!;
    care.weight = 1.555;
    care.questions[1]!.key = 'washing';
    care.questions[0]!.options[1]!.points = -3;
    care.questions[0]!.options[2]!.points = 2.5;
    bad.sections[1]!.questions[0]!.options = [];
    const response = await t.call('POST', '/v1/questionnaires', { key: adminKey, body: bad });
    expect(response.statusCode).toBe(422);
    const problem = problemOf(response);
    expect(problem.code).toBe('INVALID_QUESTIONNAIRE');
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(
      [
        '/sections/0/weight',
        '/sections/0/questions/1/key',
        '/sections/0/questions/0/options/1/points',
        '/sections/0/questions/0/options/2/points',
        '/sections/1/questions/0/options',
      ].sort(),
    );
  });

  it('refuses unknown or misplaced keys instead of ignoring them', async () => {
    const misplaced = structuredClone(SMALL_QUESTIONNAIRE) as unknown as { sections: { questions: Record<string, unknown>[] }[] };
    misplaced.sections[0]!.questions[0]!.weight = 2;
    const response = await t.call('POST', '/v1/questionnaires', { key: adminKey, body: misplaced });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors).toContainEqual({ pointer: '/sections/0/questions/0/weight', detail: 'is not a known field' });
  });

  it('lets only admins write rules, and hides other councils’ rules', async () => {
    const assessor = await t.key(adminKey, ['assessor']);
    expect((await t.call('POST', '/v1/questionnaires', { key: assessor, body: SMALL_QUESTIONNAIRE })).statusCode).toBe(403);
    expect((await t.call('GET', `/v1/questionnaires/${questionnaireId}`, { key: assessor })).statusCode).toBe(200);
    const other = await t.council();
    const peek = await t.call('GET', `/v1/questionnaires/${questionnaireId}`, { key: other.adminKey });
    expect(peek.statusCode).toBe(404);
    expect(problemOf(peek).code).toBe('NOT_FOUND');
  });
});

describe('allocation schemes', () => {
  it('stores a linear scheme with its defaults', async () => {
    const response = await t.call('POST', '/v1/allocation-schemes', { key: adminKey, body: scheme() });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      key: 'ld',
      version: 1,
      weeksPerYear: 52,
      rounding: 'penny',
      effectiveTo: null,
      floorPoints: null,
    });
  });

  it('refuses bands with a gap and an overlap, naming each', async () => {
    const response = await t.call('POST', '/v1/allocation-schemes', {
      key: adminKey,
      body: scheme({
        key: 'banded',
        method: {
          type: 'banded',
          bands: [
            { fromPoints: 0, toPoints: 10, annualPence: 100_000 },
            { fromPoints: 12, toPoints: 20, annualPence: 200_000 },
            { fromPoints: 20, toPoints: 30, annualPence: 300_000 },
          ],
        },
      }),
    });
    expect(response.statusCode).toBe(422);
    const problem = problemOf(response);
    expect(problem.code).toBe('INVALID_SCHEME');
    expect(problem.errors?.map((error) => error.pointer)).toEqual(['/method/bands/1/fromPoints', '/method/bands/2/fromPoints']);
    expect(problem.errors?.[0]?.detail).toContain('gap');
    expect(problem.errors?.[1]?.detail).toContain('overlap');
  });

  it('refuses a questionnaire of another council and effective dates in the wrong order', async () => {
    const other = await t.council();
    const response = await t.call('POST', '/v1/allocation-schemes', {
      key: other.adminKey,
      body: scheme({ effectiveFrom: '2026-04-01', effectiveTo: '2026-03-31' }),
    });
    expect(response.statusCode).toBe(422);
    expect(
      problemOf(response)
        .errors?.map((error) => error.pointer)
        .sort(),
    ).toEqual(['/effectiveTo', '/questionnaireId']);
  });

  it('filters by client group and the date a scheme is in force', async () => {
    await t.call('POST', '/v1/allocation-schemes', {
      key: adminKey,
      body: scheme({ key: 'op', clientGroups: ['older-people'], effectiveFrom: '2025-04-01', effectiveTo: '2026-03-31' }),
    });
    const inForce = (
      await t.call('GET', '/v1/allocation-schemes?clientGroup=older-people&effectiveOn=2025-12-01', { key: adminKey })
    ).json();
    expect(inForce.items.map((item: { key: string }) => item.key)).toEqual(['op']);
    const later = (await t.call('GET', '/v1/allocation-schemes?clientGroup=older-people&effectiveOn=2026-04-01', { key: adminKey })).json();
    expect(later.items).toEqual([]);
  });

  it('describes a scheme in plain English, as JSON and as a self-contained HTML page', async () => {
    const created = (
      await t.call('POST', '/v1/allocation-schemes', {
        key: adminKey,
        body: scheme({
          key: 'described',
          floorPoints: 4,
          ceilingPence: 5_000_000,
          topSlicePercent: 7.5,
          clawback: { type: 'weeks', weeks: 8 },
          method: {
            type: 'banded',
            bands: [
              { fromPoints: 0, toPoints: 9, annualPence: 150_000 },
              { fromPoints: 10, toPoints: 29, annualPence: 600_000 },
            ],
          },
        }),
      })
    ).json();
    const json = await t.call('GET', `/v1/allocation-schemes/${created.id}/description`, { key: adminKey });
    expect(json.statusCode).toBe(200);
    const description = json.json();
    const text = JSON.stringify(description);
    expect(text).toContain('Below 4 points');
    expect(text).toContain('£50,000.00');
    expect(text).toContain('7.5%');
    expect(text).toContain('8 weeks');
    expect(description.bands).toHaveLength(2);

    const html = await t.call('GET', `/v1/allocation-schemes/${created.id}/description`, {
      key: adminKey,
      headers: { accept: 'text/html' },
    });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<table>');
    expect(html.body).toContain('£6,000.00');
    expect(html.body).not.toMatch(/<script|<link|src="http/);
  });
});

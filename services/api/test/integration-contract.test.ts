import { sql } from 'kysely';
import { financialYear } from 'ras-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { setUpCouncil } from './helpers/council-setup.js';
import { BOOTSTRAP_TOKEN, createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// The consistency an integrator trips over (issue 13): one shape for record-system ids, a 409 that
// names the person, one paging scheme, one shape for import problems, a default report period, and
// client groups checked against the council's.

let t: TestApp;
beforeAll(async () => {
  // 10 February 2027: the financial year running is 2026/27.
  t = await createTestApp({ clock: fixedClock('2027-02-10') });
});
afterAll(() => t.close());

async function csvImport(key: string, body: string, mode = 'best-effort') {
  return t.app.inject({
    method: 'POST',
    url: `/v1/imports/people?mode=${mode}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    payload: body,
  });
}

describe('record-system ids', () => {
  it('are one object, { system: value }, on a person and in every export, NDJSON or CSV', async () => {
    const council = await setUpCouncil(t);
    const created = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'older-people', externalIds: { carefirst: 'CF-7', mosaic: 'M-9' } },
    });
    expect(created.json().externalIds).toEqual({ carefirst: 'CF-7', mosaic: 'M-9' });
    const ndjson = (await t.call('GET', '/v1/exports/people', { key: council.keys.admin })).body.trim().split('\n');
    expect(JSON.parse(ndjson[0] as string).externalIds).toEqual({ carefirst: 'CF-7', mosaic: 'M-9' });
    const csv = (await t.call('GET', '/v1/exports/people?format=csv', { key: council.keys.admin })).body.split('\r\n');
    expect(csv[1]).toContain('"{""carefirst"":""CF-7"",""mosaic"":""M-9""}"');
    const bare = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'older-people' } });
    const exported = (await t.call('GET', '/v1/exports/people', { key: council.keys.admin })).body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(exported.find((record) => record.id === bare.json().id).externalIds).toEqual({});
  });

  it('answers a duplicate with 409 carrying the existing person’s id, when the caller may see that person', async () => {
    const council = await setUpCouncil(t);
    const first = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'older-people', externalIds: { carefirst: 'DUP-1' } },
    });
    const again = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'older-people', externalIds: { carefirst: 'DUP-1' } },
    });
    expect(again.statusCode).toBe(409);
    expect(problemOf(again)).toMatchObject({ code: 'ALREADY_EXISTS', existingId: first.json().id });
    expect(problemOf(again).errors).toEqual([{ pointer: '/externalIds/carefirst', detail: 'DUP-1 already belongs to another person' }]);
    // A portal key sees only the people it created: it learns of the clash, not whose it is.
    const portal = await t.call('POST', '/v1/people', {
      key: council.keys.portal,
      body: { clientGroup: 'older-people', externalIds: { carefirst: 'DUP-1' } },
    });
    expect(portal.statusCode).toBe(409);
    expect(problemOf(portal)).not.toHaveProperty('existingId');
  });
});

describe('client groups', () => {
  it('refuses a person outside the council’s client groups with 422 listing them, on create, update and import', async () => {
    const council = await setUpCouncil(t, { clientGroups: ['older-people'] });
    // Allowed: the scheme's learning-disability and the setting's older-people.
    const allowed = ['learning-disability', 'older-people'];
    const refused = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'carers' } });
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused)).toMatchObject({
      code: 'INVALID_INPUT',
      allowed,
      errors: [{ pointer: '/clientGroup', detail: 'is not one of the council’s client groups: learning-disability, older-people' }],
    });
    const person = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'older-people' } });
    expect(person.statusCode).toBe(201);
    const update = await t.call('PATCH', `/v1/people/${person.json().id}`, {
      key: council.keys.admin,
      headers: { 'if-match': person.headers.etag as string },
      body: { clientGroup: 'mental-health' },
    });
    expect(update.statusCode).toBe(422);
    expect(problemOf(update).allowed).toEqual(allowed);

    const file = ['system,externalId,clientGroup,displayName,dateOfBirth', 'carefirst,G-1,older-people,,', 'carefirst,G-2,carers,,'].join(
      '\n',
    );
    const report = (await csvImport(council.keys.admin, file)).json();
    expect(report).toMatchObject({ total: 2, created: 1, failed: 1 });
    expect(report.errors).toEqual([
      { line: 3, pointer: '/line/3/clientGroup', detail: 'is not one of the council’s client groups: learning-disability, older-people' },
    ]);
    const strict = await csvImport(council.keys.admin, file, 'all-or-nothing');
    expect(strict.statusCode).toBe(422);
    // The same items in the 422 as in the best-effort report.
    expect(problemOf(strict).errors).toEqual(report.errors);

    // A new scheme's client groups count at once.
    const scheme = await t.call('POST', '/v1/allocation-schemes', {
      key: council.keys.admin,
      body: {
        key: 'carers',
        questionnaireId: council.questionnaireId,
        clientGroups: ['carers'],
        effectiveFrom: '2026-04-01',
        method: { type: 'linear', poundsPerPointPence: 10_000 },
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(scheme.statusCode, scheme.body).toBe(201);
    expect((await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'carers' } })).statusCode).toBe(201);
  });

  it('accepts any group in a council that has neither schemes nor a list yet', async () => {
    const council = await t.council();
    expect((await t.call('POST', '/v1/people', { key: council.adminKey, body: { clientGroup: 'anything' } })).statusCode).toBe(201);
  });
});

describe('the summary report', () => {
  it('covers the current financial year (1 April to 31 March) when no period is given', async () => {
    const council = await setUpCouncil(t);
    const report = (await t.call('GET', '/v1/reports/summary', { key: council.keys.auditor })).json();
    expect(report.period).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    const fromOnly = (await t.call('GET', '/v1/reports/summary?from=2027-04-01', { key: council.keys.auditor })).json();
    expect(fromOnly.period).toEqual({ from: '2027-04-01', to: '2028-03-31' });
    const toOnly = (await t.call('GET', '/v1/reports/summary?to=2026-03-31', { key: council.keys.auditor })).json();
    expect(toOnly.period).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(financialYear('2027-03-31')).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    expect(financialYear('2027-04-01')).toEqual({ from: '2027-04-01', to: '2028-03-31' });
  });
});

describe('lists', () => {
  it('page webhooks, self-rating rounds and financial assessments with pageSize and pageToken like every list', async () => {
    const council = await setUpCouncil(t);
    const key = council.keys.admin;
    for (const n of [1, 2, 3]) {
      await t.call('POST', '/v1/webhooks', { key, body: { url: `http://127.0.0.1:9/hook-${n}` } });
      await t.call('POST', '/v1/self-rating-rounds', {
        key,
        body: { roundKey: `round-${n}`, title: `Round ${n}`, closesOn: `2027-0${4 - n}-01` },
      });
    }
    const person = (await t.call('POST', '/v1/people', { key, body: { clientGroup: 'older-people' } })).json();
    for (const date of ['2026-06-01', '2025-06-01', '2026-01-01']) {
      await t.call('POST', `/v1/people/${person.id}/financial-assessments`, {
        key: council.keys.finance,
        body: { effectiveFrom: date, weeklyContributionPence: 1_000 },
      });
    }
    async function all(url: string, apiKey: string) {
      const seen: Record<string, unknown>[] = [];
      let token: string | null = null;
      do {
        const response = await t.call('GET', `${url}?pageSize=2${token ? `&pageToken=${token}` : ''}`, { key: apiKey });
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json() as { items: Record<string, unknown>[]; nextPageToken: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        token = page.nextPageToken;
      } while (token);
      return seen;
    }
    expect((await all('/v1/webhooks', key)).map((webhook) => webhook.url)).toEqual([
      'http://127.0.0.1:9/hook-1',
      'http://127.0.0.1:9/hook-2',
      'http://127.0.0.1:9/hook-3',
    ]);
    expect((await all('/v1/self-rating-rounds', key)).map((round) => round.roundKey)).toEqual(['round-3', 'round-2', 'round-1']);
    expect((await all(`/v1/people/${person.id}/financial-assessments`, council.keys.finance)).map((fa) => fa.effectiveFrom)).toEqual([
      '2025-06-01',
      '2026-01-01',
      '2026-06-01',
    ]);
    const bad = await t.call('GET', '/v1/webhooks?pageToken=nonsense', { key });
    expect(problemOf(bad).code).toBe('INVALID_PAGE_TOKEN');
  });
});

describe('the public transparency record', () => {
  it('serves a published scheme’s ATRS record without a key, as JSON and HTML, and 404s everything else', async () => {
    const council = await setUpCouncil(t);
    const url = `/v1/public/councils/${council.id}/allocation-schemes/${council.schemeId}/transparency-record`;
    // Not published yet: as absent as a scheme that does not exist.
    expect((await t.call('GET', url)).statusCode).toBe(404);
    const read = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const published = await t.call('PATCH', '/v1/council', {
      key: council.keys.admin,
      headers: { 'if-match': read.headers.etag as string },
      body: {
        settings: {
          transparency: {
            publishedSchemeIds: [council.schemeId],
            contactEmail: 'ras@example.gov.uk',
            phase: 'production',
            seniorResponsibleOwner: 'Director of Adult Social Services',
            impactAssessments: [{ name: 'Equalities Impact Assessment 2026', completedOn: '2026-03-01' }],
          },
        },
      },
    });
    expect(published.statusCode, published.body).toBe(200);
    const record = await t.call('GET', url);
    expect(record.statusCode, record.body).toBe(200);
    expect(record.headers['cache-control']).toBe('public, max-age=300');
    // JSON or HTML by Accept: a shared cache must keep them apart.
    expect(record.headers.vary).toBe('accept');
    const body = record.json();
    expect(body).toMatchObject({
      standard: 'UK Algorithmic Transparency Recording Standard',
      schemeId: council.schemeId,
      tier1: { contactEmail: 'ras@example.gov.uk', phase: 'production', function: 'Adult social care: personal budgets' },
    });
    expect(body.tier1.whatItDoes).toContain('learning-disability');
    expect(body.tier2.ownerAndResponsibility.paragraphs).toContain('Senior responsible owner: Director of Adult Social Services.');
    expect(body.tier2.decisionMakingProcess.paragraphs.join(' ')).toContain('Resource Allocation Panel');
    // The maths is the scheme's own description: £250 a point.
    expect(JSON.stringify(body.tier2.toolSpecification.maths)).toContain('£250.00');
    expect(body.tier2.risksMitigationsAndImpactAssessments.impactAssessments).toEqual([
      { name: 'Equalities Impact Assessment 2026', completedOn: '2026-03-01', link: null },
    ]);
    expect(body.tier2.risksMitigationsAndImpactAssessments.risks.length).toBeGreaterThan(0);
    const html = await t.call('GET', `${url}?format=html`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Tier 1: overview');
    expect(html.body).toContain('Tier 2: detail');
    // Another council's id, or a scheme of this council that is not published, is a 404.
    const other = await setUpCouncil(t);
    expect(
      (await t.call('GET', `/v1/public/councils/${other.id}/allocation-schemes/${council.schemeId}/transparency-record`)).statusCode,
    ).toBe(404);
    expect(
      (await t.call('GET', `/v1/public/councils/${council.id}/allocation-schemes/${other.schemeId}/transparency-record`)).statusCode,
    ).toBe(404);
  });

  it('takes only http(s) links into the record, 422 naming the field, and never publishes another kind (issue 28)', async () => {
    // Found by issue 28's review: `javascript:` links were accepted into the public record (they
    // are valid URIs), and a council website showing the record would run them.
    const council = await setUpCouncil(t);
    const transparency = {
      publishedSchemeIds: [council.schemeId],
      contactEmail: 'ras@example.gov.uk',
      website: 'javascript:alert(document.cookie)',
      impactAssessments: [
        { name: 'Equalities Impact Assessment 2026', link: 'https://example.gov.uk/eia-2026.pdf' },
        { name: 'DPIA', link: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==' },
      ],
    };
    const read = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const refused = await t.call('PATCH', '/v1/council', {
      key: council.keys.admin,
      headers: { 'if-match': read.headers.etag as string },
      body: { settings: { transparency } },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(problemOf(refused).errors).toEqual([
      { pointer: '/settings/transparency/website', detail: 'must be an http or https URL' },
      { pointer: '/settings/transparency/impactAssessments/1/link', detail: 'must be an http or https URL' },
    ]);
    const created = await t.call('POST', '/v1/councils', {
      key: BOOTSTRAP_TOKEN,
      body: { name: `Links ${Date.now()}`, settings: { transparency: { ...transparency, publishedSchemeIds: [] } } },
    });
    expect(created.statusCode).toBe(422);
    // A link stored before the check is left out of what is published.
    await sql`update councils set settings = jsonb_set(settings, '{transparency}', ${JSON.stringify(transparency)}::jsonb, true)
               where id = ${council.id}`.execute(t.database.db);
    const record = await t.call('GET', `/v1/public/councils/${council.id}/allocation-schemes/${council.schemeId}/transparency-record`);
    expect(record.statusCode, record.body).toBe(200);
    expect(record.json().tier1.website).toBeNull();
    expect(record.json().tier2.risksMitigationsAndImpactAssessments.impactAssessments.map((a: { link: string | null }) => a.link)).toEqual([
      'https://example.gov.uk/eia-2026.pdf',
      null,
    ]);
    expect(record.body).not.toContain('javascript:');
  });
});

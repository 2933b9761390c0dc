import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

/** 32 points: care capped at 20, getting out 12. At £250 a point, £8,000: above the £7,500 ceiling. */
const ANSWERS_32 = { washing: 'lots', aids: ['hoist', 'rail'], out: 'never' };

/**
 * The seeded caseload, worked by hand below. Everyone is in learning disability; 25 points is
 * £6,250.00. People 5 and 6 score 32 points (£8,000.00, above the ceiling) and the panel agrees
 * £7,600.00 instead. People 1 and 2 appeal their budget.
 */
const CASELOAD: { sex?: string; ethnicity?: string; dateOfBirth?: string; psr?: string; high?: boolean; appeal?: boolean }[] = [
  { sex: 'female', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability', appeal: true },
  { sex: 'female', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability', appeal: true },
  { sex: 'female', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability' },
  { sex: 'female', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability' },
  { sex: 'female', ethnicity: 'asian-indian', dateOfBirth: '1950-01-01', psr: 'learning-disability', high: true },
  { sex: 'female', ethnicity: 'asian-indian', dateOfBirth: '1950-01-01', psr: 'learning-disability', high: true },
  { sex: 'male', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability' },
  { sex: 'male', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability' },
  { sex: 'male', ethnicity: 'white-british', dateOfBirth: '1990-06-01', psr: 'learning-disability' },
  { sex: 'male', ethnicity: 'asian-indian', dateOfBirth: '1950-01-01', psr: 'learning-disability' },
  { sex: 'male', ethnicity: 'asian-indian', dateOfBirth: '1950-01-01', psr: 'learning-disability' },
  { sex: 'prefer-not-to-say', ethnicity: 'asian-indian' },
  { sex: 'prefer-not-to-say', ethnicity: 'asian-indian' },
  { dateOfBirth: '1990-06-01' },
];

const personIds: string[] = [];

async function record(key: string, personId: string, body: Record<string, unknown>, version = 0) {
  return t.call('PATCH', `/v1/people/${personId}/equality-monitoring`, { key, headers: { 'if-match': `"${version}"` }, body });
}

/** A clock the test moves: budgets are agreed in August 2026, and reported once that financial year has ended. */
let now = new Date('2026-08-15T12:00:00Z');
const clock = { now: () => new Date(now), today: () => now.toISOString().slice(0, 10) };

beforeAll(async () => {
  t = await createTestApp({ clock });
  council = await setUpCouncil(t, {}, { ceilingPence: 750_000 });
  for (const person of CASELOAD) {
    const { personId, budgetId } = await agreedBudget(t, council, {
      ...(person.high
        ? {
            person: { answers: ANSWERS_32 },
            panel: { panelAmount: { annualPence: 760_000, reasons: 'The night support costs less than the RAS figure' } },
          }
        : {}),
    });
    personIds.push(personId);
    if (person.dateOfBirth) {
      const current = await t.call('GET', `/v1/people/${personId}`, { key: council.keys.assessor });
      const patched = await t.call('PATCH', `/v1/people/${personId}`, {
        key: council.keys.assessor,
        headers: { 'if-match': current.headers.etag as string },
        body: { dateOfBirth: person.dateOfBirth },
      });
      expect(patched.statusCode, patched.body).toBe(200);
    }
    if (person.sex || person.ethnicity || person.psr) {
      const recorded = await record(council.keys.assessor, personId, {
        ...(person.sex ? { sex: person.sex } : {}),
        ...(person.ethnicity ? { ethnicity: person.ethnicity } : {}),
        ...(person.psr ? { primarySupportReason: person.psr } : {}),
      });
      expect(recorded.statusCode, recorded.body).toBe(200);
    }
    if (person.appeal) {
      const appeal = await t.call('POST', '/v1/appeals', {
        key: council.keys.assessor,
        body: { subject: 'budget', budgetId, reason: 'My night-time needs are not counted' },
      });
      expect(appeal.statusCode, appeal.body).toBe(201);
    }
  }
  // The year 2026/27 ends on 31 March 2027; the report can be had from 1 April.
  now = new Date('2027-04-10T12:00:00Z');
});
afterAll(() => t.close());

describe('equality monitoring', () => {
  it('is read only by admin, auditor and the person’s own portal, tells "prefer not to say" from unknown, and audits every read', async () => {
    const [first] = personIds as [string];
    const url = `/v1/people/${first}/equality-monitoring`;
    const read = await t.call('GET', url, { key: council.keys.auditor });
    expect(read.statusCode, read.body).toBe(200);
    // Born 1 June 1990: 36 on 10 April 2027.
    expect(read.json()).toMatchObject({
      recorded: true,
      sex: 'female',
      ethnicity: 'white-british',
      ethnicGroup: 'white',
      religion: null,
      primarySupportReason: 'learning-disability',
      version: 1,
    });
    expect(read.json().ageBand).toBe('35-44');
    for (const key of [council.keys.assessor, council.keys.finance, council.keys.panel, council.keys.teamManager])
      expect((await t.call('GET', url, { key })).statusCode).toBe(403);
    const other = await setUpCouncil(t);
    expect((await t.call('GET', url, { key: other.keys.admin })).statusCode).toBe(404);

    // Prefer not to say is an answer; a field left out is unknown.
    const twelfth = personIds[11] as string;
    const pnts = (await t.call('GET', `/v1/people/${twelfth}/equality-monitoring`, { key: council.keys.admin })).json();
    expect(pnts).toMatchObject({ sex: 'prefer-not-to-say', religion: null, sexualOrientation: null });
    const unknown = (await t.call('GET', `/v1/people/${personIds[13]}/equality-monitoring`, { key: council.keys.admin })).json();
    expect(unknown).toMatchObject({ recorded: false, sex: null, version: 0 });

    // A stale version is refused; a bad category names its field.
    expect((await record(council.keys.admin, twelfth, { sex: 'male' }, 0)).statusCode).toBe(412);
    // A field left out keeps its answer; null makes it unknown again.
    // An assessor records, and gets a receipt without the answers (it may not read them, issue 28).
    const changed = await record(council.keys.assessor, twelfth, { religion: 'sikh' }, 1);
    expect(changed.json()).toEqual({ personId: twelfth, recorded: true, version: 2, updatedAt: expect.any(String) });
    const readBack = async () => (await t.call('GET', `/v1/people/${twelfth}/equality-monitoring`, { key: council.keys.admin })).json();
    expect(await readBack()).toMatchObject({ sex: 'prefer-not-to-say', ethnicity: 'asian-indian', religion: 'sikh', version: 2 });
    const cleared = await record(council.keys.admin, twelfth, { religion: null }, 2);
    expect(cleared.json()).toMatchObject({ sex: 'prefer-not-to-say', religion: null, version: 3 });
    const bad = await record(council.keys.admin, twelfth, { ethnicity: 'martian' }, 3);
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(problemOf(bad))).toContain('ethnicity');

    // Every read is in the audit log, with who read it; the audit log never holds the answers.
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'after'])
      .where('entity_id', '=', first)
      .where('action', 'like', 'equality-monitoring.%')
      .orderBy('at')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['equality-monitoring.recorded', 'equality-monitoring.read']);
    expect(JSON.stringify(audit)).not.toContain('white-british');
    // And no event carries it to a webhook.
    const events = await t.database.db.selectFrom('events').select('type').where('type', 'like', 'equality%').execute();
    expect(events).toEqual([]);
  });

  it('lets a portal write and read back only its own people', async () => {
    const portal = council.keys.portal;
    const own = await t.call('POST', '/v1/people', { key: portal, body: { clientGroup: 'learning-disability' } });
    const ownId = own.json().id as string;
    const written = await record(portal, ownId, { sex: 'male', religion: 'no-religion', sexualOrientation: 'prefer-not-to-say' });
    expect(written.statusCode, written.body).toBe(200);
    expect((await t.call('GET', `/v1/people/${ownId}/equality-monitoring`, { key: portal })).json()).toMatchObject({
      religion: 'no-religion',
      sexualOrientation: 'prefer-not-to-say',
    });
    expect((await t.call('GET', `/v1/people/${personIds[0]}/equality-monitoring`, { key: portal })).statusCode).toBe(404);
    expect((await record(portal, personIds[0] as string, { sex: 'male' }, 1)).statusCode).toBe(404);
  });

  it('is in an export only when an admin asks for it', async () => {
    const plain = await t.call('GET', '/v1/exports/people?format=csv', { key: council.keys.admin });
    expect(plain.body.split('\r\n')[0]).not.toContain('ethnicity');
    const asked = await t.call('GET', '/v1/exports/people?format=csv&includeEquality=true', { key: council.keys.admin });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.body.split('\r\n')[0]).toBe(
      'id,externalIds,clientGroup,displayName,dateOfBirth,createdAt,updatedAt,sex,ethnicity,religion,sexualOrientation,primarySupportReason',
    );
    expect(asked.body).toContain('white-british');
    const integration = await t.key(council.keys.admin, ['integration']);
    expect((await t.call('GET', '/v1/exports/people?includeEquality=true', { key: integration })).statusCode).toBe(403);
    expect((await t.call('GET', '/v1/exports/people?includeEquality=true', { key: council.keys.auditor })).statusCode).toBe(403);
    const budgets = await t.call('GET', '/v1/exports/budgets?includeEquality=true', { key: council.keys.admin });
    expect(problemOf(budgets).errors?.[0]?.pointer).toBe('/includeEquality');
    const exported = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('council_id', '=', council.id)
      .where('action', '=', 'equality-monitoring.exported')
      .execute();
    expect(exported).toHaveLength(1);
  });
});

describe('the fairness report', () => {
  /**
   * Each budget's record key, fixed by the person's place in the caseload, so the noise (which
   * the keys choose) is the same on every run and on both databases; in service the database draws them.
   */
  beforeAll(async () => {
    for (const [index, personId] of personIds.entries())
      await sql`update budgets set record_key = ${((index + 1) * 97_654_321) % 2_147_483_647} where person_id = ${personId}`.execute(
        t.database.db,
      );
  });
  /** A figure the disclosure control moved: within 15% of what it was worked out by hand to be. */
  const near = (published: number, byHand: number) => expect(Math.abs(published - byHand)).toBeLessThanOrEqual(Math.abs(byHand) * 0.15);
  /** A count the disclosure control moved: within 2. */
  const about = (published: number, byHand: number) => expect(Math.abs(published - byHand)).toBeLessThanOrEqual(2);

  it('gives each group’s figures with counts and intervals, worked by hand and protected by cell-key perturbation', async () => {
    const response = await t.call('GET', '/v1/reports/fairness', { key: council.keys.auditor });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    const dimension = (name: string) => report.dimensions.find((d: { dimension: string }) => d.dimension === name);
    const group = (name: string, key: string | null) => dimension(name).groups.find((g: { key: string | null }) => g.key === key);

    // Everyone: 12 × £6,250.00 + 2 × £7,600.00 = £90,200.00 over 14 people = £6,442.857…; every
    // total is moved by at most 15% of its finest cells' largest amounts, so at most 15% of itself.
    about(report.everyone.people, 14);
    near(report.everyone.budgetPerPersonPence.value, 644_286);
    about(report.everyone.budgetPerPersonPence.count, 14);
    // Money per point: £90,200.00 over 12 × 25 + 2 × 32 = 364 points = £247.80, both totals moved.
    expect(report.everyone.moneyPerPointPence.value).toBeGreaterThanOrEqual(Math.floor((24_780 * 0.85) / 1.15));
    expect(report.everyone.moneyPerPointPence.value).toBeLessThanOrEqual(Math.ceil((24_780 * 1.15) / 0.85));
    // The panel moved 2 of 14; both counts move by up to 2, and the exact interval is over them.
    about(report.everyone.panelMoved.events, 2);
    about(report.everyone.panelMoved.count, 14);
    expect(report.everyone.panelMoved.low).toBeLessThanOrEqual(report.everyone.panelMoved.value);
    // How far it moved them (−£400.00 each) is a figure about 2 people: not shown.
    expect(report.everyone.panelShiftPence).toBeNull();
    about(report.everyone.ceilingReferrals.events, 2);
    about(report.everyone.appeals.events, 2);
    // No review is done: zeros stay zero.
    expect(report.everyone.clawback).toMatchObject({ events: 0, count: 0 });
    expect(report.period).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    // Intervals hold their figure.
    const b = report.everyone.budgetPerPersonPence;
    expect(b.low).toBeLessThanOrEqual(b.value);
    expect(b.high).toBeGreaterThanOrEqual(b.value);

    // Women: (4 × £6,250.00 + 2 × £7,600.00) ÷ 6 = £6,700.00.
    const women = group('sex', 'female');
    expect(women).toMatchObject({ label: 'Female', suppressed: false });
    near(women.figures.budgetPerPersonPence.value, 670_000);
    about(women.figures.people, 6);
    expect(women.figures.panelShiftPence).toBeNull();
    // Men (5) are shown: nothing needs hiding beside a small group now that no subtraction pins anyone.
    near(group('sex', 'male').figures.budgetPerPersonPence.value, 625_000);
    // Prefer not to say (2) and not known (1) are under 5: not shown.
    expect(group('sex', 'prefer-not-to-say')).toEqual({
      key: 'prefer-not-to-say',
      label: 'Prefer not to say',
      suppressed: true,
      figures: null,
    });
    expect(group('sex', null)).toMatchObject({ label: 'Not known', suppressed: true, figures: null });

    // Ethnic group: White 7, all £6,250.00. Found in review: resampling people gave an interval of
    // no width, which told a reader every budget in the group is the same (and so each one). The
    // interval resamples the finest cells' perturbed totals, and says nothing of the kind.
    const white = group('ethnicGroup', 'white').figures.budgetPerPersonPence;
    near(white.value, 625_000);
    expect(white.low).toBeLessThan(white.value);
    expect(white.high).toBeGreaterThan(white.value);
    expect(group('ethnicGroup', null).suppressed).toBe(true);
    // Age band on the budget's start date (1 May 2026): 35–44 is 8 people; 75–84 (4) and not known (2) are not shown.
    about(group('ageBand', '35-44').figures.people, 8);
    expect(group('ageBand', '75-84').suppressed).toBe(true);
    expect(group('ageBand', null).suppressed).toBe(true);
    expect(group('clientGroup', 'learning-disability').figures).toEqual(report.everyone);
    expect(report.method).toMatchObject({
      threshold: 5,
      rates: 'exact Clopper–Pearson',
      money: 'percentile bootstrap',
      resamples: 1_000,
      disclosureControl: { name: 'cell-key perturbation', countNoiseAtMost: 2, magnitudeSharePercent: 15, topContributors: 4 },
    });
    expect(report.limits[0]).toContain(`about ${report.everyone.people} budgets agreed`);
    expect(report.limits.join(' ')).toContain('cell-key perturbation');
    // The same caseload gives the same figures: asking again averages nothing away.
    expect((await t.call('GET', '/v1/reports/fairness', { key: council.keys.auditor })).json()).toEqual(report);
  });

  it('no longer gives a person’s budget, or a hidden group’s mean, by subtracting one grouping from another (issue 28)', async () => {
    // Found by issue 28's review: one grouping minus an overlapping one gave one person's budget to
    // within 2p, and everyone minus the groups shown gave a hidden group's mean to within £0.01.
    const report = (await t.call('GET', '/v1/reports/fairness', { key: council.keys.auditor })).json();
    const figures = (name: string, key: string | null) =>
      report.dimensions.find((d: { dimension: string }) => d.dimension === name).groups.find((g: { key: string | null }) => g.key === key)
        .figures;
    const total = (f: { budgetPerPersonPence: { value: number } }, people: number) => f.budgetPerPersonPence.value * people;
    // Aged 35–44 (8) minus White (7) is person 14 alone (born 1990, ethnicity not recorded): £6,250.00.
    const fourteenth = total(figures('ageBand', '35-44'), 8) - total(figures('ethnicGroup', 'white'), 7);
    expect(Math.abs(fourteenth - 625_000)).toBeGreaterThan(100);
    // Everyone (14) minus women (6) and men (5) is the 3 people whose sex is hidden: £6,250.00 each.
    const hidden = (total(report.everyone, 14) - total(figures('sex', 'female'), 6) - total(figures('sex', 'male'), 5)) / 3;
    expect(Math.abs(hidden - 625_000)).toBeGreaterThan(100);
    // And what the subtraction gives stays inside what the noise allows: the published totals are
    // each within 15% of their finest cells' amounts, so nothing narrower can be claimed.
    expect(Math.abs(fourteenth - 625_000)).toBeLessThanOrEqual(0.15 * (8 + 7) * 625_000);
  });

  it('answers as CSV with suppressed rows empty, and as an HTML page with charts and the method in words', async () => {
    const csv = await t.call('GET', '/v1/reports/fairness?format=csv', { key: council.keys.finance });
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toMatch(/^dimension,group,label,suppressed,people,budgetPerPersonPence,/);
    expect(rows.find((row) => row.startsWith('sex,not-known,'))).toMatch(/^sex,not-known,Not known,true,,,,/);
    // The same figures in every format.
    const json = (await t.call('GET', '/v1/reports/fairness', { key: council.keys.finance })).json();
    const female = json.dimensions
      .find((d: { dimension: string }) => d.dimension === 'sex')
      .groups.find((g: { key: string }) => g.key === 'female');
    expect(rows.find((row) => row.startsWith('sex,female,'))).toContain(
      `Female,false,${female.figures.people},${female.figures.budgetPerPersonPence.value},`,
    );
    expect(rows.at(-1)).toContain(`everyone,everyone,Everyone,false,${json.everyone.people},${json.everyone.budgetPerPersonPence.value},`);

    const html = await t.call('GET', '/v1/reports/fairness', { key: council.keys.finance, headers: { accept: 'text/html' } });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('What this report can and cannot show');
    expect(html.body).toContain('How the figures protect the people in them');
    expect(html.body).toContain('cell-key perturbation');
    expect(html.body).toContain('<svg');
    expect(html.body).toContain('Not shown: fewer than 5 people');
    // A portal key gets no council-wide figures.
    expect((await t.call('GET', '/v1/reports/fairness', { key: council.keys.portal })).statusCode).toBe(403);
  });

  it('covers only whole financial years that have ended, so two reports cannot be subtracted', async () => {
    const ask = (query: string) => t.call('GET', `/v1/reports/fairness?${query}`, { key: council.keys.finance });
    expect((await ask('from=2026-04-01&to=2027-03-31')).statusCode).toBe(200);
    expect((await ask('from=2026-04-01')).json().period).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    // A quarter, or a day off the year, would let a reader subtract two reports.
    expect(problemOf(await ask('from=2026-07-01&to=2026-09-30')).errors?.[0]?.pointer).toBe('/query/from');
    expect(problemOf(await ask('from=2026-04-01&to=2027-03-30')).errors?.[0]?.pointer).toBe('/query/to');
    // The year still running (2027/28 on 10 April 2027) cannot be reported yet.
    expect(problemOf(await ask('from=2027-04-01')).errors?.[0]?.pointer).toBe('/query/from');
  });
});

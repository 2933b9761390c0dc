// ASCOF 3D: a council-managed personal budget counts as self-directed support.
// Issue 11's figures, worked by hand in the comments and asserted over HTTP; each case keeps
// the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpCouncil } from './helpers/council-setup.js';
import { AFTER_THE_FIRST_YEAR, agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock: AFTER_THE_FIRST_YEAR });
});
afterAll(() => t.close());

describe('ASCOF 3D (issue 11, case 2) counts a council-managed personal budget as self-directed support', () => {
  it('gives six on direct payments and four all council-arranged 100% (part 1a) and 60% (part 2a), and each person in the CLD export', async () => {
    const c = await setUpCouncil(t);
    const line = (managedBy: string) => ({ ...PLAN.lines[0], costType: 'annual', amountPence: 100_000, managedBy });
    const dp = [];
    for (let i = 0; i < 6; i++) dp.push(await agreedBudget(t, c, { plan: { ...PLAN, lines: [line('direct-payment')] } }));
    const arranged = [];
    for (let i = 0; i < 4; i++) arranged.push(await agreedBudget(t, c, { plan: { ...PLAN, lines: [line('council-arranged')] } }));
    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: c.keys.auditor })).json();
    // Part 1a: (6 + 0 + 4) ÷ 10 = 100.0%. Part 2a: (6 + 0) ÷ 10 = 60.0%.
    expect(report.selfDirectedSupport).toMatchObject({ numerator: 10, denominator: 10, percent: 100 });
    expect(report.directPayments).toMatchObject({ numerator: 6, denominator: 10, percent: 60 });
    const integration = await t.key(c.keys.admin, ['integration']);
    const cld = (await t.call('GET', '/v1/exports/client-level-data', { key: integration })).body
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect(cld).toHaveLength(10);
    const byMechanism = (mechanism: string) => cld.filter((r: { Delivery_Mechanism: string }) => r.Delivery_Mechanism === mechanism);
    expect(byMechanism('Direct Payment')).toHaveLength(6);
    expect(byMechanism('CASSR Managed Personal Budget')).toHaveLength(4);
    expect(cld.every((r: { ASCOF_3D_Self_Directed_Support: string }) => r.ASCOF_3D_Self_Directed_Support === 'Y')).toBe(true);
    expect(cld.filter((r: { ASCOF_3D_Direct_Payment: string }) => r.ASCOF_3D_Direct_Payment === 'Y')).toHaveLength(6);
  });
});

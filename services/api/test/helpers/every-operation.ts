import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ANSWERS_25, directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './council-setup.js';
import { SMALL_QUESTIONNAIRE } from './fixtures.js';
import { approvedPlan, PLAN } from './plan.js';
import { BOOTSTRAP_TOKEN, type TestApp } from './test-app.js';

/**
 * A council in which every operation of the API can be called, and for each operation a recipe:
 * given who calls, the request to make (with whatever it needs made fresh first, by other keys).
 * Tests that must reach every operation (personal-data-answers.test.ts) walk the OpenAPI document
 * and fail on an operation without a recipe, so a new operation is never left out.
 */

export const ROLES = ['admin', 'assessor', 'team-manager', 'panel', 'finance', 'portal', 'integration', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/** Who calls: a key of a role, the operator's bootstrap token, or anyone (no credentials). */
export type Caller = Role | 'operator' | 'anyone';

/** A request to make, and anything to tidy up after it (so the next caller can make the same one). */
export interface Call {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  /** A raw body (NDJSON, CSV) with its content type. */
  readonly payload?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly after?: (response: LightMyRequestResponse) => Promise<void>;
}

export type Recipe = (caller: Caller) => Promise<Call>;

/** The callers an operation admits, from the roles its description lists (public routes: anyone). */
export function callersOf(operation: { operationId: string; description?: string; security?: unknown[] }): Caller[] {
  if (operation.security && operation.security.length === 0) return ['anyone'];
  if (operation.operationId === 'createCouncil') return ['operator'];
  const listed = operation.description?.match(/Roles: ([^.\n]*)/)?.[1];
  if (!listed) throw new Error(`${operation.operationId} lists no roles`);
  return listed.split(',').map((role) => (role.includes('operator') ? 'operator' : (role.trim() as Role)));
}

/** The person whose data the world plants: distinctive values, so an answer carrying them is found. */
export const PLANTED = {
  displayName: 'Zara Quill',
  dateOfBirth: '1962-03-04',
  carefirst: 'CF-ZQ-4417',
  equality: {
    sex: 'female',
    ethnicity: 'asian-bangladeshi',
    religion: 'sikh',
    sexualOrientation: 'bisexual',
    primarySupportReason: 'learning-disability',
  },
} as const;

/** Text that only the planted person's equality monitoring answers carry (their codes and labels). */
export const EQUALITY_MARKERS = ['sikh', 'bisexual', 'bangladeshi'];

export interface World {
  readonly council: SetUpCouncil;
  readonly keyOf: (caller: Caller) => string | null;
  readonly personId: string;
  readonly assessmentId: string;
  readonly budgetId: string;
  readonly planId: string;
  readonly agreementId: string;
  readonly financialAssessmentId: string;
  readonly annualReviewId: string;
  readonly appealId: string;
  readonly paymentRunId: string;
  readonly calibrationId: string;
  readonly upratingRunId: string;
  readonly auditSampleId: string;
  readonly webhookId: string;
  readonly roundId: string;
  readonly roundKey: string;
  readonly chargingPolicyId: string;
  /** Every person the world and its recipes made: an answer naming one names a person. */
  readonly people: Set<string>;
  /** Move the service's clock for one call (the retention run), and back. */
  readonly setToday: (date: string) => void;
}

const TODAY = '2026-12-15';

/**
 * The plan fresh budgets get: no direct-payment line, so a payment run never waits for their
 * direct payment agreement (the world's own budget has one, and its agreement).
 */
// The council arranges it all: no agreement or provider is needed before the run pays it.
const ARRANGED_PLAN = { ...PLAN, lines: PLAN.lines.filter((line) => line.managedBy === 'council-arranged') };

/** The clock the world runs on; recipes move it for one call and put it back. */
export function worldClock() {
  let today = TODAY;
  return {
    clock: { now: () => new Date(`${today}T12:00:00Z`), today: () => today },
    setToday: (date: string) => {
      today = date;
    },
  };
}

async function ok(response: Promise<LightMyRequestResponse> | LightMyRequestResponse): Promise<LightMyRequestResponse> {
  const answered = await response;
  expect(answered.statusCode, answered.body).toBeLessThan(300);
  return answered;
}

/** Builds the world and the recipes. `setToday` moves the test app's clock (see worldClock). */
export async function buildWorld(t: TestApp, setToday: (date: string) => void): Promise<{ world: World; recipes: Record<string, Recipe> }> {
  const council = await setUpCouncil(
    t,
    {
      regionalReportOptIn: true,
      dataProtection: {
        controller: 'Test Borough Council',
        dpoContact: 'dpo@test.example',
        retention: { personRecordYears: 1, auditRecordYears: 1, statutoryMinimumYears: 1 },
      },
    },
    {},
  );
  const integrationKey = await t.key(council.keys.admin, ['integration']);
  const keys: Record<Role, string> = {
    admin: council.keys.admin,
    assessor: council.keys.assessor,
    'team-manager': council.keys.teamManager,
    panel: council.keys.panel,
    finance: council.keys.finance,
    portal: council.keys.portal,
    integration: integrationKey,
    auditor: council.keys.auditor,
  };
  const keyOf = (caller: Caller) => (caller === 'anyone' ? null : caller === 'operator' ? BOOTSTRAP_TOKEN : keys[caller]);
  const people = new Set<string>();
  const as = (role: Role, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    ok(t.call(method, url, { key: keys[role], ...(body === undefined ? {} : { body }), headers }));
  const etagOf = async (url: string) => (await as('admin', 'GET', url)).headers.etag as string;
  let counter = 0;
  const next = () => ++counter;

  // --- Fresh things a recipe makes before its call -------------------------------------------
  /** A person; the portal's own when a portal is to act on them (a portal sees only its own people). */
  const freshPerson = async (caller: Caller, extra: Record<string, unknown> = {}) => {
    const owner: Role = caller === 'portal' ? 'portal' : 'assessor';
    const id = (
      await as(owner, 'POST', '/v1/people', { clientGroup: 'learning-disability', displayName: `Fresh ${next()}`, ...extra })
    ).json().id as string;
    people.add(id);
    return id;
  };
  /** A draft assessment of a fresh person (`person` adds to or replaces their fields). */
  const freshDraft = async (caller: Caller, answers: Record<string, unknown> = {}, person: Record<string, unknown> = {}) => {
    const owner: Role = caller === 'portal' ? 'portal' : 'assessor';
    const personId = await freshPerson(caller, person);
    const draft = await as(owner, 'POST', '/v1/assessments', {
      personId,
      questionnaireId: council.questionnaireId,
      completedWith: ['self'],
      answers,
    });
    return { personId, assessmentId: draft.json().id as string, etag: draft.headers.etag as string };
  };
  const freshAgreedAssessment = async (caller: Caller, person: Record<string, unknown> = {}) => {
    const { personId, assessmentId, etag } = await freshDraft(caller, ANSWERS_25, person);
    const owner: Role = caller === 'portal' ? 'portal' : 'assessor';
    const submitted = await as(owner, 'POST', `/v1/assessments/${assessmentId}/submit`, undefined, { 'if-match': etag });
    await as(
      'assessor',
      'POST',
      `/v1/assessments/${assessmentId}/moderation`,
      { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
      {
        'if-match': submitted.headers.etag as string,
      },
    );
    return { personId, assessmentId };
  };
  const freshBudget = async (caller: Caller, person: Record<string, unknown> = {}) => {
    const { personId, assessmentId } = await freshAgreedAssessment(caller, person);
    await as('finance', 'POST', `/v1/people/${personId}/financial-assessments`, {
      effectiveFrom: '2026-01-01',
      weeklyContributionPence: 0,
    });
    const budget = await as('assessor', 'POST', '/v1/budgets', { assessmentId, startDate: '2026-05-01' });
    return { personId, budgetId: budget.json().id as string };
  };
  /** An agreed budget; with a direct-payment line (and no agreement yet) when asked. */
  const freshAgreedBudget = async (options: { directPaymentLine: boolean }) => {
    const { personId, budgetId } = await freshBudget('assessor');
    await approvedPlan(t, council, budgetId, options.directPaymentLine ? PLAN : ARRANGED_PLAN, { startDate: '2026-05-01' });
    return { personId, budgetId };
  };
  const freshPlan = async (caller: Caller) => {
    const owner: Role = caller === 'portal' ? 'portal' : 'assessor';
    const { budgetId } = await freshBudget(caller);
    const plan = await as(owner, 'POST', '/v1/support-plans', { budgetId, ...ARRANGED_PLAN });
    return { planId: plan.json().id as string, etag: plan.headers.etag as string, budgetId };
  };
  const freshSubmittedPlan = async () => {
    const { planId, etag } = await freshPlan('assessor');
    const submitted = await as('assessor', 'POST', `/v1/support-plans/${planId}/submit`, undefined, { 'if-match': etag });
    return { planId, etag: submitted.headers.etag as string };
  };
  const freshRun = async (runDate: string) => (await as('finance', 'POST', '/v1/payment-runs', { runDate })).json().id as string;
  const cancelRun = async (response: LightMyRequestResponse) => {
    if (response.statusCode < 300) await as('finance', 'POST', `/v1/payment-runs/${response.json().id}/cancel`);
  };

  // --- The planted person's whole story ------------------------------------------------------
  const { personId, assessmentId } = await freshAgreedAssessment('portal', {
    displayName: PLANTED.displayName,
    dateOfBirth: PLANTED.dateOfBirth,
    externalIds: { carefirst: PLANTED.carefirst },
  });
  await as('admin', 'PATCH', `/v1/people/${personId}/equality-monitoring`, PLANTED.equality, { 'if-match': '"0"' });
  const financialAssessmentId = (
    await as('finance', 'POST', `/v1/people/${personId}/financial-assessments`, {
      effectiveFrom: '2026-01-01',
      weeklyContributionPence: 1_000,
    })
  ).json().id as string;
  const budgetId = (await as('assessor', 'POST', '/v1/budgets', { assessmentId, startDate: '2026-05-01' })).json().id as string;
  const planId = await approvedPlan(t, council, budgetId, PLAN, { startDate: '2026-05-01' });
  const agreementId = (await directPaymentAgreement(t, council, budgetId)).id;
  // The provider the plan's individual service fund line names (approvedPlan registered it).
  const providerId = (await as('finance', 'GET', '/v1/providers')).json().items.find((p: { name: string }) => p.name === 'Local supplier')
    .id as string;
  // The plan as it stands, revised without a change: the coordinator agrees it alone.
  const sameContent = async (id: string) => {
    const { outcomes, lines, contingency, risks, budgetHolder, supportManager, healthySafeAndWell } = (
      await as('admin', 'GET', `/v1/support-plans/${id}`)
    ).json();
    return { outcomes, lines, contingency, risks, budgetHolder, supportManager, healthySafeAndWell };
  };
  await as(
    'assessor',
    'POST',
    `/v1/support-plans/${planId}/revisions`,
    { ...(await sameContent(planId)), effectiveFrom: '2026-06-01', reason: 'Same support, new days' },
    { 'if-match': await etagOf(`/v1/support-plans/${planId}`) },
  );
  // Interim support for the planted person in a crisis before their plan: paid once.
  const interimId = (
    await as('assessor', 'POST', '/v1/interim-budgets', {
      personId,
      weeklyPence: 35_000,
      startDate: '2026-03-01',
      endDate: '2026-04-30',
      reason: 'Carer in hospital',
    })
  ).json().id as string;
  await as('finance', 'POST', `/v1/interim-budgets/${interimId}/payments`, { amountPence: 35_000, paidOn: '2026-03-02' });
  /** A fresh person with interim support running. */
  const freshInterim = async () => {
    const { personId: id } = await freshAgreedAssessment('assessor');
    return (
      await as('assessor', 'POST', '/v1/interim-budgets', {
        personId: id,
        weeklyPence: 20_000,
        startDate: '2026-04-01',
        endDate: '2026-04-28',
        reason: 'A crisis',
      })
    ).json().id as string;
  };
  /** A fresh plan with a revision waiting for the team manager (£1,000 more a year, 16% of the budget, needs the chain). */
  const freshPendingRevision = async () => {
    const { budgetId: id } = await freshAgreedBudget({ directPaymentLine: false });
    const plan = (await as('admin', 'GET', `/v1/support-plans?budgetId=${id}&status=approved`)).json().items[0].id as string;
    const content = await sameContent(plan);
    const [first, ...rest] = content.lines;
    await as(
      'assessor',
      'POST',
      `/v1/support-plans/${plan}/revisions`,
      {
        ...content,
        lines: [{ ...first, amountPence: first.amountPence + 100_000 }, ...rest],
        effectiveFrom: '2026-06-01',
        reason: 'Two days a week',
        throughChain: true,
      },
      { 'if-match': await etagOf(`/v1/support-plans/${plan}`) },
    );
    return plan;
  };
  // A carer registered as caring for them, and a return for their direct payment account.
  people.add(
    (
      await as('assessor', 'POST', '/v1/people', { clientGroup: 'older-people', displayName: 'Carer of Zara', caresForPersonId: personId })
    ).json().id,
  );
  await as('finance', 'POST', `/v1/direct-payment-agreements/${agreementId}/returns`, {
    periodFrom: '2026-05-01',
    periodTo: '2026-05-31',
    openingBalancePence: 0,
    moneyInPence: 0,
    moneyOutPence: 0,
    closingBalancePence: 0,
    receipts: [],
  });
  const paymentRunId = await freshRun('2026-06-01');
  await as('finance', 'POST', `/v1/payment-runs/${paymentRunId}/confirm`);
  await as('finance', 'POST', `/v1/budgets/${budgetId}/transactions`, {
    kind: 'spend',
    amountPence: 12_345,
    occurredOn: '2026-06-10',
    category: 'personal-assistant',
  });
  const reviews = (await as('assessor', 'GET', `/v1/reviews?budgetId=${budgetId}`)).json().items as { id: string; kind: string }[];
  const annual = reviews.find((review) => review.kind === 'annual') as { id: string };
  const annualEtag = await etagOf(`/v1/reviews/${annual.id}`);
  await as(
    'assessor',
    'POST',
    `/v1/reviews/${annual.id}/completion`,
    {
      outcomes: PLAN.outcomes.map((outcome) => ({ key: outcome.key, achieved: 'partly' })),
      spentAsPlanned: 'no',
      completedOn: '2026-12-01',
    },
    { 'if-match': annualEtag },
  );
  // A plan the panel approved over budget: the summary report names it among its exceptions.
  const { budgetId: overBudgetId } = await freshBudget('assessor');
  await approvedPlan(
    t,
    council,
    overBudgetId,
    {
      ...ARRANGED_PLAN,
      lines: [...ARRANGED_PLAN.lines, { ...(ARRANGED_PLAN.lines[0] as object), description: 'Night support', amountPence: 900_000 }],
    },
    { startDate: '2026-05-01', panel: { exceptionReason: 'Night support while the family is away' } },
  );
  const appealId = (await as('portal', 'POST', '/v1/appeals', { subject: 'budget', budgetId, reason: 'My night-time needs' })).json()
    .id as string;
  const calibrationId = (
    await as('finance', 'POST', '/v1/calibrations', {
      cases: [
        { ref: PLANTED.carefirst, points: 25, currentAnnualPence: 600_000 },
        { ref: 'CF-OTHER-1', points: 40, currentAnnualPence: 900_000 },
      ],
      topSlicePercent: 10,
    })
  ).json().id as string;
  // An uprating: the scheme's next version from April, a dry run over the agreed budgets.
  const successor = await as('admin', 'POST', '/v1/allocation-schemes', {
    key: 'ld',
    questionnaireId: council.questionnaireId,
    clientGroups: ['learning-disability'],
    effectiveFrom: '2027-04-01',
    method: { type: 'linear', poundsPerPointPence: 26_000 },
    clawback: { type: 'percent', percent: 20 },
  });
  const successorSchemeId = successor.json().id as string;
  const upratingBody = { schemeId: council.schemeId, successorSchemeId };
  const upratingRunId = (await as('finance', 'POST', '/v1/uprating-runs', upratingBody)).json().id as string;
  const auditBody = (seed: string) => ({ periodFrom: '2026-05-01', periodTo: '2026-07-31', percent: 100, seed });
  const auditSampleId = (await as('finance', 'POST', '/v1/direct-payment-audits', auditBody('world'))).json().id as string;
  const webhookId = (
    await as('integration', 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['budget.created'] })
  ).json().id as string;
  const chargingPolicyId = (
    await as('finance', 'POST', '/v1/charging-policies', {
      name: 'Policy 2027/28',
      effectiveFrom: '2027-04-01',
      basedOn: 'england-2025-26',
    })
  ).json().id as string;
  const roundKey = `round-${Date.now()}`;
  const roundId = (await as('admin', 'POST', '/v1/self-rating-rounds', { roundKey, title: 'Round', closesOn: '2099-06-30' })).json()
    .id as string;
  // Publish the scheme's transparency record.
  const councilEtag = await etagOf('/v1/council');
  const settings = (await as('admin', 'GET', '/v1/council')).json().settings;
  await as(
    'admin',
    'PATCH',
    '/v1/council',
    { settings: { ...settings, transparency: { publishedSchemeIds: [council.schemeId], contactEmail: 'ras@test.example' } } },
    { 'if-match': councilEtag },
  );

  const world: World = {
    council,
    keyOf,
    personId,
    assessmentId,
    budgetId,
    planId,
    agreementId,
    financialAssessmentId,
    annualReviewId: annual.id,
    appealId,
    paymentRunId,
    calibrationId,
    upratingRunId,
    auditSampleId,
    webhookId,
    roundId,
    roundKey,
    chargingPolicyId,
    people,
    setToday,
  };

  const get =
    (url: string): Recipe =>
    async () => ({ method: 'GET', url });
  const schemeBody = () => ({
    key: `scheme-${next()}`,
    questionnaireId: council.questionnaireId,
    clientGroups: ['older-people'],
    effectiveFrom: '2026-01-01',
    method: { type: 'linear', poundsPerPointPence: 20_000 },
    clawback: { type: 'percent', percent: 20 },
  });
  const withEtag = async (url: string) => ({ 'if-match': await etagOf(url) });

  // An Entra ID tenant of the world's own: no other council trusts its issuer and audience.
  const identityProviderBody = {
    issuer: `https://login.microsoftonline.com/${randomUUID()}/v2.0`,
    audience: 'api://ras',
    roleMap: { 'RAS.Assessor': ['assessor'] },
  };
  const identityProviderPrecondition = async (): Promise<Record<string, string>> => {
    // Not through `as`: before the first setIdentityProvider there is none (404).
    const current = await t.call('GET', '/v1/identity-provider', { key: keys.admin });
    return current.statusCode === 200 ? { 'if-match': String(current.headers.etag) } : {};
  };
  const trustIdentityProvider = async () => {
    const set = await as('admin', 'PUT', '/v1/identity-provider', identityProviderBody, await identityProviderPrecondition());
    if (set.statusCode >= 300) throw new Error(`setIdentityProvider: ${set.statusCode} ${set.body}`);
  };

  /**
   * A job the caller started (what each role may start: an export, an import, a desktop
   * exercise), and, unless held, run to its end; a held one waits, the app's runner stopped.
   */
  const jobOf = async (caller: Caller, options: { held?: boolean; export?: boolean } = {}): Promise<string> => {
    const role: Role = caller === 'auditor' || caller === 'integration' || caller === 'finance' ? caller : 'admin';
    if (options.held) await t.app.jobs.stop();
    const prefer = { prefer: 'respond-async' };
    const accepted =
      role === 'auditor' || options.export
        ? await as(role, 'GET', `/v1/people/${personId}/record`, undefined, prefer)
        : role === 'integration'
          ? await ok(
              t.app.inject({
                method: 'POST',
                url: '/v1/imports/people',
                headers: { authorization: `Bearer ${keys.integration}`, 'content-type': 'text/csv', ...prefer },
                payload: `system,externalId,clientGroup\ncarefirst,JOB-${next()},learning-disability\n`,
              }),
            )
          : await as(
              role,
              'POST',
              '/v1/calibrations',
              { cases: [{ ref: `J${next()}`, points: 25, currentAnnualPence: 600_000 }], topSlicePercent: 10 },
              prefer,
            );
    const id = accepted.json().id as string;
    for (let i = 0; !options.held && i < 400; i++) {
      if (!['queued', 'running'].includes((await as(role, 'GET', `/v1/jobs/${id}`)).json().status)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return id;
  };

  const recipes: Record<string, Recipe> = {
    // Operations
    getHealth: get('/health'),
    getReadiness: get('/ready'),
    getVersion: get('/version'),
    // Platform
    createCouncil: async () => ({ method: 'POST', url: '/v1/councils', body: { name: `Council ${next()} ${Date.now()}` } }),
    getCouncil: get('/v1/council'),
    updateCouncil: async () => ({
      method: 'PATCH',
      url: '/v1/council',
      body: { settings: { firstReviewAfterWeeks: 4 } },
      headers: { ...(await withEtag('/v1/council')), 'content-type': 'application/merge-patch+json' },
    }),
    replaceCouncil: async () => {
      const council = (await as('admin', 'GET', '/v1/council')).json();
      return {
        method: 'PUT',
        url: '/v1/council',
        body: { name: council.name, settings: council.settings },
        headers: await withEtag('/v1/council'),
      };
    },
    createApiKey: async () => ({ method: 'POST', url: '/v1/api-keys', body: { name: `Key ${next()}`, roles: ['auditor'] } }),
    listApiKeys: get('/v1/api-keys'),
    rotateApiKey: async () => {
      const id = (await as('admin', 'POST', '/v1/api-keys', { name: `Rotated ${next()}`, roles: ['auditor'] })).json().id as string;
      return { method: 'POST', url: `/v1/api-keys/${id}/rotation`, body: { previousSecretValidForHours: 1 } };
    },
    setIdentityProvider: async () => ({
      method: 'PUT',
      url: '/v1/identity-provider',
      body: identityProviderBody,
      headers: await identityProviderPrecondition(),
    }),
    getIdentityProvider: async () => {
      await trustIdentityProvider();
      return { method: 'GET', url: '/v1/identity-provider' };
    },
    removeIdentityProvider: async () => {
      await trustIdentityProvider();
      return { method: 'DELETE', url: '/v1/identity-provider' };
    },
    revokeApiKey: async () => {
      const id = (await as('admin', 'POST', '/v1/api-keys', { name: `Spare ${next()}`, roles: ['auditor'] })).json().id as string;
      return { method: 'DELETE', url: `/v1/api-keys/${id}` };
    },
    // Rules
    createQuestionnaire: async () => ({ method: 'POST', url: '/v1/questionnaires', body: { ...SMALL_QUESTIONNAIRE, key: `q-${next()}` } }),
    listQuestionnaires: get('/v1/questionnaires'),
    getQuestionnaire: get(`/v1/questionnaires/${council.questionnaireId}`),
    createAllocationScheme: async () => ({ method: 'POST', url: '/v1/allocation-schemes', body: schemeBody() }),
    listAllocationSchemes: get('/v1/allocation-schemes'),
    getAllocationScheme: get(`/v1/allocation-schemes/${council.schemeId}`),
    describeAllocationScheme: get(`/v1/allocation-schemes/${council.schemeId}/description`),
    runCalibration: async () => ({
      method: 'POST',
      url: '/v1/calibrations',
      body: { cases: [{ ref: PLANTED.carefirst, points: 25, currentAnnualPence: 600_000 }], topSlicePercent: 10 },
    }),
    getCalibration: get(`/v1/calibrations/${calibrationId}`),
    getCalibrationReport: get(`/v1/calibrations/${calibrationId}/report`),
    createUpratingRun: async () => ({ method: 'POST', url: '/v1/uprating-runs', body: upratingBody }),
    getUpratingRun: get(`/v1/uprating-runs/${upratingRunId}`),
    // Applying it moves every agreed budget on: a budget of its own for each call, on a scheme of its own.
    applyUpratingRun: async () => {
      const group = `uprated-${next()}`;
      const settingsNow = (await as('admin', 'GET', '/v1/council')).json().settings;
      await as(
        'admin',
        'PATCH',
        '/v1/council',
        { settings: { ...settingsNow, clientGroups: [...settingsNow.clientGroups, group] } },
        await withEtag('/v1/council'),
      );
      const base = { ...schemeBody(), key: group, clientGroups: [group] };
      const scheme = (await as('admin', 'POST', '/v1/allocation-schemes', base)).json().id as string;
      const next2 = (
        await as('admin', 'POST', '/v1/allocation-schemes', {
          ...base,
          effectiveFrom: '2027-04-01',
          method: { type: 'linear', poundsPerPointPence: 21_000 },
        })
      ).json().id as string;
      const { budgetId: budget } = await freshBudget('assessor', { clientGroup: group });
      await approvedPlan(t, council, budget, ARRANGED_PLAN, {
        startDate: '2026-05-01',
      });
      const run = (await as('finance', 'POST', '/v1/uprating-runs', { schemeId: scheme, successorSchemeId: next2 })).json().id as string;
      return { method: 'POST', url: `/v1/uprating-runs/${run}/apply` };
    },
    // Calculations
    calculateBudget: async () => ({
      method: 'POST',
      url: '/v1/calculations/budget',
      body: { schemeId: council.schemeId, answers: ANSWERS_25 },
    }),
    calculateBudgets: async () => ({
      method: 'POST',
      url: '/v1/calculations/budgets',
      payload: `${JSON.stringify({ ref: 'a', schemeId: council.schemeId, answers: ANSWERS_25 })}\n`,
      contentType: 'application/x-ndjson',
    }),
    calculateContribution: async () => ({
      method: 'POST',
      url: '/v1/calculations/contribution',
      body: {
        weeklyIncomePence: 30_000,
        capitalPence: 1_000_000,
        weeklyHousingCostsPence: 5_000,
        weeklyDisabilityRelatedExpenditurePence: 2_000,
        weeklyMinimumIncomeGuaranteePence: 15_185,
        weeklyCostOfCarePence: 40_000,
      },
    }),
    calculateClawback: async () => ({
      method: 'POST',
      url: '/v1/calculations/clawback',
      body: { annualPence: 1_000_000, councilPaidPence: 1_000_000, spentPence: 600_000, clawback: { type: 'percent', percent: 20 } },
    }),
    // People
    createPerson: async () => ({
      method: 'POST',
      url: '/v1/people',
      body: { clientGroup: 'learning-disability', displayName: `Created ${next()}` },
      after: async (response) => {
        if (response.statusCode < 300) people.add(response.json().id);
      },
    }),
    listPeople: get('/v1/people?pageSize=200'),
    getPerson: get(`/v1/people/${personId}`),
    updatePerson: async (caller) => {
      const id = await freshPerson(caller);
      return {
        method: 'PATCH',
        url: `/v1/people/${id}`,
        body: { displayName: `Renamed ${next()}` },
        headers: await withEtag(`/v1/people/${id}`),
      };
    },
    getEqualityMonitoring: get(`/v1/people/${personId}/equality-monitoring`),
    recordEqualityMonitoring: async (caller) => {
      const id = await freshPerson(caller);
      return { method: 'PATCH', url: `/v1/people/${id}/equality-monitoring`, body: PLANTED.equality, headers: { 'if-match': '"0"' } };
    },
    // Assessments
    createAssessment: async (caller) => ({
      method: 'POST',
      url: '/v1/assessments',
      body: { personId: await freshPerson(caller), questionnaireId: council.questionnaireId, completedWith: ['self'], answers: ANSWERS_25 },
    }),
    listAssessments: get(`/v1/assessments?personId=${personId}`),
    getAssessment: get(`/v1/assessments/${assessmentId}`),
    saveAnswers: async (caller) => {
      const { assessmentId: id, etag } = await freshDraft(caller);
      return { method: 'PUT', url: `/v1/assessments/${id}/answers`, body: { answers: ANSWERS_25 }, headers: { 'if-match': etag } };
    },
    submitAssessment: async (caller) => {
      const { assessmentId: id, etag } = await freshDraft(caller, ANSWERS_25);
      return { method: 'POST', url: `/v1/assessments/${id}/submit`, headers: { 'if-match': etag } };
    },
    moderateAssessment: async () => {
      const { assessmentId: id, etag } = await freshDraft('assessor', ANSWERS_25);
      const sent = await as('assessor', 'POST', `/v1/assessments/${id}/submit`, undefined, { 'if-match': etag });
      return {
        method: 'POST',
        url: `/v1/assessments/${id}/moderation`,
        body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
        headers: { 'if-match': sent.headers.etag as string },
      };
    },
    // Budgets and money
    createBudget: async () => {
      const { personId: person, assessmentId: id } = await freshAgreedAssessment('assessor');
      await as('finance', 'POST', `/v1/people/${person}/financial-assessments`, {
        effectiveFrom: '2026-01-01',
        weeklyContributionPence: 0,
      });
      return { method: 'POST', url: '/v1/budgets', body: { assessmentId: id, startDate: '2026-05-01' } };
    },
    listBudgets: get(`/v1/budgets?personId=${personId}`),
    getBudget: get(`/v1/budgets/${budgetId}`),
    endBudget: async () => {
      const { budgetId: id } = await freshAgreedBudget({ directPaymentLine: false });
      return {
        method: 'POST',
        url: `/v1/budgets/${id}/end`,
        body: { endDate: '2026-12-31', reason: 'Moved away' },
        headers: await withEtag(`/v1/budgets/${id}`),
      };
    },
    createChargingPolicy: async () => ({
      method: 'POST',
      url: '/v1/charging-policies',
      body: { name: `Policy ${next()}`, effectiveFrom: `${2030 + next()}-04-01`, basedOn: 'england-2025-26' },
    }),
    listChargingPolicies: get('/v1/charging-policies'),
    getChargingPolicy: get(`/v1/charging-policies/${chargingPolicyId}`),
    recordFinancialAssessment: async () => ({
      method: 'POST',
      url: `/v1/people/${personId}/financial-assessments`,
      body: { effectiveFrom: `2026-0${Math.min(9, 1 + (next() % 9))}-15`, weeklyContributionPence: 1_000 },
    }),
    listFinancialAssessments: get(`/v1/people/${personId}/financial-assessments`),
    createSupportPlan: async (caller) => {
      const { budgetId: id } = await freshBudget(caller);
      return { method: 'POST', url: '/v1/support-plans', body: { budgetId: id, ...ARRANGED_PLAN } };
    },
    listSupportPlans: get(`/v1/support-plans?budgetId=${budgetId}`),
    updateSupportPlan: async (caller) => {
      const { planId: id, etag } = await freshPlan(caller);
      return {
        method: 'PUT',
        url: `/v1/support-plans/${id}`,
        body: { ...ARRANGED_PLAN, supportManager: 'My brother' },
        headers: { 'if-match': etag },
      };
    },
    getSupportPlan: get(`/v1/support-plans/${planId}`),
    submitSupportPlan: async (caller) => {
      const { planId: id, etag } = await freshPlan(caller);
      return { method: 'POST', url: `/v1/support-plans/${id}/submit`, headers: { 'if-match': etag } };
    },
    decideSupportPlan: async (caller) => {
      const { planId: id, etag } = await freshSubmittedPlan();
      const decide = (role: Role, stage: string, ifMatch: string, extra: object = {}) =>
        as(
          role,
          'POST',
          `/v1/support-plans/${id}/decisions`,
          { stage, outcome: 'approve', reasons: 'ok', ...extra },
          { 'if-match': ifMatch },
        );
      let current = etag;
      if (caller === 'team-manager' || caller === 'panel')
        current = (await decide('assessor', 'coordinator', current)).headers.etag as string;
      if (caller === 'panel') current = (await decide('team-manager', 'team-manager', current)).headers.etag as string;
      const stage = caller === 'panel' ? 'panel' : caller === 'team-manager' ? 'team-manager' : 'coordinator';
      return {
        method: 'POST',
        url: `/v1/support-plans/${id}/decisions`,
        body: { stage, outcome: 'approve', reasons: 'ok', ...(stage === 'panel' ? { startDate: '2026-05-01' } : {}) },
        headers: { 'if-match': current },
      };
    },
    reviseSupportPlan: async () => ({
      method: 'POST',
      url: `/v1/support-plans/${planId}/revisions`,
      body: { ...(await sameContent(planId)), effectiveFrom: '2026-06-01', reason: `Revision ${next()}` },
      headers: await withEtag(`/v1/support-plans/${planId}`),
    }),
    listPlanRevisions: get(`/v1/support-plans/${planId}/revisions`),
    decidePlanRevision: async (caller) => {
      const plan = await freshPendingRevision();
      const decision = (stage: string) => ({ stage, outcome: 'approve', reasons: 'Agreed' });
      if (caller === 'panel') await as('team-manager', 'POST', `/v1/support-plans/${plan}/revisions/1/decisions`, decision('team-manager'));
      return {
        method: 'POST',
        url: `/v1/support-plans/${plan}/revisions/1/decisions`,
        body: decision(caller === 'panel' ? 'panel' : 'team-manager'),
      };
    },
    getBudgetAccount: get(`/v1/budgets/${budgetId}/account`),
    recordTransaction: async () => ({
      method: 'POST',
      url: `/v1/budgets/${budgetId}/transactions`,
      body: { kind: 'spend', amountPence: 100 + next(), occurredOn: '2026-06-20', category: 'transport' },
    }),
    createDirectPaymentAgreement: async () => {
      const { budgetId: id } = await freshAgreedBudget({ directPaymentLine: true });
      return {
        method: 'POST',
        url: '/v1/direct-payment-agreements',
        body: {
          budgetId: id,
          termsVersion: '2026-04',
          holder: { type: 'person' },
          account: { type: 'bank', reference: `DP-${next()}` },
          acceptedOn: '2026-05-01',
          acceptedBy: 'The person',
        },
      };
    },
    getDirectPaymentAgreement: get(`/v1/direct-payment-agreements/${agreementId}`),
    createProvider: async () => ({
      method: 'POST',
      url: '/v1/providers',
      body: { name: `Provider ${next()}`, account: { type: 'bank', reference: `20-00-00 ${String(10_000_000 + next())}` } },
    }),
    listProviders: get('/v1/providers'),
    createInterimBudget: async () => {
      const { personId: id } = await freshAgreedAssessment('assessor');
      return {
        method: 'POST',
        url: '/v1/interim-budgets',
        body: { personId: id, weeklyPence: 21_000, startDate: '2026-04-01', endDate: '2026-04-14', reason: 'A crisis' },
      };
    },
    listInterimBudgets: get(`/v1/interim-budgets?personId=${personId}`),
    getInterimBudget: get(`/v1/interim-budgets/${interimId}`),
    recordInterimPayment: async () => ({
      method: 'POST',
      url: `/v1/interim-budgets/${await freshInterim()}/payments`,
      body: { amountPence: 10_000, paidOn: '2026-04-02' },
    }),
    reviewInterimBudget: async () => ({
      method: 'POST',
      url: `/v1/interim-budgets/${await freshInterim()}/review`,
      body: { outcome: 'continue', notes: 'Still needed', reviewedOn: '2026-04-20', endDate: '2026-05-12' },
    }),
    reconcileInterimBudget: async () => {
      const { personId: id, budgetId: agreed } = await freshAgreedBudget({ directPaymentLine: false });
      const interim = (
        await as('assessor', 'POST', '/v1/interim-budgets', {
          personId: id,
          weeklyPence: 20_000,
          startDate: '2026-04-01',
          endDate: '2026-04-28',
          reason: 'A crisis',
        })
      ).json().id as string;
      return { method: 'POST', url: `/v1/interim-budgets/${interim}/reconciliation`, body: { budgetId: agreed } };
    },
    getProvider: get(`/v1/providers/${providerId}`),
    getIndividualServiceFundStatement: get(`/v1/providers/${providerId}/individual-service-funds/${budgetId}/statement`),
    changeDirectPaymentAgreementStatus: async () => {
      const current = await as('admin', 'GET', `/v1/direct-payment-agreements/${agreementId}`);
      return {
        method: 'POST',
        url: `/v1/direct-payment-agreements/${agreementId}/status`,
        body: { status: current.json().status === 'active' ? 'suspended' : 'active', reason: 'Card re-issued' },
        headers: { 'if-match': current.headers.etag as string },
      };
    },
    recordAccountReturn: async () => {
      const month = String(1 + (next() % 12)).padStart(2, '0');
      return {
        method: 'POST',
        url: `/v1/direct-payment-agreements/${agreementId}/returns`,
        body: {
          periodFrom: `2026-${month}-01`,
          periodTo: `2026-${month}-28`,
          openingBalancePence: 0,
          moneyInPence: 0,
          moneyOutPence: 0,
          closingBalancePence: 0,
          receipts: [],
        },
      };
    },
    createAuditSample: async () => ({ method: 'POST', url: '/v1/direct-payment-audits', body: auditBody(`s${next()}`) }),
    getAuditSample: get(`/v1/direct-payment-audits/${auditSampleId}`),
    recordAuditOutcome: async () => {
      const id = (await as('finance', 'POST', '/v1/direct-payment-audits', auditBody(`o${next()}`))).json().id as string;
      return {
        method: 'POST',
        url: `/v1/direct-payment-audits/${id}/outcomes`,
        body: { agreementId, outcome: 'satisfactory', notes: 'Statement agrees' },
      };
    },
    // Payment runs: one open at a time, so a run made by a call is cancelled after it.
    createPaymentRun: async () => ({ method: 'POST', url: '/v1/payment-runs', body: { runDate: '2026-12-01' }, after: cancelRun }),
    getPaymentRun: get(`/v1/payment-runs/${paymentRunId}`),
    getPaymentRunFile: get(`/v1/payment-runs/${paymentRunId}/file?format=csv`),
    confirmPaymentRun: async () => ({ method: 'POST', url: `/v1/payment-runs/${await freshRun(`2026-07-0${1 + (next() % 8)}`)}/confirm` }),
    cancelPaymentRun: async () => ({ method: 'POST', url: `/v1/payment-runs/${await freshRun('2026-12-02')}/cancel` }),
    // Appeals and reviews
    createAppeal: async (caller) => {
      const { budgetId: id } = await freshBudget(caller);
      return { method: 'POST', url: '/v1/appeals', body: { subject: 'budget', budgetId: id, reason: 'Not enough' } };
    },
    listAppeals: get(`/v1/appeals?personId=${personId}`),
    getAppeal: get(`/v1/appeals/${appealId}`),
    decideAppeal: async () => {
      const { budgetId: id } = await freshBudget('assessor');
      const appeal = await as('assessor', 'POST', '/v1/appeals', { subject: 'budget', budgetId: id, reason: 'Not enough' });
      return {
        method: 'POST',
        url: `/v1/appeals/${appeal.json().id}/decision`,
        body: { outcome: 'not-upheld', reasons: 'Needs are counted' },
        headers: { 'if-match': appeal.headers.etag as string },
      };
    },
    listReviews: get(`/v1/reviews?budgetId=${budgetId}`),
    scheduleReview: async () => ({ method: 'POST', url: '/v1/reviews', body: { budgetId, kind: 'interim', dueDate: '2027-03-01' } }),
    getReview: get(`/v1/reviews/${annual.id}`),
    completeReview: async () => {
      const review = await as('assessor', 'POST', '/v1/reviews', { budgetId, kind: 'interim', dueDate: '2027-02-01' });
      return {
        method: 'POST',
        url: `/v1/reviews/${review.json().id}/completion`,
        body: {
          outcomes: PLAN.outcomes.map((outcome) => ({ key: outcome.key, achieved: 'yes' })),
          spentAsPlanned: 'yes',
          completedOn: '2026-12-10',
        },
        headers: { 'if-match': review.headers.etag as string },
      };
    },
    decideClawback: async () => ({
      method: 'POST',
      url: `/v1/reviews/${annual.id}/clawback`,
      body: { decision: 'waive', reason: 'A replacement hoist is due' },
      headers: await withEtag(`/v1/reviews/${annual.id}`),
    }),
    verifyBudget: get(`/v1/budgets/${budgetId}/verification`),
    verifyFinancialAssessment: get(`/v1/people/${personId}/financial-assessments/${financialAssessmentId}/verification`),
    verifyClawback: get(`/v1/reviews/${annual.id}/clawback/verification`),
    // Integration
    listEventTypes: get('/v1/event-types'),
    listEvents: get('/v1/events?pageSize=200'),
    createWebhook: async () => ({
      method: 'POST',
      url: '/v1/webhooks',
      body: { url: `http://127.0.0.1:9/hook-${next()}`, eventTypes: ['budget.created'] },
    }),
    listWebhooks: get('/v1/webhooks'),
    getWebhook: get(`/v1/webhooks/${webhookId}`),
    updateWebhook: async () => ({
      method: 'PATCH',
      url: `/v1/webhooks/${webhookId}`,
      body: { description: `Bridge ${next()}` },
      headers: await withEtag(`/v1/webhooks/${webhookId}`),
    }),
    deleteWebhook: async () => {
      const id = (
        await as('admin', 'POST', '/v1/webhooks', { url: `http://127.0.0.1:9/gone-${next()}`, eventTypes: ['budget.created'] })
      ).json().id;
      return { method: 'DELETE', url: `/v1/webhooks/${id}` };
    },
    listWebhookDeliveries: get(`/v1/webhooks/${webhookId}/deliveries`),
    rotateWebhookSecret: async () => ({
      method: 'POST',
      url: `/v1/webhooks/${webhookId}/secret-rotation`,
      body: { previousSecretValidForHours: 1 },
      headers: await withEtag(`/v1/webhooks/${webhookId}`),
    }),
    replayWebhook: async () => ({ method: 'POST', url: `/v1/webhooks/${webhookId}/replay`, body: { fromSeq: 1 } }),
    redeliverWebhookDelivery: async () => {
      // The world's budgets were created before its webhook: a replay queues their events.
      await as('admin', 'POST', `/v1/webhooks/${webhookId}/replay`, { fromSeq: 1 });
      const [delivery] = (await as('admin', 'GET', `/v1/webhooks/${webhookId}/deliveries`)).json().items;
      return { method: 'POST', url: `/v1/webhooks/${webhookId}/deliveries/${delivery.id}/redelivery` };
    },
    getSummaryReport: get('/v1/reports/summary'),
    getFairnessReport: get('/v1/reports/fairness'),
    getLetter: get(`/v1/letters/indicative-budget/${budgetId}`),
    // An admin takes the people export with equality monitoring (special-category): the others, budgets.
    exportRecords: async (caller) => ({
      method: 'GET',
      url: caller === 'admin' ? '/v1/exports/people?format=csv&includeEquality=true' : '/v1/exports/budgets?format=csv',
    }),
    importPeople: async () => ({
      method: 'POST',
      url: '/v1/imports/people?mode=best-effort',
      payload: `system,externalId,clientGroup,displayName\ncarefirst,IMP-${next()},learning-disability,Imported Person\n`,
      contentType: 'text/csv',
    }),
    // Data protection
    exportPersonRecord: get(`/v1/people/${personId}/record`),
    placeLegalHold: async () => ({
      method: 'PUT',
      url: `/v1/people/${await freshPerson('assessor')}/legal-hold`,
      body: { reason: 'Complaint open' },
    }),
    releaseLegalHold: async () => {
      const id = await freshPerson('assessor');
      await as('admin', 'PUT', `/v1/people/${id}/legal-hold`, { reason: 'Complaint open' });
      return { method: 'DELETE', url: `/v1/people/${id}/legal-hold` };
    },
    erasePerson: async () => ({
      method: 'POST',
      url: `/v1/people/${await freshPerson('assessor')}/erasure`,
      body: { note: 'Registered in error' },
    }),
    // Years on, the people made here are past the 1-year retention period: the dry run names them.
    runRetentionErasure: async () => {
      setToday('2040-01-01');
      return { method: 'POST', url: '/v1/erasure-runs', body: { dryRun: true }, after: async () => setToday(TODAY) };
    },
    listAccessLog: get(`/v1/access-log?personId=${personId}`),
    // Jobs
    getJob: async (caller) => get(`/v1/jobs/${await jobOf(caller)}`)(caller),
    listJobs: async (caller) => {
      await jobOf(caller);
      return { method: 'GET', url: '/v1/jobs' };
    },
    cancelJob: async (caller) => ({
      method: 'POST',
      url: `/v1/jobs/${await jobOf(caller, { held: true })}/cancel`,
      after: async () => t.app.jobs.start(),
    }),
    getJobResult: async (caller) => get(`/v1/jobs/${await jobOf(caller, { export: true })}/result`)(caller),
    getDpiaPack: get('/v1/dpia'),
    // Self-review
    getCriticalPath: get('/v1/critical-path'),
    recordCriticalPathStep: async () => {
      const steps = (await as('admin', 'GET', '/v1/critical-path')).json().steps as { number: number; version: number | null }[];
      const version = steps.find((step) => step.number === 9)?.version ?? null;
      return {
        method: 'PUT',
        url: '/v1/critical-path/steps/9',
        body: { status: 'in-progress', notes: `Drafted ${next()}` },
        headers: version === null ? {} : { 'if-match': `"${version}"` },
      };
    },
    createSelfRatingRound: async () => ({
      method: 'POST',
      url: '/v1/self-rating-rounds',
      body: { roundKey: `r-${next()}-${Date.now()}`, title: 'Round', closesOn: '2099-06-30' },
    }),
    listSelfRatingRounds: get('/v1/self-rating-rounds'),
    getSelfRatingRound: get(`/v1/self-rating-rounds/${roundId}`),
    rateComponent: async () => {
      const ratings = (await as('admin', 'GET', `/v1/self-rating-rounds/${roundId}`)).json().ratings as {
        component: string;
        version: number | null;
      }[];
      const version = ratings.find((rating) => rating.component === 'prevention')?.version ?? null;
      return {
        method: 'PUT',
        url: `/v1/self-rating-rounds/${roundId}/ratings/prevention`,
        body: { rating: 3, comment: `Patchy ${next()}` },
        headers: version === null ? {} : { 'if-match': `"${version}"` },
      };
    },
    getRegionalSelfRatingReport: get(`/v1/reports/regional-self-rating?roundKey=${roundKey}`),
    getTransparencyRecord: get(`/v1/public/councils/${council.id}/allocation-schemes/${council.schemeId}/transparency-record`),
  };
  return { world, recipes };
}

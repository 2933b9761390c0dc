/**
 * The README journey, through a client generated from openapi/openapi.json (openapi-typescript
 * types + openapi-fetch): a person from self-assessment to an agreed budget, a plan through its
 * decisions, money, a review with its clawback, an appeal, and every other operation once, against
 * a started service with its demo council.
 *
 *   RAS_URL=http://127.0.0.1:3000 RAS_CREDENTIALS=.data/demo-credentials.json \
 *   BOOTSTRAP_TOKEN=… node examples/client/dist/journey.js [--examples openapi/examples.json]
 *
 * The service must run with ALLOW_PRIVATE_WEBHOOKS=true (the journey's webhook receiver listens
 * on 127.0.0.1). With --examples it writes the first request and answer of each operation, which
 * `npm run openapi` puts into the document as its examples.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './ras-api.js';

type Budget = components['schemas']['Budget'];

/** A stored figure worked out again must match to the penny. */
function proven(check: components['schemas']['Verification']): void {
  if (!check.matches) throw new Error(`${check.kind} ${check.id} does not re-prove itself: ${check.differences.join('; ')}`);
  log(`${check.kind} worked out again: ${check.status}`);
}

const baseUrl = process.env.RAS_URL ?? 'http://127.0.0.1:3000';
const credentials = JSON.parse(readFileSync(process.env.RAS_CREDENTIALS ?? '.data/demo-credentials.json', 'utf8')) as {
  adminKey: { key: string };
  questionnaireId: string;
  allocationSchemeId: string;
};
const examplesFile = process.argv.includes('--examples') ? process.argv[process.argv.indexOf('--examples') + 1] : undefined;

/** Secrets shown once (API keys, webhook signing secrets) kept out of the examples. */
const redacted = (text: string) =>
  text
    .replace(/(ras_[0-9a-f]{32}_)[A-Za-z0-9_-]+/g, (_, prefix: string) => `${prefix}${'x'.repeat(43)}`)
    .replace(/whsec_[A-Za-z0-9+/=_-]+/g, `whsec_${'x'.repeat(43)}=`);

/** The first request and answer of each operation, keyed `METHOD /path/{template}`. */
const examples: Record<string, { request?: unknown; response: unknown; status: number; contentType: string }> = {};
const sentBodies = new WeakMap<Request, string>();
/** JSON, not NDJSON (which is kept as the text it is). */
const isJson = (contentType: string) => contentType.includes('json') && !contentType.includes('ndjson');
const recorder: Middleware = {
  async onRequest({ request }) {
    if (examplesFile && request.body) sentBodies.set(request, await request.clone().text());
    return request;
  },
  async onResponse({ request, response, schemaPath }) {
    const where = `${request.method} ${schemaPath}`;
    if (!examplesFile || !response.ok || examples[where]) return;
    const sent = redacted(sentBodies.get(request) ?? '');
    const body = redacted(await response.clone().text());
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0] as string;
    examples[where] = {
      ...(sent ? { request: isJson(request.headers.get('content-type') ?? '') ? JSON.parse(sent) : sent } : {}),
      response: isJson(contentType) ? JSON.parse(body) : body,
      status: response.status,
      contentType,
    };
  },
};

/** A client for one key; `as` names the person acting (Ras-Actor). */
function clientFor(key: string | null, as?: string) {
  const client = createClient<paths>({
    baseUrl,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(as ? { 'ras-actor': as } : {}) },
  });
  client.use(recorder);
  return client;
}

/** The answer's data, or a thrown error carrying the problem the service answered. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new Error(`${what}: HTTP ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  // 204 No Content carries no data.
  return result.data as T;
}

/**
 * The answer itself, asked for without `Prefer: respond-async`: an operation that may run as a job
 * is typed as its answer or a job (202), and without the preference it is always the answer.
 */
function answered<T>(value: T | components['schemas']['Job'], what: string): T {
  if (value !== null && typeof value === 'object' && 'operation' in value && 'progress' in value)
    throw new Error(`${what} answered with a job it was not asked for`);
  return value as T;
}

const etagOf = (result: { response: Response }) => result.response.headers.get('etag') as string;
const pounds = (pence: number) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
const log = (text: string) => process.stdout.write(`${text}\n`);

const admin = clientFor(credentials.adminKey.key);
const questionnaireId = credentials.questionnaireId;
const schemeId = credentials.allocationSchemeId;

// Operations: no key needed.
const anyone = clientFor(null);
ok(await anyone.GET('/health'), 'getHealth');
ok(await anyone.GET('/ready'), 'getReadiness');
log(`service ${ok(await anyone.GET('/version'), 'getVersion').version}`);

// Platform: the council and its keys.
const council = await admin.GET('/v1/council');
log(`council ${ok(council, 'getCouncil').name}`);
ok(
  await admin.PATCH('/v1/council', {
    params: { header: { 'If-Match': etagOf(council) } },
    // A merge patch: only the settings named change, the rest are kept.
    body: {
      settings: {
        firstReviewAfterWeeks: 4,
        regionalReportOptIn: true,
        transparency: {
          publishedSchemeIds: [credentials.allocationSchemeId],
          contactEmail: 'ras@demo-borough.example.gov.uk',
          seniorResponsibleOwner: 'Director of Adult Social Services',
          impactAssessments: [{ name: 'Equalities Impact Assessment 2026', completedOn: '2026-03-01' }],
        },
      },
    },
  }),
  'updateCouncil',
);
// The whole replacement, only when asked for: here the name and settings as read back.
const councilRead = await admin.GET('/v1/council');
ok(
  await admin.PUT('/v1/council', {
    params: { header: { 'If-Match': etagOf(councilRead) } },
    body: { name: ok(councilRead, 'getCouncil').name, settings: ok(councilRead, 'getCouncil').settings },
  }),
  'replaceCouncil',
);
const keyFor = async (name: string, role: components['schemas']['Role']) =>
  ok(await admin.POST('/v1/api-keys', { body: { name, roles: [role] } }), 'createApiKey').key;
const assessor = clientFor(await keyFor('Care coordinators', 'assessor'), 'coordinator-1');
const teamManager = clientFor(await keyFor('Team managers', 'team-manager'), 'manager-1');
const panel = clientFor(await keyFor('Resource Allocation Panel', 'panel'), 'panel-chair');
const finance = clientFor(await keyFor('Finance', 'finance'), 'finance-1');
const integration = clientFor(await keyFor('CareFirst bridge', 'integration'));
const spare = ok(
  await admin.POST('/v1/api-keys', { body: { name: 'Spare', roles: ['auditor'], expiresAt: '2027-12-31T23:59:59.000Z' } }),
  'createApiKey',
);
log(`${ok(await admin.GET('/v1/api-keys'), 'listApiKeys').items.length} API keys`);
// A new secret for the key; the old one keeps working for a day while systems change over.
ok(
  await admin.POST('/v1/api-keys/{id}/rotation', { params: { path: { id: spare.id } }, body: { previousSecretValidForHours: 24 } }),
  'rotateApiKey',
);
ok(await admin.DELETE('/v1/api-keys/{id}', { params: { path: { id: spare.id } } }), 'revokeApiKey');

// The council's own identity provider (here Entra ID): its staff's access tokens work as well as keys.
// A tenant id of this run's own: one issuer and audience belong to one council.
const tenant = randomUUID();
ok(
  await admin.PUT('/v1/identity-provider', {
    body: {
      issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
      audience: 'api://ras-personal-budgets',
      roleMap: { 'RAS.Assessor': ['assessor'], 'RAS.TeamManager': ['team-manager'], 'RAS.Panel': ['panel'], 'RAS.Finance': ['finance'] },
    },
  }),
  'setIdentityProvider',
);
ok(await admin.GET('/v1/identity-provider'), 'getIdentityProvider');
ok(await admin.DELETE('/v1/identity-provider'), 'removeIdentityProvider');

// Rules: the questionnaire and the scheme in force.
const questionnaire = ok(await admin.GET('/v1/questionnaires/{id}', { params: { path: { id: questionnaireId } } }), 'getQuestionnaire');
ok(await admin.GET('/v1/questionnaires', { params: { query: { key: questionnaire.key } } }), 'listQuestionnaires');
const scheme = ok(await admin.GET('/v1/allocation-schemes/{id}', { params: { path: { id: schemeId } } }), 'getAllocationScheme');
ok(
  await admin.GET('/v1/allocation-schemes', { params: { query: { clientGroup: scheme.clientGroups[0] as string } } }),
  'listAllocationSchemes',
);
ok(await admin.GET('/v1/allocation-schemes/{id}/description', { params: { path: { id: schemeId } } }), 'describeAllocationScheme');
const stamp = Date.now().toString(36);
const carers = ok(
  await admin.POST('/v1/questionnaires', {
    body: {
      key: `carers-${stamp}`,
      title: 'Carer’s self-assessment',
      sections: [
        {
          key: 'caring',
          title: 'Caring',
          questions: [
            {
              key: 'hours',
              text: 'How many hours a week do you care?',
              type: 'single',
              options: [
                { key: 'under-20', text: 'Under 20', points: 2 },
                { key: 'over-20', text: '20 or more', points: 6 },
              ],
            },
          ],
        },
      ],
    },
  }),
  'createQuestionnaire',
);
ok(
  await admin.POST('/v1/allocation-schemes', {
    body: {
      key: `carers-${stamp}`,
      questionnaireId: carers.id,
      clientGroups: [`carers-${stamp}`],
      effectiveFrom: '2026-04-01',
      method: { type: 'linear', poundsPerPointPence: 10_000 },
      clawback: { type: 'percent', percent: 20 },
    },
  }),
  'createAllocationScheme',
);

// Every question answered with its third statement (a portal asks the person).
const answers = Object.fromEntries(
  questionnaire.sections.flatMap((section) =>
    section.questions.map((question) => [
      question.key,
      question.type === 'multi' ? [question.options[0]?.key] : question.options[Math.min(2, question.options.length - 1)]?.key,
    ]),
  ),
) as Record<string, string | string[]>;

// Calculations: nothing stored.
const estimate = ok(
  await assessor.POST('/v1/calculations/budget', { body: { schemeId, answers, weeksAtHome: 40, weeklyContributionPence: 1_500 } }),
  'calculateBudget',
);
log(`these answers: ${estimate.totalPoints} points, ${pounds(estimate.netAnnualPence)} a year net`);
// A portal showing only the figure asks for the summary: no sections, no explanation.
const summary = ok(
  await assessor.POST('/v1/calculations/budget', { params: { query: { view: 'summary' } }, body: { schemeId, answers } }),
  'calculateBudget',
);
log(`the summary: ${pounds(summary.rasAnnualPence)} a year from the RAS, ${'explanation' in summary ? 'with' : 'without'} the explanation`);
// Many at once (a caseload for uprating or the desktop exercise): NDJSON in, one line out for each.
const batch = ok(
  await assessor.POST('/v1/calculations/budgets', {
    params: { query: { view: 'summary' } },
    body: [
      JSON.stringify({ ref: 'case-1', schemeId, answers }),
      JSON.stringify({ ref: 'case-2', schemeId, answers, weeksAtHome: 26 }),
    ].join('\n') as never,
    headers: { 'content-type': 'application/x-ndjson' },
    bodySerializer: (body) => body as unknown as string,
    parseAs: 'text',
  }),
  'calculateBudgets',
);
log(
  `batch: ${batch
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).calculation?.rasAnnualPence)
    .join(' and ')} pence a year`,
);
ok(
  await finance.POST('/v1/calculations/contribution', {
    body: {
      weeklyIncomePence: 30_000,
      capitalPence: 1_000_000,
      weeklyHousingCostsPence: 5_000,
      weeklyDisabilityRelatedExpenditurePence: 2_000,
      weeklyMinimumIncomeGuaranteePence: 15_185,
      weeklyCostOfCarePence: 40_000,
    },
  }),
  'calculateContribution',
);
ok(
  await finance.POST('/v1/calculations/clawback', {
    body: { annualPence: 1_000_000, councilPaidPence: 1_000_000, spentPence: 600_000, clawback: { type: 'percent', percent: 20 } },
  }),
  'calculateClawback',
);

// The desktop exercise.
const calibration = ok(
  await admin.POST('/v1/calibrations', {
    body: {
      cases: [
        { ref: 'A', points: 40, currentAnnualPence: 950_000 },
        { ref: 'B', points: 75, currentAnnualPence: 1_700_000 },
        { ref: 'C', points: 20, currentAnnualPence: 420_000 },
      ],
      topSlicePercent: 10,
      proposed: { method: { type: 'linear', poundsPerPointPence: 22_500 }, floorPoints: 5 },
    },
  }),
  'runCalibration',
);
ok(await admin.GET('/v1/calibrations/{id}', { params: { path: { id: calibration.id } } }), 'getCalibration');
ok(await admin.GET('/v1/calibrations/{id}/report', { params: { path: { id: calibration.id } }, parseAs: 'text' }), 'getCalibrationReport');

// A person, known to the record system by their CareFirst id.
const carefirstId = `JOURNEY-${stamp}`;
const created = await assessor.POST('/v1/people', {
  params: { header: { 'Idempotency-Key': `carefirst-${carefirstId}` } },
  body: { clientGroup: scheme.clientGroups[0] as string, externalIds: { carefirst: carefirstId }, displayName: 'Sam Example' },
});
const person = ok(created, 'createPerson');
ok(await assessor.GET('/v1/people', { params: { query: { externalId: `carefirst:${carefirstId}` } } }), 'listPeople');
const personRead = await assessor.GET('/v1/people/{id}', { params: { path: { id: person.id } } });
ok(
  await assessor.PATCH('/v1/people/{id}', {
    params: { path: { id: person.id }, header: { 'If-Match': etagOf(personRead) } },
    body: { displayName: 'Sam' },
  }),
  'updatePerson',
);
// Equality monitoring (special-category data): the coordinator records it with the person's
// consent; only admin and auditor keys read it back, and every read is audited.
ok(
  await assessor.PATCH('/v1/people/{id}/equality-monitoring', {
    params: { path: { id: person.id }, header: { 'If-Match': '"0"' } },
    body: { sex: 'female', ethnicity: 'white-british', religion: 'prefer-not-to-say', primarySupportReason: 'learning-disability' },
  }),
  'recordEqualityMonitoring',
);
ok(await admin.GET('/v1/people/{id}/equality-monitoring', { params: { path: { id: person.id } } }), 'getEqualityMonitoring');

// Their self-assessment: draft, answers saved, submitted, agreed.
const draft = await assessor.POST('/v1/assessments', {
  body: { personId: person.id, questionnaireId, completedWith: ['family'], answers: {} },
});
const assessmentId = ok(draft, 'createAssessment').id;
const saved = await assessor.PUT('/v1/assessments/{id}/answers', {
  params: { path: { id: assessmentId }, header: { 'If-Match': etagOf(draft) } },
  body: { answers },
});
ok(saved, 'saveAnswers');
ok(await assessor.GET('/v1/assessments/{id}', { params: { path: { id: assessmentId } } }), 'getAssessment');
ok(await assessor.GET('/v1/assessments', { params: { query: { personId: person.id } } }), 'listAssessments');
const submitted = await assessor.POST('/v1/assessments/{id}/submit', {
  params: { path: { id: assessmentId }, header: { 'If-Match': etagOf(saved) } },
});
log(`assessment ${ok(submitted, 'submitAssessment').status}`);
const agreed = ok(
  await assessor.POST('/v1/assessments/{id}/moderation', {
    params: { path: { id: assessmentId }, header: { 'If-Match': etagOf(submitted) } },
    body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
  }),
  'moderateAssessment',
);
log(`assessment ${agreed.status}`);

// Their contribution, then the indicative budget under the scheme in force.
const startDate = '2026-12-01';
ok(
  await finance.POST('/v1/people/{id}/financial-assessments', {
    params: { path: { id: person.id } },
    body: { effectiveFrom: '2026-04-01', weeklyContributionPence: 1_500 },
  }),
  'recordFinancialAssessment',
);
// From April 2027 the council's own charging policy: the shipped England one with its own
// standard allowance for disability-related expenditure. The next year's contribution is worked
// out under it from the person's circumstances.
const policy = ok(
  await finance.POST('/v1/charging-policies', {
    body: {
      name: 'Charging policy 2027/28',
      effectiveFrom: '2027-04-01',
      basedOn: 'england-2025-26',
      changes: { standardDisabilityRelatedExpenditurePence: 1_085 },
    },
  }),
  'createChargingPolicy',
);
ok(await finance.GET('/v1/charging-policies/{id}', { params: { path: { id: policy.id } } }), 'getChargingPolicy');
ok(await finance.GET('/v1/charging-policies'), 'listChargingPolicies');
const assessed = ok(
  await finance.POST('/v1/people/{id}/financial-assessments', {
    params: { path: { id: person.id } },
    body: {
      effectiveFrom: '2027-04-01',
      circumstances: {
        household: 'single',
        ageBand: '25-to-pension-age',
        premiums: { disability: true },
        incomes: [
          { kind: 'employment-support-allowance', weeklyPence: 20_000 },
          { kind: 'pip-daily-living', weeklyPence: 7_335 },
        ],
        capitalPence: 500_000,
        weeklyHousingCostsPence: 0,
        weeklyCostOfCarePence: 30_000,
      },
    },
  }),
  'recordFinancialAssessment',
);
log(`contribution from 2027-04-01 under ${assessed.chargingPolicy?.name}: ${pounds(assessed.weeklyContributionPence)} a week`);
const contributionCheck = ok(
  await finance.GET('/v1/people/{id}/financial-assessments/{financialAssessmentId}/verification', {
    params: { path: { id: person.id, financialAssessmentId: assessed.id } },
  }),
  'verifyFinancialAssessment',
);
proven(contributionCheck);
ok(await finance.GET('/v1/people/{id}/financial-assessments', { params: { path: { id: person.id } } }), 'listFinancialAssessments');
const budget: Budget = ok(await assessor.POST('/v1/budgets', { body: { assessmentId, startDate } }), 'createBudget');
log(`indicative budget ${pounds(budget.rasAnnualPence)}, ${pounds(budget.netAnnualPence)} net of contribution`);
ok(await assessor.GET('/v1/budgets/{id}', { params: { path: { id: budget.id } } }), 'getBudget');
// The letter the person gets: their figures in plain words, a picture, and what to do by when.
const letter = ok(
  await assessor.GET('/v1/letters/{kind}/{id}', { params: { path: { kind: 'indicative-budget', id: budget.id } }, parseAs: 'text' }),
  'getLetter',
);
log(`letter: ${letter.match(/<h1>([^<]+)<\/h1>/)?.[1]}`);
const budgetCheck = ok(await finance.GET('/v1/budgets/{id}/verification', { params: { path: { id: budget.id } } }), 'verifyBudget');
proven(budgetCheck);
ok(await assessor.GET('/v1/budgets', { params: { query: { personId: person.id } } }), 'listBudgets');

// A crisis before the plan is agreed: interim support for four weeks from 17 November, £150 a
// week, paid weekly; reviewed and extended a week; reconciled into the agreed budget below.
const crisis = ok(
  await assessor.POST('/v1/interim-budgets', {
    body: {
      personId: person.id,
      weeklyPence: 15_000,
      startDate: '2026-11-17',
      endDate: '2026-12-14',
      reason: 'Their carer is in hospital',
    },
  }),
  'createInterimBudget',
);
for (const paidOn of ['2026-11-17', '2026-11-24', '2026-12-01'])
  ok(
    await finance.POST('/v1/interim-budgets/{id}/payments', {
      params: { path: { id: crisis.id } },
      body: { amountPence: 15_000, paidOn },
    }),
    'recordInterimPayment',
  );
ok(
  await assessor.POST('/v1/interim-budgets/{id}/review', {
    params: { path: { id: crisis.id } },
    body: { outcome: 'continue', notes: 'Carer home next week', reviewedOn: '2026-12-10', endDate: '2026-12-21' },
  }),
  'reviewInterimBudget',
);
ok(await assessor.GET('/v1/interim-budgets', { params: { query: { personId: person.id } } }), 'listInterimBudgets');

// The provider register: the day centre holds the person's individual service fund, so the
// payment run pays that share to it (and the person gets its statement).
const dayCentre = ok(
  await finance.POST('/v1/providers', {
    body: {
      name: 'Brookside Day Centre',
      account: { type: 'bank', reference: '20-00-00 55555555' },
      contact: 'accounts@brookside.example',
    },
  }),
  'createProvider',
);
ok(await finance.GET('/v1/providers', {}), 'listProviders');

// The support plan: written, costed, submitted, and decided stage by stage.
const weekly = Math.floor(budget.totalAnnualPence / 2 / 52);
const plan = {
  outcomes: [
    { key: 'home', description: 'Stay living in my own flat' },
    { key: 'work', description: 'Keep my job at the café' },
  ],
  lines: [
    {
      description: 'Personal assistant',
      outcomeKeys: ['home', 'work'],
      provider: 'Own PA',
      managedBy: 'direct-payment' as const,
      costType: 'weekly' as const,
      amountPence: weekly,
    },
    {
      description: 'Day service on Fridays',
      outcomeKeys: ['work'],
      provider: 'Brookside Day Centre',
      providerId: dayCentre.id,
      managedBy: 'individual-service-fund' as const,
      costType: 'annual' as const,
      amountPence: Math.floor(budget.totalAnnualPence / 4),
    },
  ],
  contingency: { amountPence: 20_000, plan: 'My sister covers', emergencyCover: 'Out-of-hours agency cover' },
  risks: [{ description: 'Going out alone at night', mitigation: 'Travel buddy scheme', resolved: true }],
  budgetHolder: 'Me',
  supportManager: 'My sister',
  healthySafeAndWell: 'My PA checks my medication daily',
};
const planCreated = await assessor.POST('/v1/support-plans', { body: { budgetId: budget.id, ...plan } });
const planId = ok(planCreated, 'createSupportPlan').id;
const planUpdated = await assessor.PUT('/v1/support-plans/{id}', {
  params: { path: { id: planId }, header: { 'If-Match': etagOf(planCreated) } },
  body: { ...plan, supportManager: 'My sister, Jo' },
});
ok(planUpdated, 'updateSupportPlan');
ok(await assessor.GET('/v1/support-plans/{id}', { params: { path: { id: planId } } }), 'getSupportPlan');
ok(await assessor.GET('/v1/support-plans', { params: { query: { budgetId: budget.id } } }), 'listSupportPlans');
const planSubmitted = await assessor.POST('/v1/support-plans/{id}/submit', {
  params: { path: { id: planId }, header: { 'If-Match': etagOf(planUpdated) } },
});
ok(planSubmitted, 'submitSupportPlan');
let planEtag = etagOf(planSubmitted);
for (const [client, stage] of [
  [assessor, 'coordinator'],
  [teamManager, 'team-manager'],
  [panel, 'panel'],
] as const) {
  const decided = await client.POST('/v1/support-plans/{id}/decisions', {
    params: { path: { id: planId }, header: { 'If-Match': planEtag } },
    body: { stage, outcome: 'approve', reasons: `Approved at ${stage}: meets the outcomes`, ...(stage === 'panel' ? { startDate } : {}) },
  });
  log(`plan ${ok(decided, 'decideSupportPlan').status} after ${stage}`);
  planEtag = etagOf(decided);
}

// April's uprating: the scheme's next version pays 3% more a point from 1 April 2027. A dry run
// over every agreed budget first, then applied: a new indicative budget and a review for each.
const nextVersion = ok(
  await admin.POST('/v1/allocation-schemes', {
    body: {
      key: scheme.key,
      questionnaireId: scheme.questionnaireId,
      clientGroups: scheme.clientGroups,
      effectiveFrom: '2027-04-01',
      method: { type: 'linear', poundsPerPointPence: 23_200 },
      clawback: scheme.clawback,
      ...(scheme.floorPoints === null ? {} : { floorPoints: scheme.floorPoints }),
      ...(scheme.ceilingPence === null ? {} : { ceilingPence: scheme.ceilingPence }),
    },
  }),
  'createAllocationScheme',
);
const uprating = ok(
  await finance.POST('/v1/uprating-runs', {
    body: { schemeId, successorSchemeId: nextVersion.id, transitionalProtection: { maxDecreasePercent: 5 } },
  }),
  'createUpratingRun',
);
log(
  `uprating dry run: ${uprating.summary.overall.people} budgets, ${pounds(uprating.summary.overall.costBeforePence)} → ${pounds(uprating.summary.overall.costAfterPence)} a year`,
);
ok(await finance.GET('/v1/uprating-runs/{id}', { params: { path: { id: uprating.id } } }), 'getUpratingRun');
const upratingApplied = answered(
  ok(await finance.POST('/v1/uprating-runs/{id}/apply', { params: { path: { id: uprating.id } } }), 'applyUpratingRun'),
  'applyUpratingRun',
);
log(
  `uprating ${upratingApplied.status}: ${upratingApplied.people.items.filter((p) => p.newBudgetId !== null).length} new indicative budgets`,
);

// The plan pays part of the budget as a direct payment: the agreement comes before the first payment.
// The demo council's terms (settings.directPaymentTerms) are the version the holder accepts.
const agreementTerms = ok(await admin.GET('/v1/council'), 'getCouncil').settings.directPaymentTerms;
const directPayment = ok(
  await finance.POST('/v1/direct-payment-agreements', {
    body: {
      budgetId: budget.id,
      termsVersion: agreementTerms?.version ?? '',
      holder: { type: 'person' },
      account: { type: 'prepaid-card', reference: 'DB-CARD-0001' },
      acceptedOn: '2026-11-20',
      acceptedBy: 'The person, with their sister',
    },
  }),
  'createDirectPaymentAgreement',
);
log(`direct payment agreement ${directPayment.status}, terms ${directPayment.terms.version}`);

// Month-end: the council's payment run pays every instalment due, by payee. A run prepared for
// the wrong date is cancelled (nothing was paid); December's is checked in its file, then confirmed.
const wrongRun = ok(await finance.POST('/v1/payment-runs', { body: { runDate: '2026-11-30' } }), 'createPaymentRun');
ok(await finance.POST('/v1/payment-runs/{id}/cancel', { params: { path: { id: wrongRun.id } } }), 'cancelPaymentRun');
const paymentRun = ok(await finance.POST('/v1/payment-runs', { body: { runDate: '2026-12-01' } }), 'createPaymentRun');
ok(await finance.GET('/v1/payment-runs/{id}', { params: { path: { id: paymentRun.id } } }), 'getPaymentRun');
const runFile = ok(
  await finance.GET('/v1/payment-runs/{id}/file', { params: { path: { id: paymentRun.id }, query: { format: 'csv' } }, parseAs: 'text' }),
  'getPaymentRunFile',
);
const confirmedRun = answered(
  ok(await finance.POST('/v1/payment-runs/{id}/confirm', { params: { path: { id: paymentRun.id } } }), 'confirmPaymentRun'),
  'confirmPaymentRun',
);
log(
  `payment run ${confirmedRun.runDate}: ${confirmedRun.paid.payments} payments to ${confirmedRun.payees} payees, ${pounds(confirmedRun.paid.amountPence)}; file ends "${runFile.trimEnd().split('\r\n').at(-1)}"`,
);
// The day centre's share went to it: the register shows whose fund it holds, and the statement
// what it was paid and has spent.
ok(await finance.GET('/v1/providers/{id}', { params: { path: { id: dayCentre.id } } }), 'getProvider');
const fundStatement = ok(
  await finance.GET('/v1/providers/{id}/individual-service-funds/{budgetId}/statement', {
    params: { path: { id: dayCentre.id, budgetId: budget.id } },
  }),
  'getIndividualServiceFundStatement',
);
log(`individual service fund at ${fundStatement.provider.name}: ${pounds(fundStatement.paidInPence)} paid in`);

// The plan is agreed from 1 December: the interim payment of that day was for the budget's own
// period, so it is carried into the account; the two before stay the interim support's.
const reconciled = ok(
  await finance.POST('/v1/interim-budgets/{id}/reconciliation', { params: { path: { id: crisis.id } }, body: { budgetId: budget.id } }),
  'reconcileInterimBudget',
);
ok(await finance.GET('/v1/interim-budgets/{id}', { params: { path: { id: crisis.id } } }), 'getInterimBudget');
log(
  `interim support reconciled: ${pounds(reconciled.reconciliation?.carriedPence ?? 0)} carried into the budget, ${pounds(reconciled.reconciliation?.keptPence ?? 0)} kept`,
);

// The plan is live: a small change the coordinator agrees alone, from a date; a bigger one goes to
// the team manager and the panel. Every version is kept, and the money follows each from its date.
const [assistant, dayService] = plan.lines;
if (!assistant || !dayService) throw new Error('the plan has an assistant and a day service');
const smallChange = await assessor.POST('/v1/support-plans/{id}/revisions', {
  params: { path: { id: planId }, header: { 'If-Match': planEtag } },
  body: {
    ...plan,
    lines: [assistant, { ...dayService, amountPence: dayService.amountPence - 5_000 }],
    contingency: { ...plan.contingency, amountPence: plan.contingency.amountPence + 5_000 },
    effectiveFrom: '2027-01-01',
    reason: 'A little more kept back for the unexpected',
  },
});
log(
  `revision ${ok(smallChange, 'reviseSupportPlan').number}: ${smallChange.data?.status}, moving ${pounds(smallChange.data?.comparison.changePence ?? 0)}`,
);
planEtag = etagOf(smallChange);
const shift = Math.ceil((budget.totalAnnualPence * 15) / 100 / 52);
const bigChange = await assessor.POST('/v1/support-plans/{id}/revisions', {
  params: { path: { id: planId }, header: { 'If-Match': planEtag } },
  body: {
    ...plan,
    lines: [
      { ...assistant, amountPence: assistant.amountPence - shift },
      { ...dayService, amountPence: dayService.amountPence - 5_000 + shift * 52 },
    ],
    contingency: { ...plan.contingency, amountPence: plan.contingency.amountPence + 5_000 },
    effectiveFrom: '2027-02-01',
    reason: 'Two days a week at the day centre',
    throughChain: true,
  },
});
const pendingRevision = ok(bigChange, 'reviseSupportPlan');
for (const [client, stage] of [
  [teamManager, 'team-manager'],
  [panel, 'panel'],
] as const)
  ok(
    await client.POST('/v1/support-plans/{id}/revisions/{number}/decisions', {
      params: { path: { id: planId, number: pendingRevision.number } },
      body: { stage, outcome: 'approve', reasons: `Agreed at ${stage}` },
    }),
    'decidePlanRevision',
  );
const revisions = ok(await assessor.GET('/v1/support-plans/{id}/revisions', { params: { path: { id: planId } } }), 'listPlanRevisions');
log(`plan revisions: ${revisions.items.map((r) => `${r.number} ${r.status} from ${r.effectiveFrom}`).join('; ')}`);

// Money: the account, and what finance records against it.
const account = ok(await finance.GET('/v1/budgets/{id}/account', { params: { path: { id: budget.id } } }), 'getBudgetAccount');
// A year's instalments paid, and nothing spent yet: the annual review will find it unspent.
for (const instalment of account.schedule) {
  // December's instalment went in with the payment run.
  if (instalment.status === 'paid') continue;
  ok(
    await finance.POST('/v1/budgets/{id}/transactions', {
      params: { path: { id: budget.id } },
      body: {
        kind: 'council-payment',
        // What it still owes: interim support carried into the budget paid part of one.
        amountPence: instalment.amountPence - instalment.paidPence,
        instalmentNumber: instalment.number,
        occurredOn: instalment.dueDate,
      },
    }),
    'recordTransaction',
  );
}
const first = account.schedule[0];
log(`account: ${account.schedule.length} instalments, first ${first ? pounds(first.amountPence) : 'none'}`);

// December's return from the card account, checked against the ledger; then the quarter's audit.
const december = first?.amountPence ?? 0;
const checked = ok(
  await finance.POST('/v1/direct-payment-agreements/{id}/returns', {
    params: { path: { id: directPayment.id } },
    body: {
      periodFrom: '2026-12-01',
      periodTo: '2026-12-31',
      openingBalancePence: 0,
      moneyInPence: december,
      moneyOutPence: 0,
      closingBalancePence: december,
      receipts: [],
    },
  }),
  'recordAccountReturn',
);
log(`December's return ${checked.matches ? 'agrees with' : 'differs from'} the account`);
ok(await finance.GET('/v1/direct-payment-agreements/{id}', { params: { path: { id: directPayment.id } } }), 'getDirectPaymentAgreement');
const audit = ok(
  await finance.POST('/v1/direct-payment-audits', {
    body: { periodFrom: '2026-12-01', periodTo: '2027-02-28', percent: 100, seed: 'journey' },
  }),
  'createAuditSample',
);
ok(await finance.GET('/v1/direct-payment-audits/{id}', { params: { path: { id: audit.id } } }), 'getAuditSample');
const audited = ok(
  await finance.POST('/v1/direct-payment-audits/{id}/outcomes', {
    params: { path: { id: audit.id } },
    body: { agreementId: directPayment.id, outcome: 'satisfactory', notes: 'Statement and card records agree' },
  }),
  'recordAuditOutcome',
);
log(`audit: ${audited.accounts.length} accounts drawn, ours ${audited.accounts.find((a) => a.agreementId === directPayment.id)?.outcome}`);
// A query about the card: payments paused while it is sorted out, then reinstated.
const agreementNow = await finance.GET('/v1/direct-payment-agreements/{id}', { params: { path: { id: directPayment.id } } });
const paused = await finance.POST('/v1/direct-payment-agreements/{id}/status', {
  params: { path: { id: directPayment.id }, header: { 'If-Match': etagOf(agreementNow) } },
  body: { status: 'suspended', reason: 'The card provider is re-issuing the card' },
});
ok(paused, 'changeDirectPaymentAgreementStatus');
const reinstated = ok(
  await finance.POST('/v1/direct-payment-agreements/{id}/status', {
    params: { path: { id: directPayment.id }, header: { 'If-Match': etagOf(paused) } },
    body: { status: 'active', reason: 'New card issued' },
  }),
  'changeDirectPaymentAgreementStatus',
);
log(`direct payment agreement ${reinstated.status} again`);

// Reviews: the four-week review the plan booked, completed.
const reviews = ok(await assessor.GET('/v1/reviews', { params: { query: { budgetId: budget.id } } }), 'listReviews');
ok(await assessor.POST('/v1/reviews', { body: { budgetId: budget.id, kind: 'interim', dueDate: '2027-03-01' } }), 'scheduleReview');
const interim = reviews.items.find((review) => review.kind === 'interim') ?? reviews.items[0];
if (interim) {
  const review = await assessor.GET('/v1/reviews/{id}', { params: { path: { id: interim.id } } });
  const completed = ok(
    await assessor.POST('/v1/reviews/{id}/completion', {
      params: { path: { id: interim.id }, header: { 'If-Match': etagOf(review) } },
      body: {
        outcomes: plan.outcomes.map((outcome) => ({ key: outcome.key, achieved: 'yes' as const })),
        spentAsPlanned: 'yes',
        completedOn: '2027-01-05',
      },
    }),
    'completeReview',
  );
  log(`review ${completed.status}`);
}
const annual = reviews.items.find((review) => review.kind === 'annual');
if (annual) {
  const review = await assessor.GET('/v1/reviews/{id}', { params: { path: { id: annual.id } } });
  const completed = await assessor.POST('/v1/reviews/{id}/completion', {
    params: { path: { id: annual.id }, header: { 'If-Match': etagOf(review) } },
    body: {
      outcomes: plan.outcomes.map((outcome) => ({ key: outcome.key, achieved: 'partly' as const })),
      spentAsPlanned: 'no',
      spendingNote: 'The PA started late',
      completedOn: '2027-11-25',
    },
  });
  const recommended = ok(completed, 'completeReview').clawback;
  log(`annual review: ${recommended ? pounds(recommended.clawbackPence) : 'no'} clawback recommended`);
  if (recommended) {
    const decided = ok(
      await finance.POST('/v1/reviews/{id}/clawback', {
        params: { path: { id: annual.id }, header: { 'If-Match': etagOf(completed) } },
        body: {
          decision: 'reduce',
          amountPence: Math.floor(recommended.clawbackPence / 2),
          reason: 'A replacement hoist is due next month',
        },
      }),
      'decideClawback',
    );
    log(`clawback decided: ${decided.clawback?.decision?.decision}`);
    const clawbackCheck = ok(
      await finance.GET('/v1/reviews/{id}/clawback/verification', { params: { path: { id: annual.id } } }),
      'verifyClawback',
    );
    proven(clawbackCheck);
  }
}

// An appeal against the budget, and its decision.
const appeal = ok(
  await assessor.POST('/v1/appeals', { body: { subject: 'budget', budgetId: budget.id, reason: 'My night-time needs are not counted' } }),
  'createAppeal',
);
const appealRead = await panel.GET('/v1/appeals/{id}', { params: { path: { id: appeal.id } } });
ok(await panel.GET('/v1/appeals', { params: { query: { personId: person.id } } }), 'listAppeals');
ok(
  await panel.POST('/v1/appeals/{id}/decision', {
    params: { path: { id: appeal.id }, header: { 'If-Match': etagOf(appealRead) } },
    body: { outcome: 'not-upheld', reasons: 'Night-time needs are counted in section 4' },
  }),
  'decideAppeal',
);

// Integration: events, a webhook to a local receiver, exports and imports.
const received: string[] = [];
const receiver = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    received.push(String(request.headers['webhook-id'] ?? request.headers['ras-signature']));
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ras`;
ok(await integration.GET('/v1/event-types'), 'listEventTypes');
log(
  `${ok(await integration.GET('/v1/events', { params: { query: { pageSize: 20 } } }), 'listEvents').items.length} events on the first page`,
);
const webhookCreated = await integration.POST('/v1/webhooks', {
  body: { url: receiverUrl, eventTypes: ['budget.created', 'budget.agreed'], description: 'CareFirst bridge' },
});
const webhook = ok(webhookCreated, 'createWebhook');
ok(await integration.GET('/v1/webhooks'), 'listWebhooks');
const webhookRead = await integration.GET('/v1/webhooks/{id}', { params: { path: { id: webhook.id } } });
ok(webhookRead, 'getWebhook');
ok(
  await integration.PATCH('/v1/webhooks/{id}', {
    params: { path: { id: webhook.id }, header: { 'If-Match': etagOf(webhookRead) } },
    body: { description: 'CareFirst bridge (live)' },
  }),
  'updateWebhook',
);
// A receiver that lost its store asks for everything again from the first event; one delivery
// alone can be sent again too; and the signing secret changes with a day's overlap.
const replayed = ok(
  await integration.POST('/v1/webhooks/{id}/replay', { params: { path: { id: webhook.id } }, body: { fromSeq: 1 } }),
  'replayWebhook',
);
log(`replay queued ${replayed.queued} events`);
const deliveries = ok(
  await integration.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: webhook.id } } }),
  'listWebhookDeliveries',
);
const [firstDelivery] = deliveries.items;
if (firstDelivery)
  ok(
    await integration.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/redelivery', {
      params: { path: { id: webhook.id, deliveryId: firstDelivery.id } },
    }),
    'redeliverWebhookDelivery',
  );
const webhookNow = await integration.GET('/v1/webhooks/{id}', { params: { path: { id: webhook.id } } });
ok(
  await integration.POST('/v1/webhooks/{id}/secret-rotation', {
    params: { path: { id: webhook.id }, header: { 'If-Match': etagOf(webhookNow) } },
    body: { previousSecretValidForHours: 24 },
  }),
  'rotateWebhookSecret',
);
ok(await integration.DELETE('/v1/webhooks/{id}', { params: { path: { id: webhook.id } } }), 'deleteWebhook');
receiver.close();
const exported = ok(
  await integration.GET('/v1/exports/{kind}', { params: { path: { kind: 'budgets' }, query: { format: 'csv' } }, parseAs: 'text' }),
  'exportRecords',
);
log(`export: ${exported.trim().split('\n').length - 1} budget rows`);
const imported = ok(
  await integration.POST('/v1/imports/people', {
    params: { query: { mode: 'best-effort' } },
    body: `system,externalId,clientGroup,displayName,dateOfBirth\ncarefirst,IMPORT-${stamp},${scheme.clientGroups[0]},Alex Example,1961-02-03\n` as never,
    headers: { 'content-type': 'text/csv' },
    bodySerializer: (body) => body as unknown as string,
  }),
  'importPeople',
);
log(`import: ${JSON.stringify(imported)}`);

// A big file behind a load balancer that cuts long requests: the same import answered at once
// with a job (Prefer: respond-async), polled until it ends; its result is the import report.
type Job = components['schemas']['Job'];
/** Polls a job as a client would, as soon as Retry-After says, until it has ended. */
async function finished(client: ReturnType<typeof clientFor>, id: string): Promise<Job> {
  for (;;) {
    const polled = await client.GET('/v1/jobs/{id}', { params: { path: { id } } });
    const job = ok(polled, 'getJob');
    if (job.status !== 'queued' && job.status !== 'running') return job;
    log(`job ${job.operation}: ${job.progress.done} of ${job.progress.total ?? '?'} (${job.progress.percent ?? 0}%)`);
    await new Promise((resolve) => setTimeout(resolve, Number(polled.response.headers.get('retry-after') ?? '1') * 1_000));
  }
}
const bigFile = (prefix: string, rows: number) =>
  [
    'system,externalId,clientGroup,displayName,dateOfBirth',
    ...Array.from({ length: rows }, (_, i) => `carefirst,${prefix}-${stamp}-${i},${scheme.clientGroups[0]},Person ${i},1950-01-01`),
  ].join('\n');
const importAsync = (body: string) =>
  integration.POST('/v1/imports/people', {
    params: { query: { mode: 'best-effort' }, header: { prefer: 'respond-async' } },
    body: body as never,
    headers: { 'content-type': 'text/csv' },
    bodySerializer: (text) => text as unknown as string,
  });
const importJob = ok(await importAsync(bigFile('BULK', 3_000)), 'importPeople') as Job;
const importDone = await finished(integration, importJob.id);
log(`import job ${importDone.status}: ${JSON.stringify(importDone.result)}`);
ok(await integration.GET('/v1/jobs', { params: { query: { operation: 'importPeople' } } }), 'listJobs');
// A file sent by mistake: its job is cancelled, and stops between slices (what it wrote stays).
const mistakeJob = ok(await importAsync(bigFile('MISTAKE', 20_000)), 'importPeople') as Job;
const stopping = ok(await integration.POST('/v1/jobs/{id}/cancel', { params: { path: { id: mistakeJob.id } } }), 'cancelJob');
const stopped = await finished(integration, stopping.id);
log(`cancelled import job: ${stopped.status} after ${stopped.progress.done} of ${stopped.progress.total} rows`);

// Monitoring and the council's self-review.
ok(await admin.GET('/v1/reports/summary'), 'getSummaryReport');
// JSON is the default; the same operation answers CSV and HTML, so the generated type is their union.
const fairness = ok(await admin.GET('/v1/reports/fairness'), 'getFairnessReport') as components['schemas']['FairnessReport'];
log(`fairness report: ${fairness.everyone?.people ?? 'fewer than 5'} agreed budgets this year`);
const criticalPath = await admin.GET('/v1/critical-path');
ok(criticalPath, 'getCriticalPath');
ok(
  await admin.PUT('/v1/critical-path/steps/{number}', {
    params: { path: { number: 9 }, header: { 'If-Match': etagOf(criticalPath) } },
    body: { status: 'in-progress', notes: 'Panel terms of reference drafted' },
  }),
  'recordCriticalPathStep',
);
const round = await admin.POST('/v1/self-rating-rounds', {
  body: { roundKey: `nw-${stamp}`, title: 'North West self-rating', closesOn: '2099-06-30' },
});
const roundId = ok(round, 'createSelfRatingRound').id;
ok(await admin.GET('/v1/self-rating-rounds'), 'listSelfRatingRounds');
const roundRead = await admin.GET('/v1/self-rating-rounds/{id}', { params: { path: { id: roundId } } });
ok(roundRead, 'getSelfRatingRound');
ok(
  await admin.PUT('/v1/self-rating-rounds/{id}/ratings/{component}', {
    params: { path: { id: roundId, component: 'prevention' }, header: { 'If-Match': etagOf(roundRead) } },
    body: { rating: 3, comment: 'Good advice, patchy follow-up' },
  }),
  'rateComponent',
);
ok(await admin.GET('/v1/reports/regional-self-rating', { params: { query: { roundKey: `nw-${stamp}` } } }), 'getRegionalSelfRatingReport');

// The public: the published scheme's algorithmic transparency record, with no key.
const councilId = ok(await admin.GET('/v1/council'), 'getCouncil').id;
const record = ok(
  await anyone.GET('/v1/public/councils/{councilId}/allocation-schemes/{id}/transparency-record', {
    params: { path: { councilId, id: schemeId } },
  }),
  'getTransparencyRecord',
);
log(`transparency record: ${typeof record === 'string' ? 'HTML' : record.tier1.name}`);

// Data protection. The council keeps records eight years after support ends (its statutory
// minimum), then erases them. Sam's support ends; someone registered in error is erased now, once
// the legal hold placed while a complaint was open is released. The DPO answers Sam's subject
// access request, sees who read Sam's record, and prints the facts for the DPIA.
const councilNow = await admin.GET('/v1/council');
ok(
  await admin.PATCH('/v1/council', {
    params: { header: { 'If-Match': etagOf(councilNow) } },
    body: {
      settings: {
        dataProtection: {
          controller: 'Demo Borough Council',
          dpoContact: 'dpo@demo-borough.example.gov.uk',
          retention: { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 },
          redactInSubjectAccess: ['staff-names', 'carers'],
          processors: [{ name: 'Example Hosting Ltd', purpose: 'Runs the service and its database', location: 'UK' }],
        },
      },
    },
  }),
  'updateCouncil',
);
const budgetNow = await teamManager.GET('/v1/budgets/{id}', { params: { path: { id: budget.id } } });
const ended = ok(
  await teamManager.POST('/v1/budgets/{id}/end', {
    params: { path: { id: budget.id }, header: { 'If-Match': etagOf(budgetNow) } },
    body: { endDate: '2027-09-30', reason: 'Moved to another council area' },
  }),
  'endBudget',
);
log(`budget ${ended.status} on ${ended.endDate}`);
const mistaken = ok(
  await assessor.POST('/v1/people', { body: { clientGroup: scheme.clientGroups[0] as string, displayName: 'Registered in error' } }),
  'createPerson',
);
ok(
  await admin.PUT('/v1/people/{id}/legal-hold', {
    params: { path: { id: mistaken.id } },
    body: { reason: 'Complaint ref C-1042 open' },
  }),
  'placeLegalHold',
);
ok(await admin.DELETE('/v1/people/{id}/legal-hold', { params: { path: { id: mistaken.id } } }), 'releaseLegalHold');
const erasure = ok(
  await admin.POST('/v1/people/{id}/erasure', { params: { path: { id: mistaken.id } }, body: { note: 'Registered in error: ticket 88' } }),
  'erasePerson',
);
log(`person ${erasure.id} erased (${erasure.reason})`);
const dryRun = answered(ok(await admin.POST('/v1/erasure-runs', { body: { dryRun: true } }), 'runRetentionErasure'), 'runRetentionErasure');
log(`retention: ${dryRun.due.length} due, ${dryRun.held.length} held, ${dryRun.retained} kept`);
const subjectAccess = answered(
  ok(await admin.GET('/v1/people/{id}/record', { params: { path: { id: person.id } } }), 'exportPersonRecord'),
  'exportPersonRecord',
);
log(`subject access: ${typeof subjectAccess === 'string' ? 'HTML' : `${Object.keys(subjectAccess.sections).length} sections`}`);
// A long record is collected by a job and read at its result address (logged as a read of Sam).
const exportJob = ok(
  await admin.GET('/v1/people/{id}/record', { params: { path: { id: person.id }, header: { prefer: 'respond-async' } } }),
  'exportPersonRecord',
) as unknown as Job;
const exportDone = await finished(admin, exportJob.id);
const collected = ok(await admin.GET('/v1/jobs/{id}/result', { params: { path: { id: exportDone.id } } }), 'getJobResult');
log(`subject access job: ${Object.keys(collected.sections).length} sections`);
const reads = ok(await admin.GET('/v1/access-log', { params: { query: { personId: person.id } } }), 'listAccessLog');
log(`${reads.items.length} reads of Sam's record logged`);
ok(await admin.GET('/v1/dpia', { parseAs: 'text' }), 'getDpiaPack');

// The operator: a second council.
if (process.env.BOOTSTRAP_TOKEN) {
  const operator = clientFor(process.env.BOOTSTRAP_TOKEN);
  ok(await operator.POST('/v1/councils', { body: { name: `Example Council ${stamp}` } }), 'createCouncil');
}

if (examplesFile) {
  writeFileSync(examplesFile, `${JSON.stringify(examples, null, 2)}\n`);
  log(`wrote ${Object.keys(examples).length} examples to ${examplesFile}`);
}
log('journey complete');

/**
 * What the service holds about a person, and what erasure does to each item: the one list the
 * erasure, the subject access export and the DPIA pack are built from.
 */
export type DataCategory = 'identity' | 'special-category' | 'financial' | 'record';

export interface PersonalDataItem {
  readonly item: string;
  readonly where: string;
  readonly category: DataCategory;
  /** What an erasure leaves of it. */
  readonly onErasure: string;
}

export const PERSONAL_DATA_ITEMS: readonly PersonalDataItem[] = [
  { item: 'Name, date of birth, agent (name, relationship, contact)', where: 'people', category: 'identity', onErasure: 'removed' },
  {
    item: 'Record-system identifiers (e.g. CareFirst id)',
    where: 'person_external_ids',
    category: 'identity',
    onErasure: 'removed, so no import can re-link them',
  },
  {
    item: 'Carer link (the person a carer cares for)',
    where: 'people',
    category: 'record',
    onErasure: 'kept as an id between two erased or anonymous records',
  },
  {
    item: 'Equality monitoring: sex, ethnicity, religion, sexual orientation, primary support reason',
    where: 'equality_monitoring',
    category: 'special-category',
    onErasure: 'religion and sexual orientation removed; sex, ethnicity and support reason kept, anonymous, for the fairness report',
  },
  {
    item: 'Self-assessment answers, moderation and eligibility reasons (health and care needs)',
    where: 'assessments',
    category: 'special-category',
    onErasure: 'answers and free text removed; points by section kept',
  },
  {
    item: 'Budget calculation and its explanation, panel reasons',
    where: 'budgets',
    category: 'record',
    onErasure: 'free text removed; figures in pence, points, dates and the age band at the start kept',
  },
  {
    item: 'Support plan: what support, from whom, outcomes wanted',
    where: 'support_plans, plan_decisions',
    category: 'record',
    onErasure: 'free text removed; amounts and categories kept',
  },
  {
    item: 'Financial assessment: income, capital, notes',
    where: 'financial_assessments',
    category: 'financial',
    onErasure: 'notes and free text removed; the weekly contribution kept',
  },
  {
    item: 'Budget account: payments, spending, descriptions',
    where: 'budget_transactions, payment_agreements',
    category: 'financial',
    onErasure: 'descriptions removed; amounts and dates kept',
  },
  {
    item: 'Direct payment holder, bank or card account reference',
    where: 'direct_payment_agreements, payment_run_items, account_returns',
    category: 'financial',
    onErasure: 'removed; amounts kept',
  },
  {
    item: 'Reviews: outcomes achieved, notes, clawback decisions',
    where: 'reviews',
    category: 'record',
    onErasure: 'notes removed; outcomes met and amounts kept',
  },
  { item: 'Appeals: the reason given and the decision', where: 'appeals', category: 'record', onErasure: 'free text removed; status kept' },
  {
    item: 'Audit trail and events about these records',
    where: 'audit_log, events',
    category: 'record',
    onErasure: 'payloads stripped to ids, codes, dates and figures; who did what kept for the audit period',
  },
  {
    item: 'Who read the record',
    where: 'access_log',
    category: 'record',
    onErasure: 'kept for the audit period (it holds ids, never the data read); append-only until then',
  },
];

/**
 * Keys whose values name or describe a person, or are free text, whatever their form: erasure
 * always removes them (`reason` is kept only as a referral's code, which the fairness report counts).
 */
const ALWAYS_REMOVED = new Set([
  'displayName',
  'dateOfBirth',
  'agent',
  'name',
  'contact',
  'holderName',
  'accountReference',
  'payeeName',
  'payeeReference',
  'acceptedBy',
  'externalIds',
  'answers',
  'submittedAnswers',
  'religion',
  'sexualOrientation',
  'email',
  'phone',
  'address',
  'postcode',
  'reason',
  'reasons',
  'note',
  'notes',
  'comment',
  'comments',
  'description',
  'text',
  'reference',
  'provider',
  'budgetHolder',
  'supportManager',
  'plan',
  'emergencyCover',
  'healthySafeAndWell',
  'mitigation',
  'checklistReasons',
]);

/** Where a key is a code rather than free text: a referral's reason (`above-ceiling`). */
const KEPT_UNDER: Readonly<Record<string, ReadonlySet<string>>> = {
  referrals: new Set(['reason']),
  referral: new Set(['reason']),
};

/** A code (lower-case, starting with a letter), an id, a date or a time: what a record keeps once free text is gone. */
const CODE = /^(?:[a-z][a-z0-9_.:-]*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:T[0-9:.]+Z?)?)$/;

/**
 * A JSON value with everything personal taken out and the anonymous figures left: numbers,
 * booleans, codes (lower-case tokens such as `above-ceiling`), ids and dates stay; free text
 * (anything with a space, a capital or only digits) and the {@link ALWAYS_REMOVED} keys become null.
 *
 * @example
 * ```ts
 * anonymise({ description: 'PA for Zeb', amountPence: 5000, category: 'personal-assistant' });
 * // { description: null, amountPence: 5000, category: 'personal-assistant' }
 * ```
 */
export function anonymise(value: unknown, parent = ''): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length <= 100 && CODE.test(value) ? value : null;
  if (Array.isArray(value)) return value.map((item) => anonymise(item, parent));
  if (typeof value === 'object') {
    const kept = KEPT_UNDER[parent];
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      result[key] = ALWAYS_REMOVED.has(key) && !kept?.has(key) ? null : anonymise(inner, key);
    return result;
  }
  return null;
}

/** Where a table stands in a subject access export. */
export type TableCoverage =
  /** Its rows about the person are in the export, in this section (or these). */
  | { readonly section: string }
  /** It holds something of the person, left out of the export for this reason. */
  | { readonly leftOut: string }
  /** It holds nothing of any one person, for this reason. */
  | { readonly noPersonalData: string };

/**
 * Every table of the database, and where it stands in a subject access export: the one list the
 * export is checked against. A test walks the database schema (foreign keys from `people`, and the
 * columns that name a person's records) and fails when a table that holds a person's data is
 * neither in the export nor left out with a reason here, or when a new table is not listed at all.
 */
export const SUBJECT_ACCESS_TABLES: Readonly<Record<string, TableCoverage>> = {
  people: { section: 'person' },
  person_external_ids: { section: 'person' },
  equality_monitoring: { section: 'equalityMonitoring' },
  assessments: { section: 'assessments' },
  budgets: { section: 'budgets' },
  support_plans: { section: 'supportPlans' },
  plan_decisions: { section: 'planDecisions' },
  plan_revisions: { section: 'planRevisions' },
  interim_budgets: { section: 'interimBudgets' },
  interim_payments: { section: 'interimPayments' },
  financial_assessments: { section: 'financialAssessments' },
  payment_agreements: { section: 'paymentAgreements' },
  payment_instalments: { section: 'paymentInstalments' },
  direct_payment_agreements: { section: 'directPaymentAgreements' },
  account_returns: { section: 'accountReturns' },
  audit_sample_items: { section: 'directPaymentAudits' },
  payment_run_items: { section: 'payments' },
  uprating_run_items: { section: 'upratings' },
  calibrations: { section: 'desktopExercises' },
  reviews: { section: 'reviews' },
  appeals: { section: 'appeals' },
  budget_transactions: { section: 'ledger' },
  events: { section: 'events' },
  audit_log: { section: 'auditTrail' },
  access_log: { section: 'accessLog' },
  webhook_deliveries: {
    leftOut:
      'We send notices about your records to the council’s other systems. Each notice is in the events in the full record. We do not list each time one was sent.',
  },
  idempotency_keys: {
    leftOut:
      'We keep a copy of some answers for one day. Then a system that asks twice gets the same answer. Everything they copy is in this record.',
  },
  jobs: {
    leftOut:
      'We keep a note of background work for seven days, such as an import or a copy of your record. An import keeps its rows only until it ends. What the work changed is in this record.',
  },
  scheduled_runs: { noPersonalData: 'When the service last did its own regular work, such as the daily retention run.' },
  uprating_runs: {
    noPersonalData: 'A council-wide uprating: its schemes, totals and who ran it. What it did to each budget is in "upratings".',
  },
  payment_runs: {
    noPersonalData: 'A council-wide payment run: its date, totals and who ran it. What it paid each person is in "payments".',
  },
  audit_samples: {
    noPersonalData:
      'A council-wide audit of direct payment accounts: its period and rule. What it found of each account is in "directPaymentAudits".',
  },
  councils: { noPersonalData: 'The council itself and its settings.' },
  api_keys: { noPersonalData: 'The keys the council’s staff and systems use (hashed), with their roles.' },
  identity_providers: { noPersonalData: 'The council’s own sign-in service, which the service trusts to say who is acting.' },
  questionnaires: { noPersonalData: 'The questions of the self-assessment, the same for everyone.' },
  allocation_schemes: { noPersonalData: 'The rules that turn points into money, the same for everyone.' },
  charging_policies: { noPersonalData: 'The council’s charging rules, the same for everyone.' },
  webhooks: { noPersonalData: 'Where the council’s systems receive events.' },
  providers: {
    noPersonalData:
      'The council’s register of care providers and where it pays them. Which provider holds your money is in your support plan and in "payments".',
  },
  critical_path_progress: { noPersonalData: 'The council’s own review of how it runs self-directed support.' },
  self_rating_rounds: { noPersonalData: 'A round of the regional self-rating, council by council.' },
  self_ratings: { noPersonalData: 'A council’s self-rating in a round.' },
};

/** What a subject access export leaves out, and why: said in the export itself. */
export const NOT_IN_SUBJECT_ACCESS = Object.entries(SUBJECT_ACCESS_TABLES).flatMap(([table, coverage]) =>
  'leftOut' in coverage ? [{ table, why: coverage.leftOut }] : [],
);

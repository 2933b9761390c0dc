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

import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { NOT_IN_SUBJECT_ACCESS } from '../db/personal-data.js';
import type { DB, Person } from '../db/schema.js';
import { councilSettings, findCouncil } from '../repositories/councils.js';
import { findPersonEntities } from '../repositories/erasure.js';
import {
  auditTrailOf,
  carersOf,
  desktopExercisesOf,
  directPaymentAuditsOf,
  eventsOf,
  ledgerOf,
  ledgerTotalsOf,
  questionnairesOfPerson,
  type RecordTable,
  readCountOf,
  readsOf,
  rowsWhere,
  upratingsOf,
} from '../repositories/person-record.js';
import { exported, REDACTED, type RecordHeader, type RecordSection, type Redaction, redactor } from '../representations/person-record.js';
import type { OpeningFacts } from '../representations/subject-access-opening.js';

type Row = Record<string, unknown>;

/**
 * How long after a subject access request its access log section is read: twice the access log
 * writer's interval (200 ms) and a margin, so reads queued on any instance when it was asked have
 * been written (this instance's own queue is written before the export starts).
 */
const ACCESS_LOG_SETTLE_MS = 500;

async function* once(rows: readonly Row[]): AsyncGenerator<readonly Row[]> {
  yield rows;
}

async function* mapped(pages: AsyncIterable<readonly Row[]>, map: (row: Row) => Row): AsyncGenerator<readonly Row[]> {
  for await (const page of pages) yield page.map(map);
}

/** The letters the service can write about the person, with where to get each. */
function letters(budgets: readonly Row[], plans: readonly Row[], reviews: readonly Row[]): Row[] {
  const link = (kind: string, id: unknown) => ({ kind, id, href: `/v1/letters/${kind}/${String(id)}` });
  return [
    ...budgets.map((budget) => link('indicative-budget', budget.id)),
    ...plans.filter((plan) => plan.status === 'approved' || plan.status === 'rejected').map((plan) => link('plan-decision', plan.id)),
    ...reviews.filter((review) => review.clawback !== null).map((review) => link('clawback-recommendation', review.id)),
  ];
}

/**
 * Everything the service holds about one person, section by section, for a subject access
 * request. Small sections are read whole; the ledger, the events, the audit trail and the access
 * log are read a page at a time as the response is written, so a long record is never all held.
 * Other people's details are redacted where the council marks them.
 */
export async function* personRecordSections(
  db: Kysely<DB>,
  councilId: string,
  person: Person,
  marks: ReadonlySet<Redaction>,
): AsyncGenerator<RecordSection> {
  const startedAt = performance.now();
  const personId = person.id;
  const entities = await findPersonEntities(db, councilId, personId);
  const rows = async (table: RecordTable, column: string, values: readonly string[]) =>
    (await rowsWhere(db, table, councilId, column, values)).map(exported);
  const section = (key: string, title: string, about: string, found: readonly Row[], shape: 'one' | 'many' = 'many'): RecordSection => ({
    key,
    title,
    about,
    shape,
    pages: once(found.map(redactor(key, marks))),
  });
  const stream = (key: string, title: string, about: string, columns: readonly string[], pages: AsyncIterable<Row[]>): RecordSection => ({
    key,
    title,
    about,
    shape: 'many',
    columns,
    pages: mapped(mapped(pages, exported), redactor(key, marks)),
  });

  const externalIds = Object.fromEntries(
    (await rowsWhere(db, 'person_external_ids', councilId, 'person_id', [personId])).map((row) => [row.system, row.value]),
  );
  yield section(
    'person',
    'You',
    'Your details, record-system identifiers and any legal hold.',
    [{ ...exported(person), externalIds }],
    'one',
  );
  yield section(
    'equalityMonitoring',
    'Equality monitoring',
    'What you told us for equality monitoring (optional).',
    await rows('equality_monitoring', 'person_id', [personId]),
    'one',
  );
  yield section('carers', 'Your carers', 'People registered as caring for you.', (await carersOf(db, councilId, personId)).map(exported));
  const assessments = await rows('assessments', 'person_id', [personId]);
  yield section('assessments', 'Assessments', 'Your self-assessments: your answers, the points, moderation and eligibility.', assessments);
  const budgets = await rows('budgets', 'person_id', [personId]);
  yield section('budgets', 'Budgets', 'Each personal budget, with how it was worked out and the explanation you were given.', budgets);
  const plans = await rows('support_plans', 'person_id', [personId]);
  yield section('supportPlans', 'Support plans', 'How you planned to spend your budget.', plans);
  yield section(
    'planDecisions',
    'Decisions on your support plans',
    'Each stage’s decision and reasons.',
    await rows('plan_decisions', 'plan_id', entities.ids['support-plan'] ?? []),
  );
  yield section(
    'planRevisions',
    'Changes to your support plans',
    'Each change to a plan after it was agreed: what changed, from when, and who agreed it.',
    await rows('plan_revisions', 'person_id', [personId]),
  );
  const interims = await rows('interim_budgets', 'person_id', [personId]);
  yield section('interimBudgets', 'Interim support', 'Support set in a crisis before your plan was agreed.', interims);
  yield section(
    'interimPayments',
    'Interim support payments',
    'Each payment of interim support.',
    await rows(
      'interim_payments',
      'interim_id',
      interims.map((interim) => String(interim.id)),
    ),
  );
  yield section(
    'financialAssessments',
    'Financial assessments',
    'What you were assessed to pay towards your support.',
    await rows('financial_assessments', 'person_id', [personId]),
  );
  const agreements = await rows('payment_agreements', 'budget_id', entities.ids.budget ?? []);
  yield section('paymentAgreements', 'Payment agreements', 'How and when your budget is paid.', agreements);
  yield section(
    'paymentInstalments',
    'Payment instalments',
    'Each scheduled payment.',
    await rows(
      'payment_instalments',
      'agreement_id',
      agreements.map((agreement) => String(agreement.id)),
    ),
  );
  const directPayments = await rows('direct_payment_agreements', 'person_id', [personId]);
  yield section(
    'directPaymentAgreements',
    'Direct payment agreements',
    'Direct payments: who holds the money and the account it goes to.',
    directPayments,
  );
  yield section(
    'accountReturns',
    'Direct payment account returns',
    'The statements returned for your direct payment account.',
    await rows('account_returns', 'agreement_id', entities.ids['direct-payment-agreement'] ?? []),
  );
  yield section(
    'directPaymentAudits',
    'Checks of your direct payment account',
    'When the council checked your direct payment account, what it found and what it decided.',
    (await directPaymentAuditsOf(db, councilId, entities.ids['direct-payment-agreement'] ?? [])).map(exported),
  );
  // A payment to a nominated or authorised person's account names them and their account.
  const heldByOthers = new Set(directPayments.filter((agreement) => agreement.holderType !== 'person').map((agreement) => agreement.id));
  const payments = (await rows('payment_run_items', 'person_id', [personId])).map((payment) =>
    marks.has('agents') && heldByOthers.has(payment.directPaymentAgreementId)
      ? { ...payment, payeeName: REDACTED, payeeReference: REDACTED }
      : payment,
  );
  yield section('payments', 'Payment run items', 'Payments made to you in the council’s payment runs.', payments);
  yield section(
    'upratings',
    'Yearly changes to your budget',
    'Each time the council re-worked budgets under new rates, what it meant for yours.',
    (await upratingsOf(db, councilId, personId)).map(exported),
  );
  yield section(
    'desktopExercises',
    'Cases in the council’s checks of its rates',
    'When the council tested its rates on real cases, the case that was yours (found by your record number).',
    (await desktopExercisesOf(db, councilId, Object.values(externalIds))).map(exported),
  );
  const reviews = await rows('reviews', 'person_id', [personId]);
  yield section('reviews', 'Reviews', 'Reviews of your support, with outcomes and any clawback.', reviews);
  yield section('appeals', 'Appeals', 'Appeals you lodged and their decisions.', await rows('appeals', 'person_id', [personId]));
  yield section(
    'letters',
    'Letters',
    'Letters the service writes to you; each can be fetched at its address.',
    letters(budgets, plans, reviews),
  );
  yield stream(
    'ledger',
    'Your budget account',
    'Every payment in and out of your budget accounts, oldest first.',
    ['occurredOn', 'kind', 'direction', 'amountPence', 'funder', 'category', 'description', 'budgetId'],
    ledgerOf(db, councilId, entities.ids.budget ?? []),
  );
  yield stream(
    'events',
    'Events',
    'The notices the service sent about your records to the council’s systems, oldest first; those about each payment and spend follow, entry by entry.',
    ['seq', 'occurredAt', 'type', 'entityType', 'entityId', 'payload'],
    eventsOf(db, councilId, entities),
  );
  yield stream(
    'auditTrail',
    'Who changed your records',
    'Every change to your records: when, what, and by whom, oldest first; the recording of each payment and spend follows, entry by entry.',
    ['at', 'action', 'actor', 'actorName', 'entityType', 'entityId', 'before', 'after'],
    auditTrailOf(db, councilId, entities),
  );
  // Reads on other instances reach the log within their writer's interval: wait that long past the
  // moment the record was asked for, so the section holds every read until then, wherever it was made.
  const settle = startedAt + ACCESS_LOG_SETTLE_MS - performance.now();
  if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
  yield stream(
    'accessLog',
    'Who looked at your records',
    'Each time someone read your record, your special-category details or your money: when, through which key, and what.',
    ['at', 'keyId', 'actorName', 'operationId', 'what', 'entityType', 'entityId'],
    readsOf(db, councilId, personId),
  );
}

/** What the opening of the subject access page needs besides the record's small sections. */
export async function openingFacts(
  db: Kysely<DB>,
  councilId: string,
  person: Person,
  today: string,
): Promise<Omit<OpeningFacts, 'notIncluded' | 'councilName'>> {
  const entities = await findPersonEntities(db, councilId, person.id);
  const [questionnaires, money, reads] = await Promise.all([
    questionnairesOfPerson(db, councilId, person.id),
    ledgerTotalsOf(db, councilId, entities.ids.budget ?? []),
    readCountOf(db, councilId, person.id),
  ]);
  return {
    today,
    questionnaires: new Map(questionnaires.map((row) => [row.id, { title: row.title, sections: row.definition.sections }])),
    money,
    reads,
  };
}

/** A subject access export: its header (who, when, what is redacted or not included) and its sections, read as they are written. */
export async function personRecordExport(
  db: Kysely<DB>,
  councilId: string,
  person: Person,
  clock: Clock,
): Promise<{ header: RecordHeader; sections: AsyncGenerator<RecordSection> }> {
  const [council, settings] = await Promise.all([findCouncil(db, councilId), councilSettings(db, councilId)]);
  const redacted = settings.dataProtection?.redactInSubjectAccess ?? [];
  const header = {
    generatedAt: clock.now().toISOString(),
    councilName: council?.name ?? '',
    personId: person.id,
    redacted,
    notIncluded: NOT_IN_SUBJECT_ACCESS,
  };
  return { header, sections: personRecordSections(db, councilId, person, new Set(redacted)) };
}

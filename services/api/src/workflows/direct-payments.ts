import {
  type AccountStatement,
  checkAccountReturn,
  ledgerForPeriod,
  PAYEE_OF,
  type Recovery,
  recoverablePence,
  selectAuditSample,
  splitRecovery,
} from 'ras-core';
import type { Role } from '../auth/roles.js';
import type { AccountReturn, AuditSample, DirectPaymentAgreement, HolderOption, SupportPlanRow } from '../db/schema.js';
import { AppError, invalidState, notFound, unprocessable } from '../errors.js';
import { findLedger, insertTransaction, listTransactions } from '../repositories/budget-accounts.js';
import { findBudget } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import {
  agreementsForBudget,
  auditableAgreements,
  auditedOverlap,
  debtsOwedOn,
  findAccountReturn,
  findAuditSample,
  findDirectPaymentAgreement,
  insertAccountReturn,
  insertAuditSample,
  insertDirectPaymentAgreement,
  listAuditItems,
  setAgreementStatus,
  updateAuditItem,
} from '../repositories/direct-payments.js';
import { listPlans } from '../repositories/support-plans.js';
import { summariseStoredAccount, toTransaction } from '../representations/budget-accounts.js';
import type { WorkflowContext } from './context.js';
import { namedBudget } from './named-records.js';
import { refuseErased, stateMachine, transition } from './transition.js';

type Context = Pick<WorkflowContext, 'tx' | 'scope' | 'changes' | 'clock' | 'actor'>;

/** The ways of managing an approved plan uses that pay a holder under an agreement, each with its first line. */
export function holderOptionsOf(plan: SupportPlanRow | undefined): Map<HolderOption, number> {
  const options = new Map<HolderOption, number>();
  plan?.plan.lines.forEach((line, index) => {
    if (PAYEE_OF[line.managedBy] === 'holder' && !options.has(line.managedBy as HolderOption))
      options.set(line.managedBy as HolderOption, index);
  });
  return options;
}

/** The holders each way of managing may pay: a trust's money goes to the trust, an indirect payment to the nominated person. */
export const HOLDERS_OF: Readonly<Record<HolderOption, readonly DirectPaymentAgreement['holder_type'][]>> = {
  'direct-payment': ['person', 'nominated-person', 'authorised-person'],
  'indirect-payment': ['nominated-person'],
  trust: ['trust'],
};

/**
 * Before a council payment into the account of a budget whose plan pays a holder (a direct
 * payment, an indirect payment, a trust): each way's agreement must be in place (422, naming the
 * line), and none suspended after an audit (409).
 */
export async function assertDirectPaymentsAllowed(
  context: Pick<Context, 'tx' | 'scope'>,
  budgetId: string,
  plan: SupportPlanRow | undefined,
): Promise<void> {
  const options = holderOptionsOf(plan);
  if (options.size === 0) return;
  const agreements = await agreementsForBudget(context.tx, context.scope.councilId, budgetId);
  const missing = [...options].filter(([option]) => !agreements.some((agreement) => agreement.management_option === option));
  if (missing.length > 0)
    throw unprocessable(
      'DIRECT_PAYMENT_AGREEMENT_REQUIRED',
      `The plan pays part of the budget to a holder (${missing.map(([option]) => option).join(', ')}): record each agreement (createDirectPaymentAgreement) before the first payment`,
      missing.map(([option, line]) => ({
        pointer: '/kind',
        detail: `plan line ${line} (${option}) needs its agreement before a council payment`,
      })),
    );
  const suspended = agreements.find((agreement) => options.has(agreement.management_option) && agreement.status === 'suspended');
  if (suspended)
    throw new AppError(
      'DIRECT_PAYMENTS_SUSPENDED',
      `Direct payments on this budget were suspended after an audit (agreement ${suspended.id})`,
      {
        errors: [{ pointer: '/kind', detail: 'no council payments while the direct payment agreement is suspended' }],
      },
    );
}

export interface AgreementRequest {
  readonly budgetId: string;
  /** The way of managing the agreement pays for (default `direct-payment`). */
  readonly managementOption?: HolderOption | undefined;
  readonly termsVersion: string;
  readonly holder: { readonly type: DirectPaymentAgreement['holder_type']; readonly name?: string | undefined };
  readonly account: { readonly type: DirectPaymentAgreement['account_type']; readonly reference: string };
  readonly acceptedOn: string;
  readonly acceptedBy: string;
}

export function agreementEvent(row: DirectPaymentAgreement) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    status: row.status,
    managementOption: row.management_option,
    termsVersion: row.terms_version,
    holderType: row.holder_type,
    version: row.version,
  };
}

/**
 * The direct payment agreement for an agreed budget whose approved plan has direct-payment lines:
 * the council's current terms (version and text kept as accepted), who holds the money, the
 * account it goes to, and who accepted it when. One per budget.
 */
export async function createDirectPaymentAgreement(context: Context, request: AgreementRequest): Promise<DirectPaymentAgreement> {
  const { tx, scope, changes, actor } = context;
  const budget = await namedBudget(context, request.budgetId, { forUpdate: true });
  if (budget.status !== 'agreed') throw invalidState(`A direct payment agreement is for an agreed budget; this one is ${budget.status}`);
  const [plan] = await listPlans(
    tx,
    { councilId: scope.councilId, portalKeyId: null },
    { budgetId: budget.id, status: 'approved' },
    null,
    1,
  );
  const option = request.managementOption ?? 'direct-payment';
  if (!holderOptionsOf(plan).has(option))
    throw unprocessable('NO_DIRECT_PAYMENT_LINES', `The approved plan has no ${option} line, so there is no ${option} to agree`, [
      {
        pointer: request.managementOption === undefined ? '/budgetId' : '/managementOption',
        detail: `its approved plan has no line managed by ${option}`,
      },
    ]);
  const existing = (await agreementsForBudget(tx, scope.councilId, budget.id)).find((agreement) => agreement.management_option === option);
  if (existing)
    throw new AppError('ALREADY_EXISTS', `The budget already has an agreement for its ${option} lines`, {
      errors: [{ pointer: '/budgetId', detail: `has a ${option} agreement already` }],
      extensions: { existingId: existing.id },
    });
  if (!HOLDERS_OF[option].includes(request.holder.type))
    throw unprocessable('INVALID_INPUT', `Money for ${option} lines is held by ${HOLDERS_OF[option].join(' or ')}`, [
      { pointer: '/holder/type', detail: `must be ${HOLDERS_OF[option].map((type) => `"${type}"`).join(' or ')} for ${option}` },
    ]);
  const terms = (await councilSettings(tx, scope.councilId)).directPaymentTerms;
  if (!terms || terms.version !== request.termsVersion)
    throw unprocessable(
      'INVALID_INPUT',
      terms
        ? `The council's current terms are version ${terms.version}`
        : 'The council has not set its direct payment terms (settings.directPaymentTerms)',
      [{ pointer: '/termsVersion', detail: terms ? `must be the current version, ${terms.version}` : 'no terms are set' }],
    );
  if (request.holder.type !== 'person' && !request.holder.name?.trim())
    throw unprocessable('INVALID_INPUT', 'Say who holds the money for the person', [
      { pointer: '/holder/name', detail: `is required for a ${request.holder.type}` },
    ]);
  if (request.acceptedOn > context.clock.today())
    throw unprocessable('INVALID_INPUT', 'An agreement cannot be accepted in the future', [
      { pointer: '/acceptedOn', detail: 'is after today' },
    ]);
  const row = await insertDirectPaymentAgreement(tx, scope.councilId, {
    budget_id: budget.id,
    person_id: budget.person_id,
    management_option: option,
    terms_version: terms.version,
    terms_text: terms.text,
    holder_type: request.holder.type,
    holder_name: request.holder.name ?? null,
    account_type: request.account.type,
    account_reference: request.account.reference,
    accepted_on: request.acceptedOn,
    accepted_by: request.acceptedBy,
    created_by: actor.actor,
  });
  changes.record({
    action: 'direct-payment-agreement.created',
    entityType: 'direct-payment-agreement',
    entityId: row.id,
    after: agreementEvent(row),
  });
  return row;
}

/** A return as the API takes it. */
export interface ReturnRequest extends AccountStatement {
  readonly periodFrom: string;
  readonly periodTo: string;
}

/**
 * Records the account holder's return for a period and checks it against the ledger (ras-core's
 * checkAccountReturn): every difference shown. One return per period; none for a period an audit
 * has already decided.
 */
export async function recordAccountReturn(context: Context, agreementId: string, request: ReturnRequest): Promise<AccountReturn> {
  const { tx, scope, changes, actor } = context;
  await refuseErased(context, agreementId);
  if (request.periodTo < request.periodFrom)
    throw unprocessable('INVALID_INPUT', 'The period ends before it starts', [
      { pointer: '/periodTo', detail: `must be on or after ${request.periodFrom}` },
    ]);
  const agreement = await findDirectPaymentAgreement(tx, scope, agreementId, { forUpdate: true });
  if (!agreement) throw notFound('direct payment agreement', agreementId);
  const audited = await auditedOverlap(tx, scope.councilId, agreement.id, request.periodFrom, request.periodTo);
  if (audited)
    throw new AppError(
      'RETURN_PERIOD_AUDITED',
      `The audit of ${audited.period_from} to ${audited.period_to} has decided this account (${audited.outcome}); a return for that period can no longer be recorded`,
      {
        errors: [{ pointer: '/periodFrom', detail: `overlaps the audited period ${audited.period_from} to ${audited.period_to}` }],
        extensions: { existingId: audited.id },
      },
    );
  const duplicate = await findAccountReturn(tx, agreement.id, request.periodFrom, request.periodTo);
  if (duplicate)
    throw new AppError('ALREADY_EXISTS', 'A return for this period is already recorded', {
      errors: [{ pointer: '/periodFrom', detail: 'has a return already' }],
      extensions: { existingId: duplicate.id },
    });
  const entries = (await listTransactions(tx, scope.councilId, agreement.budget_id)).map((row) => ({
    id: row.id,
    direction: row.direction,
    amountPence: row.amount_pence,
    occurredOn: row.occurred_on,
    reversesId: row.reverses_id,
  }));
  const statement: AccountStatement = {
    openingBalancePence: request.openingBalancePence,
    moneyInPence: request.moneyInPence,
    moneyOutPence: request.moneyOutPence,
    closingBalancePence: request.closingBalancePence,
    receipts: request.receipts,
  };
  const check = checkAccountReturn(statement, ledgerForPeriod(entries, request.periodFrom, request.periodTo));
  const row = await insertAccountReturn(tx, scope.councilId, {
    agreementId: agreement.id,
    periodFrom: request.periodFrom,
    periodTo: request.periodTo,
    statement,
    check,
    createdBy: actor.actor,
  });
  changes.record({
    action: 'account-return.recorded',
    entityType: 'account-return',
    entityId: row.id,
    after: { id: row.id, agreementId: agreement.id, periodFrom: row.period_from, periodTo: row.period_to, matches: row.matches },
  });
  return row;
}

/** An audit sample as the API takes it. */
export interface SampleRequest {
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly percent: number;
  readonly seed?: string | undefined;
  readonly riskWeeks?: number | undefined;
}

/**
 * Draws the period's audit sample (ras-core's selectAuditSample): a percentage of the accounts in
 * force at random, seeded and reproducible (the seed defaults to the period), plus every account
 * holding more than `riskWeeks` (default 12) weeks of its budget at the end of the period.
 */
export async function createAuditSample(context: Context, request: SampleRequest): Promise<AuditSample> {
  const { tx, scope, changes, actor } = context;
  if (request.periodTo < request.periodFrom)
    throw unprocessable('INVALID_INPUT', 'The period ends before it starts', [
      { pointer: '/periodTo', detail: `must be on or after ${request.periodFrom}` },
    ]);
  const agreements = await auditableAgreements(tx, scope.councilId);
  const candidates = [];
  for (const agreement of agreements) {
    const ledger = await findLedger(tx, scope.councilId, agreement.budget_id);
    const periodEnd = ledger.entries.filter((entry) => entry.occurred_on <= request.periodTo);
    const balance = summariseStoredAccount({ ...ledger, entries: periodEnd }, request.periodTo).balancePence;
    candidates.push({ id: agreement.id, balancePence: balance, annualPence: agreement.gross_annual_pence ?? 0 });
  }
  const rule = {
    percent: request.percent,
    seed: request.seed ?? `${request.periodFrom}/${request.periodTo}`,
    riskWeeks: request.riskWeeks ?? 12,
  };
  const drawn = selectAuditSample(candidates, rule);
  const sample = await insertAuditSample(tx, scope.councilId, {
    periodFrom: request.periodFrom,
    periodTo: request.periodTo,
    rule,
    explanation: drawn.explanation,
    sampled: drawn.sampled,
    createdBy: actor.actor,
  });
  changes.record({
    action: 'audit-sample.created',
    entityType: 'audit-sample',
    entityId: sample.id,
    after: { id: sample.id, periodFrom: sample.period_from, periodTo: sample.period_to, accounts: drawn.sampled.length },
  });
  return sample;
}

/** An audit outcome as the API takes it. */
export interface OutcomeRequest {
  readonly agreementId: string;
  readonly outcome: 'satisfactory' | 'query' | 'suspend' | 'recover';
  readonly notes: string;
  readonly recoveryPence?: number | undefined;
  readonly occurredOn?: string | undefined;
}

/**
 * Records what the audit of one sampled account found. `suspend` suspends the agreement, so no
 * council payment goes in until it is lifted; `recover` raises a debt on the account: a clawback
 * entry of the amount, with the audit's notes as its explanation.
 */
export async function recordAuditOutcome(context: Context, sampleId: string, request: OutcomeRequest): Promise<AuditSample> {
  const { tx, scope, changes, actor, clock } = context;
  await refuseErased(context, request.agreementId);
  const sample = await findAuditSample(tx, scope.councilId, sampleId, { forUpdate: true });
  if (!sample) throw notFound('audit sample', sampleId);
  const item = (await listAuditItems(tx, scope.councilId, sample.id)).find((entry) => entry.agreement_id === request.agreementId);
  if (!item)
    throw unprocessable('INVALID_INPUT', 'The account is not in this sample', [
      { pointer: '/agreementId', detail: 'was not drawn for this audit' },
    ]);
  if (item.outcome !== null) throw invalidState(`The audit of this account is already decided: ${item.outcome}`);
  if ((request.outcome === 'recover') !== (request.recoveryPence !== undefined))
    throw unprocessable('INVALID_INPUT', 'A recovery needs its amount, and only a recovery has one', [
      { pointer: '/recoveryPence', detail: request.outcome === 'recover' ? 'is required to recover' : 'applies only to recover' },
    ]);
  const agreement = await findDirectPaymentAgreement(tx, scope, item.agreement_id, { forUpdate: true });
  if (!agreement) throw new Error(`audit item lost its agreement ${item.agreement_id}`);
  let recoveryTransactionId: string | null = null;
  let recovery: Recovery | null = null;
  const occurredOn = request.occurredOn ?? clock.today();
  if (request.outcome === 'recover') {
    const amount = request.recoveryPence as number;
    const ledger = await findLedger(tx, scope.councilId, agreement.budget_id);
    const account = summariseStoredAccount(ledger, clock.today());
    const recoverable = recoverablePence(account, await debtsOwedOn(tx, scope.councilId, agreement.id));
    if (amount <= 0 || amount > recoverable)
      throw unprocessable(
        'INVALID_INPUT',
        `The council has ${recoverable} pence of its own money in the account (paid in, less what came back and debts already recorded); it can recover no more`,
        [{ pointer: '/recoveryPence', detail: `must be from 1 to ${recoverable}` }],
      );
    const budget = await findBudget(tx, scope, agreement.budget_id);
    if (budget && occurredOn < budget.start_date)
      throw unprocessable('INVALID_INPUT', `The budget starts on ${budget.start_date}; money cannot move on it before then`, [
        { pointer: '/occurredOn', detail: `must be on or after ${budget.start_date}` },
      ]);
    // Out of the account no more than the council's money still in it; the rest is a debt owed.
    recovery = splitRecovery(account, amount);
  }
  if (recovery && recovery.recoveredPence > 0) {
    const row = await insertTransaction(tx, scope.councilId, {
      budgetId: agreement.budget_id,
      kind: 'clawback',
      direction: -1,
      amountPence: recovery.recoveredPence,
      occurredOn,
      category: null,
      planLine: null,
      managedBy: null,
      instalmentNumber: null,
      funder: 'council',
      description: `Recovered after the direct payment audit of ${sample.period_from} to ${sample.period_to}: ${request.notes}`,
      reversesId: null,
      createdBy: actor.actor,
    });
    recoveryTransactionId = row.id;
    changes.record({ action: 'transaction.recorded', entityType: 'budget-transaction', entityId: row.id, after: toTransaction(row) });
  }
  if (request.outcome === 'suspend' && agreement.status === 'active') {
    const suspended = await setAgreementStatus(tx, scope.councilId, agreement.id, 'suspended', clock.now());
    changes.record({
      action: 'direct-payment-agreement.suspended',
      entityType: 'direct-payment-agreement',
      entityId: agreement.id,
      before: agreementEvent(agreement),
      after: { ...agreementEvent(suspended), auditSampleId: sample.id },
    });
  }
  const decided = await updateAuditItem(
    tx,
    sample.id,
    item.agreement_id,
    {
      outcome: request.outcome,
      notes: request.notes,
      recovery_pence: request.recoveryPence ?? null,
      debt_pence: recovery?.debtPence ?? null,
      recovery_transaction_id: recoveryTransactionId,
      decided_by: actor.actor,
    },
    clock.now(),
  );
  changes.record({
    action: 'audit-outcome.recorded',
    entityType: 'audit-sample',
    entityId: sample.id,
    after: {
      id: sample.id,
      agreementId: decided.agreement_id,
      outcome: decided.outcome,
      recoveryPence: decided.recovery_pence,
      recoveredPence: recovery?.recoveredPence ?? null,
      debtOwedPence: decided.debt_pence,
    },
  });
  return sample;
}

/** A change of an agreement's status as the API takes it. */
export interface StatusChange {
  readonly status: 'active' | 'suspended' | 'ended';
  readonly reason: string;
}

/** Who manages direct payment agreements: finance (and admin). */
const AGREEMENT_MANAGERS: readonly Role[] = ['finance', 'admin'];
/** Why a status change is refused: an ended agreement stays ended; otherwise it is already where it would go. */
const agreementRefusal = (to: string) => (status: string) =>
  status === 'ended' ? 'The agreement has ended; a new budget gets a new agreement' : `The agreement is already ${to}`;

/**
 * A direct payment agreement: active, suspended (an audit found a problem) and reinstated, or
 * ended for good (a new plan and budget get a new agreement).
 */
export const DIRECT_PAYMENT_AGREEMENT = stateMachine({
  entity: 'direct-payment-agreement',
  noun: 'direct payment agreement',
  lock: (context, id) => findDirectPaymentAgreement(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (row: DirectPaymentAgreement) => row.status,
  eventOf: agreementEvent,
  personOf: (row: DirectPaymentAgreement) => row.person_id,
  steps: {
    suspend: {
      from: ['active'],
      to: 'suspended',
      roles: AGREEMENT_MANAGERS,
      audit: 'direct-payment-agreement.suspended',
      refusal: agreementRefusal('suspended'),
    },
    reinstate: {
      from: ['suspended'],
      to: 'active',
      roles: AGREEMENT_MANAGERS,
      audit: 'direct-payment-agreement.reinstated',
      refusal: agreementRefusal('active'),
    },
    end: {
      from: ['active', 'suspended'],
      to: 'ended',
      roles: AGREEMENT_MANAGERS,
      audit: 'direct-payment-agreement.ended',
      refusal: agreementRefusal('ended'),
    },
  },
});

/**
 * Suspends, reinstates or ends a direct payment agreement, with the reason: reinstating one an
 * audit suspended lets council payments go in again; an ended agreement stays ended (a new plan
 * and budget get a new agreement).
 */
export async function changeAgreementStatus(
  context: Context,
  agreementId: string,
  expectedVersion: number,
  change: StatusChange,
): Promise<DirectPaymentAgreement> {
  const { tx, scope } = context;
  const target = { id: agreementId, expectedVersion };
  const action = change.status === 'active' ? 'reinstate' : change.status === 'suspended' ? 'suspend' : 'end';
  return transition(context, DIRECT_PAYMENT_AGREEMENT, action, target, async (before, status) => ({
    after: await setAgreementStatus(tx, scope.councilId, before.id, status, context.clock.now()),
    extra: { reason: change.reason },
  }));
}

import { COUNCIL_FUNDER, defaultFunder, LEDGER_DIRECTION, type LedgerKind, PERSON_FUNDER } from 'ras-core';
import { assertNotPanelApprover } from '../auth/separation-of-duties.js';
import type { SupportPlanRow } from '../db/schema.js';
import { type FieldProblem, invalidState, notFound, unprocessable } from '../errors.js';
import { findLedger, findTransaction, insertTransaction, listTransactions } from '../repositories/budget-accounts.js';
import { findBudget } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import { appliedRevisionsOf } from '../repositories/plan-revisions.js';
import { listDecisions, listPlans } from '../repositories/support-plans.js';
import { summariseStoredAccount, toTransaction } from '../representations/budget-accounts.js';
import type { WorkflowContext } from './context.js';
import { assertDirectPaymentsAllowed } from './direct-payments.js';
import { planInForce } from './plan-in-force.js';
import { refuseErased } from './transition.js';

/** A transaction as the API takes it. */
export interface TransactionRequest {
  readonly kind: LedgerKind;
  readonly amountPence?: number | undefined;
  readonly occurredOn: string;
  readonly direction?: 'in' | 'out' | undefined;
  readonly funder?: string | undefined;
  readonly category?: string | undefined;
  readonly planLine?: number | undefined;
  readonly instalmentNumber?: number | undefined;
  readonly reversesTransactionId?: string | undefined;
  readonly description?: string | undefined;
}

/** Whose money each kind may name: the funders allowed, or null when the ledger decides. */
function fundersFor(kind: LedgerKind, streams: readonly string[]): readonly string[] | null {
  switch (kind) {
    case 'council-payment':
      return [COUNCIL_FUNDER];
    case 'funder-payment':
      return streams;
    case 'contribution':
    case 'contribution-refund':
      return [PERSON_FUNDER];
    case 'clawback':
    case 'spend':
    case 'refund':
      return [COUNCIL_FUNDER, ...streams];
    case 'adjustment':
      return [COUNCIL_FUNDER, PERSON_FUNDER, ...streams];
    default:
      // A reversal is the entry it reverses.
      return null;
  }
}

/**
 * Whose money a spend or refund is. A funding stream's money is ring-fenced (seed 000 step 18):
 * spend on a line it funds is its own, it pays for nothing else, and spending that names no line
 * is the council's (shared with the person's contribution by the ledger).
 */
function spendFunder(body: TransactionRequest, approved: SupportPlanRow | undefined, streams: readonly string[]): string {
  const line = body.planLine === undefined ? undefined : approved?.plan.lines[body.planLine];
  const lineFunder = line?.fundedBy ?? COUNCIL_FUNDER;
  if (body.funder === undefined || body.funder === (line ? lineFunder : COUNCIL_FUNDER)) return line ? lineFunder : COUNCIL_FUNDER;
  const named = body.funder;
  const linesOf = (approved?.plan.lines ?? []).flatMap((candidate, index) =>
    (candidate.fundedBy ?? COUNCIL_FUNDER) === named ? [index] : [],
  );
  const funds = linesOf.length === 0 ? 'no line of the approved plan' : `line${linesOf.length === 1 ? '' : 's'} ${linesOf.join(', ')}`;
  const payer = (key: string) => (key === COUNCIL_FUNDER ? 'the council' : `the ${key} stream`);
  throw unprocessable(
    'RING_FENCED',
    line
      ? `Line ${body.planLine} is paid for by ${payer(lineFunder)}, not ${payer(named)}: a stream's money is spent only on the lines it funds`
      : `The ${named} stream's money is spent only on the lines it funds: name the plan line (planLine)`,
    [
      {
        pointer: '/funder',
        detail: `${payer(named)} funds ${funds}${streams.includes(named) ? '' : ' and is not a stream of this budget'}`,
      },
    ],
  );
}

/** Checks that the fields fit the kind, before anything is read. */
export function transactionProblems(body: TransactionRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (body.kind !== 'reversal' && body.amountPence === undefined) problems.push({ pointer: '/amountPence', detail: 'is required' });
  if (body.kind === 'adjustment' && body.direction === undefined)
    problems.push({ pointer: '/direction', detail: 'is required for an adjustment: in or out' });
  if (body.kind !== 'adjustment' && body.direction !== undefined)
    problems.push({ pointer: '/direction', detail: 'applies only to adjustments' });
  if (body.kind === 'adjustment' && body.description === undefined)
    problems.push({ pointer: '/description', detail: 'is required for an adjustment: say why' });
  if (body.kind === 'reversal' && body.reversesTransactionId === undefined)
    problems.push({ pointer: '/reversesTransactionId', detail: 'is required for a reversal' });
  if (body.kind !== 'reversal' && body.reversesTransactionId !== undefined)
    problems.push({ pointer: '/reversesTransactionId', detail: 'applies only to reversals' });
  if (body.kind !== 'spend' && body.kind !== 'refund' && body.planLine !== undefined)
    problems.push({ pointer: '/planLine', detail: 'applies only to spend and refunds' });
  if (body.kind !== 'council-payment' && body.kind !== 'funder-payment' && body.instalmentNumber !== undefined)
    problems.push({ pointer: '/instalmentNumber', detail: 'applies only to council and funder payments' });
  if (body.kind === 'funder-payment' && body.funder === undefined)
    problems.push({ pointer: '/funder', detail: 'is required for a funder payment: the funding stream’s key' });
  if (body.kind === 'reversal' && body.funder !== undefined) problems.push({ pointer: '/funder', detail: 'is the reversed entry’s' });
  return problems;
}

/**
 * Records money into or out of a budget account: checks the kind's rules, the funder (a stream
 * only if the council passes its money on), the plan line, the instalment (a payment naming one
 * must pay what it still owes) and, under strict separation of duties, that whoever puts money in
 * did not approve the plan at panel.
 */
export async function recordTransaction(context: WorkflowContext, budgetId: string, body: TransactionRequest) {
  const { tx, changes, scope, clock, actor } = context;
  await refuseErased(context, budgetId);
  const problems = transactionProblems(body);
  if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'The transaction does not fit its kind: see errors', problems);
  const budget = await findBudget(tx, scope, budgetId, { forUpdate: true });
  if (!budget) throw notFound('budget', budgetId);
  if (budget.status === 'indicative' || budget.status === 'superseded')
    throw invalidState(`Money moves only on an agreed budget; this one is ${budget.status}`);
  if (body.occurredOn < budget.start_date)
    throw unprocessable('INVALID_INPUT', `The budget starts on ${budget.start_date}; money cannot move on it before then`, [
      { pointer: '/occurredOn', detail: `must be on or after the budget’s start date, ${budget.start_date}` },
    ]);
  const internal = { councilId: scope.councilId, portalKeyId: null };
  const [current] = await listPlans(tx, internal, { budgetId: budget.id, status: 'approved' }, null, 1);
  // Lines are the plan's as it stood on the day the money moved: a revision counts from its date.
  const approved = current && {
    ...current,
    plan: planInForce(current.plan, (await appliedRevisionsOf(tx, scope.councilId, [budget.id])).get(budget.id) ?? [], body.occurredOn),
  };
  if (body.kind === 'council-payment') await assertDirectPaymentsAllowed(context, budget.id, approved);
  // A budget that ended (replaced by an uprated one) takes no payments for after its end.
  if ((body.kind === 'council-payment' || body.kind === 'funder-payment') && budget.end_date !== null && body.occurredOn > budget.end_date)
    throw invalidState(`The budget ended on ${budget.end_date}: payments after that go to the budget that replaced it`);

  // Only streams whose money the council passes on have a line in the account.
  const streams = (budget.calculation.streams ?? []).filter((stream) => stream.paysThroughCouncil !== false).map((stream) => stream.key);
  const allowed = fundersFor(body.kind, streams);
  let funder = body.funder ?? defaultFunder(body.kind);
  if (allowed !== null && !allowed.includes(funder))
    throw unprocessable('INVALID_INPUT', 'The funder does not fit the transaction', [
      {
        pointer: '/funder',
        detail:
          allowed.length === 0 ? 'this budget has no funding streams' : `must be one of ${allowed.map((key) => `"${key}"`).join(', ')}`,
      },
    ]);

  let direction: 1 | -1;
  let amount = body.amountPence as number;
  let managedBy: string | null = null;
  if (body.kind === 'reversal') {
    const original = await findTransaction(tx, scope.councilId, budget.id, body.reversesTransactionId as string);
    if (!original)
      throw unprocessable('INVALID_INPUT', 'There is no such entry on this budget', [
        { pointer: '/reversesTransactionId', detail: 'is not an entry of this budget' },
      ]);
    if (original.kind === 'reversal')
      throw unprocessable('INVALID_INPUT', 'A reversal cannot be reversed; record the entry again', [
        { pointer: '/reversesTransactionId', detail: 'is itself a reversal' },
      ]);
    if ((await listTransactions(tx, scope.councilId, budget.id)).some((entry) => entry.reverses_id === original.id))
      throw invalidState('That entry has already been reversed');
    if (body.amountPence !== undefined && body.amountPence !== original.amount_pence) {
      throw unprocessable('INVALID_INPUT', 'A reversal moves exactly the amount of the entry it reverses', [
        { pointer: '/amountPence', detail: `must be ${original.amount_pence} or left out` },
      ]);
    }
    amount = original.amount_pence;
    direction = original.direction === 1 ? -1 : 1;
    funder = original.funder;
  } else if (body.kind === 'adjustment') {
    direction = body.direction === 'in' ? 1 : -1;
  } else {
    direction = LEDGER_DIRECTION[body.kind];
  }
  // Whoever approved the plan at panel may not put money into its account by any route: a
  // payment, an adjustment in, or reversing money that went out.
  if (direction === 1 && body.kind !== 'contribution' && (await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict') {
    const decisions = approved ? await listDecisions(tx, scope.councilId, [approved.id]) : [];
    const panel = decisions.filter((decision) => decision.stage === 'panel' && decision.outcome === 'approve').at(-1);
    assertNotPanelApprover(actor, panel && { actor: panel.decided_by, actorName: panel.actor_name });
  }
  if (body.planLine !== undefined) {
    const line = approved?.plan.lines[body.planLine];
    if (!line)
      throw unprocessable('INVALID_INPUT', 'The approved plan has no such line', [
        { pointer: '/planLine', detail: 'is not a line of the approved plan' },
      ]);
    managedBy = line.managedBy;
  }
  if (body.kind === 'spend' || body.kind === 'refund') funder = spendFunder(body, approved, streams);
  if (body.instalmentNumber !== undefined) {
    const summary = summariseStoredAccount(await findLedger(tx, scope.councilId, budget.id), clock.today());
    const instalment = summary.schedule.find((entry) => entry.funder === funder && entry.number === body.instalmentNumber);
    if (!instalment)
      throw unprocessable('INVALID_INPUT', 'The payment schedule has no such instalment', [
        { pointer: '/instalmentNumber', detail: `is not in ${funder === COUNCIL_FUNDER ? 'the council’s' : `${funder}’s`} schedule` },
      ]);
    if (instalment.status === 'paid') throw invalidState(`Instalment ${instalment.number} is already paid`);
    if (budget.end_date !== null && instalment.dueDate > budget.end_date)
      throw invalidState(`Instalment ${instalment.number} falls due after the budget ended on ${budget.end_date}`);
    const owing = instalment.amountPence - instalment.paidPence;
    if (owing !== amount) {
      throw unprocessable('INVALID_INPUT', `Instalment ${instalment.number} has ${owing} pence still to pay`, [
        { pointer: '/amountPence', detail: `must be ${owing} for instalment ${instalment.number}` },
      ]);
    }
  }
  const row = await insertTransaction(tx, scope.councilId, {
    budgetId: budget.id,
    kind: body.kind,
    direction,
    amountPence: amount,
    occurredOn: body.occurredOn,
    category: body.category ?? null,
    planLine: body.planLine ?? null,
    managedBy,
    instalmentNumber: body.instalmentNumber ?? null,
    funder,
    description: body.description ?? null,
    reversesId: body.reversesTransactionId ?? null,
    createdBy: actor.actor,
  });
  const resource = toTransaction(row);
  changes.record({ action: 'transaction.recorded', entityType: 'budget-transaction', entityId: row.id, after: resource });
  return resource;
}

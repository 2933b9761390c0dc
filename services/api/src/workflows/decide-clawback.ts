import type { Review } from '../db/schema.js';
import { invalidState, unprocessable } from '../errors.js';
import { findLedger, insertTransaction } from '../repositories/budget-accounts.js';
import { updateReview } from '../repositories/reviews.js';
import { summariseStoredAccount } from '../representations/budget-accounts.js';
import { REVIEW } from './complete-review.js';
import type { WorkflowContext } from './context.js';
import { transition } from './transition.js';

/** Finance's decision on a recommended clawback. */
export interface ClawbackDecision {
  readonly decision: 'confirm' | 'reduce' | 'waive';
  readonly amountPence?: number | undefined;
  readonly reason?: string | undefined;
}

/**
 * Records finance's decision on an annual review's clawback. Confirm or reduce takes the council's
 * money back; the person's overpaid contribution goes back to them, and each funding stream's
 * unspent share to it under its own rule, whatever finance decides about the council's money
 * (neither is the council's to keep). Nothing goes back beyond what each pot holds at the
 * decision. Every movement is a ledger entry with its event.
 */
export async function decideClawback(
  context: WorkflowContext,
  reviewId: string,
  expectedVersion: number,
  { decision, amountPence, reason }: ClawbackDecision,
): Promise<Review> {
  const { tx, changes, scope, clock, actor } = context;
  if (decision !== 'confirm' && reason === undefined)
    throw unprocessable('INVALID_INPUT', 'Say why the clawback is reduced or waived', [
      { pointer: '/reason', detail: `is required to ${decision}` },
    ]);
  if ((decision === 'reduce') !== (amountPence !== undefined)) {
    throw unprocessable('INVALID_INPUT', 'amountPence goes with reduce, and only with reduce', [
      { pointer: '/amountPence', detail: decision === 'reduce' ? 'is required to reduce' : 'applies only to reduce' },
    ]);
  }
  const target = { id: reviewId, expectedVersion };
  return transition(context, REVIEW, 'decideClawback', target, async (before) => {
    const recommendation = before.clawback;
    if (recommendation === null) throw invalidState('Only a completed annual review has a clawback to decide');
    if (recommendation.decision !== null) throw invalidState('The clawback has already been decided');
    if (decision === 'reduce' && (amountPence as number) >= recommendation.clawbackPence) {
      throw unprocessable('INVALID_INPUT', 'A reduced clawback is less than the recommendation', [
        { pointer: '/amountPence', detail: `must be less than ${recommendation.clawbackPence}` },
      ]);
    }
    const decided = decision === 'confirm' ? recommendation.clawbackPence : decision === 'reduce' ? (amountPence as number) : 0;
    // The recommendation was worked out when the review was completed; money may have moved since.
    // Nothing goes back beyond what each pot holds now.
    const account = summariseStoredAccount(await findLedger(tx, scope.councilId, before.budget_id), clock.today());
    const holds = (funder: string) => Math.max(0, account.funders.find((f) => f.funder === funder)?.balancePence ?? 0);
    const councilPot = Math.max(0, holds('council') + holds('person'));
    const refund = Math.min(recommendation.contributionRefundPence, councilPot);
    const amount = Math.min(decided, councilPot - refund);
    const transactionIds: string[] = [];
    const on = clock.today();
    const record = async (kind: 'clawback' | 'contribution-refund', funder: string, pence: number, description: string) => {
      if (pence <= 0) return;
      const entry = await insertTransaction(tx, scope.councilId, {
        budgetId: before.budget_id,
        kind,
        direction: -1,
        amountPence: pence,
        occurredOn: on,
        category: null,
        planLine: null,
        managedBy: null,
        instalmentNumber: null,
        funder,
        description,
        reversesId: null,
        createdBy: actor.actor,
      });
      transactionIds.push(entry.id);
      changes.record({
        action: 'transaction.recorded',
        entityType: 'budget-transaction',
        entityId: entry.id,
        after: { id: entry.id, budgetId: before.budget_id, kind, funder, amountPence: pence },
      });
    };
    await record(
      'contribution-refund',
      'person',
      recommendation.contributionRefundPence,
      `Overpaid contribution refunded at review ${before.id}`,
    );
    for (const funder of recommendation.funders ?? [])
      await record('clawback', funder.funder, funder.clawbackPence, `${funder.name}’s unspent share returned at review ${before.id}`);
    await record(
      'clawback',
      'council',
      amount,
      `Clawback ${decision === 'confirm' ? 'confirmed' : 'reduced'} at review ${before.id}${reason ? `: ${reason}` : ''}`,
    );
    const outcome = {
      decision,
      amountPence: amount,
      ...(amount < decided || refund < recommendation.contributionRefundPence
        ? { cappedBecause: 'money was spent after the review, so less was left to return than recommended' }
        : {}),
      reason: reason ?? null,
      decidedBy: actor.actor,
      decidedAt: clock.now().toISOString(),
      transactionIds,
    };
    const after = await updateReview(
      tx,
      scope.councilId,
      before.id,
      { clawback: JSON.stringify({ ...recommendation, decision: outcome }) },
      clock.now(),
    );
    return { after, extra: { decision, amountPence: amount } };
  });
}

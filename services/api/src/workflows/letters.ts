import type { Kysely } from 'kysely';
import {
  ENGLISH_LETTERS,
  formatPounds,
  type LetterCondition,
  type LetterContent,
  type LetterKind,
  type LetterPlaceholder,
  letterContent,
  letterDate,
  moneyPictureOf,
  type Representation,
  replyBy,
} from 'ras-core';
import type { Scope } from '../auth/roles.js';
import type { Budget, DB } from '../db/schema.js';
import { invalidState, notFound, unprocessable } from '../errors.js';
import { findAppeal } from '../repositories/appeals.js';
import { findAssessment } from '../repositories/assessments.js';
import { findBudget } from '../repositories/budgets.js';
import { councilSettings, findCouncil } from '../repositories/councils.js';
import { findFinancialAssessmentById } from '../repositories/financial-assessments.js';
import { findPerson } from '../repositories/people.js';
import { findRevisionById } from '../repositories/plan-revisions.js';
import { findReview } from '../repositories/reviews.js';
import { findPlan, listDecisions } from '../repositories/support-plans.js';
import { replacedByUprating } from '../repositories/uprating-runs.js';

const ELIGIBILITY_BASIS: Readonly<Record<string, string>> = {
  'care-act-2014': 'the national rules for care and support (the Care Act 2014)',
  facs: 'the Fair Access to Care Services bands',
  local: 'the council’s own rules',
};
const APPEAL_SUBJECT: Readonly<Record<string, string>> = {
  budget: 'your budget',
  'plan-decision': 'a decision on your support plan',
  eligibility: 'whether you can get care and support',
  moderation: 'the changes to your answers',
};
const ACHIEVED: Readonly<Record<string, string>> = {
  yes: 'you said this is going well',
  partly: 'you said this is partly there',
  no: 'you said this is not there yet',
};

/** What a letter is read with: the database and whose data it is. */
export interface LetterContext {
  readonly db: Kysely<DB>;
  readonly scope: Scope;
}

const OUTCOME: Record<'approve' | 'return' | 'reject', LetterCondition> = { approve: 'approved', return: 'returned', reject: 'rejected' };

/** The template for a kind in a language: the council's own, else (English only) the one that ships. */
async function templateFor(db: Kysely<DB>, councilId: string, kind: LetterKind, language: string | undefined) {
  const letters = (await councilSettings(db, councilId)).letters ?? {};
  const chosen = language ?? letters.defaultLanguage ?? 'en';
  const own = letters.templates?.[chosen]?.[kind];
  const template = own ?? (chosen === 'en' ? ENGLISH_LETTERS[kind] : undefined);
  if (!template)
    throw unprocessable('NO_LETTER_TEMPLATE', `The council has no "${kind}" letter in "${chosen}"`, [
      {
        pointer: '/query/language',
        detail: `has no template: an admin adds it at settings.letters.templates.${chosen}.${kind} (English ships)`,
      },
    ]);
  return { template, language: chosen, respondWithinDays: letters.respondWithinDays ?? 28 };
}

/** The figures every letter about a budget can use, and its picture. */
function budgetFacts(budget: Budget) {
  const calculation = budget.calculation;
  const picture = moneyPictureOf(calculation);
  const values: Partial<Record<LetterPlaceholder, string>> = {
    budget: formatPounds(budget.total_annual_pence),
    rasAmount: formatPounds(picture.rasAmountPence),
    councilPays: formatPounds(budget.net_annual_pence),
    contribution: formatPounds(budget.annual_contribution_pence),
    weeklyContribution: formatPounds(calculation.weeklyContributionPence),
    addedStreams: formatPounds(picture.addedStreamsPence),
  };
  const conditions: LetterCondition[] = [
    budget.status === 'indicative' ? 'indicative' : 'agreed',
    budget.annual_contribution_pence > 0 ? 'has-contribution' : 'no-contribution',
    ...(picture.addedStreamsPence > 0 ? (['has-added-streams'] as const) : []),
  ];
  return { values, conditions, picture, explanation: calculation.explanation.map((s) => s.text) };
}

/**
 * Writes a letter to the person from what is stored: their own figures, the budget's stored
 * explanation, and the council's template in the language asked for. Nothing is worked out again.
 *
 * - `indicative-budget`: `id` is a budget.
 * - `plan-decision`: `id` is a support plan; the letter is about its latest decision.
 * - `clawback-recommendation`: `id` is an annual review with a clawback worked out.
 * - `uprating`: `id` is a budget an applied uprating run made; the letter compares it with the one it replaces.
 * - `plan-revision`: `id` is a revision of a live plan; the letter says whether it was agreed and from when.
 * - `eligibility-decision`, `moderation-change`: `id` is a moderated assessment.
 * - `charge`: `id` is a financial assessment: what the person pays a week, from when.
 * - `appeal-decision`: `id` is a decided appeal. `review-outcome`: `id` is a completed review.
 */
export async function writeLetter({ db, scope }: LetterContext, kind: LetterKind, id: string, language?: string): Promise<LetterContent> {
  let budget: Budget | undefined;
  let date: string;
  // Counted from when the letter's news was recorded, so the reply date is never already past.
  let recordedOn: string | undefined;
  let values: Partial<Record<LetterPlaceholder, string>> = {};
  const conditions: LetterCondition[] = [];
  let explanation: readonly string[] | undefined;
  // A date the letter names besides its own, written in the letter's language.
  let effectiveOn: string | undefined;
  // Whose letter it is, when it is not about a budget.
  let personId: string | undefined;
  // A plan's own record of who helps the person, when the letter is about a plan.
  let representation: Representation | undefined;
  if (kind === 'plan-decision') {
    const plan = await findPlan(db, scope, id);
    if (!plan) throw notFound('support plan', id);
    // Only a decision that ends a round is written to the person: approved at the last stage,
    // returned to change, or rejected. An approval at an earlier stage is not yet a decision.
    if (plan.status !== 'approved' && plan.status !== 'returned' && plan.status !== 'rejected')
      throw invalidState(`The support plan is ${plan.status}: there is no decision to write about yet`);
    const decision = (await listDecisions(db, scope.councilId, [plan.id])).at(-1);
    if (!decision) throw invalidState('The support plan has no decision yet, so there is no decision letter');
    budget = await findBudget(db, scope, plan.budget_id);
    representation = plan.plan.representation;
    date = decision.decided_at.toISOString().slice(0, 10);
    values = { reasons: decision.reasons, outcome: decision.outcome };
    conditions.push(OUTCOME[decision.outcome]);
  } else if (kind === 'plan-revision') {
    const revision = await findRevisionById(db, scope.councilId, id);
    const plan = revision && (await findPlan(db, scope, revision.plan_id));
    if (!revision || !plan) throw notFound('plan revision', id);
    budget = await findBudget(db, scope, revision.budget_id);
    representation = revision.plan.representation;
    const last = revision.decisions.at(-1);
    date = revision.created_at.toISOString().slice(0, 10);
    recordedOn = (revision.decided_at ?? revision.created_at).toISOString().slice(0, 10);
    values = { reasons: last?.reasons ?? revision.reason };
    effectiveOn = revision.effective_from;
    conditions.push(revision.status === 'approved' ? 'approved' : revision.status === 'rejected' ? 'rejected' : 'pending');
  } else if (kind === 'eligibility-decision' || kind === 'moderation-change') {
    const assessment = await findAssessment(db, scope, id);
    if (!assessment) throw notFound('assessment', id);
    if (assessment.status !== 'agreed' || assessment.agreed_at === null)
      throw invalidState(`The assessment is ${assessment.status}: there is no decision to write about yet`);
    personId = assessment.person_id;
    date = assessment.agreed_at.toISOString().slice(0, 10);
    if (kind === 'eligibility-decision') {
      const eligibility = assessment.eligibility;
      if (!eligibility) throw invalidState('The assessment records no eligibility decision');
      const criteria = ELIGIBILITY_BASIS[eligibility.basis] ?? eligibility.basis;
      values = { reasons: eligibility.notes ?? `we used ${criteria}.` };
      conditions.push(eligibility.eligible ? 'eligible' : 'not-eligible');
      explanation = [`We used ${criteria}${eligibility.band ? ` (band: ${eligibility.band})` : ''}.`];
    } else {
      const moderation = assessment.moderation;
      if (moderation?.decision !== 'amend') throw invalidState('The care coordinator changed none of the person’s answers');
      values = { changes: String(moderation.amendments.length), points: String(assessment.total_points ?? 0) };
      const said = (answer: unknown) => (Array.isArray(answer) ? answer.join(', ') : String(answer ?? 'no answer'));
      explanation = moderation.amendments.map(
        (amendment) =>
          `${amendment.questionKey}: you said "${said(amendment.from)}"; it is now "${said(amendment.to)}". Why: ${amendment.reason}`,
      );
    }
  } else if (kind === 'charge') {
    const financial = await findFinancialAssessmentById(db, scope.councilId, id);
    // Only someone who may see the person may read their charge.
    if (!financial || !(await findPerson(db, scope, financial.person_id))) throw notFound('financial assessment', id);
    personId = financial.person_id;
    date = financial.created_at.toISOString().slice(0, 10);
    values = { weeklyContribution: formatPounds(financial.weekly_contribution_pence) };
    effectiveOn = financial.effective_from;
    conditions.push(financial.weekly_contribution_pence > 0 ? 'has-charge' : 'no-charge');
    const calculation = financial.calculation as { explanation?: { text: string }[] } | null;
    explanation = (calculation?.explanation ?? []).map((step) => step.text);
  } else if (kind === 'appeal-decision') {
    const appeal = await findAppeal(db, scope, id);
    if (!appeal) throw notFound('appeal', id);
    const decision = appeal.decision;
    if (appeal.status === 'lodged' || !decision) throw invalidState('The appeal is not decided yet');
    personId = appeal.person_id;
    date = decision.decidedAt.slice(0, 10);
    values = { subject: APPEAL_SUBJECT[appeal.subject] ?? appeal.subject, reasons: decision.reasons };
    conditions.push(appeal.status === 'upheld' ? 'upheld' : 'not-upheld');
    explanation = [`You told us: ${appeal.reason}`];
  } else if (kind === 'review-outcome') {
    const review = await findReview(db, scope, id);
    if (!review) throw notFound('review', id);
    const outcome = review.outcome;
    if (review.status !== 'completed' || !outcome) throw invalidState('Only a completed review has an outcome to write about');
    budget = await findBudget(db, scope, review.budget_id);
    date = outcome.completedOn;
    explanation = outcome.outcomes.map(
      (item) => `${item.description}: ${ACHIEVED[item.achieved] ?? item.achieved}${item.note ? ` (${item.note})` : ''}`,
    );
  } else if (kind === 'clawback-recommendation') {
    const review = await findReview(db, scope, id);
    if (!review) throw notFound('review', id);
    const clawback = review.clawback;
    if (review.status !== 'completed' || clawback === null || review.completed_at === null)
      throw invalidState('Only a completed annual review has a clawback recommendation to write about');
    budget = await findBudget(db, scope, review.budget_id);
    // The review's own date (it may be recorded days later), as the recommendation used it.
    recordedOn = review.completed_at.toISOString().slice(0, 10);
    date = clawback.inputs?.reviewDate ?? review.outcome?.completedOn ?? recordedOn;
    // Every funder's share comes back, not only the council's.
    const total = clawback.totalClawbackPence ?? clawback.clawbackPence;
    values = {
      unspent: formatPounds(clawback.underspendPence ?? 0),
      allowance: formatPounds(clawback.allowancePence ?? 0),
      clawback: formatPounds(total),
      refund: formatPounds(clawback.contributionRefundPence),
      decidedAmount: formatPounds(clawback.decision?.amountPence ?? 0),
    };
    conditions.push(total > 0 ? 'has-clawback' : 'no-clawback');
    if (clawback.contributionRefundPence > 0) conditions.push('has-refund');
    if (total > 0) conditions.push(clawback.decision ? 'decided' : 'awaiting-decision');
    explanation = (clawback.explanation ?? []).map((s) => s.text);
  } else {
    budget = await findBudget(db, scope, id);
    if (!budget) throw notFound('budget', id);
    date = budget.created_at.toISOString().slice(0, 10);
    if (kind === 'uprating') {
      const replacedId = await replacedByUprating(db, scope.councilId, budget.id);
      const replaced = replacedId && (await findBudget(db, scope, replacedId));
      if (!replaced) throw invalidState('The budget was not made by an uprating run, so there is no uprating letter');
      const protectedPence = budget.protected_annual_pence;
      values = {
        oldBudget: formatPounds(replaced.total_annual_pence),
        newBudget: formatPounds(budget.total_annual_pence),
        protected: formatPounds(protectedPence),
      };
      if (protectedPence > 0) conditions.push('protected');
      if (budget.total_annual_pence !== replaced.total_annual_pence)
        conditions.push(budget.total_annual_pence > replaced.total_annual_pence ? 'went-up' : 'went-down');
    }
  }
  const whose = personId ?? budget?.person_id;
  if (!whose) throw notFound('budget', id);
  const person = await findPerson(db, scope, whose);
  // Who helps the person (their advocate, broker, deputy or attorney) is named in the letter.
  const supporters = (representation ?? person?.person.representation)?.supporters ?? [];
  if (supporters.length > 0) {
    values = { ...values, supporters: supporters.map((supporter) => `${supporter.name}, your ${supporter.role}`).join('; ') };
    conditions.push('has-supporter');
  }
  const council = await findCouncil(db, scope.councilId);
  const chosen = await templateFor(db, scope.councilId, kind, language);
  // A letter about a budget shows its figures and picture; one about an assessment, a charge or an appeal has none.
  const facts = budget ? budgetFacts(budget) : { values: {}, conditions: [], picture: null, explanation: [] };
  return letterContent(chosen.template, {
    kind,
    language: chosen.language,
    values: {
      ...facts.values,
      ...values,
      ...(budget ? { startDate: letterDate(budget.start_date, chosen.language) } : {}),
      ...(effectiveOn === undefined ? {} : { effectiveFrom: letterDate(effectiveOn, chosen.language) }),
      name: person?.person.display_name ?? chosen.template.nameUnknown ?? 'Sir or Madam',
      council: council?.name ?? '',
      date: letterDate(date, chosen.language),
      reference: `${kind} ${id}`,
      respondBy: letterDate(
        replyBy(recordedOn !== undefined && recordedOn > date ? recordedOn : date, chosen.respondWithinDays),
        chosen.language,
      ),
    },
    conditions: [...facts.conditions, ...conditions],
    picture: facts.picture,
    explanation: explanation ?? facts.explanation,
  });
}

import type { Migration } from 'kysely';
import * as initial from './202611240900_initial.js';
import * as plansMoneyReviews from './202611241400_plans_money_reviews.js';
import * as webhooks from './202611241600_webhooks.js';
import * as selfReview from './202611241800_self_review.js';
import * as namedActors from './202611251500_named_actors.js';
import * as fundersAndPanelReasons from './202611251700_funders_and_panel_reasons.js';
import * as chargingPolicies from './202611260900_charging_policies.js';
import * as upratingRuns from './202611261000_uprating_runs.js';
import * as reviewCycles from './202611261100_review_cycles.js';
import * as directPayments from './202611261200_direct_payments.js';
import * as carers from './202611261300_carers.js';
import * as equalityMonitoring from './202611261400_equality_monitoring.js';
import * as paymentRuns from './202611261500_payment_runs.js';
import * as unpaidSupportPoints from './202611261600_unpaid_support_points.js';
import * as informationGovernance from './202611270900_information_governance.js';
import * as fairnessRecordKeys from './202612071300_fairness_record_keys.js';
import * as waysOfManaging from './202612071500_ways_of_managing.js';
import * as livePlans from './202612071600_live_plans.js';
import * as commissionedSupport from './202612071700_commissioned_support.js';
import * as redress from './202612071800_redress.js';
import * as interimBudgets from './202612071900_interim_budgets.js';
import * as eventsNumberedAfterCommit from './202612072000_events_numbered_after_commit.js';
import * as identityProviders from './202612072100_identity_providers.js';
import * as jobs from './202612080900_jobs.js';
import * as recoveryDebts from './202612081000_recovery_debts.js';
import * as webhookOperations from './202612081100_webhook_operations.js';

/**
 * Every migration, by name. Names sort in the order they run (`yyyymmddhhmm_what`); a new
 * migration is a new file added here, never an edit to an old one.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '202611240900_initial': initial,
  '202611241400_plans_money_reviews': plansMoneyReviews,
  '202611241600_webhooks': webhooks,
  '202611241800_self_review': selfReview,
  '202611251500_named_actors': namedActors,
  '202611251700_funders_and_panel_reasons': fundersAndPanelReasons,
  '202611260900_charging_policies': chargingPolicies,
  '202611261000_uprating_runs': upratingRuns,
  '202611261100_review_cycles': reviewCycles,
  '202611261200_direct_payments': directPayments,
  '202611261300_carers': carers,
  '202611261400_equality_monitoring': equalityMonitoring,
  '202611261500_payment_runs': paymentRuns,
  '202611261600_unpaid_support_points': unpaidSupportPoints,
  '202611270900_information_governance': informationGovernance,
  '202612071300_fairness_record_keys': fairnessRecordKeys,
  '202612071500_ways_of_managing': waysOfManaging,
  '202612071600_live_plans': livePlans,
  '202612071700_commissioned_support': commissionedSupport,
  '202612071800_redress': redress,
  '202612071900_interim_budgets': interimBudgets,
  '202612072000_events_numbered_after_commit': eventsNumberedAfterCommit,
  '202612072100_identity_providers': identityProviders,
  '202612080900_jobs': jobs,
  '202612081000_recovery_debts': recoveryDebts,
  '202612081100_webhook_operations': webhookOperations,
};

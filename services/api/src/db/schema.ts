import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type {
  AccountStatement,
  AnnualClawback,
  Answers,
  AuditSampleRule,
  BudgetCalculation,
  CalibrationResult,
  ChargingPolicyRules,
  ClawbackAgreement,
  ExplanationStep,
  LedgerKind,
  QuestionnaireDefinition,
  Referral,
  Representation,
  ReturnCheck,
  RevisionComparison,
  AllocationScheme as SchemeDefinition,
  SupportPlan,
  UpratingOutcome,
  UpratingSummary,
} from 'ras-core';
import type { Role } from '../auth/roles.js';
import type { CouncilSettingsInput } from '../schemas/council-settings.js';

/** The version of a questionnaire or scheme a calculation was made under. */
export interface RuleVersion {
  readonly id: string;
  readonly key: string;
  readonly version: number;
}

/**
 * A budget's calculation, as stored on the budget and answered by `calculateBudget`: ras-core's
 * allocation, with the versions of the rules it was made under and what the answers left out.
 */
export type CalculatedBudget = BudgetCalculation & {
  readonly questionnaire: RuleVersion;
  readonly scheme: RuleVersion;
  readonly complete: boolean;
  readonly missingQuestionKeys: readonly string[];
};

/** One answer to a question: a statement's key, or several for a question that takes many. */
export type StoredAnswer = string | readonly string[];

/** Whether a person is eligible, on what basis, as a coordinator records it at moderation (or an upheld appeal). */
export interface StoredEligibility {
  readonly eligible: boolean;
  readonly basis: 'care-act-2014' | 'facs' | 'local';
  readonly band?: 'critical' | 'substantial' | 'moderate' | 'low';
  readonly notes?: string;
}

/** What a coordinator's moderation decided: the answers agreed, or each one changed, from what, to what and why. */
export interface StoredModeration {
  readonly decision: 'agree' | 'amend';
  readonly amendments: readonly {
    readonly questionKey: string;
    readonly from: StoredAnswer | null;
    readonly to: StoredAnswer;
    readonly reason: string;
  }[];
  readonly moderatedBy: string;
  readonly moderatedAt: string;
}

/** The panel's decision on an appeal. */
export interface StoredAppealDecision {
  readonly outcome: 'upheld' | 'not-upheld';
  readonly reasons: string;
  readonly agreedAnnualPence: number | null;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

/** What a completed review found: each outcome of the plan rated, the person's experience, and what follows. */
export interface StoredReviewOutcome {
  readonly outcomes: readonly {
    readonly key: string;
    readonly description: string;
    readonly achieved: 'yes' | 'partly' | 'no';
    readonly note: string | null;
  }[];
  readonly experience: Readonly<Record<string, number>>;
  readonly spentAsPlanned: 'yes' | 'partly' | 'no';
  readonly spendingNote: string | null;
  readonly notes: string | null;
  readonly completedOn: string;
  readonly onTime: boolean;
  readonly nextBudgetId: string | null;
  readonly nextReviewId?: string | null;
  readonly reassessmentId?: string | null;
}

/** A timestamp: read as a Date, written as a Date or left to its default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as parsed JSON, written as a JSON string (so arrays never become PostgreSQL arrays). */
type Json<T = unknown> = ColumnType<T, string, string>;
type NullableJson<T = unknown> = ColumnType<T | null, string | null | undefined, string | null>;

export interface CouncilTable {
  id: string;
  name: string;
  settings: Json<CouncilSettingsInput>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeyTable {
  id: string;
  council_id: string;
  name: string;
  roles: string[];
  secret_hash: string;
  created_by: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  /** Null: the key does not expire. */
  expires_at: NullableTimestamp;
  /** During a rotation, the replaced secret's hash, live until previous_secret_expires_at. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: NullableTimestamp;
  rotated_at: NullableTimestamp;
}

/** The OpenID Connect issuer a council trusts, and how its tokens' claims map to roles. */
export interface IdentityProviderTable {
  council_id: string;
  issuer: string;
  audience: string;
  jwks_uri: string | null;
  roles_claim: string;
  name_claim: string;
  role_map: Json<Record<string, Role[]>>;
  algorithms: string[];
  clock_tolerance_seconds: number;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Long work queued as a job (Prefer: respond-async): its progress, result and lease. */
export interface JobTable {
  id: string;
  council_id: string;
  operation: string;
  queue: Generated<string>;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  input: Json<Record<string, unknown>>;
  /** JSON text (see the migration): parsed by the job runner. */
  payload: string | null;
  checkpoint: Json<unknown> | null;
  progress_done: Generated<number>;
  progress_total: number | null;
  result: Json<unknown> | null;
  problem: Json<Record<string, unknown>> | null;
  started_by: string;
  started_by_name: string | null;
  roles: Json<readonly Role[]> | null;
  request_id: string | null;
  singleton_key: string | null;
  attempts: Generated<number>;
  locked_by: string | null;
  locked_until: NullableTimestamp;
  cancel_requested_at: NullableTimestamp;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  progress_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  version: Generated<number>;
}

/** Scheduled work's runs: one row per period, claimed by the one instance that runs it. */
export interface ScheduledRunTable {
  name: string;
  slot: string;
  instance: string;
  started_at: Timestamp;
}

export interface QuestionnaireTable {
  id: string;
  council_id: string;
  key: string;
  version: number;
  title: string;
  definition: Json<StoredQuestionnaire>;
  created_at: Timestamp;
}

/** A questionnaire's stored definition: its sections (its key, title and version are columns). */
export type StoredQuestionnaire = Pick<QuestionnaireDefinition, 'sections'>;

/** A scheme's stored definition: its money rules (key, version, questionnaire, client groups and dates are columns). */
export type StoredSchemeRules = Omit<
  SchemeDefinition,
  'key' | 'version' | 'questionnaireId' | 'clientGroups' | 'effectiveFrom' | 'effectiveTo'
>;

export interface AllocationSchemeTable {
  id: string;
  council_id: string;
  key: string;
  version: number;
  questionnaire_id: string;
  client_groups: string[];
  effective_from: string;
  effective_to: string | null;
  definition: Json<StoredSchemeRules>;
  created_at: Timestamp;
}

export interface CalibrationTable {
  id: string;
  council_id: string;
  case_count: number;
  budget_pence: number;
  pounds_per_point_pence: number;
  result: Json<CalibrationResult>;
  created_by: string;
  created_at: Timestamp;
}

export interface PersonTable {
  id: string;
  council_id: string;
  client_group: string;
  display_name: string | null;
  date_of_birth: string | null;
  agent: NullableJson;
  /** For a carer: the person they care for. */
  cares_for_person_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Long-term community support the council commissions without a personal budget (CLD "CASSR Commissioned Support"): from… */
  commissioned_support_from: ColumnType<string | null, string | null | undefined, string | null>;
  /** …to (null while it goes on). */
  commissioned_support_to: ColumnType<string | null, string | null | undefined, string | null>;
  /** Capacity, best interests and who helps the person (ras-core's Representation). */
  representation: ColumnType<Representation | null, string | null | undefined, string | null>;
  created_by_key_id: string | null;
  /** When the person's personal fields were erased (issue 18); the anonymous figures stay. */
  erased_at: NullableTimestamp;
  /** While set, nothing erases the person. */
  legal_hold: NullableJson<LegalHold>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Why a person's records must be kept whatever the retention policy says, and who said so. */
export interface LegalHold {
  readonly reason: string;
  readonly placedBy: string;
  readonly placedAt: string;
}

/** Equality monitoring: special-category data, kept apart from the person and read only by admin, auditor and the person's portal. */
export interface EqualityMonitoringTable {
  person_id: string;
  council_id: string;
  sex: string | null;
  ethnicity: string | null;
  religion: string | null;
  sexual_orientation: string | null;
  primary_support_reason: string | null;
  version: Generated<number>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface PersonExternalIdTable {
  council_id: string;
  person_id: string;
  system: string;
  value: string;
}

export interface AssessmentTable {
  id: string;
  council_id: string;
  person_id: string;
  questionnaire_id: string;
  status: 'draft' | 'submitted' | 'agreed';
  completed_with: string[];
  answers: Json<Answers>;
  submitted_answers: NullableJson;
  moderation: NullableJson<StoredModeration>;
  eligibility: NullableJson<StoredEligibility>;
  total_points: number | null;
  /** The score as submitted: the total and each section's points. */
  score: NullableJson<{ readonly totalPoints: number; readonly sections: readonly { readonly key: string; readonly points: number }[] }>;
  created_by_key_id: string | null;
  submitted_at: NullableTimestamp;
  agreed_at: NullableTimestamp;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BudgetTable {
  id: string;
  contribution_collection: 'net' | 'gross' | null;
  panel_annual_pence: number | null;
  panel_reason: string | null;
  /** What transitional protection added to the RAS amount (an uprated budget); 0 otherwise. */
  protected_annual_pence: ColumnType<number, number | undefined, number>;
  /** Σ the points the calculation's sections took off for unpaid support (from the calculation). */
  unpaid_support_points: ColumnType<number, number | undefined, number>;
  agreed_at: NullableTimestamp;
  end_date: string | null;
  /** Why an agreed budget ended (endBudget), or null for one an uprating replaced. */
  end_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The equality age band on the start date, kept when the person is erased (the fairness report needs it). */
  monitoring_age_band: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * A random key drawn when the budget is stored, for the fairness report's disclosure control
   * (cell-key perturbation). Never shown: whoever held every key could take the noise back out.
   */
  record_key: Generated<number>;
  council_id: string;
  person_id: string;
  assessment_id: string;
  scheme_id: string;
  status: 'indicative' | 'agreed' | 'ended' | 'superseded';
  start_date: string;
  ras_annual_pence: number;
  total_annual_pence: number;
  council_annual_pence: number;
  annual_contribution_pence: number;
  net_annual_pence: number;
  referral: NullableJson<Referral>;
  calculation: Json<CalculatedBudget>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  headers: Json<Record<string, string>>;
  body: Json;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  council_id: string;
  actor: string;
  actor_name: Generated<string | null>;
  action: string;
  entity_type: string;
  entity_id: string;
  before: NullableJson;
  after: NullableJson;
  request_id: string | null;
  at: Timestamp;
}

export interface EventTable {
  council_id: string;
  /** Null until the sequencer numbers the event, after its transaction commits. */
  seq: number | null;
  /** The order events were written in, which the sequencer numbers them in. */
  pos: Generated<string | null>;
  id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  payload: Json;
  occurred_at: Timestamp;
}

export interface FinancialAssessmentTable {
  id: string;
  council_id: string;
  person_id: string;
  effective_from: string;
  method: 'entered' | 'calculated';
  weekly_contribution_pence: number;
  calculation: NullableJson;
  /** The charging policy the calculation used: a council policy's id, or a shipped policy's key. */
  charging_policy_id: ColumnType<string | null, string | null | undefined, string | null>;
  charging_policy_version: ColumnType<number | null, number | null | undefined, number | null>;
  notes: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ChargingPolicyTable {
  id: string;
  council_id: string;
  version: number;
  name: string;
  nation: 'england' | 'wales';
  effective_from: string;
  effective_to: string | null;
  /** The shipped policy or council policy it started from, when it did. */
  based_on: string | null;
  rules: Json<ChargingPolicyRules>;
  created_by: string;
  created_at: Timestamp;
}

export interface UpratingRunTable {
  id: string;
  council_id: string;
  /** The new scheme version the caseload is re-run under. */
  scheme_id: string;
  /** The earlier versions whose current agreed budgets it re-works. */
  replaces_scheme_ids: string[];
  effective_from: string;
  protection: NullableJson<{ maxDecreasePercent?: number; maxDecreasePence?: number }>;
  status: 'dry-run' | 'applied';
  summary: Json<UpratingSummary>;
  created_by: string;
  created_at: Timestamp;
  applied_at: NullableTimestamp;
  version: Generated<number>;
}

export interface UpratingRunItemTable {
  run_id: string;
  council_id: string;
  budget_id: string;
  person_id: string;
  client_group: string;
  old_annual_pence: number;
  new_annual_pence: number;
  protected_pence: number;
  outcome: UpratingOutcome;
  new_budget_id: string | null;
  review_id: string | null;
}

/** The ways of managing a budget whose money is paid to a holder under an agreement. */
export type HolderOption = 'direct-payment' | 'indirect-payment' | 'trust';

/** The council's provider register: who is paid an individual service fund, and where. */
export interface ProviderTable {
  id: string;
  council_id: string;
  name: string;
  account_type: 'bank' | 'prepaid-card';
  account_reference: string;
  contact: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface DirectPaymentAgreementTable {
  id: string;
  council_id: string;
  budget_id: string;
  person_id: string;
  terms_version: string;
  terms_text: string;
  /** The way of managing the agreement pays for: one agreement per way a budget's plan uses. */
  management_option: Generated<HolderOption>;
  holder_type: 'person' | 'nominated-person' | 'authorised-person' | 'trust';
  holder_name: string | null;
  account_type: 'bank' | 'prepaid-card';
  account_reference: string;
  accepted_on: string;
  accepted_by: string;
  status: 'active' | 'suspended' | 'ended';
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AccountReturnTable {
  id: string;
  council_id: string;
  agreement_id: string;
  period_from: string;
  period_to: string;
  statement: Json<AccountStatement>;
  check_result: Json<ReturnCheck>;
  matches: boolean;
  created_by: string;
  created_at: Timestamp;
}

export interface AuditSampleTable {
  id: string;
  council_id: string;
  period_from: string;
  period_to: string;
  rule: Json<AuditSampleRule>;
  explanation: Json<readonly ExplanationStep[]>;
  created_by: string;
  created_at: Timestamp;
}

export interface AuditSampleItemTable {
  sample_id: string;
  council_id: string;
  agreement_id: string;
  reasons: ('random' | 'high-balance')[];
  balance_pence: number;
  threshold_pence: number;
  outcome: 'satisfactory' | 'query' | 'suspend' | 'recover' | null;
  notes: string | null;
  recovery_pence: number | null;
  recovery_transaction_id: string | null;
  /** What the audit found owed beyond the council's money left in the account: a debt, not a negative balance. */
  debt_pence: number | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export type PlanStage = 'coordinator' | 'team-manager' | 'risk-enablement' | 'panel';

export interface SupportPlanTable {
  id: string;
  council_id: string;
  budget_id: string;
  person_id: string;
  status: 'draft' | 'submitted' | 'returned' | 'approved' | 'rejected';
  stage: PlanStage | null;
  plan: Json<SupportPlan>;
  exception: NullableJson<{ reason: string; overBudgetPence: number }>;
  created_by_key_id: string | null;
  submitted_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Interim support in a crisis: a time-limited budget before the plan is agreed. */
export interface InterimBudgetTable {
  id: string;
  council_id: string;
  person_id: string;
  reason: string;
  weekly_pence: number;
  start_date: string;
  end_date: string;
  total_pence: number;
  review_on: string;
  status: 'active' | 'ended' | 'reconciled';
  reviews: Json<{ reviewedOn: string; outcome: 'continue' | 'end'; notes: string; endDate: string; reviewedBy: string }[]>;
  reconciled_into: string | null;
  reconciliation: NullableJson<{ budgetId: string; carriedPence: number; keptPence: number; payments: string[] }>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** One payment of an interim budget. */
export interface InterimPaymentTable {
  id: string;
  council_id: string;
  interim_id: string;
  amount_pence: number;
  paid_on: string;
  payee_reference: string | null;
  /** When reconciled into an agreed budget: the ledger entry that carried it. */
  carried_transaction_id: string | null;
  created_by: string;
  created_at: Timestamp;
}

/** A change to an approved plan, kept with the plan it replaced. */
export interface PlanRevisionTable {
  id: string;
  council_id: string;
  plan_id: string;
  budget_id: string;
  person_id: string;
  number: number;
  status: 'pending' | 'approved' | 'rejected';
  /** The stage a pending revision waits for. */
  stage: 'team-manager' | 'panel' | null;
  effective_from: string;
  reason: string;
  plan: Json<SupportPlan>;
  previous: Json<SupportPlan>;
  comparison: Json<RevisionComparison>;
  decisions: Json<
    {
      stage: 'coordinator' | 'team-manager' | 'panel';
      outcome: 'approve' | 'reject';
      reasons: string;
      decidedBy: string;
      actorName?: string | null;
      decidedAt: string;
    }[]
  >;
  created_by: string;
  created_at: Timestamp;
  decided_at: NullableTimestamp;
}

export interface PlanDecisionTable {
  id: string;
  council_id: string;
  plan_id: string;
  stage: PlanStage;
  outcome: 'approve' | 'return' | 'reject';
  reasons: string;
  plan_version: number;
  decided_by: string;
  /** The named person acting through the key (Ras-Actor), when the caller gave one. */
  actor_name: string | null;
  /** For a panel approval past failing checklist items: the reason given for each, by item key. */
  checklist_reasons: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  decided_at: Timestamp;
}

export interface PaymentAgreementTable {
  id: string;
  council_id: string;
  budget_id: string;
  plan_id: string;
  start_date: string;
  frequency: 'monthly' | 'four-weekly';
  collection: 'net' | 'gross';
  financial_assessment_id: string | null;
  weekly_contribution_pence: number;
  gross_annual_pence: number;
  contribution_annual_pence: number;
  net_annual_pence: number;
  created_at: Timestamp;
}

export interface PaymentInstalmentTable {
  council_id: string;
  agreement_id: string;
  /** council, or the funding stream whose money the council passes on. */
  funder: Generated<string>;
  number: number;
  due_date: string;
  amount_pence: number;
}

export type TransactionKind = LedgerKind;

export interface BudgetTransactionTable {
  id: string;
  council_id: string;
  budget_id: string;
  kind: TransactionKind;
  direction: 1 | -1;
  amount_pence: number;
  occurred_on: string;
  category: string | null;
  plan_line: number | null;
  managed_by: string | null;
  instalment_number: number | null;
  /** Whose money: council, person or a funding stream's key. */
  funder: Generated<string>;
  description: string | null;
  reverses_id: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ReviewTable {
  id: string;
  council_id: string;
  budget_id: string;
  person_id: string;
  kind: 'first' | 'annual' | 'interim';
  due_date: string;
  /** An interim review that repeats: the next is booked this many months after this one's due date. */
  repeat_every_months: ColumnType<number | null, number | null | undefined, number | null>;
  /** The first due date of a repeating cycle, which the next is counted from. */
  repeat_from: ColumnType<string | null, string | null | undefined, string | null>;
  status: 'scheduled' | 'completed' | 'cancelled';
  outcome: NullableJson<StoredReviewOutcome>;
  clawback: NullableJson<StoredClawback>;
  completed_at: NullableTimestamp;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppealTable {
  id: string;
  council_id: string;
  person_id: string;
  subject: 'budget' | 'plan-decision' | 'eligibility' | 'moderation';
  budget_id: string | null;
  plan_id: string | null;
  decision_id: string | null;
  /** For an eligibility or moderation appeal: the assessment whose decision it disputes. */
  assessment_id: ColumnType<string | null, string | null | undefined, string | null>;
  lodged_by: 'person' | 'agent' | 'portal';
  reason: string;
  status: 'lodged' | 'upheld' | 'not-upheld';
  decision: NullableJson<StoredAppealDecision>;
  created_by_key_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookTable {
  id: string;
  council_id: string;
  url: string;
  description: string | null;
  event_types: string[] | null;
  secret: string;
  /** The secret a rotation replaced: it signs beside the new one until previous_secret_expires_at. */
  previous_secret: string | null;
  previous_secret_expires_at: NullableTimestamp;
  secret_rotated_at: NullableTimestamp;
  status: 'active' | 'paused' | 'deleted';
  paused_reason: string | null;
  cursor: number;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveryTable {
  id: string;
  council_id: string;
  webhook_id: string;
  event_seq: number;
  event_id: string;
  status: 'pending' | 'delivered';
  attempts: Generated<number>;
  /** Times it was sent again on request (redeliverWebhookDelivery, replayWebhook). */
  sent_again: Generated<number>;
  next_attempt_at: Timestamp;
  claimed_until: NullableTimestamp;
  first_failed_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface CriticalPathProgressTable {
  council_id: string;
  framework_version: string;
  step_number: number;
  status: 'not-started' | 'in-progress' | 'in-place';
  status_date: string | null;
  notes: string | null;
  answers: Json<Record<string, string>>;
  version: Generated<number>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface SelfRatingRoundTable {
  id: string;
  council_id: string;
  round_key: string;
  title: string;
  closes_on: string;
  created_at: Timestamp;
}

export type SelfRatingComponent = 'services-available-to-all' | 'prevention' | 'supporting-recovery' | 'staying-in-control';

export interface SelfRatingTable {
  council_id: string;
  round_id: string;
  component: SelfRatingComponent;
  rating: number;
  comment: string | null;
  proposed_action: string | null;
  user_comments: Json<string[]>;
  version: Generated<number>;
  updated_by: string;
  updated_at: Timestamp;
}

/** What a prepared payment run left out, and why: counts by reason. */
export interface PaymentRunHeld {
  readonly suspended: number;
  readonly onHold: number;
  /** Instalments of people whose personal data was erased (absent on runs prepared before issue 28). */
  readonly erased?: number;
}

/** A council's payment run for one date (issue 17). */
export interface PaymentRunTable {
  id: string;
  council_id: string;
  run_date: string;
  /** prepared → confirming (batches being recorded) → confirmed; or prepared → cancelled. */
  status: 'prepared' | 'confirming' | 'confirmed' | 'cancelled';
  /** The control count: instalments paid by the run. */
  payments: number;
  payees: number;
  total_pence: number;
  held: Json<PaymentRunHeld>;
  hold_budget_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string;
  created_at: Timestamp;
  confirmed_by: string | null;
  confirmed_at: NullableTimestamp;
  cancelled_by: string | null;
  cancelled_at: NullableTimestamp;
  version: Generated<number>;
}

/**
 * Who a run pays: a holder (direct payment, indirect payment, trust), an individual service
 * fund's provider, a commissioned provider (the council's own spend, never paid to the person),
 * or the council's managed account (a plan with no line the council's instalments pay for).
 */
export type PayeeKind = HolderOption | 'individual-service-fund' | 'commissioned' | 'managed-account';

/** One instalment a run pays, to whom, and the ledger entry that paid it. */
export interface PaymentRunItemTable {
  run_id: string;
  council_id: string;
  budget_id: string;
  person_id: string;
  instalment_number: number;
  due_date: string;
  amount_pence: number;
  payee_kind: PayeeKind;
  payee_reference: string;
  payee_name: string;
  direct_payment_agreement_id: string | null;
  /** The item's place among its instalment's shares (0 when the instalment has one payee). */
  share: Generated<number>;
  management_option: string | null;
  provider_id: string | null;
  /** Each plan line's part of the amount. */
  plan_lines: { index: number; amountPence: number }[] | null;
  status: 'pending' | 'paid' | 'skipped';
  skipped_reason: string | null;
  transaction_id: string | null;
}

/** One read of a person's record, special-category fields or money (issue 18): never the data itself. */
export interface AccessLogTable {
  id: string;
  council_id: string;
  at: Timestamp;
  key_id: string | null;
  /** The verified subject of the token the read was made with (null for a key). */
  subject: Generated<string | null>;
  actor_name: string | null;
  operation_id: string;
  /** null for a read across many people (an export, a payment file). */
  person_id: string | null;
  what: string[];
  entity_type: string | null;
  entity_id: string | null;
  request_id: string | null;
}

/** The whole database, as Kysely sees it. */
export interface DB {
  councils: CouncilTable;
  api_keys: ApiKeyTable;
  identity_providers: IdentityProviderTable;
  jobs: JobTable;
  scheduled_runs: ScheduledRunTable;
  questionnaires: QuestionnaireTable;
  allocation_schemes: AllocationSchemeTable;
  calibrations: CalibrationTable;
  people: PersonTable;
  person_external_ids: PersonExternalIdTable;
  equality_monitoring: EqualityMonitoringTable;
  assessments: AssessmentTable;
  budgets: BudgetTable;
  idempotency_keys: IdempotencyKeyTable;
  audit_log: AuditLogTable;
  events: EventTable;
  financial_assessments: FinancialAssessmentTable;
  charging_policies: ChargingPolicyTable;
  uprating_runs: UpratingRunTable;
  uprating_run_items: UpratingRunItemTable;
  payment_runs: PaymentRunTable;
  payment_run_items: PaymentRunItemTable;
  direct_payment_agreements: DirectPaymentAgreementTable;
  providers: ProviderTable;
  plan_revisions: PlanRevisionTable;
  interim_budgets: InterimBudgetTable;
  interim_payments: InterimPaymentTable;
  account_returns: AccountReturnTable;
  audit_samples: AuditSampleTable;
  audit_sample_items: AuditSampleItemTable;
  support_plans: SupportPlanTable;
  plan_decisions: PlanDecisionTable;
  payment_agreements: PaymentAgreementTable;
  payment_instalments: PaymentInstalmentTable;
  budget_transactions: BudgetTransactionTable;
  reviews: ReviewTable;
  appeals: AppealTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  critical_path_progress: CriticalPathProgressTable;
  self_rating_rounds: SelfRatingRoundTable;
  self_ratings: SelfRatingTable;
  access_log: AccessLogTable;
}

/**
 * What an annual review's clawback is worked out from, kept with the recommendation so the figure
 * can be worked out again later (verifyClawback) even after money has moved in the account.
 */
export interface ClawbackInputs {
  readonly agreement: ClawbackAgreement;
  readonly reviewDate: string;
  /** Each funder's money in and what the account held for it on the review date. */
  readonly funders: readonly { readonly funder: string; readonly paidInPence: number; readonly balancePence: number }[];
}

/** Finance's decision on a clawback recommendation, as the review stores it. */
export interface StoredClawbackDecision {
  readonly decision: 'confirm' | 'reduce' | 'waive';
  readonly amountPence: number;
  readonly cappedBecause?: string;
  readonly reason: string | null;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly transactionIds: readonly string[];
}

/**
 * A clawback recommendation as a review stores it (its inputs kept since they were, so it can be
 * worked out again), with finance's decision once made.
 */
export type StoredClawback = Partial<AnnualClawback> &
  Pick<AnnualClawback, 'clawbackPence' | 'contributionRefundPence'> & {
    readonly inputs?: ClawbackInputs;
    readonly decision: StoredClawbackDecision | null;
  };

export type Council = Selectable<CouncilTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type IdentityProvider = Selectable<IdentityProviderTable>;
export type Job = Selectable<JobTable>;
/** A job as shown (without its payload, which may be megabytes). */
export type ShownJob = Omit<Job, 'payload'>;
export type Questionnaire = Selectable<QuestionnaireTable>;
export type AllocationScheme = Selectable<AllocationSchemeTable>;
export type Calibration = Selectable<CalibrationTable>;
export type Person = Selectable<PersonTable>;
export type EqualityMonitoring = Selectable<EqualityMonitoringTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Assessment = Selectable<AssessmentTable>;
export type AssessmentUpdate = Updateable<AssessmentTable>;
export type Budget = Selectable<BudgetTable>;
export type BudgetUpdate = Updateable<BudgetTable>;
export type FinancialAssessment = Selectable<FinancialAssessmentTable>;
export type ChargingPolicy = Selectable<ChargingPolicyTable>;
export type UpratingRun = Selectable<UpratingRunTable>;
export type UpratingRunItem = Selectable<UpratingRunItemTable>;
export type PaymentRun = Selectable<PaymentRunTable>;
export type PaymentRunItem = Selectable<PaymentRunItemTable>;
export type DirectPaymentAgreement = Selectable<DirectPaymentAgreementTable>;
export type Provider = Selectable<ProviderTable>;
export type PlanRevision = Selectable<PlanRevisionTable>;
export type InterimBudget = Selectable<InterimBudgetTable>;
export type InterimPayment = Selectable<InterimPaymentTable>;
export type AccountReturn = Selectable<AccountReturnTable>;
export type AuditSample = Selectable<AuditSampleTable>;
export type AuditSampleItem = Selectable<AuditSampleItemTable>;
export type SupportPlanRow = Selectable<SupportPlanTable>;
export type SupportPlanUpdate = Updateable<SupportPlanTable>;
export type PlanDecision = Selectable<PlanDecisionTable>;
export type PaymentAgreement = Selectable<PaymentAgreementTable>;
export type PaymentInstalment = Selectable<PaymentInstalmentTable>;
export type BudgetTransaction = Selectable<BudgetTransactionTable>;
export type Review = Selectable<ReviewTable>;
export type ReviewUpdate = Updateable<ReviewTable>;
export type Appeal = Selectable<AppealTable>;
export type AppealUpdate = Updateable<AppealTable>;
export type Webhook = Selectable<WebhookTable>;
export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
export type EventRow = Selectable<EventTable>;
export type CriticalPathProgress = Selectable<CriticalPathProgressTable>;
export type SelfRatingRound = Selectable<SelfRatingRoundTable>;
export type SelfRating = Selectable<SelfRatingTable>;
export type AccessLogRow = Selectable<AccessLogTable>;

/** The database or a transaction on it: what a repository reads and writes through. */
export type Db = Kysely<DB> | Transaction<DB>;

import type { ChargingPolicyRules, CompiledQuestionnaire, CompiledScheme } from 'ras-core';
import type {
  AllocationScheme,
  Budget,
  BudgetTransaction,
  EventRow,
  PayeeKind,
  PaymentAgreement,
  PaymentInstalment,
  PaymentRunItem,
  Person,
  PlanDecision,
  Questionnaire,
} from './schema.js';

// The shapes repositories answer besides a table's own rows: what representations, rules and
// workflows are given, declared here so that none of them imports a repository for a type.

/** A budget's account as stored: its payment agreement (once agreed), every funder's instalments and the ledger. */
export interface StoredLedger {
  readonly agreement: PaymentAgreement | undefined;
  readonly instalments: readonly PaymentInstalment[];
  readonly entries: readonly BudgetTransaction[];
  /** The funding streams a line of the approved plan names, now or before a revision: their money is ring-fenced. */
  readonly ringFenced: readonly string[];
}

/** What a budget account shows of its budget: not the calculation, only its funding streams' names. */
export interface AccountBudget {
  readonly id: string;
  readonly status: Budget['status'];
  readonly streams: readonly { readonly key: string; readonly name: string }[] | null;
}

/** One agreed budget in the period, with its person's groups and what happened to it afterwards. */
export interface FairnessRow {
  readonly budget_id: string;
  /** The budget's random key for the disclosure control. */
  readonly record_key: number;
  readonly start_date: string;
  readonly client_group: string;
  readonly date_of_birth: string | null;
  /** The age band on the start date, kept on the budget when the person was erased. */
  readonly monitoring_age_band: string | null;
  readonly sex: string | null;
  readonly ethnicity: string | null;
  readonly primary_support_reason: string | null;
  readonly total_points: number;
  readonly ras_annual_pence: number;
  readonly protected_annual_pence: number;
  readonly panel_annual_pence: number | null;
  readonly total_annual_pence: number;
  readonly ceiling_referral: boolean;
  readonly appeal_status: 'lodged' | 'upheld' | 'not-upheld' | null;
  /** The latest completed annual review's recommended clawback, pence; null when none was completed. */
  readonly clawback_pence: number | null;
}

/** An event the sequencer has numbered: the only kind a consumer is shown. */
export type NumberedEvent = EventRow & { seq: number };

/** A payment run's items counted by status (pending, paid, skipped) and by payee kind, with their money. */
/** A run's item as its files need it: with how its holder or provider is paid (null for commissioned spend and the managed account). */
export type FileItem = PaymentRunItem & { account_type: 'bank' | 'prepaid-card' | null };

/** Why a run skipped shares at confirmation, and how many and how much for each reason. */
export interface SkippedReason {
  readonly reason: string;
  readonly payments: number;
  readonly amount_pence: number;
}

export type RunItemCounts = Record<PaymentRunItem['status'] | PayeeKind, { payments: number; amountPence: number }>;

/** What a support plan is shown with: its budget, its decisions so far, and the two facts the panel checklist asks of the council. */
export interface PlanContext {
  readonly budget: Budget;
  readonly decisions: readonly PlanDecision[];
  readonly financialAssessmentDone: boolean;
  readonly paymentFrequency: 'monthly' | 'four-weekly';
}

/** A questionnaire version ready to score, with the row it came from. */
export interface LoadedQuestionnaire {
  readonly row: Questionnaire;
  readonly compiled: CompiledQuestionnaire;
}

/** A scheme version ready to allocate, with the row it came from. */
export interface LoadedScheme {
  readonly row: AllocationScheme;
  readonly compiled: CompiledScheme;
}

/** A person with their record-system identifiers. */
export interface PersonRecord {
  readonly person: Person;
  readonly externalIds: Readonly<Record<string, string>>;
}

/** A charging policy as the service uses it: a council's own, or one that ships. */
export interface PolicyInForce {
  readonly id: string;
  readonly version: number | null;
  readonly shipped: boolean;
  readonly name: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly basedOn: string | null;
  readonly rules: ChargingPolicyRules;
  readonly createdAt: Date | null;
}

/** An individual service fund a provider holds: an approved plan's ISF lines naming it. */
export interface HeldFund {
  readonly budget_id: string;
  readonly person_id: string;
  readonly plan_id: string;
  readonly budget_status: string;
  /** The plan's lines that are the fund, by index. */
  readonly lines: number[];
}

import type { Kysely } from 'kysely';
import { DELIVERY_MECHANISM, managementMix, type SupportPlan } from 'ras-core';
import type { DB } from '../../../db/schema.js';
import { iso } from '../../../http/iso.js';
import type { AccessKind } from '../../../plugins/access-log.js';
import { equalityMonitoringOf } from '../../../repositories/equality-monitoring.js';
import {
  assessmentsPage,
  budgetsPage,
  decisionsPage,
  peoplePage,
  plansPage,
  reviewsPage,
  transactionsPage,
} from '../../../repositories/exports.js';

/** A flat record of an export: the same fields in CSV columns and NDJSON objects. */
/** One exported record: scalar fields, and `externalIds` as `{ system: value }` like a person has. */
export type ExportRecord = Record<string, string | number | boolean | null | Readonly<Record<string, string>>>;

interface PageRequest {
  readonly councilId: string;
  readonly after: string | null;
  readonly limit: number;
  readonly since: Date | null;
}

/** One kind of export: its columns, and how to read a page of records after a cursor. */
export interface ExportKind {
  readonly description: string;
  /** What its records show of people, as the access log records the export. */
  readonly shows: readonly AccessKind[];
  readonly columns: readonly string[];
  page(db: Kysely<DB>, request: PageRequest): Promise<{ records: ExportRecord[]; last: string | null }>;
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const ts = (value: Date | string | null) => (value === null ? null : iso(value));

function paged<R extends { id: string }>(read: (db: Kysely<DB>, request: PageRequest) => Promise<R[]>, map: (row: R) => ExportRecord[]) {
  return async (db: Kysely<DB>, request: PageRequest) => {
    const rows = await read(db, request);
    return { records: rows.flatMap(map), last: rows.length === request.limit ? (rows.at(-1)?.id ?? null) : null };
  };
}

function lines(row: { plan: SupportPlan }) {
  return (row.plan.lines ?? []).map((line, index) => ({ line, index }));
}

/** The people export with each person's equality monitoring beside them (an admin's, audited). */
export function withEqualityMonitoring(kind: ExportKind): ExportKind {
  return {
    description: kind.description,
    shows: [...kind.shows, 'special-category'],
    columns: [...kind.columns, 'sex', 'ethnicity', 'religion', 'sexualOrientation', 'primarySupportReason'],
    page: async (db, request) => {
      const page = await kind.page(db, request);
      const monitoring = await equalityMonitoringOf(
        db,
        request.councilId,
        page.records.map((record) => String(record.id)),
      );
      return {
        last: page.last,
        records: page.records.map((record) => {
          const row = monitoring.get(String(record.id));
          return {
            ...record,
            sex: row?.sex ?? null,
            ethnicity: row?.ethnicity ?? null,
            religion: row?.religion ?? null,
            sexualOrientation: row?.sexual_orientation ?? null,
            primarySupportReason: row?.primary_support_reason ?? null,
          };
        }),
      };
    },
  };
}

/** Every bulk file a record system can pull. */
/** The kinds of record that can be exported, as the URL names them. */
export const EXPORT_KIND_NAMES = [
  'people',
  'assessments',
  'budgets',
  'plans',
  'decisions',
  'reviews',
  'transactions',
  'client-level-data',
] as const;

export const EXPORT_KINDS: Record<(typeof EXPORT_KIND_NAMES)[number], ExportKind> = {
  people: {
    description: 'People with their record-system ids',
    shows: ['record'],
    columns: ['id', 'externalIds', 'clientGroup', 'displayName', 'dateOfBirth', 'createdAt', 'updatedAt'],
    page: paged(peoplePage, (r) => [
      {
        id: r.id,
        externalIds: r.external_ids,
        clientGroup: r.client_group,
        displayName: r.display_name,
        dateOfBirth: r.date_of_birth,
        createdAt: ts(r.created_at),
        updatedAt: ts(r.updated_at),
      },
    ]),
  },
  assessments: {
    description: 'Assessments with scores and eligibility',
    shows: ['record', 'special-category'],
    columns: [
      'id',
      'personId',
      'externalIds',
      'questionnaireKey',
      'questionnaireVersion',
      'status',
      'completedWith',
      'totalPoints',
      'sectionPoints',
      'eligible',
      'eligibilityBasis',
      'facsBand',
      'submittedAt',
      'agreedAt',
    ],
    page: paged(assessmentsPage, (r) => {
      const eligibility = r.eligibility;
      return [
        {
          id: r.id,
          personId: r.person_id,
          externalIds: r.external_ids,
          questionnaireKey: r.questionnaire_key,
          questionnaireVersion: r.questionnaire_version,
          status: r.status,
          completedWith: r.completed_with.join(';'),
          totalPoints: r.total_points,
          sectionPoints: json(r.score?.sections ?? null),
          eligible: eligibility?.eligible ?? null,
          eligibilityBasis: eligibility?.basis ?? null,
          facsBand: eligibility?.band ?? null,
          submittedAt: ts(r.submitted_at),
          agreedAt: ts(r.agreed_at),
        },
      ];
    }),
  },
  budgets: {
    description: 'Indicative and agreed budgets with their figures',
    shows: ['record', 'money'],
    columns: [
      'id',
      'personId',
      'externalIds',
      'assessmentId',
      'status',
      'startDate',
      'schemeKey',
      'schemeVersion',
      'rasAnnualPence',
      'panelAnnualPence',
      'outsideRas',
      'totalAnnualPence',
      'councilAnnualPence',
      'annualContributionPence',
      'netAnnualPence',
      'referral',
      'agreedAt',
    ],
    page: paged(budgetsPage, (r) => [
      {
        id: r.id,
        personId: r.person_id,
        externalIds: r.external_ids,
        assessmentId: r.assessment_id,
        status: r.status,
        startDate: r.start_date,
        schemeKey: r.scheme_key,
        schemeVersion: r.scheme_version,
        rasAnnualPence: r.ras_annual_pence,
        panelAnnualPence: r.panel_annual_pence,
        outsideRas: r.panel_annual_pence !== null,
        totalAnnualPence: r.total_annual_pence,
        councilAnnualPence: r.council_annual_pence,
        annualContributionPence: r.annual_contribution_pence,
        netAnnualPence: r.net_annual_pence,
        referral: r.referral?.reason ?? null,
        agreedAt: ts(r.agreed_at),
      },
    ]),
  },
  plans: {
    description: 'Support plans, one record per plan line',
    shows: ['record', 'money'],
    columns: [
      'planId',
      'budgetId',
      'personId',
      'externalIds',
      'planStatus',
      'line',
      'description',
      'outcomeKeys',
      'provider',
      'managedBy',
      'deliveryMechanism',
      'costType',
      'amountPence',
    ],
    page: paged(plansPage, (r) =>
      lines(r).map(({ line, index }) => ({
        planId: r.id,
        budgetId: r.budget_id,
        personId: r.person_id,
        externalIds: r.external_ids,
        planStatus: r.status,
        line: index,
        description: line.description,
        outcomeKeys: line.outcomeKeys.join(';'),
        provider: line.provider,
        managedBy: line.managedBy,
        deliveryMechanism: DELIVERY_MECHANISM[line.managedBy],
        costType: line.costType,
        amountPence: line.amountPence,
      })),
    ),
  },
  decisions: {
    description: 'Decisions on support plans',
    shows: ['record'],
    columns: ['id', 'planId', 'budgetId', 'personId', 'externalIds', 'stage', 'outcome', 'reasons', 'decidedBy', 'decidedAt'],
    page: paged(decisionsPage, (r) => [
      {
        id: r.id,
        planId: r.plan_id,
        budgetId: r.budget_id,
        personId: r.person_id,
        externalIds: r.external_ids,
        stage: r.stage,
        outcome: r.outcome,
        reasons: r.reasons,
        decidedBy: r.decided_by,
        decidedAt: ts(r.decided_at),
      },
    ]),
  },
  reviews: {
    description: 'Reviews with outcomes and clawback',
    shows: ['record', 'money'],
    columns: [
      'id',
      'budgetId',
      'personId',
      'externalIds',
      'kind',
      'dueDate',
      'status',
      'completedOn',
      'onTime',
      'outcomesAchieved',
      'outcomesPartly',
      'outcomesNot',
      'spentAsPlanned',
      'recommendedClawbackPence',
      'clawbackDecision',
      'clawbackPence',
    ],
    page: paged(reviewsPage, (r) => {
      const outcome = r.outcome;
      const clawback = r.clawback;
      const count = (achieved: string) => outcome?.outcomes.filter((o) => o.achieved === achieved).length ?? null;
      return [
        {
          id: r.id,
          budgetId: r.budget_id,
          personId: r.person_id,
          externalIds: r.external_ids,
          kind: r.kind,
          dueDate: r.due_date,
          status: r.status,
          completedOn: outcome?.completedOn ?? null,
          onTime: outcome?.onTime ?? null,
          outcomesAchieved: count('yes'),
          outcomesPartly: count('partly'),
          outcomesNot: count('no'),
          spentAsPlanned: outcome?.spentAsPlanned ?? null,
          recommendedClawbackPence: clawback?.clawbackPence ?? null,
          clawbackDecision: clawback?.decision?.decision ?? null,
          clawbackPence: clawback?.decision?.amountPence ?? null,
        },
      ];
    }),
  },
  transactions: {
    description: 'Every entry of every budget account',
    shows: ['record', 'money'],
    columns: [
      'id',
      'budgetId',
      'kind',
      'direction',
      'amountPence',
      'occurredOn',
      'category',
      'planLine',
      'managedBy',
      'instalmentNumber',
      'reversesTransactionId',
      'createdAt',
    ],
    page: paged(transactionsPage, (r) => [
      {
        id: r.id,
        budgetId: r.budget_id,
        kind: r.kind,
        direction: r.direction === 1 ? 'in' : 'out',
        amountPence: r.amount_pence,
        occurredOn: r.occurred_on,
        category: r.category,
        planLine: r.plan_line,
        managedBy: r.managed_by,
        instalmentNumber: r.instalment_number,
        reversesTransactionId: r.reverses_id,
        createdAt: ts(r.created_at),
      },
    ]),
  },
  'client-level-data': {
    description: 'Service lines of approved plans shaped like the statutory client-level data return, with CLD delivery mechanisms',
    shows: ['record', 'money'],
    columns: [
      'LA_Person_Unique_Identifier',
      'Client_Group',
      'Event_Type',
      'Service_Type',
      'Service_Component',
      'Delivery_Mechanism',
      'Event_Start_Date',
      'Event_End_Date',
      'Unit_Cost_Pence',
      'Cost_Frequency',
      'ASCOF_3D_Self_Directed_Support',
      'ASCOF_3D_Direct_Payment',
    ],
    page: paged(
      (db, request) => plansPage(db, { ...request, approvedOnly: true }),
      (r) => {
        // ASCOF 3D counts the person, from every line of their plan: part 1a is everyone with a
        // RAS budget (managementMix never says commissioned support only), part 2a those with a
        // direct payment, wholly or in part.
        const mix = managementMix([...new Set(lines(r).map(({ line }) => line.managedBy))]);
        const directPayment = mix === 'direct-payment-only' || mix === 'part-direct-payment' ? 'Y' : 'N';
        return lines(r).map(({ line }) => ({
          // The record system's id (the first system by name), as the return identifies people by it.
          LA_Person_Unique_Identifier: Object.entries(r.external_ids).sort(([a], [b]) => a.localeCompare(b))[0]?.[1] ?? r.person_id,
          Client_Group: r.client_group,
          Event_Type: 'Service',
          Service_Type: 'Long Term Support: Community',
          Service_Component: line.description,
          Delivery_Mechanism: DELIVERY_MECHANISM[line.managedBy],
          Event_Start_Date: r.start_date,
          Event_End_Date: r.end_date,
          Unit_Cost_Pence: line.amountPence,
          Cost_Frequency: line.costType,
          ASCOF_3D_Self_Directed_Support: 'Y',
          ASCOF_3D_Direct_Payment: directPayment,
        }));
      },
    ),
  },
};

import { INCOME_KINDS, SHIPPED_CHARGING_POLICIES } from 'ras-core';
import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, Text, Timestamp } from '../../../schemas/common.js';

const SHIPPED_KEYS = Object.keys(SHIPPED_CHARGING_POLICIES);

export const IncomeKind = Type.Enum([...INCOME_KINDS], {
  description: 'Where a weekly income comes from; the charging policy says which kinds are disregarded',
});

const Disregard = Type.Object(
  {
    rule: Type.Enum(['full', 'first'], { description: 'full: all of it is ignored; first: the first weeklyPence is ignored' }),
    weeklyPence: Type.Optional(Pence('For rule first: how much a week is ignored')),
  },
  { additionalProperties: false },
);

const SingleAndCouple = Type.Object({ singlePence: Pence(), couplePence: Pence() }, { additionalProperties: false });

export const MinimumIncomeGuaranteeTable = Type.Object(
  {
    single: Type.Object(
      { aged18To24Pence: Pence(), aged25ToPensionAgePence: Pence(), pensionAgePence: Pence() },
      { additionalProperties: false },
    ),
    loneParentPence: Pence(),
    couple: Type.Object(
      { adultPence: Pence('Each member of a couple'), pensionAgePence: Pence('Each member, one or both over Pension Credit age') },
      { additionalProperties: false },
    ),
    perChildPence: Pence(),
    premiums: Type.Object(
      { disability: SingleAndCouple, enhancedDisability: SingleAndCouple, carerPence: Pence() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'MinimumIncomeGuaranteeTable', description: 'Weekly amounts' },
);

const CapitalRules = Type.Object(
  {
    lowerCapitalLimitPence: Pence('Capital at or below this is disregarded'),
    upperCapitalLimitPence: Pence('Capital above this means the full cost (or, in Wales, the maximum charge)'),
    tariffStepPence: Pence('Tariff income is charged per this much capital between the limits, or part of it'),
    tariffPerStepPence: Pence('…at this much a week'),
  },
  { additionalProperties: false },
);

/** The figures of a charging policy (ras-core's ChargingPolicyRules). */
export const ChargingPolicyRules = Type.Object(
  {
    nation: Type.Enum(['england', 'wales']),
    source: Text(1000),
    capital: CapitalRules,
    weeklyMaximumChargePence: Nullable(Pence('Wales: the most anyone pays a week for care at home; null in England')),
    minimumIncomeGuarantee: MinimumIncomeGuaranteeTable,
    incomeDisregards: Type.Object(Object.fromEntries(INCOME_KINDS.map((kind) => [kind, Type.Optional(Disregard)])), {
      additionalProperties: false,
      description: 'Income the charge ignores, by kind; kinds not listed count in full',
    }),
    standardDisabilityRelatedExpenditurePence: Pence(
      'Weekly disability-related expenditure allowed without receipts to a person receiving PIP daily living, DLA care or Attendance Allowance',
    ),
    minimumWeeklyChargePence: Pence('A weekly charge below this is not collected'),
    arrangementFeePence: Pence('The yearly fee for arranging a self-funder’s care'),
  },
  { additionalProperties: false, title: 'ChargingPolicyRules' },
);

/** Fields a new policy changes from the one it is based on; each replaces the whole field. */
const PolicyChanges = Type.Partial(Type.Omit(ChargingPolicyRules, ['nation']), { additionalProperties: false });

export const CreateChargingPolicyBody = Type.Object(
  {
    name: Text(200),
    effectiveFrom: CalendarDate,
    effectiveTo: Type.Optional(CalendarDate),
    basedOn: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: `A shipped policy (${SHIPPED_KEYS.join(', ')}) or the id of one of the council’s policies; its figures are copied, then changes applied`,
      }),
    ),
    changes: Type.Optional(PolicyChanges),
    rules: Type.Optional(ChargingPolicyRules),
  },
  {
    additionalProperties: false,
    title: 'CreateChargingPolicy',
    description:
      'Send basedOn (with any changes), or the whole rules. Without an effectiveTo a policy is in force until the next one starts.',
  },
);

export const ChargingPolicyResource = Type.Object(
  {
    id: Type.String({ description: 'A UUID for a council’s policy; the key for a shipped one (e.g. england-2025-26)' }),
    version: Nullable(Type.Integer({ minimum: 1, description: 'Numbered per council; null for a shipped policy' })),
    shipped: Type.Boolean({ description: 'true for a policy that ships with the service, in force when the council has not set its own' }),
    name: Type.String(),
    effectiveFrom: CalendarDate,
    effectiveTo: Nullable(CalendarDate),
    basedOn: Nullable(Type.String()),
    rules: ChargingPolicyRules,
    createdAt: Nullable(Timestamp),
  },
  { title: 'ChargingPolicy' },
);

export const ChargingPolicyParams = Type.Object(
  { id: Type.Union([Id, Type.Enum(SHIPPED_KEYS)], { description: 'A council policy’s id or a shipped policy’s key' }) },
  { additionalProperties: false },
);

/** A person's circumstances for a financial assessment under the policy in force (ras-core's FinancialCircumstances). */
export const FinancialCircumstances = Type.Object(
  {
    household: Type.Enum(['single', 'lone-parent', 'couple']),
    ageBand: Type.Optional(
      Type.Enum(['18-24', '25-to-pension-age', 'pension-age'], {
        description: 'Where age puts the person in the MIG table; worked out from the person’s date of birth when left out',
      }),
    ),
    premiums: Type.Optional(
      Type.Object(
        {
          disability: Type.Optional(Type.Boolean()),
          enhancedDisability: Type.Optional(Type.Boolean()),
          carer: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    children: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    incomes: Type.Array(Type.Object({ kind: IncomeKind, weeklyPence: Pence() }, { additionalProperties: false }), { maxItems: 50 }),
    capitalPence: Pence(),
    weeklyHousingCostsPence: Pence(),
    weeklyDisabilityRelatedExpenditurePence: Type.Optional(Pence('As evidenced; the standard allowance applies when it is higher')),
    weeklyCostOfCarePence: Pence(),
    basis: Type.Optional(
      Type.Enum(['full', 'light-touch', 'full-cost'], {
        description:
          'full (default): worked out from everything; light-touch: the council is satisfied the person can pay without a full assessment; full-cost: the person chose not to disclose',
      }),
    ),
    councilArrangesCare: Type.Optional(
      Type.Boolean({ description: 'A person paying the full cost whose care the council arranges pays the arrangement fee' }),
    ),
  },
  { additionalProperties: false, title: 'FinancialCircumstances' },
);

/** The extra figures a calculation under a charging policy carries beside the weekly charge. */
export const ChargeFigures = {
  basis: Type.Optional(Type.Enum(['full', 'light-touch', 'full-cost'])),
  weeklyIncomePence: Type.Optional(Pence()),
  disregardedIncomePence: Type.Optional(Pence()),
  minimumIncomeGuaranteePence: Type.Optional(Pence()),
  disabilityRelatedExpenditurePence: Type.Optional(Pence()),
  cappedAtMaximum: Type.Optional(Type.Boolean()),
  arrangementFeePence: Type.Optional(Pence()),
};

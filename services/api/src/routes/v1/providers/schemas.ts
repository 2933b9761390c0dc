import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, SignedPence, Text, Timestamp } from '../../../schemas/common.js';

export const CreateProviderBody = Type.Object(
  {
    name: Text(200),
    account: Type.Object(
      {
        type: Type.Enum(['bank', 'prepaid-card']),
        reference: Type.String({
          minLength: 1,
          maxLength: 100,
          description:
            'Where the payment run pays the provider: a sort code and account number (12-34-56 12345678) for the Bacs file, or the finance system’s own reference',
        }),
      },
      { additionalProperties: false },
    ),
    contact: Type.Optional(Text(300)),
  },
  { additionalProperties: false, title: 'CreateProvider' },
);

const HeldFund = Type.Object({
  budgetId: Id,
  personId: Id,
  planId: Id,
  budgetStatus: Type.String(),
  lines: Type.Array(Type.Integer(), { description: 'The approved plan’s individual-service-fund lines naming this provider' }),
});

const providerFields = {
  id: Id,
  name: Type.String(),
  account: Type.Object({ type: Type.String(), reference: Type.String() }),
  contact: Nullable(Type.String()),
  version: Type.Integer(),
  createdAt: Timestamp,
};

export const ProviderResource = Type.Object(providerFields, { title: 'Provider' });

/** A provider with the people it holds funds for: personal data, so only in getProvider. */
export const ProviderWithFundsResource = Type.Object(
  {
    ...providerFields,
    individualServiceFunds: Type.Array(HeldFund, { description: 'The people the provider holds an individual service fund for' }),
  },
  { title: 'ProviderWithFunds' },
);

export const StatementParams = Type.Object({ id: Id, budgetId: Id }, { additionalProperties: false });
export const StatementQuery = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
  },
  { additionalProperties: false },
);

export const FundStatementResource = Type.Object(
  {
    provider: Type.Object({ id: Id, name: Type.String() }),
    budgetId: Id,
    personId: Id,
    period: Type.Object({ from: Nullable(CalendarDate), to: Nullable(CalendarDate) }),
    lines: Type.Array(Type.Object({ index: Type.Integer(), description: Type.String(), annualCostPence: Pence() })),
    openingBalancePence: SignedPence('What the provider held for the person before the period'),
    paidInPence: Pence('Paid to the provider for the fund in the period'),
    spentPence: SignedPence('Spent on the fund’s lines in the period, less refunds'),
    closingBalancePence: SignedPence('opening + paid in − spent'),
    entries: Type.Array(
      Type.Object({
        id: Id,
        kind: Type.Enum(['council-payment', 'spend', 'refund']),
        occurredOn: CalendarDate,
        amountPence: Pence(),
        planLine: Nullable(Type.Integer()),
        description: Nullable(Type.String()),
      }),
    ),
  },
  { title: 'IndividualServiceFundStatement' },
);

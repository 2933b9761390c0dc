import { Type } from 'typebox';
import { CalendarDate, ExplanationStep, Id, Nullable, Pence, Percent, SignedPence, Text, Timestamp } from '../../../schemas/common.js';

/** The ways of managing a budget whose money is paid to a holder under an agreement. */
export const HolderOption = Type.Enum(['direct-payment', 'indirect-payment', 'trust'], {
  title: 'HolderOption',
  description:
    'The way of managing the agreement pays for: a direct payment (held by the person, a nominated person or an authorised person), an indirect payment (paid to a nominated person), or a user-controlled trust. One agreement per way a plan uses',
});

export const CreateDirectPaymentAgreementBody = Type.Object(
  {
    budgetId: Id,
    managementOption: Type.Optional(HolderOption),
    termsVersion: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'The version of the council’s terms (settings.directPaymentTerms) the holder accepted',
    }),
    holder: Type.Object(
      {
        type: Type.Enum(['person', 'nominated-person', 'authorised-person', 'trust'], {
          description:
            'Who holds and manages the money: the person, someone they nominate, an authorised person acting for someone who lacks capacity, or a user-controlled trust',
        }),
        name: Type.Optional(Text(200)),
      },
      { additionalProperties: false },
    ),
    account: Type.Object(
      {
        type: Type.Enum(['bank', 'prepaid-card']),
        reference: Type.String({
          minLength: 1,
          maxLength: 100,
          description: 'The account or card reference the finance system pays (the council’s own reference, not a full account number)',
        }),
      },
      { additionalProperties: false },
    ),
    acceptedOn: CalendarDate,
    acceptedBy: Text(200),
  },
  { additionalProperties: false, title: 'CreateDirectPaymentAgreement' },
);

const Check = Type.Object({
  key: Type.Enum(['opening-balance', 'money-in', 'money-out', 'closing-balance', 'statement-adds-up', 'receipts']),
  statementPence: SignedPence(),
  expectedPence: SignedPence(),
  differencePence: SignedPence('statement − expected'),
  matches: Type.Boolean(),
  explanation: Type.String(),
});

export const AccountReturnResource = Type.Object(
  {
    id: Id,
    agreementId: Id,
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    statement: Type.Object({
      openingBalancePence: SignedPence(),
      moneyInPence: Pence(),
      moneyOutPence: Pence(),
      closingBalancePence: SignedPence(),
      receipts: Type.Array(Type.Object({ reference: Type.String(), amountPence: Pence() })),
    }),
    matches: Type.Boolean({ description: 'true when every check agrees to the penny' }),
    ledger: Type.Object({
      openingBalancePence: SignedPence(),
      moneyInPence: Pence(),
      moneyOutPence: Pence(),
      closingBalancePence: SignedPence(),
    }),
    checks: Type.Array(Check),
    explanation: Type.Array(ExplanationStep),
    createdAt: Timestamp,
  },
  { title: 'AccountReturn' },
);

export const DirectPaymentAgreementResource = Type.Object(
  {
    id: Id,
    budgetId: Id,
    personId: Id,
    managementOption: HolderOption,
    status: Type.Enum(['active', 'suspended', 'ended'], { description: 'suspended: no council payments until lifted' }),
    terms: Type.Object({ version: Type.String(), text: Type.String() }, { description: 'The terms as accepted' }),
    holder: Type.Object({ type: Type.String(), name: Nullable(Type.String()) }),
    account: Type.Object({ type: Type.String(), reference: Type.String() }),
    acceptedOn: CalendarDate,
    acceptedBy: Type.String(),
    returns: Type.Array(AccountReturnResource),
    version: Type.Integer(),
    createdAt: Timestamp,
  },
  { title: 'DirectPaymentAgreement' },
);

export const RecordAccountReturnBody = Type.Object(
  {
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    openingBalancePence: SignedPence(),
    moneyInPence: Pence(),
    moneyOutPence: Pence(),
    closingBalancePence: SignedPence(),
    receipts: Type.Array(Type.Object({ reference: Text(100), amountPence: Pence() }, { additionalProperties: false }), {
      maxItems: 1000,
      description: 'Receipts for the money out, by the reference they are kept under',
    }),
  },
  { additionalProperties: false, title: 'RecordAccountReturn' },
);

export const CreateAuditSampleBody = Type.Object(
  {
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    percent: Percent('Accounts drawn at random, rounded up'),
    seed: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Makes the draw reproducible; default the period' })),
    riskWeeks: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 104,
        description: 'Every account holding more than this many weeks of its budget is audited too (default 12)',
      }),
    ),
  },
  { additionalProperties: false, title: 'CreateAuditSample' },
);

export const AuditSampleResource = Type.Object(
  {
    id: Id,
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    rule: Type.Object({ percent: Type.Number(), seed: Type.String(), riskWeeks: Type.Number() }),
    accounts: Type.Array(
      Type.Object({
        agreementId: Id,
        reasons: Type.Array(Type.Enum(['random', 'high-balance'])),
        balancePence: SignedPence('The account’s balance at the end of the period'),
        thresholdPence: Pence('riskWeeks of the yearly budget'),
        outcome: Nullable(Type.Enum(['satisfactory', 'query', 'suspend', 'recover'])),
        notes: Nullable(Type.String()),
        recoveryPence: Nullable(Pence()),
        recoveryTransactionId: Nullable(Id),
        debtOwedPence: Nullable(
          Pence(
            'What the audit found owed beyond the council’s money left in the account: a debt the holder owes, never a negative balance',
          ),
        ),
        decidedAt: Nullable(Timestamp),
      }),
    ),
    explanation: Type.Array(ExplanationStep),
    createdAt: Timestamp,
  },
  { title: 'AuditSample' },
);

export const RecordAuditOutcomeBody = Type.Object(
  {
    agreementId: Id,
    outcome: Type.Enum(['satisfactory', 'query', 'suspend', 'recover'], {
      description: 'suspend stops council payments into the account; recover raises a debt on it (a clawback entry with these notes)',
    }),
    notes: Text(4000),
    recoveryPence: Type.Optional(
      Pence(
        'For recover: what the audit found owed; out of the account no more than the council’s money left in it, the rest a debt owed (debtOwedPence)',
      ),
    ),
    occurredOn: Type.Optional(CalendarDate),
  },
  { additionalProperties: false, title: 'RecordAuditOutcome' },
);

export const ChangeAgreementStatusBody = Type.Object(
  {
    status: Type.Enum(['active', 'suspended', 'ended'], { description: 'active reinstates a suspended agreement; ended is final' }),
    reason: Text(2000),
  },
  { additionalProperties: false, title: 'ChangeDirectPaymentAgreementStatus' },
);

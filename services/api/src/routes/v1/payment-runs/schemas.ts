import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, PenceTotal, Timestamp } from '../../../schemas/common.js';

export const CreatePaymentRunBody = Type.Object(
  {
    runDate: CalendarDate,
    holdBudgetIds: Type.Optional(
      Type.Array(Id, {
        maxItems: 1_000,
        uniqueItems: true,
        description:
          'Budgets finance holds out of this run (counted in held.onHold), for example one still waiting for its direct payment agreement',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreatePaymentRun',
    description: 'runDate: pay every council instalment due on or before this date (at most 35 days ahead).',
  },
);

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Tally = (description: string) => Type.Object({ payments: Count('Instalments'), amountPence: PenceTotal() }, { description });

export const PaymentRunResource = Type.Object(
  {
    id: Id,
    runDate: CalendarDate,
    status: Type.Enum(['prepared', 'confirming', 'confirmed', 'cancelled'], {
      description:
        'prepared: nothing paid yet; confirming: payments being recorded (confirm again to finish after an interruption); confirmed; cancelled',
    }),
    payments: Count('The control count: instalments the run pays, as prepared'),
    payees: Count('Payees the run pays, as prepared'),
    totalPence: PenceTotal('Σ the run’s payments, as prepared'),
    byPayeeKind: Type.Object(
      {
        directPayment: Tally('Direct-payment shares, paid to the holder’s account (the Bacs file)'),
        indirectPayment: Tally('Indirect-payment shares, paid to the nominated person’s account (the Bacs file)'),
        trust: Tally('Trust shares, paid to the trust’s account (the Bacs file)'),
        individualServiceFund: Tally('Individual service fund shares, paid to the provider holding the fund (the Bacs file)'),
        commissioned: Tally(
          'Council-arranged shares: recorded as the council’s commissioned spend against the provider, never paid to the person (the CSV only; the council pays its providers’ invoices)',
        ),
        managedAccount: Tally('Budgets whose plan has no line the council’s instalments pay for: the council’s own account (the CSV only)'),
      },
      { description: 'The prepared payments by where they go: each instalment is split by the approved plan’s lines' },
    ),
    held: Type.Object(
      {
        suspended: Count('Instalments left out because direct payments on the budget are suspended'),
        onHold: Count('Instalments of budgets finance held out (holdBudgetIds)'),
        erased: Count(
          'Instalments of people whose personal data was erased: their record is closed, so nothing is paid into it (erasure is refused while anything is owed; these were erased before that rule)',
        ),
      },
      { description: 'Owing instalments the run leaves out' },
    ),
    paid: Tally('Recorded on the ledger as council payments'),
    skipped: Tally(
      'Not paid at confirmation (skippedReasons says why; the CSV lists each): the budget or instalment changed since the run was prepared',
    ),
    skippedReasons: Type.Array(
      Type.Object(
        {
          reason: Type.String({ description: 'Why they were not paid' }),
          payments: Count('Shares skipped for this reason'),
          amountPence: PenceTotal(),
        },
        { title: 'SkippedReason' },
      ),
      {
        description:
          'Why shares were not paid at confirmation, with how many and how much for each reason; the CSV (record = skipped) names each share and its budget',
      },
    ),
    pending: Tally('Not yet recorded'),
    files: Type.Object(
      {
        csv: Type.String({ description: 'getPaymentRunFile?format=csv' }),
        bacs: Type.String({ description: 'getPaymentRunFile?format=bacs' }),
        cardLoad: Type.String({ description: 'getPaymentRunFile?format=card-load: the prepaid card loads' }),
      },
      { description: 'Where to fetch the files' },
    ),
    createdBy: Type.String(),
    createdAt: Timestamp,
    confirmedBy: Nullable(Type.String()),
    confirmedAt: Nullable(Timestamp),
    cancelledAt: Nullable(Timestamp),
    version: Type.Integer({ minimum: 1 }),
  },
  { title: 'PaymentRun' },
);

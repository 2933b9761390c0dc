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
        directPayment: Tally('Paid to direct payment accounts: the money that leaves the council (the Bacs file)'),
        managedAccount: Tally('Paid into the council’s own account for the budgets it arranges (the CSV only)'),
      },
      { description: 'The prepared payments by where they go' },
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
      'Not paid at confirmation, each with its reason in the CSV: the budget or instalment changed since the run was prepared',
    ),
    pending: Tally('Not yet recorded'),
    files: Type.Object(
      {
        csv: Type.String({ description: 'getPaymentRunFile?format=csv' }),
        bacs: Type.String({ description: 'getPaymentRunFile?format=bacs' }),
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

import { Type } from 'typebox';
import { ExplanationStep, Id, Nullable, Pence, PenceTotal, Percent, SignedPence, Text, Timestamp } from '../../../schemas/common.js';
import { Method } from '../allocation-schemes/schemas.js';

export const MAX_CASES = 50_000;

const ProposedScheme = Type.Object(
  {
    method: Method,
    floorPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Below this many points the amount is 0' })),
    ceilingPence: Type.Optional(Pence('Above this full-year amount a case goes to the panel (its amount is still counted)')),
  },
  {
    additionalProperties: false,
    description:
      'The scheme put to committee; every case is projected under it as allocateBudget would. Without it, the rate the budget affords is the proposal.',
  },
);

export const RunCalibrationBody = Type.Object(
  {
    cases: Type.Array(
      Type.Object(
        {
          ref: Text(100),
          points: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
          currentAnnualPence: Pence('What the case’s support costs a year today'),
          clientGroup: Type.Optional(Text(100)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_CASES },
    ),
    budgetPence: Type.Optional(Pence('The budget to share; default the sum of current costs')),
    topSlicePercent: Percent('Share kept back as contingency'),
    proposed: Type.Optional(ProposedScheme),
  },
  { additionalProperties: false },
);

const Named = Nullable(Type.Object({ ref: Type.String(), differencePence: SignedPence() }));

export const CalibrationResource = Type.Object(
  {
    id: Id,
    createdAt: Timestamp,
    caseCount: Type.Integer(),
    totalPoints: Type.Integer(),
    currentTotalPence: PenceTotal(),
    budgetPence: Pence(),
    topSlicePercent: Type.Number(),
    topSlicePence: Pence(),
    availablePence: Pence(),
    poundsPerPointPence: Pence('floor(available ÷ Σ points): the rate the budget affords'),
    proposed: Type.Object(
      {
        method: Method,
        floorPoints: Type.Optional(Type.Integer()),
        ceilingPence: Type.Optional(Pence()),
        derived: Type.Boolean({ description: 'true when no scheme was proposed and the derived rate stood in' }),
      },
      { description: 'The scheme every case was projected under' },
    ),
    referrals: Type.Integer({ description: 'Cases projected above the proposed ceiling: the panel would decide them' }),
    projectedTotalPence: PenceTotal(),
    integrity: Type.Object(
      {
        passes: Type.Boolean({ description: 'The proposal costs no more than the cases cost today (seed 002, slide 30)' }),
        currentTotalPence: PenceTotal(),
        projectedTotalPence: PenceTotal(),
        differencePence: SignedPence('projected − current: above 0 is what the proposal costs more than today'),
        headroomPence: SignedPence('available − projected: what is left of the budget given'),
      },
      { description: 'Wrexham’s test: the new system does not cost the authority any more money' },
    ),
    cases: Type.Array(
      Type.Object({
        ref: Type.String(),
        points: Type.Integer(),
        clientGroup: Nullable(Type.String()),
        currentAnnualPence: Pence(),
        projectedAnnualPence: Pence(),
        differencePence: SignedPence(),
      }),
    ),
    summary: Type.Object({
      winners: Type.Integer(),
      losers: Type.Integer(),
      unchanged: Type.Integer(),
      meanAbsoluteDifferencePence: Pence(),
      medianAbsoluteDifferencePence: Pence(),
      biggestGain: Named,
      biggestLoss: Named,
      byClientGroup: Type.Array(
        Type.Object({
          clientGroup: Type.String(),
          cases: Type.Integer(),
          points: Type.Integer(),
          currentPence: PenceTotal(),
          projectedPence: PenceTotal(),
          differencePence: SignedPence(),
        }),
      ),
    }),
    diagnostic: Type.Object({ leastSquaresPoundsPerPointPence: Pence(), rSquared: Type.Number() }),
    explanation: Type.Array(ExplanationStep),
  },
  { title: 'Calibration' },
);

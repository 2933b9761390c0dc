import { Type } from 'typebox';
import { ExplanationStep, Id, Nullable, Pence, Percent, SignedPence, Text, Timestamp } from '../../../schemas/common.js';

export const MAX_CASES = 50_000;

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
  },
  { additionalProperties: false },
);

const Named = Nullable(Type.Object({ ref: Type.String(), differencePence: SignedPence() }));

export const CalibrationResource = Type.Object({
  id: Id,
  createdAt: Timestamp,
  caseCount: Type.Integer(),
  totalPoints: Type.Integer(),
  currentTotalPence: Pence(),
  budgetPence: Pence(),
  topSlicePercent: Type.Number(),
  topSlicePence: Pence(),
  availablePence: Pence(),
  poundsPerPointPence: Pence(),
  projectedTotalPence: Pence(),
  integrity: Type.Object({ passes: Type.Boolean(), headroomPence: SignedPence() }),
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
        currentPence: Pence(),
        projectedPence: Pence(),
        differencePence: SignedPence(),
      }),
    ),
  }),
  diagnostic: Type.Object({ leastSquaresPoundsPerPointPence: Pence(), rSquared: Type.Number() }),
  explanation: Type.Array(ExplanationStep),
});

import { Type } from 'typebox';
import { CalendarDate, Id, Timestamp } from '../../../schemas/common.js';
import { BudgetCalculation, BudgetInputs } from '../calculations/schemas.js';

export const BudgetStatus = Type.Union([Type.Literal('indicative'), Type.Literal('agreed'), Type.Literal('ended'), Type.Literal('superseded')]);

export const CreateBudgetBody = Type.Object(
  { assessmentId: Id, startDate: CalendarDate, ...BudgetInputs },
  { additionalProperties: false },
);

export const BudgetResource = Type.Object({
  id: Id,
  personId: Id,
  assessmentId: Id,
  status: BudgetStatus,
  startDate: CalendarDate,
  ...BudgetCalculation.properties,
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/**
 * ras-core: the Resource Allocation System maths for self-directed support.
 *
 * Pure functions over plain data, money in integer pence, every figure explained. Start with
 * {@link compileQuestionnaire} → {@link scoreAnswers} → {@link compileScheme} → {@link allocateBudget}.
 *
 * @packageDocumentation
 */

export * from './account.js';
export * from './allocation.js';
export * from './ascof.js';
export * from './calibration.js';
export * from './calibration-report.js';
export * from './clawback.js';
export * from './contribution.js';
export * from './dates.js';
export * from './errors.js';
export * from './explanation.js';
export * from './money.js';
export * from './payment-schedule.js';
export * from './questionnaire.js';
export * from './review-dates.js';
export * from './scheme.js';
export * from './scoring.js';
export * from './support-plan.js';

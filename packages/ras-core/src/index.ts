/**
 * ras-core: the Resource Allocation System maths for self-directed support.
 *
 * Pure functions over plain data, money in integer pence, every figure explained. Start with
 * {@link compileQuestionnaire} → {@link scoreAnswers} → {@link compileScheme} → {@link allocateBudget}.
 *
 * Only what is exported here is the library's API; the helpers the modules share (integer
 * arithmetic, pointer escaping, date steps) stay inside it.
 *
 * @packageDocumentation
 */

export type {
  AccountSummary,
  FunderBalance,
  InstalmentStatus,
  LedgerEntry,
  LedgerKind,
  PaymentAllocation,
  ScheduledPayment,
} from './account.js';
export { COUNCIL_FUNDER, defaultFunder, LEDGER_DIRECTION, PERSON_FUNDER, summariseAccount } from './account.js';
export type {
  AllocationOptions,
  BudgetCalculation,
  FundingStream,
  PointsInput,
  Referral,
  StreamShare,
  TransitionalProtection,
} from './allocation.js';
export { allocateBudget, allowedDecreasePence } from './allocation.js';
export type { AscofPart, DeliveryMechanism, ManagementMix } from './ascof.js';
export { ascofSelfDirectedSupport, DELIVERY_MECHANISM, managementMix, percentShare } from './ascof.js';
export type { BacsCredit, BacsFileOptions, BacsOriginator, BacsVolume } from './bacs.js';
export { bacsProcessingDay, bacsStandard18, bacsText, ENGLAND_AND_WALES_BANK_HOLIDAYS } from './bacs.js';
export type {
  CalibratedCase,
  CalibrationCase,
  CalibrationInput,
  CalibrationIntegrity,
  CalibrationResult,
  CalibrationSummary,
  ClientGroupTotals,
  NamedDifference,
  ProposedScheme,
} from './calibration.js';
export { calibrate, describeProposedScheme } from './calibration.js';
export type { CalibrationReportOptions } from './calibration-report.js';
export { renderCalibrationReport } from './calibration-report.js';
export {
  CELL_KEY_METHOD,
  COUNT_NOISE,
  cellKeyOf,
  MAGNITUDE_SHARE_BASIS_POINTS,
  magnitudeBound,
  perturbedCount,
  perturbedTotal,
  TOP_CONTRIBUTORS,
} from './cell-key.js';
export type {
  AgeBand,
  AssessmentBasis,
  ChargeAssessment,
  ChargingPolicyRules,
  FinancialCircumstances,
  IncomeDisregard,
  IncomeKind,
  MinimumIncomeGuaranteeTable,
  Nation,
  ShippedChargingPolicy,
} from './charging-policy.js';
export {
  ageBandOn,
  assessCharge,
  ENGLAND_2025_26,
  INCOME_KINDS,
  pensionCreditAgeDate,
  SHIPPED_CHARGING_POLICIES,
  WALES_2025_26,
} from './charging-policy.js';
export type { AnnualClawback, ClawbackAgreement, ClawbackInput, ClawbackResult, FunderClawback, StreamAgreement } from './clawback.js';
export { annualClawback, calculateClawback } from './clawback.js';
export type { ContributionInput, ContributionResult, ContributionRules } from './contribution.js';
export { CARE_ACT_2014_RULES, calculateContribution } from './contribution.js';
export type { CalendarDate } from './dates.js';
export { addMonths, dayBefore, financialYear, isCalendarDate } from './dates.js';
export type {
  AccountStatement,
  AuditCandidate,
  AuditSampleRule,
  DatedEntry,
  PeriodFigures,
  Recovery,
  ReturnCheck,
  ReturnDifference,
  SampledAccount,
} from './direct-payments.js';
export { checkAccountReturn, ledgerForPeriod, recoverablePence, selectAuditSample, splitRecovery } from './direct-payments.js';
export type { MonitoringAgeBand } from './equality.js';
export {
  AGE_BANDS,
  ageOn,
  ETHNIC_GROUPS,
  ETHNICITY,
  ethnicGroupOf,
  monitoringAgeBand,
  PRIMARY_SUPPORT_REASON,
  RELIGION,
  SEX,
  SEXUAL_ORIENTATION,
} from './equality.js';
export type { Problem, RasErrorCode } from './errors.js';
export { RAS_ERROR_CODES, RasError, underPointer } from './errors.js';
export type { ExplanationStep, FigureUnit, TraceParameter } from './explanation.js';
export type {
  Estimate,
  FairnessAnalysis,
  FairnessCase,
  FairnessDimension,
  FairnessDimensionReport,
  FairnessGroup,
  FairnessOptions,
  GroupFigures,
  Rate,
} from './fairness.js';
export { analyseFairness, clopperPearson, FAIRNESS_DIMENSIONS, fairnessPeriod, publishedCount, SUBSET_FIGURES } from './fairness.js';
export type { FairnessReportOptions } from './fairness-report.js';
export { DIMENSION_TITLES, disclosureParagraph, renderFairnessReport } from './fairness-report.js';
export type { InterimAmount, InterimPayment } from './interim.js';
export { DEFAULT_INTERIM_MAX_WEEKS, interimAmount, reconcileInterim } from './interim.js';
export type {
  LetterCondition,
  LetterContent,
  LetterFacts,
  LetterKind,
  LetterParagraph,
  LetterPlaceholder,
  LetterTemplate,
  MoneyPicture,
} from './letters.js';
export {
  ENGLISH_LETTERS,
  LETTER_CONDITIONS,
  LETTER_KINDS,
  LETTER_PLACEHOLDERS,
  letterContent,
  letterDate,
  letterTemplateProblems,
  moneyPictureOf,
  moneyPictureSvg,
  PICTURE_COLOURS,
  renderLetterHtml,
  replyBy,
  unknownPlaceholders,
} from './letters.js';
export type { Pence, RoundingMode } from './money.js';
export { formatPounds, MAX_AMOUNT_PENCE, poundsToPence } from './money.js';
export { nhsNumber } from './nhs-number.js';
export type { PayeeLine, PayeeShare } from './payees.js';
export { PAYEE_OF, splitInstalment } from './payees.js';
export type { OwingInstalment, PayeeTotal, PaymentRunTotals, RunPayment } from './payment-run.js';
export { instalmentsOwing, latestRunDate, MAX_RUN_DAYS_AHEAD, totalPaymentRun } from './payment-run.js';
export type { FunderAmount, Instalment, PaymentFrequency, ScheduleOptions } from './payment-schedule.js';
export { fundersOf, scheduleFunderPayments, schedulePayments } from './payment-schedule.js';
export type { RevisionBreach, RevisionComparison, RevisionRule } from './plan-revision.js';
export { comparePlanRevision, DEFAULT_REVISION_RULE } from './plan-revision.js';
export type {
  AnswerProblem,
  Answers,
  CompiledQuestion,
  CompiledQuestionnaire,
  CompiledSection,
  OptionDefinition,
  QuestionDefinition,
  QuestionnaireDefinition,
  SectionDefinition,
  ValidateAnswersOptions,
} from './questionnaire.js';
export { compileQuestionnaire, validateAnswers, validateQuestionnaire } from './questionnaire.js';
export type { RetentionFacts, RetentionPolicy, RetentionStatus } from './retention.js';
export { auditRecordsKeptFrom, retainUntil, retentionPolicyProblems, retentionStatus } from './retention.js';
export type { ReviewDateOptions, ScheduledReview } from './review-dates.js';
export { nextReviewInCycle, reviewDates } from './review-dates.js';
export type { AllocationMethod, AllocationScheme, Band, BelowFloorRule, ClawbackRule, CompiledScheme } from './scheme.js';
export { compileScheme, DEFAULT_CLAWBACK, validateScheme } from './scheme.js';
export type { QuestionScore, Score, ScoreOptions, SectionScore } from './scoring.js';
export { scoreAnswers } from './scoring.js';
export type {
  ChecklistItem,
  ChecklistKey,
  CostedLine,
  CostType,
  ManagementOption,
  PanelApprovalContext,
  PlanBudget,
  PlanCosting,
  PlanLine,
  PlanOutcome,
  PlanRisk,
  PlanStage,
  Representation,
  Supporter,
  SupportPlan,
} from './support-plan.js';
export { costSupportPlan, MANAGEMENT_OPTIONS, nextPlanStage, PLAN_STAGE_ROLES, panelApproval, panelChecklist } from './support-plan.js';
export type { CurrentFigures, UpratedBudget, UpratingOutcome, UpratingSummary, UpratingTotals } from './uprating.js';
export { protectedBasePence, upratedAnnualPence, upratedBudget, upratingOutcome, upratingSummary } from './uprating.js';
export type { UpratingReportOptions, UpratingReportRow } from './uprating-report.js';
export { renderUpratingReport } from './uprating-report.js';

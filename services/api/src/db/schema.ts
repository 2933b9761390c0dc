import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamp: read as a Date, written as a Date or left to its default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as parsed JSON, written as a JSON string (so arrays never become PostgreSQL arrays). */
type Json<T = unknown> = ColumnType<T, string, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface CouncilTable {
  id: string;
  name: string;
  settings: Json<Record<string, unknown>>;
  event_seq: Generated<number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeyTable {
  id: string;
  council_id: string;
  name: string;
  roles: string[];
  secret_hash: string;
  created_by: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface QuestionnaireTable {
  id: string;
  council_id: string;
  key: string;
  version: number;
  title: string;
  definition: Json;
  created_at: Timestamp;
}

export interface AllocationSchemeTable {
  id: string;
  council_id: string;
  key: string;
  version: number;
  questionnaire_id: string;
  client_groups: string[];
  effective_from: string;
  effective_to: string | null;
  definition: Json;
  created_at: Timestamp;
}

export interface CalibrationTable {
  id: string;
  council_id: string;
  case_count: number;
  budget_pence: number;
  pounds_per_point_pence: number;
  result: Json;
  created_by: string;
  created_at: Timestamp;
}

export interface PersonTable {
  id: string;
  council_id: string;
  client_group: string;
  display_name: string | null;
  date_of_birth: string | null;
  agent: NullableJson;
  created_by_key_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonExternalIdTable {
  council_id: string;
  person_id: string;
  system: string;
  value: string;
}

export interface AssessmentTable {
  id: string;
  council_id: string;
  person_id: string;
  questionnaire_id: string;
  status: 'draft' | 'submitted' | 'agreed';
  completed_with: string[];
  answers: Json;
  submitted_answers: NullableJson;
  moderation: NullableJson;
  eligibility: NullableJson;
  total_points: number | null;
  score: NullableJson;
  created_by_key_id: string | null;
  submitted_at: NullableTimestamp;
  agreed_at: NullableTimestamp;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BudgetTable {
  id: string;
  council_id: string;
  person_id: string;
  assessment_id: string;
  scheme_id: string;
  status: 'indicative' | 'agreed' | 'ended' | 'superseded';
  start_date: string;
  ras_annual_pence: number;
  total_annual_pence: number;
  council_annual_pence: number;
  annual_contribution_pence: number;
  net_annual_pence: number;
  referral: NullableJson;
  calculation: Json;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  headers: Json<Record<string, string>>;
  body: Json;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  council_id: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: NullableJson;
  after: NullableJson;
  request_id: string | null;
  at: Timestamp;
}

export interface EventTable {
  council_id: string;
  seq: number;
  id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  payload: Json;
  occurred_at: Timestamp;
}

/** The whole database, as Kysely sees it. */
export interface DB {
  councils: CouncilTable;
  api_keys: ApiKeyTable;
  questionnaires: QuestionnaireTable;
  allocation_schemes: AllocationSchemeTable;
  calibrations: CalibrationTable;
  people: PersonTable;
  person_external_ids: PersonExternalIdTable;
  assessments: AssessmentTable;
  budgets: BudgetTable;
  idempotency_keys: IdempotencyKeyTable;
  audit_log: AuditLogTable;
  events: EventTable;
}

export type Council = Selectable<CouncilTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Questionnaire = Selectable<QuestionnaireTable>;
export type AllocationScheme = Selectable<AllocationSchemeTable>;
export type Calibration = Selectable<CalibrationTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Assessment = Selectable<AssessmentTable>;
export type AssessmentUpdate = Updateable<AssessmentTable>;
export type Budget = Selectable<BudgetTable>;

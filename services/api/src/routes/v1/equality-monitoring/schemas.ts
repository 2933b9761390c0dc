import { AGE_BANDS, ETHNIC_GROUPS, ETHNICITY, PRIMARY_SUPPORT_REASON, RELIGION, SEX, SEXUAL_ORIENTATION } from 'ras-core';
import { Type } from 'typebox';
import { Id, Nullable, Timestamp } from '../../../schemas/common.js';

const keys = (list: readonly { key: string; label: string }[]) => list.map((item) => item.key) as [string, ...string[]];
const described = (list: readonly { key: string; label: string }[]) => list.map((item) => `\`${item.key}\`: ${item.label}`).join('; ');

export const Sex = Type.Enum(keys(SEX), { title: 'Sex', description: `As the 2021 census asked it. ${described(SEX)}` });
export const Ethnicity = Type.Enum(keys(ETHNICITY), {
  title: 'Ethnicity',
  description: `The ONS 2021 census categories for England and Wales. ${described(ETHNICITY)}`,
});
export const EthnicGroup = Type.Enum(keys(ETHNIC_GROUPS), {
  title: 'EthnicGroup',
  description: `The ONS 2021 high-level group, derived from ethnicity. ${described(ETHNIC_GROUPS)}`,
});
export const Religion = Type.Enum(keys(RELIGION), {
  title: 'Religion',
  description: `As the 2021 census asked it. ${described(RELIGION)}`,
});
export const SexualOrientation = Type.Enum(keys(SEXUAL_ORIENTATION), {
  title: 'SexualOrientation',
  description: `As the 2021 census asked it. ${described(SEXUAL_ORIENTATION)}`,
});
export const PrimarySupportReason = Type.Enum(keys(PRIMARY_SUPPORT_REASON), {
  title: 'PrimarySupportReason',
  description: `The Client Level Data (CLD) categories. ${described(PRIMARY_SUPPORT_REASON)}`,
});
export const MonitoringAgeBand = Type.Enum([...AGE_BANDS], { title: 'MonitoringAgeBand', description: 'Ten-year bands from 18' });

const UNKNOWN = 'null (or left out) is unknown; `prefer-not-to-say` is an answer';

export const RecordEqualityMonitoringBody = Type.Object(
  {
    sex: Type.Optional(Nullable(Sex)),
    ethnicity: Type.Optional(Nullable(Ethnicity)),
    religion: Type.Optional(Nullable(Religion)),
    sexualOrientation: Type.Optional(Nullable(SexualOrientation)),
    primarySupportReason: Type.Optional(Nullable(PrimarySupportReason)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'RecordEqualityMonitoring',
    description: `The answers to record; one left out keeps its answer. ${UNKNOWN}`,
  },
);

export const EqualityMonitoringResource = Type.Object(
  {
    personId: Id,
    recorded: Type.Boolean({ description: 'false until answers are first recorded (every field is then null: unknown)' }),
    sex: Nullable(Sex),
    ethnicity: Nullable(Ethnicity),
    ethnicGroup: Nullable(EthnicGroup),
    religion: Nullable(Religion),
    sexualOrientation: Nullable(SexualOrientation),
    primarySupportReason: Nullable(PrimarySupportReason),
    ageBand: Nullable(MonitoringAgeBand),
    version: Type.Integer({ description: '0 until recorded; send it back in If-Match to record' }),
    updatedAt: Nullable(Timestamp),
  },
  { title: 'EqualityMonitoring' },
);

export const EqualityMonitoringReceipt = Type.Object(
  {
    personId: Id,
    recorded: Type.Literal(true),
    version: Type.Integer({ description: 'Send it back in If-Match to record again' }),
    updatedAt: Timestamp,
  },
  {
    title: 'EqualityMonitoringReceipt',
    description:
      'What a key that may record but not read equality monitoring (assessor, integration) gets back: that the answers were recorded, never the answers',
  },
);

export const RecordedEqualityMonitoring = Type.Union([EqualityMonitoringResource, EqualityMonitoringReceipt], {
  title: 'RecordedEqualityMonitoring',
  description: 'The record, to a key that may read it; otherwise the receipt',
});

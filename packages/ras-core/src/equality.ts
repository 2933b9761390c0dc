import { assertCalendarDate, type CalendarDate } from './dates.js';

// Equality monitoring categories, as the national returns ask for them, so a council's figures can
// be set beside the census and the Client Level Data return. Keys are stable; labels are what a
// person is shown. "prefer-not-to-say" is an answer, distinct from not knowing (null).

const PREFER_NOT_TO_SAY = { key: 'prefer-not-to-say', label: 'Prefer not to say' } as const;

/** Sex, as the 2021 census asked it. */
export const SEX = [{ key: 'female', label: 'Female' }, { key: 'male', label: 'Male' }, PREFER_NOT_TO_SAY] as const;

/** Ethnic group: the ONS 2021 census categories for England and Wales, each under its high-level group. */
export const ETHNICITY = [
  { key: 'asian-bangladeshi', group: 'asian', label: 'Asian, Asian British or Asian Welsh: Bangladeshi' },
  { key: 'asian-chinese', group: 'asian', label: 'Asian, Asian British or Asian Welsh: Chinese' },
  { key: 'asian-indian', group: 'asian', label: 'Asian, Asian British or Asian Welsh: Indian' },
  { key: 'asian-pakistani', group: 'asian', label: 'Asian, Asian British or Asian Welsh: Pakistani' },
  { key: 'asian-other', group: 'asian', label: 'Asian, Asian British or Asian Welsh: Other Asian' },
  { key: 'black-african', group: 'black', label: 'Black, Black British, Black Welsh, Caribbean or African: African' },
  { key: 'black-caribbean', group: 'black', label: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean' },
  { key: 'black-other', group: 'black', label: 'Black, Black British, Black Welsh, Caribbean or African: Other Black' },
  { key: 'mixed-white-and-asian', group: 'mixed', label: 'Mixed or Multiple: White and Asian' },
  { key: 'mixed-white-and-black-african', group: 'mixed', label: 'Mixed or Multiple: White and Black African' },
  { key: 'mixed-white-and-black-caribbean', group: 'mixed', label: 'Mixed or Multiple: White and Black Caribbean' },
  { key: 'mixed-other', group: 'mixed', label: 'Mixed or Multiple: Other Mixed or Multiple' },
  { key: 'white-british', group: 'white', label: 'White: English, Welsh, Scottish, Northern Irish or British' },
  { key: 'white-irish', group: 'white', label: 'White: Irish' },
  { key: 'white-gypsy-or-irish-traveller', group: 'white', label: 'White: Gypsy or Irish Traveller' },
  { key: 'white-roma', group: 'white', label: 'White: Roma' },
  { key: 'white-other', group: 'white', label: 'White: Other White' },
  { key: 'other-arab', group: 'other', label: 'Other ethnic group: Arab' },
  { key: 'other-any', group: 'other', label: 'Other ethnic group: Any other ethnic group' },
  { ...PREFER_NOT_TO_SAY, group: 'prefer-not-to-say' },
] as const;

/** The five ONS 2021 high-level ethnic groups, which the fairness report uses (the 19 would leave most groups under 5). */
export const ETHNIC_GROUPS = [
  { key: 'asian', label: 'Asian, Asian British or Asian Welsh' },
  { key: 'black', label: 'Black, Black British, Black Welsh, Caribbean or African' },
  { key: 'mixed', label: 'Mixed or Multiple ethnic groups' },
  { key: 'white', label: 'White' },
  { key: 'other', label: 'Other ethnic group' },
  PREFER_NOT_TO_SAY,
] as const;

/** Religion, as the 2021 census asked it (a voluntary question). */
export const RELIGION = [
  { key: 'no-religion', label: 'No religion' },
  { key: 'christian', label: 'Christian' },
  { key: 'buddhist', label: 'Buddhist' },
  { key: 'hindu', label: 'Hindu' },
  { key: 'jewish', label: 'Jewish' },
  { key: 'muslim', label: 'Muslim' },
  { key: 'sikh', label: 'Sikh' },
  { key: 'other-religion', label: 'Any other religion' },
  PREFER_NOT_TO_SAY,
] as const;

/** Sexual orientation, as the 2021 census asked it (people aged 16 and over, voluntary). */
export const SEXUAL_ORIENTATION = [
  { key: 'straight-or-heterosexual', label: 'Straight or heterosexual' },
  { key: 'gay-or-lesbian', label: 'Gay or lesbian' },
  { key: 'bisexual', label: 'Bisexual' },
  { key: 'other-sexual-orientation', label: 'Other sexual orientation' },
  PREFER_NOT_TO_SAY,
] as const;

/** Primary support reason: the categories of the Client Level Data (CLD) return, as SALT had them. */
export const PRIMARY_SUPPORT_REASON = [
  { key: 'physical-access-and-mobility-only', label: 'Physical Support: Access and mobility only' },
  { key: 'physical-personal-care', label: 'Physical Support: Personal care support' },
  { key: 'sensory-visual', label: 'Sensory Support: Support for visual impairment' },
  { key: 'sensory-hearing', label: 'Sensory Support: Support for hearing impairment' },
  { key: 'sensory-dual', label: 'Sensory Support: Support for dual impairment' },
  { key: 'memory-and-cognition', label: 'Support with Memory and Cognition' },
  { key: 'learning-disability', label: 'Learning Disability Support' },
  { key: 'mental-health', label: 'Mental Health Support' },
  { key: 'social-substance-misuse', label: 'Social Support: Substance misuse support' },
  { key: 'social-asylum-seeker', label: 'Social Support: Asylum seeker support' },
  { key: 'social-isolation-or-other', label: 'Social Support: Support for social isolation or other' },
] as const;

/** Age bands for equality monitoring, in the ONS's ten-year steps from 18. */
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-84', '85+'] as const;
export type MonitoringAgeBand = (typeof AGE_BANDS)[number];

/** Whole years from a date of birth to a date (a birthday on 29 February falls on 1 March in other years). */
export function ageOn(dateOfBirth: CalendarDate, date: CalendarDate): number {
  assertCalendarDate(dateOfBirth, '/dateOfBirth');
  assertCalendarDate(date, '/date');
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The monitoring age band on a date; `null` under 18 (the service's people are adults). */
export function monitoringAgeBand(dateOfBirth: CalendarDate, date: CalendarDate): MonitoringAgeBand | null {
  const age = ageOn(dateOfBirth, date);
  if (age < 18) return null;
  if (age < 25) return '18-24';
  if (age >= 85) return '85+';
  return AGE_BANDS[Math.floor((age - 25) / 10) + 1] as MonitoringAgeBand;
}

/** The ONS high-level group of an ethnicity key (or `null` for an unknown key). */
export function ethnicGroupOf(ethnicity: string): string | null {
  return ETHNICITY.find((category) => category.key === ethnicity)?.group ?? null;
}

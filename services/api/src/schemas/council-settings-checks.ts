import { retentionPolicyProblems } from 'ras-core';
import { Compile } from 'typebox/compile';
import { AppError, unprocessable } from '../errors.js';
import { toFieldProblems } from '../http/field-problems.js';
import { isWebLink, WEB_LINK_DETAIL } from '../http/web-link.js';
import { CouncilSettings, type CouncilSettingsInput } from './council-settings.js';
import { assertLetterTemplates } from './letter-settings-checks.js';

/**
 * Every link the settings publish (the transparency record's website and impact assessments) must
 * be an http(s) URL: a `javascript:` link is a valid URI, and would run on any page that shows it.
 */
function assertWebLinks(settings: CouncilSettingsInput | undefined): void {
  const transparency = settings?.transparency;
  if (!transparency) return;
  const links: [string, string | undefined][] = [
    ['/settings/transparency/website', transparency.website],
    ...(transparency.impactAssessments ?? []).map((assessment, index): [string, string | undefined] => [
      `/settings/transparency/impactAssessments/${index}/link`,
      assessment.link,
    ]),
  ];
  const problems = links
    .filter(([, link]) => link !== undefined && !isWebLink(link))
    .map(([pointer]) => ({ pointer, detail: WEB_LINK_DETAIL }));
  if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'Links the council publishes must be http or https URLs', problems);
}

// Compiled on first use, not at start: start-up compiles nothing it may not need (issue 16).
const compileSettingsCheck = () => Compile(CouncilSettings);
let settingsCheck: ReturnType<typeof compileSettingsCheck> | undefined;

/**
 * Settings a merge patch made, checked against their schema as a whole (a patch may leave out a
 * member its object requires, or remove one), then by {@link assertCouncilSettings}; problems
 * point into the request as `/settings/...`.
 */
export function assertMergedCouncilSettings(settings: unknown): CouncilSettingsInput {
  settingsCheck ??= compileSettingsCheck();
  if (!settingsCheck.Check(settings)) {
    const errors = toFieldProblems([...settingsCheck.Errors(settings)], 'body').map((problem) => ({
      ...problem,
      pointer: `/settings${problem.pointer}`,
    }));
    throw new AppError('VALIDATION_FAILED', 'The settings the patch makes are not valid: see errors', { errors });
  }
  assertCouncilSettings(settings);
  return settings;
}

/** The checks a council's settings must pass beyond their schema, before they are stored. */
export function assertCouncilSettings(settings: CouncilSettingsInput | undefined): void {
  assertLetterTemplates(settings);
  assertWebLinks(settings);
  const retention = settings?.dataProtection?.retention;
  if (!retention) return;
  const problems = retentionPolicyProblems(retention);
  if (problems.length > 0)
    throw unprocessable(
      'RETENTION_BELOW_STATUTORY_MINIMUM',
      'The retention policy keeps records for less time than it must',
      problems.map((problem) => ({ pointer: `/settings/dataProtection/retention${problem.pointer}`, detail: problem.detail })),
    );
}

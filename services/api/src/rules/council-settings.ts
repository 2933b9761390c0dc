import { type RetentionPolicy, retentionPolicyProblems } from 'ras-core';
import { unprocessable } from '../errors.js';
import type { CouncilSettingsInput } from '../schemas/council-settings.js';
import { assertLetterTemplates } from './letter-settings.js';

/** The checks a council's settings must pass beyond their schema, before they are stored. */
export function assertCouncilSettings(settings: CouncilSettingsInput | undefined): void {
  assertLetterTemplates(settings);
  const retention = settings?.dataProtection?.retention;
  if (!retention) return;
  const problems = retentionPolicyProblems(retention as RetentionPolicy);
  if (problems.length > 0)
    throw unprocessable(
      'RETENTION_BELOW_STATUTORY_MINIMUM',
      'The retention policy keeps records for less time than it must',
      problems.map((problem) => ({ pointer: `/settings/dataProtection/retention${problem.pointer}`, detail: problem.detail })),
    );
}

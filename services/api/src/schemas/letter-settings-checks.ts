import { letterTemplateProblems } from 'ras-core';
import { unprocessable } from '../errors.js';
import type { CouncilSettingsInput } from './council-settings.js';

/**
 * A council's letter templates may use only the placeholders the service fills: a misspelt
 * `{{budjet}}` would print as nothing in every letter, so it is refused when the settings are set.
 */
export function assertLetterTemplates(settings: CouncilSettingsInput | undefined): void {
  const templates = settings?.letters?.templates ?? {};
  const problems = Object.entries(templates).flatMap(([language, kinds]) =>
    Object.entries(kinds ?? {}).flatMap(([kind, template]) =>
      template ? letterTemplateProblems(template, `/settings/letters/templates/${language}/${kind}`) : [],
    ),
  );
  if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'A letter template uses a placeholder the service does not fill', problems);
}

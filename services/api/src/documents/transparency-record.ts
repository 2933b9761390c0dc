import type { AllocationScheme, Questionnaire } from '../db/schema.js';
import { escapeHtml } from '../html/escape.js';
import { isWebLink } from '../http/web-link.js';
import type { CouncilSettingsInput } from '../schemas/council-settings.js';
import { describeScheme, type SchemeDescription } from './scheme-description.js';

/** What the council says about its use of the RAS (settings.transparency), and which schemes it publishes. */
export type TransparencySettings = NonNullable<CouncilSettingsInput['transparency']>;

/** A paragraph or list of the record, under its ATRS heading. */
interface Section {
  readonly heading: string;
  readonly paragraphs: readonly string[];
}

/**
 * A scheme's public record in the shape of the UK Algorithmic Transparency Recording Standard
 * (v3): Tier 1, the overview for the public, and Tier 2, the detail for those who want it, in its
 * five sections. The maths is the scheme's own plain-English description, generated from the
 * scheme, so the record cannot drift from the rules applied; the rest is what the council set.
 */
export interface TransparencyRecord {
  readonly standard: 'UK Algorithmic Transparency Recording Standard';
  readonly standardVersion: '3.0';
  readonly schemeId: string;
  readonly schemeKey: string;
  readonly schemeVersion: number;
  readonly lastUpdated: string;
  readonly tier1: {
    readonly name: string;
    readonly description: string;
    readonly organisation: string;
    readonly function: string;
    readonly phase: string;
    readonly region: string;
    readonly contactEmail: string;
    readonly website: string | null;
    readonly whatItDoes: string;
    readonly whyItIsUsed: string;
  };
  readonly tier2: {
    readonly ownerAndResponsibility: Section;
    readonly descriptionAndRationale: Section;
    readonly decisionMakingProcess: Section;
    readonly toolSpecification: Section & { readonly maths: SchemeDescription };
    readonly risksMitigationsAndImpactAssessments: Section & {
      readonly risks: readonly { readonly risk: string; readonly mitigation: string }[];
      readonly impactAssessments: readonly { readonly name: string; readonly completedOn: string | null; readonly link: string | null }[];
    };
  };
}

/** The risks every RAS carries, stated when the council has not written its own. */
const STANDARD_RISKS = [
  {
    risk: 'A points system can fit some people’s needs badly, so the figure is too low for them.',
    mitigation:
      'The figure is indicative only. A care coordinator checks the answers with the person, and the Resource Allocation Panel can set a different amount with reasons; the person can appeal.',
  },
  {
    risk: 'The amount per point may not match what support costs locally.',
    mitigation:
      'The council tests the amount against what current support costs (the desktop exercise) before using it, and again each year.',
  },
  {
    risk: 'Groups of people may be treated differently without good reason.',
    mitigation: 'The council reviews how budgets fall across groups in its annual equality review.',
  },
];

function sentenceList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The record for one published scheme. */
export function transparencyRecord(
  councilName: string,
  settings: TransparencySettings,
  scheme: AllocationScheme,
  questionnaire: Questionnaire,
): TransparencyRecord {
  const maths = describeScheme(councilName, scheme, questionnaire);
  const groups = sentenceList(scheme.client_groups);
  const risks = settings.risks && settings.risks.length > 0 ? settings.risks : STANDARD_RISKS;
  const impactAssessments = (settings.impactAssessments ?? []).map((assessment) => ({
    name: assessment.name,
    completedOn: assessment.completedOn ?? null,
    // Settings stored before links were checked may hold one that is not a web link: never published.
    link: assessment.link !== undefined && isWebLink(assessment.link) ? assessment.link : null,
  }));
  return {
    standard: 'UK Algorithmic Transparency Recording Standard',
    standardVersion: '3.0',
    schemeId: scheme.id,
    schemeKey: scheme.key,
    schemeVersion: scheme.version,
    lastUpdated: new Date(scheme.created_at).toISOString().slice(0, 10),
    tier1: {
      name: `${councilName} Resource Allocation System (scheme "${scheme.key}", version ${scheme.version})`,
      description: `Turns a person’s answers to a self-assessment questionnaire into an indicative annual personal budget for their care and support, so they know early how much money they have to plan with.`,
      organisation: councilName,
      function: 'Adult social care: personal budgets',
      phase: settings.phase ?? 'production',
      region: settings.region ?? 'England',
      contactEmail: settings.contactEmail,
      website: settings.website !== undefined && isWebLink(settings.website) ? settings.website : null,
      whatItDoes: `People in the client groups ${groups} answer a self-assessment questionnaire. Each answer carries points; the points add up to a total, and the scheme turns the total into an indicative amount of money a year. It does not decide anyone’s budget on its own.`,
      whyItIsUsed:
        'So that people know what money they have before they plan their support, so that budgets follow the same rules for everyone, and so that each figure can be explained step by step.',
    },
    tier2: {
      ownerAndResponsibility: {
        heading: 'Owner and responsibility',
        paragraphs: [
          `Owned by ${councilName}${settings.team ? `, ${settings.team}` : ''}.`,
          settings.seniorResponsibleOwner
            ? `Senior responsible owner: ${settings.seniorResponsibleOwner}.`
            : 'The council’s director of adult social services is accountable for its use.',
          settings.supplier ??
            'Built on the open-source RAS personal budget service (Apache-2.0); the council sets the questionnaire, the points and the amounts.',
        ],
      },
      descriptionAndRationale: {
        heading: 'Description and rationale',
        paragraphs: [
          'A rule-based points system: no machine learning, no statistical model and no profiling. The same answers always give the same figure.',
          `It covers the client groups ${groups}, ${scheme.effective_to ? `from ${scheme.effective_from} to ${scheme.effective_to}` : `from ${scheme.effective_from} until replaced`}.`,
          ...(settings.benefits ? [settings.benefits] : []),
        ],
      },
      decisionMakingProcess: {
        heading: 'Decision-making process',
        paragraphs: [
          'The figure is indicative. A care coordinator goes through the answers with the person and agrees or amends them, recording a reason for every change.',
          'The person then writes a support plan that spends the money. The plan is agreed by the care coordinator, signed off by a team manager and approved by the Resource Allocation Panel, a group of council staff who can approve a different amount with reasons, including for needs the questionnaire does not fit.',
          'The person is told the figure and how it was worked out, and can appeal against the budget or a decision on their plan.',
          ...(settings.humanOversight ? [settings.humanOversight] : []),
        ],
      },
      toolSpecification: {
        heading: 'Tool specification: the data and the maths',
        paragraphs: [
          `It uses the person’s answers to the questionnaire "${questionnaire.title}" (version ${questionnaire.version}), their client group, the weeks a year they need support and, where it applies, their assessed contribution. No other personal data goes into the figure.`,
          'How the answers become money is set out below, generated from the scheme itself.',
        ],
        maths,
      },
      risksMitigationsAndImpactAssessments: {
        heading: 'Risks, mitigations and impact assessments',
        paragraphs:
          impactAssessments.length > 0
            ? [`Impact assessments: ${sentenceList(impactAssessments.map((assessment) => assessment.name))}.`]
            : ['The council has not listed an impact assessment for this record yet.'],
        risks,
        impactAssessments,
      },
    },
  };
}

const paragraphs = (items: readonly string[]) => items.map((text) => `<p>${escapeHtml(text)}</p>`).join('');

/** The record as one self-contained HTML page for the council's website. */
export function renderTransparencyRecord(record: TransparencyRecord): string {
  const { tier1, tier2 } = record;
  const overview: [string, string | null][] = [
    ['Organisation', tier1.organisation],
    ['Function', tier1.function],
    ['Phase', tier1.phase],
    ['Region', tier1.region],
    ['Contact', tier1.contactEmail],
    ['Website', tier1.website],
  ];
  const section = (part: Section, extra = '') =>
    `<section><h3>${escapeHtml(part.heading)}</h3>${paragraphs(part.paragraphs)}${extra}</section>`;
  const maths = tier2.toolSpecification.maths.sections
    .map((part) => `<h4>${escapeHtml(part.heading)}</h4>${paragraphs(part.paragraphs)}`)
    .join('');
  const risks = `<table><thead><tr><th scope="col">Risk</th><th scope="col">How it is managed</th></tr></thead><tbody>${tier2.risksMitigationsAndImpactAssessments.risks
    .map((item) => `<tr><td>${escapeHtml(item.risk)}</td><td>${escapeHtml(item.mitigation)}</td></tr>`)
    .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(tier1.name)}: algorithmic transparency record</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-top: 2px solid #0b0c0c; padding-top: 1rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; } h4 { font-size: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; } dt { font-weight: 600; }
table { border-collapse: collapse; } th, td { border: 1px solid #b1b4b6; padding: .3rem .6rem; text-align: left; vertical-align: top; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<p>${escapeHtml(record.standard)} ${record.standardVersion}. Last updated ${escapeHtml(record.lastUpdated)}.</p>
<h1>${escapeHtml(tier1.name)}</h1>
<h2>Tier 1: overview</h2>
<p>${escapeHtml(tier1.description)}</p>
<dl>${overview
    .filter(([, value]) => value !== null)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value as string)}</dd>`)
    .join('')}</dl>
<h3>What it does</h3><p>${escapeHtml(tier1.whatItDoes)}</p>
<h3>Why it is used</h3><p>${escapeHtml(tier1.whyItIsUsed)}</p>
<h2>Tier 2: detail</h2>
${section(tier2.ownerAndResponsibility)}
${section(tier2.descriptionAndRationale)}
${section(tier2.decisionMakingProcess)}
${section(tier2.toolSpecification, maths)}
${section(tier2.risksMitigationsAndImpactAssessments, risks)}
</body>
</html>
`;
}

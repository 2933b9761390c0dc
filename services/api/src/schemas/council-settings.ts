import { LETTER_CONDITIONS, LETTER_KINDS } from 'ras-core';
import { type Static, Type } from 'typebox';

const LetterText = Type.String({ minLength: 1, maxLength: 2_000 });
const LetterParagraph = Type.Union([
  LetterText,
  Type.Object({ when: Type.Enum([...LETTER_CONDITIONS]), text: LetterText }, { additionalProperties: false }),
]);
/** One letter's words in one language: the shape of ras-core's LetterTemplate. */
export const LetterTemplate = Type.Object(
  {
    subject: LetterText,
    greeting: LetterText,
    nameUnknown: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Said in place of {{name}} when the person has no name on record' }),
    ),
    paragraphs: Type.Array(LetterParagraph, { maxItems: 30 }),
    pictureHeading: LetterText,
    picture: Type.Object(
      { rasAmount: LetterText, councilPays: LetterText, contribution: LetterText, otherFunders: LetterText, addedStreams: LetterText },
      { additionalProperties: false },
    ),
    explanationHeading: LetterText,
    disagreeHeading: LetterText,
    disagree: Type.Array(LetterParagraph, { maxItems: 30 }),
    signOff: LetterText,
  },
  {
    additionalProperties: false,
    title: 'LetterTemplate',
    description:
      'A letter’s words. {{placeholders}} are filled with the person’s figures: name, council, date, reference, respondBy, budget, rasAmount, councilPays, contribution, weeklyContribution, addedStreams, startDate, outcome, reasons, unspent, allowance, clawback, oldBudget, newBudget, protected. A paragraph { when, text } is shown only when its condition holds.',
  },
);

/** The fields of a people file (importPeople), in the order a CSV header usually lists them. */
export const PEOPLE_FILE_FIELDS = [
  'system',
  'externalId',
  'clientGroup',
  'displayName',
  'dateOfBirth',
  'nhsNumber',
  'commissionedSupportFrom',
  'commissionedSupportTo',
] as const;

/** What a council may set (councils.settings); every field optional, with the defaults in {@link councilSettings}. */
export const CouncilSettings = Type.Object(
  {
    nation: Type.Optional(
      Type.Enum(['england', 'wales'], {
        description:
          'Whose charging law applies (default england): the shipped charging policy for it is in force on any date the council has not set one of its own',
      }),
    ),
    directPaymentTerms: Type.Optional(
      Type.Object(
        {
          version: Type.String({ minLength: 1, maxLength: 50, description: 'e.g. 2026-04' }),
          text: Type.String({
            minLength: 1,
            maxLength: 50_000,
            description: 'The terms a direct payment agreement accepts, as the person is shown them',
          }),
        },
        {
          additionalProperties: false,
          description: 'The council’s current direct payment terms; an agreement keeps the version and text it accepted',
        },
      ),
    ),
    paymentFile: Type.Optional(
      Type.Object(
        {
          serviceUserNumber: Type.String({ pattern: '^[0-9]{6}$', description: 'The council’s six-digit Bacs service user number (SUN)' }),
          originatorName: Type.String({
            minLength: 1,
            maxLength: 18,
            description: 'Shown on each payee’s statement with the payment reference (18 characters)',
          }),
          sortCode: Type.String({ pattern: '^[0-9]{2}-?[0-9]{2}-?[0-9]{2}$', description: 'The account the payment run pays from' }),
          accountNumber: Type.String({ pattern: '^[0-9]{8}$' }),
          accountName: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 18,
              description: 'The name of that account, as the contra record carries it (default originatorName)',
            }),
          ),
          nonProcessingDays: Type.Optional(
            Type.Array(Type.String({ format: 'date' }), {
              maxItems: 100,
              uniqueItems: true,
              description:
                'Days Bacs does not process beyond the England and Wales bank holidays the service ships (a state funeral, say): a run falling on one is processed the next working day',
            }),
          ),
          managedAccountReference: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 50,
              description:
                'The finance system’s reference for the council’s own account that holds budgets the council arranges (default MANAGED-BUDGETS)',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'Who the payment run’s Bacs file comes from (getPaymentRunFile?format=bacs); the CSV needs none of it',
        },
      ),
    ),
    paymentFrequency: Type.Optional(
      Type.Union([Type.Literal('monthly'), Type.Literal('four-weekly')], { description: 'How the net budget is paid (default monthly)' }),
    ),
    contributionCollection: Type.Optional(
      Type.Union([Type.Literal('net'), Type.Literal('gross')], {
        description: 'net: deducted at source (default); gross: the council pays the whole budget and invoices the contribution',
      }),
    ),
    firstReviewAfterWeeks: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 52, description: 'Weeks from the start of a budget to its first review (default 4)' }),
    ),
    targets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            measure: Type.Enum(['self-directed-support-share', 'direct-payment-share']),
            percent: Type.Number({ minimum: 0, maximum: 100 }),
            count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'The target in people, e.g. 1,585' })),
            group: Type.Optional(Type.Enum(['users', 'carers', 'all'], { description: 'Who it counts (default all)' })),
            by: Type.String({ format: 'date' }),
            label: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'Targets the council sets itself, e.g. 36.2% receiving self-directed support by 2011-12-31' },
      ),
    ),
    interimMaxWeeks: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 52,
        description:
          'How long interim support in a crisis may run before the plan is agreed, weeks (default 12); a review may extend it up to this from its start',
      }),
    ),
    planRevision: Type.Optional(
      Type.Object(
        {
          maxChangePercent: Type.Optional(
            Type.Number({ minimum: 0, maximum: 100, multipleOf: 0.1, description: 'The money a revision moves, as a share of the budget' }),
          ),
          maxChangePence: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'The money a revision moves, pence a year' }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'What a care coordinator approves alone when a live plan is revised (reviseSupportPlan): a change inside every limit set here, with no new way of managing, no new funder and no new unresolved risk. Anything else goes back through team manager and panel. Default: 10% of the budget.',
        },
      ),
    ),
    separationOfDuties: Type.Optional(
      Type.Enum(['strict', 'relaxed'], {
        description:
          'strict (default): the same key (whatever Ras-Actor says), or two keys naming the same person in Ras-Actor, may not decide two stages of one support plan (coordinator, team manager, risk enablement, panel), nor record or confirm a council payment on a budget whose plan it approved at panel (409 SAME_ACTOR). relaxed: allowed, for teams too small to keep them apart; every decision still records who made it.',
      }),
    ),
    clientGroups: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 100,
        uniqueItems: true,
        description:
          'Client groups a person may be in beyond those the council’s allocation schemes cover (which count by themselves), e.g. a group whose scheme is not written yet. A person’s clientGroup must be one of them (422 listing them) once the council has any.',
      }),
    ),
    transparency: Type.Optional(
      Type.Object(
        {
          publishedSchemeIds: Type.Array(Type.String({ format: 'uuid' }), {
            maxItems: 200,
            uniqueItems: true,
            description: 'Schemes whose transparency record is served publicly (getTransparencyRecord); any other scheme 404s there',
          }),
          contactEmail: Type.String({ format: 'email', maxLength: 200, description: 'Where the public can ask about the RAS' }),
          website: Type.Optional(Type.String({ format: 'uri', maxLength: 500, description: 'An http(s) URL (any other scheme is 422)' })),
          phase: Type.Optional(Type.Enum(['pre-deployment', 'beta', 'production', 'retired'], { description: 'Default production' })),
          region: Type.Optional(Type.String({ maxLength: 100, description: 'Default England' })),
          team: Type.Optional(Type.String({ maxLength: 200 })),
          seniorResponsibleOwner: Type.Optional(
            Type.String({ maxLength: 200, description: 'A role, e.g. Director of Adult Social Services' }),
          ),
          supplier: Type.Optional(Type.String({ maxLength: 1_000 })),
          benefits: Type.Optional(Type.String({ maxLength: 2_000 })),
          humanOversight: Type.Optional(
            Type.String({ maxLength: 2_000, description: 'Added to the standard account of moderation and the panel' }),
          ),
          risks: Type.Optional(
            Type.Array(
              Type.Object(
                { risk: Type.String({ maxLength: 1_000 }), mitigation: Type.String({ maxLength: 1_000 }) },
                { additionalProperties: false },
              ),
              { maxItems: 30, description: 'Replaces the standard risks when given' },
            ),
          ),
          impactAssessments: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  name: Type.String({ maxLength: 200, description: 'e.g. Equalities Impact Assessment 2026' }),
                  completedOn: Type.Optional(Type.String({ format: 'date' })),
                  link: Type.Optional(
                    Type.String({ format: 'uri', maxLength: 500, description: 'An http(s) URL (any other scheme is 422)' }),
                  ),
                },
                { additionalProperties: false },
              ),
              { maxItems: 30 },
            ),
          ),
        },
        {
          additionalProperties: false,
          description:
            'The council’s algorithmic transparency record metadata (UK ATRS): Tier 1 and Tier 2 facts the scheme cannot supply itself, and which schemes are published',
        },
      ),
    ),
    letters: Type.Optional(
      Type.Object(
        {
          defaultLanguage: Type.Optional(
            Type.String({
              pattern: '^[a-z]{2,3}$',
              description: 'The language a letter is written in when none is asked for (default en)',
            }),
          ),
          respondWithinDays: Type.Optional(
            Type.Integer({
              minimum: 7,
              maximum: 90,
              description: 'Days a person has to say they disagree, from the letter’s date (default 28)',
            }),
          ),
          templates: Type.Optional(
            Type.Record(
              Type.String({ pattern: '^[a-z]{2,3}$' }),
              Type.Object(Object.fromEntries(LETTER_KINDS.map((kind) => [kind, Type.Optional(LetterTemplate)])), {
                additionalProperties: false,
              }),
              {
                // Without it a key outside the pattern would pass unchecked.
                additionalProperties: false,
                description:
                  'The council’s own letters by language (ISO 639-1, e.g. cy for Welsh) and kind. English ships; a council’s own English templates replace it. Welsh councils supply their Welsh text here.',
              },
            ),
          ),
        },
        { additionalProperties: false, description: 'Letters to the person: language, reply time and the council’s own templates' },
      ),
    ),
    imports: Type.Optional(
      Type.Object(
        {
          columns: Type.Optional(
            Type.Record(
              Type.String({ minLength: 1, maxLength: 100 }),
              Type.Enum([...PEOPLE_FILE_FIELDS], { description: 'The field of a people file the column holds' }),
              {
                maxProperties: 50,
                description:
                  'The record system’s own column names, each with the field it holds: { "PERSON_REF": "externalId", "NHS_NO": "nhsNumber" }. Columns a people file names that are neither mapped nor fields are ignored and listed in the import report',
              },
            ),
          ),
          dateFormat: Type.Optional(
            Type.Enum(['yyyy-mm-dd', 'dd/mm/yyyy'], { description: 'How the record system writes dates (default yyyy-mm-dd)' }),
          ),
        },
        { additionalProperties: false, description: 'How the council’s record system writes a people file (importPeople)' },
      ),
    ),
    dataProtection: Type.Optional(
      Type.Object(
        {
          controller: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'The data controller, as the DPIA names it' }),
          ),
          dpoContact: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'How to reach the Data Protection Officer' })),
          retention: Type.Optional(
            Type.Object(
              {
                personRecordYears: Type.Integer({
                  minimum: 1,
                  maximum: 100,
                  description:
                    'Years a person’s records are kept after their last budget ended (or their last activity, if none was agreed)',
                }),
                auditRecordYears: Type.Integer({
                  minimum: 1,
                  maximum: 100,
                  description: 'Years the audit trail and access log are kept; at least personRecordYears',
                }),
                statutoryMinimumYears: Type.Integer({
                  minimum: 1,
                  maximum: 100,
                  description: 'The shortest period the council’s statutory guidance allows; a shorter period is refused (422)',
                }),
                scheduledErasure: Type.Optional(
                  Type.Boolean({
                    description:
                      'Let the service’s daily job erase people past their date (default false: erasure runs only when an admin asks)',
                  }),
                ),
              },
              {
                additionalProperties: false,
                description:
                  'How long records are kept. Past it, a person’s personal fields are erased; anonymous money and outcome figures are kept for ever',
              },
            ),
          ),
          redactInSubjectAccess: Type.Optional(
            Type.Array(Type.Enum(['staff-names', 'carers', 'agents']), {
              uniqueItems: true,
              description:
                'Other people’s personal data a subject access export shows as [redacted]: named staff (Ras-Actor), carers linked to the person, and the person’s agent',
            }),
          ),
          processors: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  name: Type.String({ minLength: 1, maxLength: 200 }),
                  purpose: Type.String({ minLength: 1, maxLength: 500 }),
                  location: Type.Optional(Type.String({ maxLength: 200, description: 'Where it processes data, e.g. UK' })),
                },
                { additionalProperties: false },
              ),
              { maxItems: 30, description: 'Processors acting for the council (hosting, support), as the DPIA lists them' },
            ),
          ),
        },
        { additionalProperties: false, description: 'Data protection: retention, subject access redaction and the DPIA pack' },
      ),
    ),
    regionalReportOptIn: Type.Optional(Type.Boolean({ description: 'Take part in the anonymised regional self-rating report' })),
    regionalReportNamed: Type.Optional(Type.Boolean({ description: 'May be named in the regional report as a high performer' })),
  },
  { additionalProperties: false },
);

/** The settings as stored: the one type for councils.settings, from its schema. */
export type CouncilSettingsInput = Static<typeof CouncilSettings>;

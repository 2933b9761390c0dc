import { COUNCIL_FUNDER, PERSON_FUNDER } from './account.js';
import { fail } from './errors.js';
import { type ExplanationStep, INPUT, step, traced, traceSource } from './explanation.js';
import {
  assertPence,
  checkedPence,
  divide,
  formatHundredths,
  formatPounds,
  formatQuotient,
  multiplyDivide,
  type Pence,
  percentToBasisPoints,
  weeksToHundredths,
} from './money.js';
import type { Band, ClawbackRule, CompiledScheme } from './scheme.js';
import type { Score, SectionScore } from './scoring.js';

/**
 * Money from outside the council's RAS that makes up an individual budget.
 * `included` streams (e.g. the Independent Living Fund) pay part of the RAS amount;
 * `added` streams (Supporting People, NHS joint funding, Access to Work) come on top.
 */
export interface FundingStream {
  readonly key: string;
  readonly name?: string;
  readonly mode: 'included' | 'added';
  /** The stream's amount for the period the budget covers. */
  readonly annualPence: Pence;
  /**
   * Whether the stream's money is paid into the person's account through the council (default
   * `true`): it then gets its own instalments and its own line in the account.
   */
  readonly paysThroughCouncil?: boolean;
  /** How much of the stream's underspend the person keeps at the annual review (default: the scheme's rule). */
  readonly clawback?: ClawbackRule;
}

/** What the allocation needs besides the scheme and the points. */
export interface AllocationOptions {
  /** Weeks of the year the person is supported at home (default: the scheme's weeks per year). */
  readonly weeksAtHome?: number;
  readonly fundingStreams?: readonly FundingStream[];
  /** The person's assessed weekly contribution (default 0). */
  readonly weeklyContributionPence?: Pence;
  /**
   * An annual amount the Resource Allocation Panel agreed outside the RAS (after a referral or an
   * upheld appeal). It replaces the RAS amount in every total; the RAS figure is still shown.
   */
  readonly panelAmount?: { readonly annualPence: Pence; readonly reason: string };
  /**
   * The care coordinator's reason when the person's needs do not fit the questionnaire (high-cost
   * complex needs, seed 000 step 6): the case is referred to the panel whatever the points say.
   */
  readonly outsideQuestionnaire?: string;
  /**
   * When a caseload is re-run under a new scheme version (uprating), a budget may fall by at most
   * so much in one year: the shortfall is added as transitional protection, shown on its own.
   */
  readonly transitionalProtection?: TransitionalProtection;
  /**
   * Write the explanation (default `true`). Bulk work that needs only the figures (re-running a
   * caseload, the desktop exercise on live data) can leave it out; every figure is the same.
   */
  readonly explain?: boolean;
}

/**
 * A limit on how far a budget may fall in one year: at most `maxDecreasePercent` % and/or
 * `maxDecreasePence` below `previousAnnualPence` (with both, the smaller fall is allowed).
 */
export interface TransitionalProtection {
  readonly previousAnnualPence: Pence;
  readonly maxDecreasePercent?: number;
  readonly maxDecreasePence?: Pence;
}

/**
 * How far a budget of `previousAnnualPence` may fall in one year under a protection rule: the
 * smaller of the percentage (rounded down, in the person's favour) and the amount.
 *
 * @throws RasError naming `/transitionalProtection/...` for a bad limit or none at all
 */
export function allowedDecreasePence(previousAnnualPence: Pence, rule: Omit<TransitionalProtection, 'previousAnnualPence'>): Pence {
  const limits: number[] = [];
  if (rule.maxDecreasePercent !== undefined)
    limits.push(
      multiplyDivide(
        previousAnnualPence,
        percentToBasisPoints(rule.maxDecreasePercent, '/transitionalProtection/maxDecreasePercent'),
        10_000,
        'down',
      ),
    );
  if (rule.maxDecreasePence !== undefined) limits.push(assertPence(rule.maxDecreasePence, '/transitionalProtection/maxDecreasePence'));
  if (limits.length === 0)
    fail('INVALID_NUMBER', '/transitionalProtection', 'needs maxDecreasePercent or maxDecreasePence: how far a budget may fall in a year');
  return Math.min(...limits);
}

/** Why a case goes to the panel rather than straight from the RAS. */
export type Referral =
  | { readonly reason: 'above-ceiling'; readonly ceilingPence: Pence; readonly fullYearPence: Pence; readonly detail: string }
  | { readonly reason: 'above-top-band'; readonly topBandToPoints: number; readonly totalPoints: number; readonly detail: string }
  | { readonly reason: 'needs-outside-questionnaire'; readonly coordinatorReason: string; readonly detail: string }
  | { readonly reason: 'below-floor'; readonly totalPoints: number; readonly detail: string };

/** One funding stream as it stands in the budget. */
export interface StreamShare {
  readonly key: string;
  readonly name: string;
  readonly mode: 'included' | 'added';
  readonly annualPence: Pence;
  readonly paysThroughCouncil?: boolean;
  readonly clawback?: ClawbackRule;
}

/** An indicative personal budget: every figure from points to the net amount the council pays, explained. */
export interface BudgetCalculation {
  readonly scheme: { readonly key: string; readonly version: number | null };
  readonly questionnaire: { readonly key: string; readonly version: number | null } | null;
  readonly totalPoints: number;
  readonly sections: readonly (Pick<SectionScore, 'key' | 'title' | 'points'> &
    Partial<Pick<SectionScore, 'unpaidSupportPoints' | 'weight'>>)[];
  readonly method: 'linear' | 'banded';
  /** The band the points fell in (banded schemes), else `null`. */
  readonly band: Band | null;
  /** `true` when the points are below the scheme's floor, so the RAS amount is 0. */
  readonly belowFloor: boolean;
  /** The RAS amount for a full year, before pro-rata. */
  readonly fullYearPence: Pence;
  readonly weeksCovered: number;
  readonly weeksPerYear: number;
  /** The RAS amount for the weeks covered, rounded as the scheme says. */
  readonly rasAnnualPence: Pence;
  /** The amount the panel agreed outside the RAS, when it did; it replaces rasAnnualPence in the totals. */
  readonly panelAmount: { readonly annualPence: Pence; readonly reason: string } | null;
  /** `true` when the figure is the panel's, outside the RAS (`panelAmount` is set). */
  readonly outsideRas: boolean;
  /** What transitional protection added to the RAS amount, and from what; `null` when none applied. */
  readonly transitionalProtection: {
    readonly previousAnnualPence: Pence;
    readonly allowedDecreasePence: Pence;
    readonly protectedPence: Pence;
  } | null;
  readonly streams: readonly StreamShare[];
  /** RAS (or panel) amount + added streams: the individual budget. */
  readonly totalAnnualPence: Pence;
  /** RAS (or panel) amount − included streams: what the council itself funds. */
  readonly councilAnnualPence: Pence;
  readonly weeklyContributionPence: Pence;
  /** Weekly contribution × weeks covered, never more than the council share. */
  readonly annualContributionPence: Pence;
  /** Council share − contribution: what the council pays. */
  readonly netAnnualPence: Pence;
  /** The first of `referrals`, kept for callers written before there could be two. */
  readonly referral: Referral | null;
  /** Every reason the panel decides the budget: above the top band and above the ceiling can both hold. */
  readonly referrals: readonly Referral[];
  readonly explanation: readonly ExplanationStep[];
}

/** The part of a {@link Score} the allocation reads; a bare `{ totalPoints }` also works. */
export interface PointsInput {
  readonly totalPoints: number;
  readonly sections?: readonly (Pick<SectionScore, 'key' | 'title' | 'points'> &
    Partial<Pick<SectionScore, 'unpaidSupportPoints' | 'weight'>>)[];
  readonly questionnaire?: Score['questionnaire'];
}

function findBand(bands: readonly Band[], points: number): Band | undefined {
  let low = 0;
  let high = bands.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const band = bands[middle] as Band;
    if (points < band.fromPoints) high = middle - 1;
    else if (points > band.toPoints) low = middle + 1;
    else return band;
  }
  return undefined;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What every step of an allocation adds to: its explanation and referrals, and where its figures come from. */
interface Working {
  /** Without words the figures are computed exactly the same way; only the sentences are skipped. */
  readonly explain: boolean;
  readonly explanation: ExplanationStep[];
  readonly referrals: Referral[];
  /** The trace names every figure's source by version, so a figure can be followed to the published rule. */
  readonly schemeSource: string;
  readonly questionnaireSource: string;
}

/** Step 1: the points, section by section, then in all. */
function explainPoints(work: Working, sections: NonNullable<PointsInput['sections']>, totalPoints: number): void {
  for (const section of sections) {
    if (work.explain)
      work.explanation.push(
        step(
          `section:${section.key}`,
          section.unpaidSupportPoints
            ? `${section.title}: ${plural(section.points, 'point', 'points')}, after ${plural(section.unpaidSupportPoints, 'point', 'points')} ${section.weight !== undefined && section.weight !== 1 ? `(before the section’s weight of ${section.weight}) ` : ''}taken off for needs your family or friends meet without pay.`
            : `${section.title}: ${plural(section.points, 'point', 'points')}.`,
          section.points,
          'points',
          'ras.section-points',
          [
            traced(work.questionnaireSource, `sections.${section.key}`, section.points),
            ...(section.unpaidSupportPoints
              ? [traced(work.questionnaireSource, `sections.${section.key}.unpaidSupport`, section.unpaidSupportPoints)]
              : []),
            ...(section.weight !== undefined && section.weight !== 1
              ? [traced(work.questionnaireSource, `sections.${section.key}.weight`, section.weight)]
              : []),
          ],
        ),
      );
  }
  if (work.explain)
    work.explanation.push(
      step('total-points', `Your answers add up to ${plural(totalPoints, 'point', 'points')}.`, totalPoints, 'points', 'ras.total-points', [
        traced(work.questionnaireSource, 'totalPoints', totalPoints),
      ]),
    );
}

/** Step 2: the full-year amount by the scheme's method (pounds per point, or the band the points fall in). */
function fullYearByMethod(
  work: Working,
  scheme: CompiledScheme,
  totalPoints: number,
): { fullYear: number; band: Band | null; belowBands: boolean } {
  const definition = scheme.definition;
  // Full-year amount by the scheme's method.
  let fullYear: number;
  let band: Band | null = null;
  let belowBands = false;
  const method = definition.method;
  if (method.type === 'linear') {
    fullYear = checkedPence(totalPoints * method.poundsPerPointPence, '/rasAnnualPence');
    if (work.explain)
      work.explanation.push(
        step(
          'ras-full-year',
          `Each point is worth ${formatPounds(method.poundsPerPointPence)} a year: ${totalPoints} × ${formatPounds(method.poundsPerPointPence)} = ${formatPounds(fullYear)}.`,
          fullYear,
          'pence',
          'ras.linear',
          [traced(work.schemeSource, 'method.poundsPerPointPence', method.poundsPerPointPence)],
        ),
      );
  } else {
    const found = findBand(scheme.bands, totalPoints);
    const bands = scheme.bands;
    if (found) {
      band = found;
      fullYear = found.annualPence;
      if (work.explain)
        work.explanation.push(
          step(
            'ras-full-year',
            `${plural(totalPoints, 'point', 'points')} falls in the band ${found.fromPoints}–${found.toPoints} points, worth ${formatPounds(fullYear)} a year.`,
            fullYear,
            'pence',
            'ras.band',
            [traced(work.schemeSource, `method.bands[${found.fromPoints}-${found.toPoints}].annualPence`, fullYear)],
          ),
        );
    } else if (totalPoints < (bands[0] as Band).fromPoints) {
      fullYear = 0;
      belowBands = true;
      if (work.explain)
        work.explanation.push(
          step(
            'ras-full-year',
            `${plural(totalPoints, 'point', 'points')} is below the lowest band, which starts at ${(bands[0] as Band).fromPoints} points: no RAS amount.`,
            0,
            'pence',
            'ras.below-bands',
            [traced(work.schemeSource, 'method.bands[0].fromPoints', (bands[0] as Band).fromPoints)],
          ),
        );
    } else {
      band = bands[bands.length - 1] as Band;
      fullYear = band.annualPence;
      const detail = `${plural(totalPoints, 'point', 'points')} is above the top band, which ends at ${band.toPoints} points: the panel decides the budget; the top band's ${formatPounds(fullYear)} is shown.`;
      work.referrals.push({ reason: 'above-top-band', topBandToPoints: band.toPoints, totalPoints, detail });
      if (work.explain)
        work.explanation.push(
          step('ras-full-year', detail, fullYear, 'pence', 'ras.above-top-band', [
            traced(work.schemeSource, `method.bands[${band.fromPoints}-${band.toPoints}].annualPence`, fullYear),
          ]),
        );
    }
  }

  return { fullYear, band, belowBands };
}

/** Step 3: below the floor (or the lowest band), the scheme's floor amount, or a referral for the panel's own amount. */
function applyFloor(work: Working, scheme: CompiledScheme, totalPoints: number, amount: number, belowBands: boolean): number {
  const definition = scheme.definition;
  let fullYear = amount;
  const belowFloor = definition.floorPoints !== undefined && totalPoints < definition.floorPoints;
  if (belowFloor || belowBands) {
    // Everyone eligible has a personal budget (seed 003; the Care Act 2014, s.26): below the floor
    // the scheme's floor amount, or the worker sets an amount outside the RAS and the panel agrees it.
    const rule = definition.belowFloor ?? { action: 'refer' };
    const where = belowFloor
      ? `${plural(totalPoints, 'point', 'points')} is below the scheme's floor of ${definition.floorPoints} points`
      : `${plural(totalPoints, 'point', 'points')} is below the lowest band`;
    const source = belowFloor
      ? traced(work.schemeSource, 'floorPoints', definition.floorPoints ?? null)
      : traced(work.schemeSource, 'method.bands[0].fromPoints', (scheme.bands[0] as Band).fromPoints);
    if (rule.action === 'floor-amount') {
      fullYear = rule.annualPence;
      if (work.explain)
        work.explanation.push(
          step(
            'floor',
            `${where}. Everyone eligible gets a personal budget, so the scheme gives its floor amount: ${formatPounds(fullYear)} a year.`,
            fullYear,
            'pence',
            'ras.floor-amount',
            [source, traced(work.schemeSource, 'belowFloor.annualPence', rule.annualPence)],
          ),
        );
    } else {
      fullYear = 0;
      const detail = `${where}, so the RAS gives no amount of its own. Everyone eligible gets a personal budget, so your care coordinator sets the amount your needs call for and the Resource Allocation Panel agrees it.`;
      work.referrals.push({ reason: 'below-floor', totalPoints, detail });
      if (work.explain)
        work.explanation.push(
          step('floor', detail, 0, 'pence', 'ras.floor', [source, traced(work.schemeSource, 'belowFloor.action', 'refer')]),
        );
    }
  }

  return fullYear;
}

/**
 * Step 4: the scheme's rounding, its ceiling (above it, a referral to the panel), then the part of
 * the year the support covers: one rounding, at the end, from the unrounded full-year amount.
 */
function roundAndProRate(work: Working, scheme: CompiledScheme, amount: number, weeks: number): { fullYear: number; ras: number } {
  const definition = scheme.definition;
  const perYear = scheme.weeksPerYearHundredths;
  let fullYear = amount;
  const rounding = definition.rounding ?? 'penny';
  const exactFullYear = fullYear;
  if (rounding === 'pound' && fullYear % 100 !== 0) {
    fullYear = divide(fullYear, 100, 'half-up') * 100;
    if (work.explain)
      work.explanation.push(
        step('rounding', `The scheme rounds to whole pounds: ${formatPounds(fullYear)}.`, fullYear, 'pence', 'ras.rounding', [
          traced(work.schemeSource, 'rounding', rounding),
        ]),
      );
  }

  if (definition.ceilingPence !== undefined && fullYear > definition.ceilingPence) {
    const detail = `${formatPounds(fullYear)} is above the scheme's ceiling of ${formatPounds(definition.ceilingPence)}: the amount is shown, and the Resource Allocation Panel decides the budget.`;
    work.referrals.push({ reason: 'above-ceiling', ceilingPence: definition.ceilingPence, fullYearPence: fullYear, detail });
    if (work.explain)
      work.explanation.push(
        step('ceiling', detail, fullYear, 'pence', 'ras.ceiling', [traced(work.schemeSource, 'ceilingPence', definition.ceilingPence)]),
      );
  }

  let ras = fullYear;
  if (weeks !== perYear) {
    // One rounding, at the end, from the unrounded full-year amount: fullYear × weeks ÷ weeksPerYear.
    ras =
      rounding === 'pound'
        ? multiplyDivide(exactFullYear, weeks, perYear * 100, 'half-up') * 100
        : multiplyDivide(exactFullYear, weeks, perYear, 'half-up');
    if (work.explain) {
      const exact = formatQuotient(exactFullYear, weeks, perYear);
      const unrounded = exactFullYear === fullYear ? '' : ' (the full-year amount before rounding)';
      const rounded =
        exact.exact && rounding === 'penny'
          ? ''
          : `, which is ${formatPounds(ras)} to the nearest ${rounding === 'pound' ? 'pound' : 'penny'}`;
      work.explanation.push(
        step(
          'pro-rata',
          `Support is for ${formatHundredths(weeks)} of ${formatHundredths(perYear)} weeks: ${formatPounds(exactFullYear)}${unrounded} × ${formatHundredths(weeks)} ÷ ${formatHundredths(perYear)} = ${exact.text}${rounded}.`,
          ras,
          'pence',
          'ras.pro-rata',
          [
            traced(INPUT, 'weeksAtHome', weeks / 100),
            traced(work.schemeSource, 'weeksPerYear', perYear / 100),
            traced(work.schemeSource, 'rounding', rounding),
          ],
        ),
      );
    }
  }
  return { fullYear, ras };
}

/** Step 5: transitional protection: a re-run budget falls by no more than the rule allows in one year. */
function protect(
  work: Working,
  ras: number,
  rule: TransitionalProtection,
): { base: number; protection: BudgetCalculation['transitionalProtection'] } {
  let base = ras;
  let protection: BudgetCalculation['transitionalProtection'] = null;
  const previous = assertPence(rule.previousAnnualPence, '/transitionalProtection/previousAnnualPence');
  const allowed = allowedDecreasePence(previous, rule);
  const floor = Math.max(0, previous - allowed);
  if (ras < floor) {
    protection = { previousAnnualPence: previous, allowedDecreasePence: allowed, protectedPence: floor - ras };
    base = floor;
    if (work.explain)
      work.explanation.push(
        step(
          'transitional-protection',
          `Your budget was ${formatPounds(previous)} a year. Transitional protection lets it fall by at most ${formatPounds(allowed)} in one year, so ${formatPounds(floor - ras)} is added: ${formatPounds(floor)} a year.`,
          floor,
          'pence',
          'ras.transitional-protection',
          [
            traced(INPUT, 'transitionalProtection.previousAnnualPence', previous),
            ...(rule.maxDecreasePercent === undefined
              ? []
              : [traced(INPUT, 'transitionalProtection.maxDecreasePercent', rule.maxDecreasePercent)]),
            ...(rule.maxDecreasePence === undefined
              ? []
              : [traced(INPUT, 'transitionalProtection.maxDecreasePence', rule.maxDecreasePence)]),
          ],
        ),
      );
  }
  return { base, protection };
}

/**
 * Step 7: funding streams: included ones pay part of the amount (never more than it), added ones
 * come on top. `agreed` says whether the amount is the panel's rather than the RAS's.
 */
function shareStreams(
  work: Working,
  given: readonly FundingStream[],
  base: number,
  agreed: boolean,
): { streams: StreamShare[]; included: number; added: number } {
  const streams: StreamShare[] = [];
  let included = 0;
  let added = 0;
  for (let index = 0; index < given.length; index++) {
    const stream = given[index] as FundingStream;
    const amount = assertPence(stream.annualPence, `/fundingStreams/${index}/annualPence`);
    if (stream.mode !== 'included' && stream.mode !== 'added')
      fail('INVALID_FUNDING_STREAMS', `/fundingStreams/${index}/mode`, 'must be "included" or "added"');
    const name = stream.name ?? stream.key;
    if (stream.key === COUNCIL_FUNDER || stream.key === PERSON_FUNDER)
      fail(
        'INVALID_FUNDING_STREAMS',
        `/fundingStreams/${index}/key`,
        `"${stream.key}" names the council or the person, not a funding stream`,
      );
    if (given.findIndex((other) => other.key === stream.key) !== index)
      fail('INVALID_FUNDING_STREAMS', `/fundingStreams/${index}/key`, `"${stream.key}" is listed twice`);
    streams.push({
      key: stream.key,
      name,
      mode: stream.mode,
      annualPence: amount,
      ...(stream.paysThroughCouncil === undefined ? {} : { paysThroughCouncil: stream.paysThroughCouncil }),
      ...(stream.clawback === undefined ? {} : { clawback: stream.clawback }),
    });
    if (stream.mode === 'included') {
      included += amount;
      if (work.explain)
        work.explanation.push(
          step(
            `stream:${stream.key}`,
            `${name} pays ${formatPounds(amount)} of the ${agreed ? 'agreed' : 'RAS'} amount.`,
            amount,
            'pence',
            'ras.stream-included',
            [traced(INPUT, `fundingStreams.${stream.key}.annualPence`, amount)],
          ),
        );
    } else {
      added = checkedPence(added + amount, '/totalAnnualPence');
      if (work.explain)
        work.explanation.push(
          step(`stream:${stream.key}`, `${name} adds ${formatPounds(amount)} on top.`, amount, 'pence', 'ras.stream-added', [
            traced(INPUT, `fundingStreams.${stream.key}.annualPence`, amount),
          ]),
        );
    }
  }
  if (included > base) {
    fail(
      'INVALID_FUNDING_STREAMS',
      '/fundingStreams',
      `included streams (${formatPounds(included)}) cannot pay more than the ${agreed ? 'agreed' : 'RAS'} amount (${formatPounds(base)})`,
    );
  }
  return { streams, included, added };
}

/**
 * Turns points into an indicative personal budget under a scheme: linear or banded amount, floor,
 * ceiling referral, pro-rata for weeks at home, rounding, funding streams and the net of the
 * person's contribution. Every step is in `explanation`.
 *
 * @param scheme - from {@link compileScheme}
 * @param points - a {@link Score} (or `{ totalPoints }`)
 * @param options - weeks at home, funding streams, weekly contribution
 * @returns the budget with its breakdown and explanation
 * @throws RasError `INVALID_MONEY`, `INVALID_NUMBER` or `INVALID_FUNDING_STREAMS` for bad inputs
 * @example
 * ```ts
 * const scheme = compileScheme({ key: 'ld', method: { type: 'linear', poundsPerPointPence: 25_000 } });
 * const budget = allocateBudget(scheme, { totalPoints: 40 }, { weeklyContributionPence: 2_000 });
 * budget.rasAnnualPence; // 1_000_000 (£10,000.00)
 * budget.netAnnualPence; // 896_000
 * ```
 */
export function allocateBudget(scheme: CompiledScheme, points: PointsInput, options: AllocationOptions = {}): BudgetCalculation {
  const definition = scheme.definition;
  const totalPoints = points.totalPoints;
  if (!Number.isSafeInteger(totalPoints) || totalPoints < 0)
    fail('INVALID_NUMBER', '/totalPoints', 'must be a whole number of points, 0 or more');
  const sections = points.sections ?? [];
  const work: Working = {
    explain: options.explain !== false,
    explanation: [],
    referrals: [],
    schemeSource: traceSource('scheme', definition.key, definition.version),
    questionnaireSource: points.questionnaire
      ? traceSource('questionnaire', points.questionnaire.key, points.questionnaire.version)
      : INPUT,
  };
  const { explain, explanation, referrals } = work;
  explainPoints(work, sections, totalPoints);
  const byMethod = fullYearByMethod(work, scheme, totalPoints);
  const { band } = byMethod;
  let fullYear = applyFloor(work, scheme, totalPoints, byMethod.fullYear, byMethod.belowBands);

  const perYear = scheme.weeksPerYearHundredths;
  const weeks = options.weeksAtHome === undefined ? perYear : weeksToHundredths(options.weeksAtHome, '/weeksAtHome');
  if (weeks > perYear)
    fail('INVALID_NUMBER', '/weeksAtHome', `must not be more than the ${formatHundredths(perYear)} weeks of the scheme's year`);

  const rounded = roundAndProRate(work, scheme, fullYear, weeks);
  fullYear = rounded.fullYear;
  const ras = rounded.ras;
  if (work.explain)
    work.explanation.push(step('ras-amount', `Your RAS amount is ${formatPounds(ras)} a year.`, ras, 'pence', 'ras.amount'));
  if (options.outsideQuestionnaire !== undefined) {
    const detail = `Your care coordinator says your needs do not fit the questionnaire (${options.outsideQuestionnaire}): the RAS amount is shown, and the Resource Allocation Panel decides the budget.`;
    work.referrals.push({ reason: 'needs-outside-questionnaire', coordinatorReason: options.outsideQuestionnaire, detail });
    if (work.explain)
      work.explanation.push(
        step('outside-questionnaire', detail, ras, 'pence', 'ras.outside-questionnaire', [
          traced(INPUT, 'outsideQuestionnaire', options.outsideQuestionnaire),
        ]),
      );
  }

  // Step 5, unless the panel has agreed an amount of its own.
  let { base, protection } =
    options.transitionalProtection !== undefined && options.panelAmount === undefined
      ? protect(work, ras, options.transitionalProtection)
      : { base: ras, protection: null as BudgetCalculation['transitionalProtection'] };

  // Step 6: the panel may agree an amount outside the RAS; it then stands in for the RAS amount below.
  let panelAmount: BudgetCalculation['panelAmount'] = null;
  if (options.panelAmount !== undefined) {
    base = assertPence(options.panelAmount.annualPence, '/panelAmount/annualPence');
    panelAmount = { annualPence: base, reason: options.panelAmount.reason };
    if (explain)
      explanation.push(
        step(
          'panel-amount',
          `The Resource Allocation Panel agreed ${formatPounds(base)} a year outside the RAS: ${options.panelAmount.reason}`,
          base,
          'pence',
          'ras.panel-amount',
          [traced(INPUT, 'panelAmount.annualPence', base)],
        ),
      );
  }

  // Step 7.
  const { streams, included, added } = shareStreams(work, options.fundingStreams ?? [], base, panelAmount !== null);
  const total = checkedPence(base + added, '/totalAnnualPence');
  const council = base - included;
  if (streams.length > 0) {
    if (explain)
      explanation.push(
        step(
          'total',
          `Your individual budget is ${formatPounds(total)} a year, of which the council funds ${formatPounds(council)}.`,
          total,
          'pence',
          'ras.total',
        ),
      );
  }

  const weekly =
    options.weeklyContributionPence === undefined ? 0 : assertPence(options.weeklyContributionPence, '/weeklyContributionPence');
  const owed = multiplyDivide(weekly, weeks, 100, 'half-up');
  const contribution = Math.min(owed, council);
  const net = council - contribution;
  if (weekly > 0) {
    const capped = owed > council ? ` (capped at the council's share, ${formatPounds(council)})` : '';
    if (explain)
      explanation.push(
        step(
          'contribution',
          `Your assessed contribution is ${formatPounds(weekly)} a week for ${formatHundredths(weeks)} weeks: ${formatPounds(contribution)} a year${capped}.`,
          contribution,
          'pence',
          'ras.contribution',
          [traced(INPUT, 'weeklyContributionPence', weekly), traced(INPUT, 'weeksAtHome', weeks / 100)],
        ),
      );
  }
  if (explain)
    explanation.push(
      step(
        'net',
        `The council pays ${formatPounds(net)} a year${weekly > 0 ? ', and you pay your contribution into the same account' : ''}.`,
        net,
        'pence',
        'ras.net',
      ),
    );

  return {
    scheme: { key: definition.key, version: definition.version ?? null },
    questionnaire: points.questionnaire ?? null,
    totalPoints,
    sections,
    method: definition.method.type,
    band,
    belowFloor: definition.floorPoints !== undefined && totalPoints < definition.floorPoints,
    fullYearPence: fullYear,
    weeksCovered: weeks / 100,
    weeksPerYear: perYear / 100,
    rasAnnualPence: ras,
    panelAmount,
    outsideRas: panelAmount !== null,
    transitionalProtection: protection,
    streams,
    totalAnnualPence: total,
    councilAnnualPence: council,
    weeklyContributionPence: weekly,
    annualContributionPence: contribution,
    netAnnualPence: net,
    referral: referrals[0] ?? null,
    referrals,
    explanation,
  };
}

import readability from 'text-readability';
import { describe, expect, it } from 'vitest';
import {
  ENGLISH_LETTERS,
  LETTER_CONDITIONS,
  LETTER_KINDS,
  letterContent,
  letterDate,
  letterTemplateProblems,
  moneyPictureOf,
  moneyPictureSvg,
  renderLetterHtml,
  replyBy,
} from '../src/index.js';

/** The words of a letter with every paragraph shown (every condition holds), filled with sample figures. */
function wholeLetter(kind: (typeof LETTER_KINDS)[number]): string {
  const content = letterContent(ENGLISH_LETTERS[kind], {
    kind,
    language: 'en',
    values: {
      name: 'Sam',
      council: 'Demo Borough',
      date: '25 November 2026',
      respondBy: '23 December 2026',
      budget: '£6,250.00',
      councilPays: '£5,730.00',
      contribution: '£520.00',
      weeklyContribution: '£10.00',
      startDate: '1 May 2026',
      reasons: 'The plan meets your needs and keeps you safe.',
      unspent: '£3,250.00',
      allowance: '£1,250.00',
      clawback: '£2,000.00',
      oldBudget: '£6,250.00',
      newBudget: '£6,000.00',
      protected: '£200.00',
    },
    conditions: [...LETTER_CONDITIONS],
    picture: null,
    explanation: [],
  });
  return [content.subject, content.greeting, ...content.paragraphs, content.disagreeHeading, ...content.disagree, content.signOff].join(
    '\n',
  );
}

describe('letters', () => {
  it.each(LETTER_KINDS)('keeps the English "%s" letter at a reading age of 11 or below, in short sentences', (kind) => {
    const text = wholeLetter(kind);
    // Flesch–Kincaid gives a US school grade; a UK reading age is the grade + 5, so 11 is grade 6.
    const grade = readability.fleschKincaidGrade(text);
    expect(grade).toBeLessThanOrEqual(6);
    const sentences = text.split(/(?<=[.!?:])\s+|\n/).filter((s) => s.trim().length > 0);
    for (const sentence of sentences) expect(sentence.split(/\s+/).length, sentence).toBeLessThanOrEqual(20);
  });

  it('draws where the money comes from, the RAS amount split between who pays it, and streams on top', () => {
    const picture = moneyPictureOf({
      councilAnnualPence: 600_000,
      annualContributionPence: 52_000,
      netAnnualPence: 548_000,
      streams: [
        { mode: 'included', annualPence: 25_000 },
        { mode: 'added', annualPence: 120_000 },
      ],
    });
    // The RAS amount is the council's share and the included stream: £6,000.00 + £250.00.
    expect(picture).toEqual({
      rasAmountPence: 625_000,
      councilPaysPence: 548_000,
      contributionPence: 52_000,
      otherFundersPence: 25_000,
      addedStreamsPence: 120_000,
    });
    const content = letterContent(ENGLISH_LETTERS['indicative-budget'], {
      kind: 'indicative-budget',
      language: 'en',
      values: {},
      conditions: [],
      picture,
      explanation: ['Your answers add up to 25 points.'],
    });
    const svg = moneyPictureSvg(content);
    expect(svg).toContain('The council pays: £5,480.00');
    expect(svg).toContain('Extra help on top: £1,200.00');
    expect(svg).toContain('Your budget from us: £6,250.00');
    const html = renderLetterHtml(content);
    expect(html).toContain('<li>Your answers add up to 25 points.</li>');
    expect(html).toContain('<html lang="en">');
  });

  it('writes dates as a letter does, in Welsh too, and counts the reply time', () => {
    expect(letterDate('2026-11-25', 'en')).toBe('25 November 2026');
    expect(letterDate('2026-12-23', 'cy')).toBe('23 Rhagfyr 2026');
    expect(replyBy('2026-11-25', 28)).toBe('2026-12-23');
  });

  it('finds placeholders a council template uses that the service does not fill', () => {
    const template = {
      ...ENGLISH_LETTERS.uprating,
      paragraphs: ['Your budget is {{budjet}}.', { when: 'protected' as const, text: '{{protected}}' }],
    };
    expect(letterTemplateProblems(template, '/t')).toEqual([
      { pointer: '/t/paragraphs/0', detail: expect.stringContaining('{{budjet}} is not a placeholder') },
    ]);
  });
});

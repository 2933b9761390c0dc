import type { QuestionnaireDefinition } from '../src/index.js';

/** A small questionnaire whose sums are easy to check by hand. */
export const SAQ: QuestionnaireDefinition = {
  key: 'saq',
  title: 'Small SAQ',
  version: 3,
  sections: [
    {
      key: 'care',
      title: 'Personal care',
      weight: 1.5,
      maxPoints: 20,
      questions: [
        {
          key: 'washing',
          text: 'Washing',
          type: 'single',
          options: [
            { key: 'none', text: 'I manage', points: 0 },
            { key: 'some', text: 'Some help', points: 3 },
            { key: 'lots', text: 'Lots of help', points: 9 },
          ],
        },
        {
          key: 'aids',
          text: 'Aids',
          type: 'multi',
          required: false,
          maxPoints: 5,
          options: [
            { key: 'hoist', text: 'Hoist', points: 4 },
            { key: 'rail', text: 'Rails', points: 2 },
            { key: 'none', text: 'None', points: 0 },
          ],
        },
      ],
    },
    {
      key: 'community',
      title: 'Community',
      questions: [
        {
          key: 'out',
          text: 'Getting out',
          type: 'single',
          options: [
            { key: 'alone', text: 'On my own', points: 0 },
            { key: 'with', text: 'With someone', points: 5 },
            { key: 'never', text: 'I cannot get out', points: 12 },
          ],
        },
      ],
    },
  ],
};

import type { QuestionnaireDefinition } from 'ras-core';

type Statement = readonly [key: string, text: string, points: number];

function single(key: string, text: string, options: readonly Statement[]) {
  return { key, text, type: 'single' as const, options: options.map(([k, t, points]) => ({ key: k, text: t, points })) };
}

function multi(key: string, text: string, maxPoints: number, options: readonly Statement[]) {
  return {
    key,
    text,
    type: 'multi' as const,
    required: false,
    maxPoints,
    options: options.map(([k, t, points]) => ({ key: k, text: t, points })),
  };
}

const HELP_SCALE = (subject: string): Statement[] => [
  ['none', `I manage ${subject} without help`, 0],
  ['prompting', `I need reminding or encouraging with ${subject}`, 2],
  ['some', `I need some hands-on help with ${subject}`, 4],
  ['most', `I need help with most of ${subject}`, 7],
  ['all', `Someone has to do ${subject} for me`, 10],
];

/**
 * A self-assessment questionnaire written for this project, in the pattern of the 8-section SAQs
 * councils used (seed 002): statements in the person's own voice, each carrying points.
 */
export const DEMO_QUESTIONNAIRE: Omit<QuestionnaireDefinition, 'version'> = {
  key: 'saq',
  title: 'Demo Borough self-assessment questionnaire',
  sections: [
    {
      key: 'personal-care',
      title: 'Personal care',
      maxPoints: 40,
      questions: [
        single('washing', 'Washing, bathing and showering', HELP_SCALE('washing')),
        single('dressing', 'Getting dressed and undressed', HELP_SCALE('dressing')),
        single('toileting', 'Using the toilet and continence', HELP_SCALE('using the toilet')),
        single('moving', 'Getting about my home, in and out of bed', HELP_SCALE('moving about')),
        single('night', 'Help during the night', [
          ['none', 'I do not need anyone during the night', 0],
          ['occasional', 'I sometimes need someone during the night', 4],
          ['waking', 'I need someone awake in the night most nights', 10],
        ]),
      ],
    },
    {
      key: 'eating-drinking',
      title: 'Eating and drinking',
      questions: [
        single('preparing', 'Preparing meals and drinks', HELP_SCALE('preparing meals')),
        single('eating', 'Eating and drinking', HELP_SCALE('eating and drinking')),
        single('diet', 'A special diet or food texture', [
          ['none', 'I do not need a special diet', 0],
          ['some', 'I need help to follow a special diet', 3],
          ['complex', 'I need a modified texture or tube feeding', 8],
        ]),
        single('shopping', 'Food shopping', HELP_SCALE('food shopping')),
        single('weight', 'Keeping a healthy weight', [
          ['fine', 'My weight is stable', 0],
          ['watch', 'My weight needs watching', 2],
          ['risk', 'I am at risk because I do not eat or drink enough', 6],
        ]),
      ],
    },
    {
      key: 'home',
      title: 'Looking after my home',
      questions: [
        single('cleaning', 'Cleaning and tidying', HELP_SCALE('cleaning')),
        single('laundry', 'Washing and ironing clothes', HELP_SCALE('laundry')),
        single('bills', 'Paying bills and managing money at home', HELP_SCALE('paying bills')),
        single('safety-home', 'Keeping my home safe (heating, locks, appliances)', HELP_SCALE('keeping my home safe')),
        multi('adaptations', 'Things I use at home', 6, [
          ['hoist', 'A hoist', 3],
          ['stairlift', 'A stairlift or through-floor lift', 2],
          ['alarm', 'A community alarm or telecare', 1],
          ['none', 'None of these', 0],
        ]),
      ],
    },
    {
      key: 'relationships',
      title: 'Family, friends and relationships',
      weight: 1.5,
      maxPoints: 20,
      questions: [
        single('family', 'Keeping in touch with family', HELP_SCALE('keeping in touch with family')),
        single('friends', 'Making and keeping friends', HELP_SCALE('making and keeping friends')),
        single('caring-role', 'Caring for someone else', [
          ['no', 'I do not care for anyone', 0],
          ['some', 'I care for someone and need some support to do it', 3],
          ['much', 'I care for someone and cannot do it without support', 6],
        ]),
        single('carer', 'The people who support me unpaid', [
          ['sustainable', 'My family or friends support me and can keep doing so', 0],
          ['strained', 'My family or friends are finding it hard to keep going', 4],
          ['breakdown', 'My unpaid support may stop soon', 8],
        ]),
        single('isolation', 'Feeling lonely', [
          ['rarely', 'I rarely feel lonely', 0],
          ['sometimes', 'I sometimes feel lonely', 2],
          ['often', 'I often feel lonely and cut off', 5],
        ]),
      ],
    },
    {
      key: 'community',
      title: 'Being part of my community',
      questions: [
        single('getting-out', 'Getting out and about', HELP_SCALE('getting out and about')),
        single('transport', 'Using transport', HELP_SCALE('using buses, trains or taxis')),
        single('activities', 'Leisure, faith and hobbies', HELP_SCALE('taking part in activities')),
        single('groups', 'Clubs and groups', HELP_SCALE('going to clubs and groups')),
        multi('barriers', 'What makes it hard to get out', 6, [
          ['mobility', 'Getting around physically', 2],
          ['anxiety', 'Feeling anxious in busy places', 2],
          ['communication', 'Being understood by others', 2],
          ['sensory', 'Sight or hearing', 2],
          ['none', 'Nothing stops me', 0],
        ]),
      ],
    },
    {
      key: 'work-learning',
      title: 'Work, learning and volunteering',
      questions: [
        single('work', 'Getting or keeping a job', HELP_SCALE('work')),
        single('learning', 'College, courses and learning', HELP_SCALE('learning')),
        single('volunteering', 'Volunteering', HELP_SCALE('volunteering')),
        single('travel-training', 'Travelling to work or college', HELP_SCALE('travelling to work or college')),
        single('routine', 'Keeping a daily routine', HELP_SCALE('keeping a routine')),
      ],
    },
    {
      key: 'decisions',
      title: 'Making decisions and being in control',
      questions: [
        single('everyday', 'Everyday decisions', HELP_SCALE('everyday decisions')),
        single('big', 'Big decisions about my life', HELP_SCALE('big decisions')),
        single('communication', 'Telling people what I want', HELP_SCALE('communicating what I want')),
        single('money', 'Managing my money', HELP_SCALE('managing money')),
        single('health', 'Managing my health and medication', HELP_SCALE('managing my health and medication')),
      ],
    },
    {
      key: 'staying-safe',
      title: 'Staying safe',
      weight: 1.25,
      maxPoints: 30,
      questions: [
        single('risks-home', 'Staying safe at home', HELP_SCALE('staying safe at home')),
        single('risks-out', 'Staying safe when out', HELP_SCALE('staying safe when out')),
        single('exploitation', 'Being taken advantage of', [
          ['no', 'I can tell when someone is taking advantage of me', 0],
          ['sometimes', 'I sometimes need help to spot it', 3],
          ['yes', 'I am at real risk of being taken advantage of', 7],
        ]),
        single('behaviour', 'Behaviour that puts me or others at risk', [
          ['no', 'This does not apply to me', 0],
          ['occasional', 'This happens now and then', 4],
          ['frequent', 'This happens often and needs planned support', 10],
        ]),
        single('falls', 'Falls', [
          ['no', 'I have not fallen in the last year', 0],
          ['some', 'I have fallen once or twice in the last year', 3],
          ['many', 'I fall often', 6],
        ]),
      ],
    },
  ],
};

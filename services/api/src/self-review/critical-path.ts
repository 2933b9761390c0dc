/** Built-in reference data: the Critical Path Framework, versioned; a change is a new version, never an edit in place. */

/** A stage of the Critical Path Framework. */
export interface CriticalPathStage {
  readonly key: 'build-foundations' | 'resource-allocation-system' | 'make-the-changes' | 'embed-deeper';
  readonly title: string;
  readonly steps: readonly number[];
}
/** A question a council answers about a step. */
export interface CriticalPathQuestion {
  readonly key: string;
  readonly text: string;
}
/** One of the 20 steps. */
export interface CriticalPathStep {
  readonly number: number;
  readonly key: string;
  readonly stage: CriticalPathStage['key'];
  readonly title: string;
  readonly actions: readonly string[];
  readonly examples: readonly string[];
  readonly questions: readonly CriticalPathQuestion[];
}
/** The framework as built-in, versioned reference data. */
export interface CriticalPathFramework {
  readonly version: string;
  readonly source: string;
  readonly stages: readonly CriticalPathStage[];
  readonly steps: readonly CriticalPathStep[];
}

const LESSONS: CriticalPathQuestion = {
  key: 'lessons',
  text: 'What worked and what did not? What have you learnt, and what would you do differently?',
};

function step(
  number: number,
  key: string,
  stage: CriticalPathStage['key'],
  title: string,
  actions: string[],
  examples: string[],
  questions: string[],
): CriticalPathStep {
  return {
    number,
    key,
    stage,
    title,
    actions,
    examples,
    questions: [...questions.map((text, index) => ({ key: `q${index + 1}`, text })), LESSONS],
  };
}

export const CRITICAL_PATH: CriticalPathFramework = {
  version: '2010-01-wales.1',
  source: 'Written for this project from the Critical Path Framework for Citizen Directed Support in Wales (January 2010)',
  stages: [
    { key: 'build-foundations', title: 'Build foundations', steps: [1, 2, 3, 4, 5] },
    { key: 'resource-allocation-system', title: 'Resource allocation system', steps: [6, 7, 8, 9, 10] },
    { key: 'make-the-changes', title: 'Make the changes', steps: [11, 12, 13, 14, 15] },
    { key: 'embed-deeper', title: 'Embed deeper', steps: [16, 17, 18, 19, 20] },
  ],
  steps: [
    step(
      1,
      'guiding-coalition',
      'build-foundations',
      'Guiding coalition',
      ['Bring together a guiding coalition of decision makers who understand that changing the system means changing the culture.'],
      [
        'Inside the council: the head of social services, heads of service, commissioning, contracts, legal, finance, audit, the Supporting People manager, a project manager and the lead elected member for health and social care',
        'Outside: an adviser or consultant, the improvement agency, and the health manager who decides on jointly funded packages',
      ],
      ['Was this your first step? Did you involve a different set of decision makers?'],
    ),
    step(
      2,
      'map-of-stakeholders',
      'build-foundations',
      'Map of stakeholders',
      ['Map everyone with a stake in the change, inside the council and out.'],
      [
        'Inside: housing, education, leisure, legal, finance and audit, welfare rights, social care practitioners, in-house providers, scrutiny committees and the executive',
        'Outside: housing associations, community organisations, the Independent Living Fund, families and carers, advocacy, providers, health, the improvement agency',
      ],
      [
        'How engaged were stakeholders before, and after?',
        'Did you map the support already provided?',
        'Did you map the culture and skills already there for person-centred approaches and planning?',
        'Did you include other stakeholders?',
        'How did you engage with stakeholders?',
        'Did you weigh stakeholders’ interest against their power, and use that to involve those vital to success?',
        'Did you set up a reference group of stakeholders, and how involved was it in the change?',
      ],
    ),
    step(
      3,
      'leadership',
      'build-foundations',
      'Leadership',
      ['Find people who share the vision and can bring others with them, including senior officers and citizen leaders.'],
      ['People willing to take a risk, to stick with it and keep the end in mind, and to shift power from services to people'],
      [
        'Did you adapt or create roles within existing resources?',
        'Who leads the change, and what post do they hold? Has that changed over time?',
        'Did the leaders have outside help or advice, such as a consultant?',
      ],
    ),
    step(
      4,
      'legitimacy',
      'build-foundations',
      'Legitimacy',
      ['Win the commitment of senior elected members.', 'Win commitment inside the council.', 'Win commitment across the community.'],
      [
        'Real stories that win hearts and minds; the economic and demographic case',
        'Presentations at team and strategy meetings; one-to-one persuasion',
        'Open days; local media through the press office',
      ],
      ['How did you communicate the change?'],
    ),
    step(
      5,
      'skills-and-education',
      'build-foundations',
      'Skills and education',
      ['Find the strengths and the gaps in skills across teams, the new skills needed, and plan how the workforce will develop.'],
      [
        'Commissioning that shapes the market and links with brokerage',
        'Person-centred and support planning training',
        'Renewing social work skills, including preventative work',
        'Completing the new assessment forms and knowing what a support plan needs',
        'Re-enablement: maximising independence without over-supporting',
        'A learning community for a change that takes years',
        'Partners in Policymaking training for families and people who use services',
      ],
      [
        'Which skills did your teams need to develop?',
        'What took a long time to learn, or to unlearn?',
        'Did you offer training to families and to people who use services?',
      ],
    ),
    step(
      6,
      'resource-allocation-system',
      'resource-allocation-system',
      'Resource allocation system',
      ['Develop a way of allocating resources.'],
      [
        'Developing the RAS and changing it as early use teaches',
        'Monitoring the budget, and the viability of in-house services',
        'Modelling future spending, savings and re-allocation',
        'Accepting that meeting demand may at first mean less control over the budget',
      ],
      [
        'Which RAS model did you use, and how do other funding streams fit into it?',
        'Have you changed it? If so, why and how?',
        'Have you allowed for new people coming into the system, and where does the Independent Living Fund fit, especially if social care funding falls?',
        'What did you do?',
        'How do you handle high-cost complex needs outside the RAS?',
        'Which assessment forms have you used, and do people complete them with or without help from social workers?',
        'If you have not used a RAS, what have you used instead?',
        'Has a new way of allocating resources freed any up, and what have you used them for, such as prevention or early intervention?',
        'What other ways of allocating money have you used, such as small grants?',
      ],
    ),
    step(
      7,
      'community-based-support-system',
      'resource-allocation-system',
      'Community-based support system',
      ['Remodel the support systems and redeploy staff.'],
      [
        'Adapting the direct payments support service behind the scenes, with more staff time',
        'Deducting the person’s contribution at source',
        'Less staff time spent on the charging process',
      ],
      [
        'How easily did your direct payments support systems adapt?',
        'Do you still charge after the money is allocated, or allocate it net of the contribution? How have you managed it?',
      ],
    ),
    step(
      8,
      'contracts-systems-and-procedures',
      'resource-allocation-system',
      'Contracts, systems and procedures',
      ['Write new policies and procedures, and find what must change in the existing ones.'],
      [
        'Guidance and a flow chart for practitioners',
        'A changed panel process',
        'Risk enablement',
        'Financial processes and agreement forms for individuals',
        'A vetting service that checks people who want to work for budget holders: criminal records checks, references and training',
      ],
      [
        'How have you run the old and the new systems side by side?',
        'Do you offer support with safe recruitment, such as a vetting service?',
      ],
    ),
    step(
      9,
      'monitoring-of-outcomes-and-costs',
      'resource-allocation-system',
      'Monitoring of outcomes and costs',
      ['Build the systems that capture what is needed to monitor outcomes and costs.'],
      [
        'Tools that record whether support plan outcomes were achieved, whether the money was used, and what it was spent on',
        'Monitoring of individuals, and of the department’s performance',
        'Qualitative measures, such as how easy the process was for people',
        'Quantitative measures, such as how many people have had a personal budget over a period',
      ],
      ['Could you adapt existing systems, or did you have to build or buy new ones?'],
    ),
    step(
      10,
      'reviewing-learning-and-responding',
      'resource-allocation-system',
      'Reviewing, learning and responding',
      ['Put in place a way to review what is learnt, judge it, and share it.'],
      ['Information that shapes the development of the market', 'Information that changes existing systems'],
      [
        'What tools have you used for this?',
        'Can you tell whether people are achieving their outcomes? What results can you share?',
        'Which evaluation tool do you use: bought in, or your own?',
        'Have you taken part in an independent evaluation, and with whom?',
        'If so, what did it cost in time, money or both?',
      ],
    ),
    step(
      11,
      'direct-payments',
      'make-the-changes',
      'Direct payments',
      ['Review how direct payments are working and what must change.'],
      ['Reviewing and changing the role of the direct payments team'],
      [
        'Are direct payments part of the process, or a separate activity in the council?',
        'What share of people took direct payments before self-directed support began?',
        'How many people take their budget directly (with support if they need it), and how many leave it to be care managed?',
        'How much did you change your local reading of the direct payments guidance? Have you slimmed down local policy and procedure?',
        'How flexibly could people use direct payments before, and how flexibly can they now?',
      ],
    ),
    step(
      12,
      'external-providers',
      'make-the-changes',
      'External providers',
      ['Begin to shape and change the market of external providers.'],
      [
        'Reviewing commissioning',
        'Talking to providers early in the change, with joint training',
        'Encouraging imaginative support planning and provision',
        'Helping providers adapt their businesses',
        'New contracting arrangements and service level agreements',
        'Brokerage, including independent brokerage',
        'Champions among providers',
      ],
      [
        'How soon did you engage local providers, and how?',
        'Did some providers resist? What happened to them: did they change, when, and how?',
        'If you ended block contracts, how, and did you decommission formally?',
      ],
    ),
    step(
      13,
      'care-management',
      'make-the-changes',
      'Care management',
      ['Review the role of the care management team and what must change.'],
      [
        'Letting go of gatekeeping and streamlining administration',
        'The role becomes checking and signing off the self-assessment and the support plan, and reviewing',
        'Care managers helping to change the processes and forms',
        'Power shifting from the practitioner to the person',
      ],
      [
        'How resistant was the care management team, on a scale of 1 to 10 (10 most)?',
        'If it resisted, what brought it on board?',
        'What was the resistance about, is there still some, and how far has it fallen (1 to 10)?',
      ],
    ),
    step(
      14,
      'internal-providers',
      'make-the-changes',
      'Internal providers',
      ['Review the council’s own services and what must change.'],
      [
        'Making in-house services more flexible',
        'Training and talking with front-line staff',
        'Showing how it can work for in-house services: people keep choosing good services',
        'A safe place to share worries',
        'Reviewing terms and conditions',
        'Finding the real cost of services, overheads included',
      ],
      ['How have your in-house services changed?', 'Are more or fewer people using them?', 'Have any closed, or are any planned to close?'],
    ),
    step(
      15,
      'micro-provision',
      'make-the-changes',
      'Micro provision',
      [
        'Find the micro providers already working (fewer than five personal assistants), the support they need, provide it, and encourage new ones.',
      ],
      ['Support to set up and grow micro providers'],
      ['Do micro providers have to register?', 'How are they monitored?', 'What support does the council give them?'],
    ),
    step(
      16,
      'prevention-and-reablement',
      'embed-deeper',
      'Prevention and reablement',
      ['Review support, systems and processes for early intervention, prevention and reablement, and widen and embed them.'],
      [
        'A section on enablement in every support plan',
        'Telecare',
        'Befriending',
        'Travel training',
        'Peer support groups and community organisations',
      ],
      ['How have your in-house services changed?', 'Are more or fewer people using them?', 'Have any closed, or are any planned to close?'],
    ),
    step(
      17,
      'education',
      'embed-deeper',
      'Education',
      ['Look at the experience of someone meeting the system: is it joined up, and does it look at the whole of the support they need?'],
      [
        'The right balance between unpaid and paid support',
        'Where carers stand in the support package',
        'Keeping support plans live, so people can change things quickly while their outcomes are met',
        'Joining up social care and health',
      ],
      [
        'Have you expected unpaid support to grow, and has that shaped future budgets?',
        'How does the RAS treat carers? Is there a separate carers’ RAS, or a reduction where there is unpaid support?',
        'How do you make moving between social care and health care as seamless as possible?',
      ],
    ),
    step(
      18,
      'health',
      'embed-deeper',
      'Health',
      ['Review support, systems and processes with health for early intervention, prevention and reablement, and widen and embed them.'],
      [
        'Bringing health colleagues on board early',
        'Joint funding passed to the council and on to the person as part of their personal budget, provided health needs are met and the health share is spent only on support',
      ],
      [
        'Where people have become eligible for NHS Continuing Health Care and governance passes to the NHS, how have you handled it?',
        'If that has not happened yet, how do you plan to handle it?',
      ],
    ),
    step(
      19,
      'work',
      'embed-deeper',
      'Work',
      ['Actively help people into work.'],
      [
        'A work opportunities service for paid and voluntary work, and for preparing for it (CVs, interviews)',
        'Links with local businesses, charities and council services offering work and volunteering',
      ],
      ['Have people been able to include Access to Work money in their budget, and how has it worked?'],
    ),
    step(
      20,
      'community',
      'embed-deeper',
      'Community',
      ['Actively develop and promote the community support people need.'],
      ['A community resource list with contacts', 'Community bridge builders', 'A community inclusion team'],
      [
        'How do you support voluntary and community organisations?',
        'How are you shaping the community so that worthwhile, affordable activities are there for people to put in their plans?',
        'Is there a Centre for Independent Living, and what does it do?',
        'Do you have community inclusion or community building teams, and what do they do?',
        'How else do you make sure people get the information and advice to find and use what their community offers?',
      ],
    ),
  ],
};

// The benchmarks' one way to make a person in the demo council: an agreed assessment (the middle
// option of every question) and an indicative budget, through the API as a coordinator would.
export async function demoPersonWithBudget(call, demo) {
  const key = demo.adminKey.key;
  const assessor = (await call('POST', '/v1/api-keys', key, { name: 'Bench coordinator', roles: ['assessor'] })).json().key;
  const questionnaire = (await call('GET', `/v1/questionnaires/${demo.questionnaireId}`, key)).json();
  const scheme = (await call('GET', `/v1/allocation-schemes/${demo.allocationSchemeId}`, key)).json();
  const answers = Object.fromEntries(
    questionnaire.sections.flatMap((section) =>
      section.questions.map((q) => [q.key, q.type === 'multi' ? [q.options[0].key] : q.options[Math.min(2, q.options.length - 1)].key]),
    ),
  );
  const person = (await call('POST', '/v1/people', assessor, { clientGroup: scheme.clientGroups[0], displayName: 'Sam' })).json();
  const assessment = (
    await call('POST', '/v1/assessments', assessor, {
      personId: person.id,
      questionnaireId: demo.questionnaireId,
      completedWith: ['self'],
      answers,
    })
  ).json();
  const submitted = (
    await call('POST', `/v1/assessments/${assessment.id}/submit`, assessor, undefined, { 'if-match': `"${assessment.version}"` })
  ).json();
  await call(
    'POST',
    `/v1/assessments/${assessment.id}/moderation`,
    assessor,
    { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    { 'if-match': `"${submitted.version}"` },
  );
  const budget = (await call('POST', '/v1/budgets', assessor, { assessmentId: assessment.id, startDate: scheme.effectiveFrom })).json();
  return { person, assessment, budget };
}

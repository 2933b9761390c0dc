import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { fixedClock } from '../../src/clock.js';
import { writeTransaction } from '../../src/db/changes.js';
import type { Database } from '../../src/db/database.js';
import { CompiledRules } from '../../src/repositories/compiled-rules.js';
import { ASSESSMENT, createAssessment, moderateAssessment, saveAnswers, submitAssessment } from '../../src/workflows/assessments.js';
import type { WorkflowContext } from '../../src/workflows/context.js';
import { createCouncil } from '../../src/workflows/councils.js';
import { createPerson } from '../../src/workflows/people.js';
import { createQuestionnaireVersion } from '../../src/workflows/rule-versions.js';
import { SMALL_QUESTIONNAIRE } from '../helpers/fixtures.js';
import { openTestDatabase } from '../helpers/test-app.js';

// The assessment lifecycle as workflows, on a real database and without HTTP: what a route adds
// (parsing, ETags, status codes) is left out, so what is tested is the state machine itself.

let database: Database;
let rules: CompiledRules;
let councilId = '';
let questionnaireId = '';
const clock = fixedClock('2026-07-15');

/** Runs `work` as a key with `roles` of the council would, in one transaction with its audit rows and events. */
function as<T>(roles: readonly Role[], work: (context: WorkflowContext) => Promise<T>): Promise<T> {
  const actor = { actor: `key:test-${roles.join('-')}`, actorName: null };
  return writeTransaction(database.db, { councilId, actor: actor.actor, requestId: null }, (tx, changes) =>
    work({ tx, changes, rules, clock, scope: { councilId, portalKeyId: null }, actor, roles }),
  );
}

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', entityId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

beforeAll(async () => {
  database = await openTestDatabase();
  rules = new CompiledRules(database.db);
  const { council } = await writeTransaction(database.db, { councilId: null, actor: 'operator', requestId: null }, (tx, changes) =>
    createCouncil({ tx, changes }, { name: `Workflow council ${Date.now()}`, settings: { clientGroups: ['learning-disability'] } }),
  );
  councilId = council.id;
  questionnaireId = (await as(['admin'], (context) => createQuestionnaireVersion(context, SMALL_QUESTIONNAIRE))).id;
});
afterAll(() => database.close());

/** A draft with every question answered (washing: lots, aids: hoist and rail, out: with: 25 points). */
async function draft() {
  const person = await as(['assessor'], (context) => createPerson(context, { clientGroup: 'learning-disability', createdByKeyId: null }));
  const questionnaire = await rules.questionnaire(councilId, questionnaireId);
  if (!questionnaire) throw new Error('the questionnaire is missing');
  return as(['assessor'], (context) =>
    createAssessment(context, {
      personId: person.person.id,
      questionnaire,
      completedWith: ['self'],
      answers: { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' },
      createdByKeyId: null,
    }),
  );
}

const AGREE = { decision: 'agree', amendments: [], eligibility: { eligible: true, basis: 'care-act-2014' } } as const;

describe('the assessment state machine', () => {
  it('goes draft → submitted → agreed, a version and an audit row at each step', async () => {
    const created = await draft();
    expect(created).toMatchObject({ status: 'draft', version: 1 });
    const submitted = await as(['portal'], (context) => submitAssessment(context, created.id, 1));
    expect(submitted).toMatchObject({ status: 'submitted', version: 2, total_points: 25 });
    const agreed = await as(['assessor'], (context) => moderateAssessment(context, created.id, 2, AGREE));
    expect(agreed).toMatchObject({ status: 'agreed', version: 3 });
    expect(agreed.moderation).toMatchObject({
      decision: 'agree',
      moderatedBy: 'key:test-assessor',
      moderatedAt: '2026-07-15T12:00:00.000Z',
    });
    expect(await auditActions(created.id)).toEqual(['assessment.created', 'assessment.submitted', 'assessment.agreed']);
  });

  it('refuses a step from a status its table does not start it from, and writes nothing', async () => {
    const created = await draft();
    await expect(as(['assessor'], (context) => moderateAssessment(context, created.id, 1, AGREE))).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: 'Only a submitted assessment can be moderated; it is draft',
    });
    await as(['assessor'], (context) => submitAssessment(context, created.id, 1));
    await expect(as(['assessor'], (context) => saveAnswers(context, created.id, 2, {}))).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(await auditActions(created.id)).toEqual(['assessment.created', 'assessment.submitted']);
  });

  it('refuses a version the caller did not see (412) before anything else changes', async () => {
    const created = await draft();
    await expect(as(['assessor'], (context) => submitAssessment(context, created.id, 7))).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(await auditActions(created.id)).toEqual(['assessment.created']);
  });

  it('lets only the roles its table names take a step: a portal submits, only a coordinator moderates', async () => {
    expect(ASSESSMENT.steps.submit.roles).toContain('portal');
    expect(ASSESSMENT.steps.moderate.roles).toEqual(['assessor']);
    const created = await draft();
    await as(['portal'], (context) => submitAssessment(context, created.id, 1));
    await expect(as(['portal'], (context) => moderateAssessment(context, created.id, 2, AGREE))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await auditActions(created.id)).toEqual(['assessment.created', 'assessment.submitted']);
  });

  it('closes an erased person’s assessment to every step', async () => {
    const created = await draft();
    await database.db
      .updateTable('people')
      .set({ erased_at: new Date('2026-07-01T00:00:00Z') })
      .where('id', '=', created.person_id)
      .execute();
    await expect(as(['assessor'], (context) => submitAssessment(context, created.id, 1))).rejects.toMatchObject({
      code: 'PERSON_ERASED',
    });
  });

  it('answers 404 for an assessment of another council', async () => {
    const created = await draft();
    const other = await writeTransaction(database.db, { councilId: null, actor: 'operator', requestId: null }, (tx, changes) =>
      createCouncil({ tx, changes }, { name: `Other council ${Date.now()}` }),
    );
    const elsewhere = (context: WorkflowContext) =>
      submitAssessment({ ...context, scope: { councilId: other.council.id, portalKeyId: null } }, created.id, 1);
    await expect(as(['assessor'], elsewhere)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

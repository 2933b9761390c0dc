import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { validateQuestionnaire } from 'ras-core';
import { writeTransaction } from '../db/changes.js';
import type { DB } from '../db/schema.js';
import { insertSchemeVersion } from '../repositories/allocation-schemes.js';
import { insertApiKey, insertCouncil } from '../repositories/councils.js';
import { insertQuestionnaireVersion } from '../repositories/questionnaires.js';
import { DEMO_QUESTIONNAIRE } from './demo-questionnaire.js';

/** What the seed made, for the start-up message. */
export interface SeededDemo {
  readonly councilName: string;
  readonly credentialsFile: string;
}

export const DEMO_COUNCIL_NAME = 'Demo Borough';
export const DEMO_CLIENT_GROUPS = ['learning-disability', 'physical-disability', 'older-people', 'mental-health'];

/**
 * On an empty database, creates the demo council with its questionnaire, a linear scheme and an
 * admin key, and writes the key to `DATA_DIR/demo-credentials.json` (readable by its owner only).
 * Does nothing when any council exists.
 */
export async function seedDemoCouncil(db: Kysely<DB>, dataDir: string): Promise<SeededDemo | null> {
  const problems = validateQuestionnaire(DEMO_QUESTIONNAIRE);
  if (problems.length > 0) throw new Error(`The demo questionnaire is invalid: ${JSON.stringify(problems)}`);
  const seeded = await db.transaction().execute(async (tx) => {
    // Two instances starting on one empty database must not both seed.
    await sql`select pg_advisory_xact_lock(hashtextextended('ras:seed-demo', 0))`.execute(tx);
    const existing = await tx.selectFrom('councils').select('id').limit(1).executeTakeFirst();
    if (existing) return null;
    return { empty: true };
  });
  if (!seeded) return null;

  const result = await writeTransaction(db, { councilId: null, actor: 'seed', requestId: null }, async (tx, changes) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('ras:seed-demo', 0))`.execute(tx);
    if (await tx.selectFrom('councils').select('id').limit(1).executeTakeFirst()) return null;
    const council = await insertCouncil(tx, DEMO_COUNCIL_NAME, {
      paymentFrequency: 'monthly',
      contributionCollection: 'net',
      firstReviewAfterWeeks: 4,
      paymentFile: { serviceUserNumber: '900001', originatorName: 'DEMO BOROUGH', sortCode: '40-00-00', accountNumber: '10000001' },
      directPaymentTerms: {
        version: '2026-04',
        text: 'Demo Borough direct payment agreement. I will use the money for the support in my agreed plan, keep it in the account named here, keep receipts for everything I buy, send a statement every quarter, and pay back anything not spent on my plan if the council asks.',
      },
    });
    changes.bind(council.id);
    const admin = await insertApiKey(tx, council.id, 'Demo admin key', ['admin'], 'seed');
    const { key, title, sections } = DEMO_QUESTIONNAIRE;
    const questionnaire = await insertQuestionnaireVersion(tx, council.id, key, title, { sections });
    const scheme = await insertSchemeVersion(tx, council.id, {
      key: 'adults',
      questionnaireId: questionnaire.id,
      clientGroups: DEMO_CLIENT_GROUPS,
      effectiveFrom: '2020-04-01',
      effectiveTo: null,
      definition: {
        method: { type: 'linear', poundsPerPointPence: 22_500 },
        floorPoints: 5,
        ceilingPence: 6_000_000,
        topSlicePercent: 10,
        clawback: { type: 'percent', percent: 20 },
        weeksPerYear: 52,
        rounding: 'penny',
      },
    });
    changes.record({
      action: 'council.created',
      entityType: 'council',
      entityId: council.id,
      after: { id: council.id, name: council.name },
    });
    changes.record({
      action: 'questionnaire.created',
      entityType: 'questionnaire',
      entityId: questionnaire.id,
      after: { id: questionnaire.id, key, version: 1 },
    });
    changes.record({
      action: 'allocation-scheme.created',
      entityType: 'allocation-scheme',
      entityId: scheme.id,
      after: { id: scheme.id, key: scheme.key, version: 1 },
    });
    return { council, admin, questionnaire, scheme };
  });
  if (!result) return null;

  mkdirSync(dataDir, { recursive: true });
  const credentialsFile = join(dataDir, 'demo-credentials.json');
  const credentials = {
    note: 'Demo credentials written when the service seeded an empty database. The key is shown only here; keep this file private.',
    council: { id: result.council.id, name: result.council.name },
    adminKey: { id: result.admin.row.id, key: result.admin.key, roles: ['admin'] },
    questionnaireId: result.questionnaire.id,
    allocationSchemeId: result.scheme.id,
    clientGroups: DEMO_CLIENT_GROUPS,
  };
  writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(credentialsFile, 0o600);
  return { councilName: result.council.name, credentialsFile };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const TRANSPARENCY = {
  publishedSchemeIds: [] as string[],
  contactEmail: 'ras@merge.example.gov.uk',
  seniorResponsibleOwner: 'Director of Adult Social Services',
};
const DATA_PROTECTION = {
  dpoContact: 'dpo@merge.example.gov.uk',
  retention: { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 },
};

/** A council with payment, data protection and transparency settings already stored. */
async function councilWithSettings() {
  const council = await t.council('Merge patch council', {
    paymentFrequency: 'monthly',
    dataProtection: DATA_PROTECTION,
    transparency: TRANSPARENCY,
  });
  const read = await t.call('GET', '/v1/council', { key: council.adminKey });
  expect(read.statusCode).toBe(200);
  return { key: council.adminKey, etag: read.headers.etag as string, before: read.json() };
}

describe('updateCouncil: a JSON Merge Patch (RFC 7396)', () => {
  it('changes only what it names: the README’s transparency change keeps payment and data protection settings', async () => {
    const { key, etag, before } = await councilWithSettings();
    const patched = await t.call('PATCH', '/v1/council', {
      key,
      headers: { 'if-match': etag, 'content-type': 'application/merge-patch+json' },
      body: { settings: { transparency: { website: 'https://merge.example.gov.uk/ras' } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const settings = patched.json().settings;
    expect(settings.paymentFrequency).toBe('monthly');
    expect(settings.dataProtection).toEqual(before.settings.dataProtection);
    // Objects merge member by member: the contact set before is kept beside the new member.
    expect(settings.transparency).toEqual({ ...TRANSPARENCY, website: 'https://merge.example.gov.uk/ras' });
    expect(patched.json().name).toBe(before.name);
    expect(patched.json().version).toBe(before.version + 1);
  });

  it('reads application/json as the same merge patch, and null removes a setting', async () => {
    const { key, etag, before } = await councilWithSettings();
    const patched = await t.call('PATCH', '/v1/council', {
      key,
      headers: { 'if-match': etag },
      body: { name: 'Renamed council', settings: { transparency: { seniorResponsibleOwner: null } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().name).toBe('Renamed council');
    expect(patched.json().settings.transparency.seniorResponsibleOwner).toBeUndefined();
    expect(patched.json().settings.transparency.contactEmail).toBe(TRANSPARENCY.contactEmail);
    expect(patched.json().settings.dataProtection).toEqual(before.settings.dataProtection);
  });

  it('checks the settings the patch makes as a whole, naming the field, and stores nothing when they fail', async () => {
    const { key, etag } = await councilWithSettings();
    // Removing a member its object requires.
    const incomplete = await t.call('PATCH', '/v1/council', {
      key,
      headers: { 'if-match': etag, 'content-type': 'application/merge-patch+json' },
      body: { settings: { directPaymentTerms: { text: 'Terms without a version' } } },
    });
    expect(incomplete.statusCode).toBe(400);
    expect(problemOf(incomplete).errors).toContainEqual({ pointer: '/settings/directPaymentTerms/version', detail: 'is required' });
    // A wrong type is refused by the patch's own schema, before anything is read.
    const wrongType = await t.call('PATCH', '/v1/council', {
      key,
      headers: { 'if-match': etag },
      body: { settings: { paymentFrequency: 7 } },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(problemOf(wrongType).errors?.[0]?.pointer).toBe('/settings/paymentFrequency');
    // The checks beyond the schema run on the merged settings too.
    const tooShort = await t.call('PATCH', '/v1/council', {
      key,
      headers: { 'if-match': etag },
      body: { settings: { dataProtection: { retention: { personRecordYears: 1 } } } },
    });
    expect(tooShort.statusCode).toBe(422);
    expect(problemOf(tooShort).code).toBe('RETENTION_BELOW_STATUTORY_MINIMUM');
    const after = await t.call('GET', '/v1/council', { key });
    expect(after.headers.etag).toBe(etag);
  });

  it('refuses a merge patch where an operation does not take one (415)', async () => {
    const { key } = await councilWithSettings();
    const refused = await t.call('POST', '/v1/api-keys', {
      key,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { name: 'A key', roles: ['auditor'] },
    });
    expect(refused.statusCode).toBe(415);
    expect(problemOf(refused).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('replaceCouncil: the whole replacement, only when asked for', () => {
  it('replaces name and settings as a whole, and needs If-Match', async () => {
    const { key, etag } = await councilWithSettings();
    const without = await t.call('PUT', '/v1/council', { key, body: { name: 'Replaced', settings: {} } });
    expect(without.statusCode).toBe(428);
    const replaced = await t.call('PUT', '/v1/council', {
      key,
      headers: { 'if-match': etag },
      body: { name: 'Replaced', settings: { paymentFrequency: 'four-weekly' } },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().settings.paymentFrequency).toBe('four-weekly');
    expect(replaced.json().settings.transparency).toBeUndefined();
    expect(replaced.json().settings.dataProtection?.dpoContact).toBeUndefined();
  });
});

#!/usr/bin/env node
// `npm run browser:check`: drives /docs in a real browser (Debian's chromium, through
// playwright-core) against a started service, as a council developer would on first contact:
// the page loads with the service's own title over plain HTTP on a non-loopback address, takes
// the demo admin key in "Authorize", and runs calculateBudget from "Try it out" to a 200. Then
// screenshots the calibration report and the scheme description into docs/screens/ for the guides.
//
// CHROMIUM names the browser (default /usr/bin/chromium); .ci/run installs Debian's package when
// it is missing.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startService } from './started-service.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const screens = join(root, 'docs/screens');
const check = (ok, what) => {
  if (!ok) throw new Error(`browser check failed: ${what}`);
  process.stdout.write(`ok  ${what}\n`);
};

/** This machine's first non-loopback IPv4 address: where a colleague's browser would reach it. */
function lanAddress() {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return null;
}

const started = Date.now();
const lan = lanAddress();
const service = await startService({ HOST: lan ? '0.0.0.0' : '127.0.0.1' });
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const base = lan ? service.url.replace(/\/\/[^:/]+/, `//${lan}`) : service.url;
  if (!lan) process.stdout.write('note: no non-loopback address on this machine; checking over 127.0.0.1\n');
  const demo = JSON.parse(readFileSync(join(service.dataDir, 'demo-credentials.json'), 'utf8'));
  const key = demo.adminKey.key;

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const blocked = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
  });
  page.on('requestfailed', (request) => blocked.push(`${request.url()}: ${request.failure()?.errorText}`));

  await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
  const title = await page.title();
  check(title === 'RAS personal budget service: API reference', `/docs at ${base} has the service's own title ("${title}")`);
  await page.waitForSelector('.information-container .title', { timeout: 20_000 });
  check(
    blocked.length === 0,
    `/docs loads every script and style over plain HTTP (nothing blocked${blocked.length ? `: ${blocked.join('; ')}` : ''})`,
  );

  await page.click('.auth-wrapper .authorize');
  await page.fill('.auth-container input[type=text], .auth-container input:not([type])', key);
  await page.click('.auth-btn-wrapper .authorize');
  await page.click('.auth-btn-wrapper .btn-done');
  // Swagger UI marks the padlock locked once a scheme holds a value.
  check((await page.locator('.auth-wrapper .authorize.locked').count()) === 1, 'Authorize takes the demo admin key');

  const operation = page.locator('#operations-calculations-calculateBudget');
  await operation.locator('.opblock-summary').click();
  await operation.locator('.try-out__btn').click();
  const body = JSON.stringify(
    { schemeId: demo.allocationSchemeId, answers: { washing: 'some' }, weeksAtHome: 40, weeklyContributionPence: 1500 },
    null,
    2,
  );
  await operation.locator('textarea.body-param__text').fill(body);
  await operation.locator('.execute').click();
  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 20_000 });
  const statusText = (await status.textContent())?.trim() ?? '';
  const answer = (await operation.locator('.live-responses-table tbody .response-col_description pre').first().textContent()) ?? '';
  check(statusText === '200' && answer.includes('rasAnnualPence'), `"Try it out" on calculateBudget answers ${statusText} with the budget`);
  mkdirSync(screens, { recursive: true });
  await status.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 250));
  // The curl line carries the key: masked, though it belongs to a database deleted on exit.
  await page.screenshot({ path: join(screens, 'docs-try-it-out.png'), mask: [operation.locator('.curl-command')] });

  // The two pages a council shows people: the desktop exercise report and the scheme in words.
  const api = async (method, path, payload, headers = {}, as = key) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json', ...headers },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const cases = Array.from({ length: 40 }, (_, i) => ({
    ref: `C${i + 1}`,
    points: 10 + ((i * 37) % 90),
    currentAnnualPence: (10 + ((i * 37) % 90)) * 22_000 + ((i * 7919) % 400_000) - 200_000,
    clientGroup: ['older-people', 'learning-disability', 'physical-disability', 'mental-health'][i % 4],
  }));
  const calibration = await api('POST', '/v1/calibrations', {
    cases,
    topSlicePercent: 10,
    proposed: { method: { type: 'linear', poundsPerPointPence: 22_500 }, floorPoints: 5, ceilingPence: 6_000_000 },
  });
  const reader = await browser.newPage({ viewport: { width: 1000, height: 1300 }, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const report = await reader.goto(`${base}/v1/calibrations/${calibration.id}/report`);
  check(report?.status() === 200, 'the calibration report opens in the browser');
  await reader.screenshot({ path: join(screens, 'calibration-report.png'), fullPage: false });
  const description = await reader.goto(`${base}/v1/allocation-schemes/${demo.allocationSchemeId}/description?format=html`);
  check(description?.status() === 200, 'the scheme description opens in the browser');
  await reader.screenshot({ path: join(screens, 'scheme-description.png'), fullPage: false });

  // A letter to a person, as they would see it: Sam's indicative budget in the demo council.
  const assessor = (await api('POST', '/v1/api-keys', { name: 'Browser check coordinator', roles: ['assessor'] })).key;
  const questionnaire = await api('GET', `/v1/questionnaires/${demo.questionnaireId}`);
  const answers = Object.fromEntries(
    questionnaire.sections.flatMap((section) =>
      section.questions.map((q) => [q.key, q.type === 'multi' ? [q.options[0].key] : q.options[Math.min(2, q.options.length - 1)].key]),
    ),
  );
  const scheme = await api('GET', `/v1/allocation-schemes/${demo.allocationSchemeId}`);
  const person = await api('POST', '/v1/people', { clientGroup: scheme.clientGroups[0], displayName: 'Sam' }, {}, assessor);
  const assessment = await api(
    'POST',
    '/v1/assessments',
    { personId: person.id, questionnaireId: demo.questionnaireId, completedWith: ['self'], answers },
    {},
    assessor,
  );
  const submitted = await api(
    'POST',
    `/v1/assessments/${assessment.id}/submit`,
    undefined,
    { 'if-match': `"${assessment.version}"` },
    assessor,
  );
  await api(
    'POST',
    `/v1/assessments/${assessment.id}/moderation`,
    { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    { 'if-match': `"${submitted.version}"` },
    assessor,
  );
  await api(
    'POST',
    `/v1/people/${person.id}/financial-assessments`,
    { effectiveFrom: scheme.effectiveFrom, weeklyContributionPence: 4_500 },
    {},
    key,
  );
  const budget = await api('POST', '/v1/budgets', { assessmentId: assessment.id, startDate: scheme.effectiveFrom }, {}, assessor);
  const letter = await reader.goto(`${base}/v1/letters/indicative-budget/${budget.id}`);
  check(letter?.status() === 200, 'the indicative budget letter opens in the browser');
  check((await reader.locator('svg.money rect').count()) >= 2, 'the letter draws where the money comes from');
  await reader.setViewportSize({ width: 900, height: 1300 });
  await reader.screenshot({ path: join(screens, 'letter-indicative-budget.png'), fullPage: true });

  // What a Data Protection Officer prints: Sam's subject access page and the council's DPIA facts.
  const record = await reader.goto(`${base}/v1/people/${person.id}/record?format=html`);
  check(record?.status() === 200, 'the subject access page opens in the browser');
  check(
    (await reader.locator('#opening h2', { hasText: 'Who looked at your records' }).count()) === 1,
    'the subject access page opens by telling the person who looked',
  );
  check((await reader.locator('h3#accessLog').count()) === 1, 'the full record that follows lists every read');
  await reader.screenshot({ path: join(screens, 'subject-access.png'), fullPage: false });
  const dpia = await reader.goto(`${base}/v1/dpia`);
  check(dpia?.status() === 200, 'the DPIA pack opens in the browser');
  await reader.screenshot({ path: join(screens, 'dpia-pack.png'), fullPage: false });
  const names = [
    'docs-try-it-out.png',
    'calibration-report.png',
    'scheme-description.png',
    'letter-indicative-budget.png',
    'subject-access.png',
    'dpia-pack.png',
  ];
  const shots = names.filter((name) => statSync(join(screens, name)).mtimeMs >= started);
  check(shots.length === names.length, `${names.length} screenshots written to ${screens}`);
} finally {
  await browser?.close();
  await service.stop();
}

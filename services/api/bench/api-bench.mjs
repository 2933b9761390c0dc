#!/usr/bin/env node
// Benchmarks for the budget service (issue 3), each figure measured side by side in one run:
//   1. calculateBudget vs a bare Fastify route taking the same body (autocannon, 50 connections)
//   2. createAssessment on PostgreSQL vs pgbench doing the same inserts (row, audit, outbox)
//   3. service RSS under that load
//   4. start-up time on an existing embedded (PGlite) database
// Run with `npm run bench:api` (builds first). Needs the PostgreSQL server at POSTGRES_ADMIN_URL
// (default postgres://postgres@127.0.0.1:5432/test) and pgbench on the PATH for part 2.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { scratchDatabase } from './scratch-database.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const server = join(root, 'services/api/dist/server.js');
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const CONNECTIONS = 50;
// BENCH_PARTS=request-path,writes,embedded runs only those parts (default: all).
const PARTS = new Set((process.env.BENCH_PARTS ?? 'request-path,batch,writes,embedded,import').split(','));

// BENCH_PIN=1 (run as `taskset -c 1 npm run bench:api`): the service and the bare route each run
// on core 0 and the load generator on core 1, so neither takes the other's core.
const PIN = process.env.BENCH_PIN === '1';

function start(script, env) {
  const [command, args] = PIN ? ['taskset', ['-c', '0', process.execPath, script]] : [process.execPath, [script]];
  const child = spawn(command, args, {
    // Quiet logs and no rate limit: the load comes from one key by design.
    env: { ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, url: match[1], output, startupMs: performance.now() - startedAt });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function load(url, options, pid) {
  let peak = 0;
  const timer = pid ? setInterval(() => (peak = Math.max(peak, rssMb(pid))), 200) : undefined;
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...options });
  if (timer) clearInterval(timer);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, peakRssMb: peak };
}

async function call(url, path, key, body) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Answers for every question of the demo questionnaire: the first option of each, or one option of a multi. */
function demoAnswers(questionnaire) {
  const answers = {};
  for (const section of questionnaire.sections) {
    for (const question of section.questions)
      answers[question.key] = question.type === 'multi' ? [question.options[0].key] : (question.options[1]?.key ?? question.options[0].key);
  }
  return answers;
}

/**
 * POSTs `count` copies of one NDJSON line as a stream (never all in memory) and reads the answer
 * as it comes, counting lines and problems; samples the service's RSS meanwhile.
 */
async function streamBatch(url, key, line, count, pid) {
  const { request } = await import('node:http');
  const { Readable } = await import('node:stream');
  let sent = 0;
  const piece = `${line}\n`.repeat(500);
  const body = new Readable({
    read() {
      if (sent >= count) return this.push(null);
      const n = Math.min(500, count - sent);
      sent += n;
      this.push(n === 500 ? piece : `${line}\n`.repeat(n));
    },
  });
  const samples = [];
  const timer = setInterval(() => samples.push(rssMb(pid)), 200);
  const startedAt = performance.now();
  let answered = 0;
  let problems = 0;
  await new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`batch answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) answered++;
          for (let i = chunk.indexOf('"problem"'); i !== -1; i = chunk.indexOf('"problem"', i + 1)) problems++;
        });
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    body.pipe(req);
  });
  clearInterval(timer);
  const seconds = (performance.now() - startedAt) / 1000;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { answered, problems, seconds, perSecond: answered / seconds, rss: [sorted[0], at(0.1), at(0.9), sorted.at(-1)] };
}

const results = [];
const row = (measure, ours, yardstick, ratio, target, pass) => results.push({ measure, ours, yardstick, ratio, target, pass });

// --- 1, 2 and 3: the service on PostgreSQL.
const { url: dbUrl, drop: dropBenchDatabase } = await scratchDatabase('ras_bench');
const pgDataDir = mkdtempSync(join(tmpdir(), 'ras-bench-pg-'));
try {
  const service = await start(server, { DATABASE_URL: dbUrl.toString(), DATA_DIR: pgDataDir, PORT: '0', SEED_DEMO: 'true' });
  const credentials = JSON.parse(readFileSync(join(pgDataDir, 'demo-credentials.json'), 'utf8'));
  const key = credentials.adminKey.key;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const questionnaire = await (await fetch(`${service.url}/v1/questionnaires/${credentials.questionnaireId}`, { headers })).json();
  const answers = demoAnswers(questionnaire);
  // A 5-question scheme beside the 40-question demo one: the demo's personal care section alone.
  const five = await call(service.url, '/v1/questionnaires', key, {
    key: 'saq-five',
    title: 'Five questions',
    sections: [questionnaire.sections[0]],
  });
  const fiveScheme = await call(service.url, '/v1/allocation-schemes', key, {
    key: 'five',
    questionnaireId: five.id,
    clientGroups: ['older-people'],
    effectiveFrom: '2020-04-01',
    method: { type: 'linear', poundsPerPointPence: 22_500 },
    clawback: { type: 'percent', percent: 20 },
  });
  const schemes = {
    40: JSON.stringify({ schemeId: credentials.allocationSchemeId, answers, weeksAtHome: 40, weeklyContributionPence: 1500 }),
    5: JSON.stringify({ schemeId: fiveScheme.id, answers: demoAnswers(five), weeksAtHome: 40, weeklyContributionPence: 1500 }),
  };

  if (PARTS.has('request-path')) {
    // 1. The request path: calculateBudget (full and ?view=summary) on the 40-question demo scheme
    // and on a 5-question one (the demo's personal care section on its own), and GET /health,
    // each against a bare Fastify route taking the same body and sending the same bytes,
    // serialised once at start-up. Run one after the other in rounds; ratios within each round.
    const payloads = [];
    const sizes = {};
    for (const [questions, body] of Object.entries(schemes)) {
      const file = join(pgDataDir, `calculate-budget-${questions}.json`);
      const text = JSON.stringify(await call(service.url, '/v1/calculations/budget', key, JSON.parse(body)));
      writeFileSync(file, text);
      sizes[questions] = Buffer.byteLength(text);
      payloads.push(`full${questions}=${file}`);
    }
    const bare = await start(join(root, 'services/api/bench/bare-server.mjs'), { BARE_PAYLOADS: payloads.join(',') });
    const pairs = [
      ...['5', '40'].map((q) => ({
        name: `calculateBudget, ${q}-question scheme, full explanation (${sizes[q].toLocaleString('en-GB')} bytes) vs a bare route sending the same bytes`,
        ours: [`${service.url}/v1/calculations/budget`, { method: 'POST', headers, body: schemes[q] }],
        bare: [`${bare.url}/sized/full${q}`, { method: 'POST', headers, body: schemes[q] }],
        target: 0.6,
        p99: true,
      })),
      ...['5', '40'].map((q) => ({
        name: `calculateBudget?view=summary, ${q}-question scheme, vs a bare route answering a 24-byte object`,
        ours: [`${service.url}/v1/calculations/budget?view=summary`, { method: 'POST', headers, body: schemes[q] }],
        bare: [`${bare.url}/bare`, { method: 'POST', headers, body: schemes[q] }],
        target: 0.6,
      })),
      {
        name: 'GET /health vs a bare GET /health (what every request pays)',
        ours: [`${service.url}/health`, { method: 'GET' }],
        bare: [`${bare.url}/health`, { method: 'GET' }],
      },
    ];
    for (const pair of pairs) {
      await load(pair.bare[0], { ...pair.bare[1], duration: 2 });
      await load(pair.ours[0], { ...pair.ours[1], duration: 2 });
    }
    const rounds = [];
    let peakRssMb = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const measured = [];
      for (const pair of pairs) {
        const bareResult = await load(...pair.bare);
        const oursResult = await load(...pair.ours, service.child.pid);
        peakRssMb = Math.max(peakRssMb, oursResult.peakRssMb);
        measured.push({ bare: bareResult, ours: oursResult, ratio: oursResult.rps / bareResult.rps });
      }
      rounds.push(measured);
    }
    await stop(bare.child);
    const percent = (ratio) => `${(ratio * 100).toFixed(0)}%`;
    pairs.forEach((pair, i) => {
      const of = (pick) => median(rounds.map((r) => pick(r[i])));
      const ratio = of((m) => m.ratio);
      row(
        pair.name,
        `${of((m) => m.ours.rps).toFixed(0)} req/s`,
        `${of((m) => m.bare.rps).toFixed(0)} req/s`,
        `${percent(ratio)} (rounds: ${rounds.map((r) => percent(r[i].ratio)).join(', ')})`,
        pair.target ? `≥ ${percent(pair.target)}` : '(context)',
        pair.target ? ratio >= pair.target : true,
      );
      if (pair.p99) {
        const p99 = of((m) => m.ours.p99);
        row(`  p99 of the above`, `${p99} ms`, `${of((m) => m.bare.p99)} ms`, '', '< 20 ms', p99 < 20);
      }
    });
    row(
      'service peak RSS under calculateBudget load (highest of rounds)',
      `${peakRssMb.toFixed(0)} MB`,
      '',
      '',
      '< 200 MB',
      peakRssMb < 200,
    );
  }

  if (PARTS.has('batch')) {
    // 1b. calculateBudgets: LINES lines streamed in and answered as a stream, the service's
    // resident memory sampled every 200 ms throughout (flat memory: the highest against the lowest).
    const LINES = Number(process.env.BENCH_BATCH_LINES ?? 1_000_000);
    const runs = [
      { questions: '40', view: 'summary', lines: LINES },
      { questions: '5', view: 'summary', lines: LINES },
      { questions: '40', view: 'full', lines: Math.floor(LINES / 5) },
    ];
    for (const run of runs) {
      const result = await streamBatch(
        `${service.url}/v1/calculations/budgets?view=${run.view}`,
        key,
        schemes[run.questions],
        run.lines,
        service.child.pid,
      );
      if (result.answered !== run.lines || result.problems > 0) throw new Error(`batch: ${JSON.stringify(result)}`);
      row(
        `calculateBudgets, ${run.lines.toLocaleString('en-GB')} lines, ${run.questions}-question scheme, view=${run.view}: answer sets a second`,
        Math.round(result.perSecond).toLocaleString('en-GB'),
        `${result.seconds.toFixed(1)} s in all`,
        '',
        run.view === 'summary' ? '≥ 50,000' : '(context)',
        run.view === 'summary' ? result.perSecond >= 50_000 : true,
      );
      row(
        '  service RSS while it ran (lowest / at 10% / at 90% / highest)',
        `${result.rss.map((mb) => mb.toFixed(0)).join(' / ')} MB`,
        '',
        '',
        'flat',
        result.rss[3] - result.rss[1] < 50,
      );
    }
  }

  if (PARTS.has('writes')) {
    // 2 and 3. createAssessment against pgbench doing the same inserts in the same database.
    const person = await call(service.url, '/v1/people', key, { clientGroup: 'older-people' });
    const body = JSON.stringify({ personId: person.id, questionnaireId: credentials.questionnaireId, completedWith: ['family'], answers });
    await load(`${service.url}/v1/assessments`, { method: 'POST', headers, body, duration: 2 });
    const ours = await load(`${service.url}/v1/assessments`, { method: 'POST', headers, body }, service.child.pid);
    // The whole journey, as a mix: person → assessment (answered) → submit → moderate → budget,
    // each connection walking it over and over with the ids the previous answers gave.
    const assessorKey = (await call(service.url, '/v1/api-keys', key, { name: 'bench coordinators', roles: ['assessor'] })).key;
    const assessorHeaders = { 'content-type': 'application/json', authorization: `Bearer ${assessorKey}` };
    const journey = await load(
      service.url,
      {
        requests: [
          {
            method: 'POST',
            path: '/v1/people',
            headers: assessorHeaders,
            body: JSON.stringify({ clientGroup: 'older-people' }),
            onResponse: (_status, body, context) => (context.personId = JSON.parse(body).id),
          },
          {
            method: 'POST',
            path: '/v1/assessments',
            headers: assessorHeaders,
            setupRequest: (request, context) => ({
              ...request,
              body: JSON.stringify({
                personId: context.personId,
                questionnaireId: credentials.questionnaireId,
                completedWith: ['self'],
                answers,
              }),
            }),
            onResponse: (_status, body, context) => (context.assessmentId = JSON.parse(body).id),
          },
          {
            method: 'POST',
            headers: { ...assessorHeaders, 'if-match': '"1"' },
            setupRequest: (request, context) => ({ ...request, path: `/v1/assessments/${context.assessmentId}/submit` }),
          },
          {
            method: 'POST',
            headers: { ...assessorHeaders, 'if-match': '"2"' },
            body: JSON.stringify({ decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } }),
            setupRequest: (request, context) => ({ ...request, path: `/v1/assessments/${context.assessmentId}/moderation` }),
          },
          {
            method: 'POST',
            path: '/v1/budgets',
            headers: assessorHeaders,
            setupRequest: (request, context) => ({
              ...request,
              body: JSON.stringify({ assessmentId: context.assessmentId, startDate: '2026-12-01' }),
            }),
          },
        ],
      },
      service.child.pid,
    );
    row('whole journey mix on PostgreSQL (5 writes per journey), requests/s', journey.rps.toFixed(0), '', '', '(context)', true);
    row('whole journey mix p99 latency', `${journey.p99} ms`, '', '', '', true);
    row('service peak RSS under the journey mix', `${journey.peakRssMb.toFixed(0)} MB`, '', '', '< 200 MB', journey.peakRssMb < 200);
    await stop(service.child);

    // The same writes as one createAssessment: the row, its audit record and its event (numbered after commit).
    const script = join(pgDataDir, 'create-assessment.sql');
    const json = JSON.stringify(answers).replaceAll("'", "''");
    writeFileSync(
      script,
      `BEGIN;
INSERT INTO assessments (id, council_id, person_id, questionnaire_id, status, completed_with, answers) VALUES (gen_random_uuid(), ':council', ':person', ':questionnaire', 'draft', '{family}', '${json}'::jsonb);
INSERT INTO audit_log (id, council_id, actor, action, entity_type, entity_id, after) VALUES (gen_random_uuid(), ':council', 'bench', 'assessment.created', 'assessment', gen_random_uuid(), '{"status":"draft"}');
INSERT INTO events (council_id, id, type, entity_type, entity_id, payload) VALUES (':council', gen_random_uuid(), 'assessment.created', 'assessment', gen_random_uuid(), '{"status":"draft"}');
COMMIT;
`,
    );
    const pgbench = (file) =>
      execFileSync(
        'pgbench',
        [
          ...['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(DURATION), '-r', '-f', file],
          ...['-D', `council=${credentials.council.id}`, '-D', `person=${person.id}`, '-D', `questionnaire=${credentials.questionnaireId}`],
          dbUrl.toString(),
        ],
        { encoding: 'utf8' },
      );
    const output = pgbench(script);
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
    row(
      'createAssessment on PostgreSQL, writes/s',
      ours.rps.toFixed(0),
      `${tps.toFixed(0)} (pgbench, same inserts)`,
      `${((ours.rps / tps) * 100).toFixed(0)}%`,
      '≥ 50%',
      ours.rps / tps >= 0.5,
    );
    row('createAssessment p99 latency, 50 connections into one council', `${ours.p99} ms`, '', '', '< 50 ms', ours.p99 < 50);
    const latency = (text) => Number(/latency average = ([\d.]+) ms/.exec(text)?.[1]);
    row('pgbench, the same inserts: average latency', `${latency(output)} ms`, '', '', '(context)', true);
    row('service peak RSS under createAssessment load', `${ours.peakRssMb.toFixed(0)} MB`, '', '', '< 200 MB', ours.peakRssMb < 200);
  } else await stop(service.child);
} finally {
  rmSync(pgDataDir, { recursive: true, force: true });
  await dropBenchDatabase();
}

// --- 4: the embedded default: start-up to listening and idle memory, on a first start (an empty
// data directory, the demo council seeded) and on a restart, three of each; then importPeople on it.
if (PARTS.has('embedded')) {
  const firsts = [];
  const restarts = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ras-bench-'));
    try {
      for (const list of [firsts, restarts]) {
        const instance = await start(server, { DATA_DIR: dataDir, PORT: '0' });
        if (!(await fetch(`${instance.url}/ready`)).ok) throw new Error('not ready');
        // Idle: three seconds after it answered, nothing asked of it.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        list.push({ ms: instance.startupMs, rss: rssMb(instance.child.pid) });
        await stop(instance.child);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  for (const [name, list] of [
    ['first start (empty data directory, demo council seeded)', firsts],
    ['restart (existing data directory)', restarts],
  ]) {
    const ms = median(list.map((r) => r.ms));
    const rss = median(list.map((r) => r.rss));
    const each = (pick) => list.map(pick).join(', ');
    row(
      `PGlite ${name}: start to listening (median of 3)`,
      `${(ms / 1000).toFixed(2)} s`,
      `runs: ${each((r) => (r.ms / 1000).toFixed(2))} s`,
      '',
      '≤ 3 s',
      ms <= 3000,
    );
    row(
      `PGlite ${name}: idle RSS (median of 3)`,
      `${rss.toFixed(0)} MB`,
      `runs: ${each((r) => r.rss.toFixed(0))} MB`,
      '',
      '≤ 300 MB',
      rss <= 300,
    );
  }
}

// --- 5: importPeople of IMPORT_ROWS rows (CSV), on PostgreSQL and on PGlite, each into a fresh council.
if (PARTS.has('import')) {
  const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
  const csv = ['system,externalId,clientGroup,displayName,dateOfBirth'];
  const groups = ['older-people', 'learning-disability', 'physical-disability', 'mental-health'];
  for (let i = 0; i < IMPORT_ROWS; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    csv.push(`carefirst,CF${String(i).padStart(7, '0')},${groups[i % 4]},Person ${i},19${40 + (i % 50)}-0${(i % 9) + 1}-${day}`);
  }
  const file = `${csv.join('\n')}\n`;
  const timeImport = async (env, label, target) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ras-bench-import-'));
    try {
      const instance = await start(server, { DATA_DIR: dataDir, PORT: '0', SEED_DEMO: 'true', ...env });
      const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
      const startedAt = performance.now();
      const response = await fetch(`${instance.url}/v1/imports/people?mode=all-or-nothing`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credentials.adminKey.key}`, 'content-type': 'text/csv' },
        body: file,
      });
      const seconds = (performance.now() - startedAt) / 1000;
      const report = await response.json();
      await stop(instance.child);
      if (!response.ok || report.created !== IMPORT_ROWS)
        throw new Error(`import on ${label}: ${response.status} ${JSON.stringify(report).slice(0, 300)}`);
      row(
        `importPeople, ${IMPORT_ROWS.toLocaleString('en-GB')} rows (CSV, one request, all or nothing) on ${label}`,
        `${seconds.toFixed(1)} s`,
        `${Math.round(IMPORT_ROWS / seconds).toLocaleString('en-GB')} rows/s`,
        '',
        `< ${target} s`,
        seconds < target,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const importDatabase = await scratchDatabase('ras_bench_import');
  try {
    await timeImport({ DATABASE_URL: importDatabase.url.toString() }, 'PostgreSQL', 20);
  } finally {
    await importDatabase.drop();
  }
  await timeImport({}, 'PGlite', 60);
}

process.stdout.write(
  `\nBudget service benchmarks: ${DURATION} s per run, ${CONNECTIONS} connections, calculateBudget in ${ROUNDS} rounds, Node ${process.version}\n\n`,
);
process.stdout.write('| Measure | Ours | Yardstick (same run) | Ratio | Target | Pass |\n|---|---|---|---|---|---|\n');
for (const r of results)
  process.stdout.write(`| ${r.measure} | ${r.ours} | ${r.yardstick} | ${r.ratio} | ${r.target} | ${r.pass ? 'yes' : 'NO'} |\n`);

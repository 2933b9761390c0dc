#!/usr/bin/env node
// What monitoring costs on the request path (issue 32): calculateBudget on the 40-question demo
// scheme, the service started four ways (each on a fresh embedded database), one after another
// in each round:
//   off      METRICS=false, no tracing
//   metrics  /metrics on (the default): a counter and a histogram per request
//   tracing  metrics, and OpenTelemetry tracing of every request exported over OTLP/HTTP to a local sink
//   sampled  the same, one trace in ten kept (OTEL_TRACES_SAMPLER=parentbased_traceidratio, 0.1)
// Each round measures every variant in turn (autocannon, 50 connections); ratios are to "off" in
// the same round, and the table gives min/median/max of each over the rounds.
// Run with `npm run bench:observability` (builds first). BENCH_SECONDS (10), BENCH_ROUNDS (3).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startService } from '../../../scripts/started-service.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// The OTLP collector stand-in: takes every export and throws it away, counting spans' bytes.
let exportedBytes = 0;
const sink = createServer((request, response) => {
  request.on('data', (chunk) => {
    exportedBytes += chunk.length;
  });
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

const VARIANTS = {
  off: { METRICS: 'false' },
  metrics: {},
  tracing: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl },
  sampled: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
};

/** The request: the demo council's admin key and a calculation on its 40-question scheme. */
async function bodyFor({ url, dataDir }) {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
  const key = credentials.adminKey.key;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const questionnaire = await (await fetch(`${url}/v1/questionnaires/${credentials.questionnaireId}`, { headers })).json();
  const answers = {};
  for (const section of questionnaire.sections)
    for (const q of section.questions) answers[q.key] = q.type === 'multi' ? [q.options[0].key] : (q.options[1]?.key ?? q.options[0].key);
  return {
    headers,
    body: JSON.stringify({ schemeId: credentials.allocationSchemeId, answers, weeksAtHome: 40, weeklyContributionPence: 1500 }),
  };
}

const runs = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, env] of Object.entries(VARIANTS)) {
      // Quiet logs, no rate limit (the load is one key by design), no load shedding.
      const service = await startService({ RATE_LIMIT_PER_MINUTE: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
      try {
        const request = await bodyFor(service);
        const result = await autocannon({
          url: `${service.url}/v1/calculations/budget`,
          method: 'POST',
          headers: request.headers,
          body: request.body,
          connections: 50,
          duration: DURATION,
        });
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        runs[name].push({ rps: result.requests.average, p99: result.latency.p99 });
        process.stdout.write(`round ${round} ${name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`);
      } finally {
        await service.stop();
      }
    }
  }
} finally {
  sink.close();
}

const sorted = (values) => [...values].sort((a, b) => a - b);
const mmm = (values) => {
  const s = sorted(values);
  return `${s[0]} / ${s[Math.floor(s.length / 2)]} / ${s.at(-1)}`;
};
process.stdout.write(
  `\nMonitoring on the request path: calculateBudget, 40 questions, ${ROUNDS} rounds of ${DURATION} s, 50 connections (min / median / max)\n`,
);
for (const name of Object.keys(VARIANTS)) {
  const ratios = runs[name].map((run, i) => (run.rps / runs.off[i].rps).toFixed(3));
  process.stdout.write(
    `${name.padEnd(8)} req/s ${mmm(runs[name].map((r) => Math.round(r.rps)))}; p99 ms ${mmm(runs[name].map((r) => r.p99))}; throughput vs off in the same round ${mmm(ratios.map(Number))}\n`,
  );
}
process.stdout.write(`OTLP bytes the sink received: ${exportedBytes.toLocaleString('en-GB')}\n`);

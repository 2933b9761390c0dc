// `npm run bench:slow-clients`: the built service as `npm start` runs it, with its default
// timeouts (REQUEST_TIMEOUT_SECONDS 30, IDLE_TIMEOUT_SECONDS 120), held by 300 stalled
// connections: half a 100,000-byte body with the operator's token (100) and with no key (100),
// half the headers (50), and nothing at all (50). It prints how long the service took to cut each
// kind (min/median/max), and the latency of ordinary requests made while they were held. The
// target (issue 28): every stalled request cut within 60 s, and the service answering others.
//   npm run bench:slow-clients [-- --runs 3]
import { connect } from 'node:net';
import { startService } from '../../../scripts/started-service.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const seconds = (ms) => (ms / 1000).toFixed(1);

function stalled(port, text) {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  if (text) socket.write(text);
  return new Promise((resolve) => socket.on('close', () => resolve(Date.now() - started)));
}

async function once(run) {
  const service = await startService({ SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0' });
  try {
    const port = Number(new URL(service.url).port);
    const body = (auth) =>
      `POST /v1/councils HTTP/1.1\r\nHost: ras\r\n${auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"${'x'.repeat(50_000)}`;
    const kinds = {
      'half a body, operator token': Array.from({ length: 100 }, () =>
        stalled(port, body(`Authorization: Bearer ${service.bootstrapToken}\r\n`)),
      ),
      'half a body, no key': Array.from({ length: 100 }, () => stalled(port, body(''))),
      'half the headers': Array.from({ length: 50 }, () =>
        stalled(port, 'GET /v1/people HTTP/1.1\r\nHost: ras\r\nAuthorization: Bearer ras_'),
      ),
      'nothing at all': Array.from({ length: 50 }, () => stalled(port, '')),
    };
    // Ordinary requests, one after another, while the 300 are held (until the first is cut).
    const latencies = [];
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(`${service.url}/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cut = {};
    for (const [kind, waits] of Object.entries(kinds)) cut[kind] = (await Promise.all(waits)).sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    console.log(
      `run ${run}: ordinary requests while held: ${latencies.length}, p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`,
    );
    for (const [kind, waits] of Object.entries(cut))
      console.log(
        `run ${run}: ${kind.padEnd(28)} cut after min ${seconds(waits[0])} s, median ${seconds(quantile(waits, 0.5))} s, max ${seconds(waits.at(-1))} s`,
      );
    return { latencies, cut };
  } finally {
    await service.stop();
  }
}

const results = [];
for (let run = 1; run <= runs; run++) results.push(await once(run));
const worst = Math.max(...results.flatMap((result) => Object.values(result.cut).map((waits) => waits.at(-1))));
const p99s = results.map((result) => quantile(result.latencies, 0.99)).sort((a, b) => a - b);
console.log(
  `\nover ${runs} runs: the last stalled connection was cut after ${seconds(worst)} s (target: within 60 s); ordinary requests' p99 min/median/max ${p99s[0].toFixed(1)}/${quantile(p99s, 0.5).toFixed(1)}/${p99s.at(-1).toFixed(1)} ms`,
);

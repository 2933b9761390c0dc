#!/usr/bin/env node
// A webhook receiver for trying the integration on one machine: it verifies every delivery with
// the Standard Webhooks reference library (`standardwebhooks` on npm), prints one line per event,
// and answers 204, or 400 to anything it cannot verify (which the service then retries).
//
//   WEBHOOK_SECRET=whsec_… PORT=4000 node examples/webhook-receiver.mjs
//
// The service refuses webhooks to private and loopback addresses unless it runs with
// ALLOW_PRIVATE_WEBHOOKS=true. In production the receiver is your integration's public endpoint;
// treat the webhook-id header as the idempotency key, as a delivery may come more than once.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  process.stderr.write('Set WEBHOOK_SECRET to the secret createWebhook answered with\n');
  process.exit(2);
}
const verifier = new Webhook(secret);
const seen = new Set();

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = verifier.verify(body, request.headers);
    } catch (error) {
      process.stdout.write(`refused: ${error.message}\n`);
      response.writeHead(400).end();
      return;
    }
    const id = request.headers['webhook-id'];
    process.stdout.write(`${seen.has(id) ? 'again' : 'verified'} ${event.type} ${event.entityType} ${event.entityId} (event ${id})\n`);
    seen.add(id);
    response.writeHead(204).end();
  });
});
server.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

// The yardsticks for the request path: bare Fastify routes that parse the same JSON body, with
// nothing else (no auth, schemas, hooks or database). /sized/<name> sends the bytes of a real
// answer, serialised once at start-up (BARE_PAYLOADS: name=file,…), so the only work per request
// is taking the body and writing those bytes; /bare answers a 24-byte object; /health is GET.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
for (const entry of (process.env.BARE_PAYLOADS ?? '').split(',').filter(Boolean)) {
  const [name, file] = entry.split('=');
  const bytes = readFileSync(file, 'utf8');
  app.post(`/sized/${name}`, async (_request, reply) => reply.type('application/json; charset=utf-8').send(bytes));
}
app.post('/bare', async (request) => ({ ok: true, answers: Object.keys(request.body.answers ?? {}).length }));
app.get('/health', async () => ({ status: 'ok' }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));

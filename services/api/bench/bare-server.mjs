// The yardstick for calculateBudget: a bare Fastify route that parses the same JSON body and
// answers a small JSON object, with nothing else (no auth, no schemas, no database).
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/bare', async (request) => {
  const body = request.body;
  return { ok: true, answers: Object.keys(body.answers ?? {}).length };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);

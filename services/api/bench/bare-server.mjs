// The yardsticks for calculateBudget: bare Fastify routes that parse the same JSON body, with
// nothing else (no auth, no schemas, no database). /bare answers a small object; /sized answers
// a stored copy of a real calculateBudget response, so payload size is the same as ours.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const sized = process.env.BARE_PAYLOAD ? JSON.parse(readFileSync(process.env.BARE_PAYLOAD, 'utf8')) : { ok: true };
const app = Fastify({ logger: false });
app.post('/bare', async (request) => ({ ok: true, answers: Object.keys(request.body.answers ?? {}).length }));
app.post('/sized', async () => sized);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);

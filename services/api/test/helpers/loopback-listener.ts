import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { newId } from '../../src/ids.js';

/** A listener on loopback that counts what reaches it. */
export async function loopbackListener(handler?: (respond: (status: number) => void) => void) {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      const respond = (status: number) => response.writeHead(status).end();
      if (handler) handler(respond);
      else respond(200);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received,
    // Connections a test left hanging are cut, so closing never waits on them.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A webhook written straight into the database, past the checks createWebhook makes (as one stored before a fix). */
export async function storedWebhook(db: Kysely<DB>, councilId: string, url: string): Promise<string> {
  const id = newId();
  await db
    .insertInto('webhooks')
    .values({
      id,
      council_id: councilId,
      url,
      description: null,
      event_types: null,
      secret: 'whsec_test',
      status: 'active',
      paused_reason: null,
      cursor: 0,
    })
    .execute();
  return id;
}

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import deprecation, { deprecationHeaders } from '../src/plugins/deprecation.js';

describe('deprecated routes (CHANGELOG.md: the compatibility policy)', () => {
  it('answers with Deprecation, Sunset and the successor, and marks the operation deprecated', async () => {
    const app = Fastify();
    await app.register(deprecation);
    let schema: unknown;
    app.addHook('onRoute', (route) => {
      if (route.url === '/old') schema = route.schema;
    });
    app.get(
      '/old',
      {
        config: { deprecation: { deprecatedOn: '2026-11-25', sunsetOn: '2027-05-31', successor: '/v1/new' } },
        schema: { description: 'Old' },
      },
      async () => ({ ok: true }),
    );
    app.get('/current', async () => ({ ok: true }));
    await app.ready();
    const old = await app.inject({ url: '/old' });
    expect(old.statusCode).toBe(200);
    // 2026-11-25T00:00:00Z is 1,795,564,800 seconds after the epoch.
    expect(old.headers.deprecation).toBe('@1795564800');
    expect(old.headers.sunset).toBe('Mon, 31 May 2027 00:00:00 GMT');
    expect(old.headers.link).toBe('</v1/new>; rel="successor-version"');
    expect(schema).toMatchObject({ deprecated: true, description: expect.stringContaining('may be removed after 2027-05-31') });
    const current = await app.inject({ url: '/current' });
    expect(current.headers.deprecation).toBeUndefined();
    expect(deprecationHeaders({ deprecatedOn: '2026-01-01', sunsetOn: '2026-07-01' })).not.toHaveProperty('link');
    await app.close();
  });
});

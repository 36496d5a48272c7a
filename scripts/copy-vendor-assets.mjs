// Copies the swagger-ui files the /docs page needs from node_modules into public/vendor/ (git-ignored), so the
// interactive docs are served by the Worker itself instead of a CDN. Run by wrangler's [build] command.
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const target = path.join(import.meta.dirname, '..', 'public', 'vendor', 'swagger-ui');
mkdirSync(target, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']) {
  cpSync(path.join(dist, file), path.join(target, file));
}

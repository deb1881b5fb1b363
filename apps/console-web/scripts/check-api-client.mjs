// Fails when the committed typed API client (src/api/schema.d.ts) is not what openapi-typescript
// makes of the gateway's committed OpenAPI document. Run by `nx run console-web:api-client-check`,
// which first generates the fresh file into dist/ (prettier ignores dist/, so it is formatted here
// with the options the committed file is formatted with).
//
// usage: node check-api-client.mjs <generated file> <committed file>
import { readFile } from 'node:fs/promises';
import prettier from 'prettier';

const [generatedPath, committedPath] = process.argv.slice(2);
if (!generatedPath || !committedPath) {
  console.error('usage: node check-api-client.mjs <generated file> <committed file>');
  process.exit(2);
}

const options = (await prettier.resolveConfig(committedPath)) ?? {};
const generated = await prettier.format(await readFile(generatedPath, 'utf8'), { ...options, filepath: committedPath });
let committed;
try {
  committed = await readFile(committedPath, 'utf8');
} catch {
  committed = undefined;
}

if (committed !== generated) {
  console.error(
    `${committedPath} is stale: run npx nx run console-web:api-client (after npx nx run console-gateway:openapi) and commit it`,
  );
  process.exit(1);
}
console.log(`${committedPath} matches apps/console-gateway/openapi.json`);

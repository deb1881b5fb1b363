// @ts-check
/**
 * The generator's end-to-end check: in a temporary copy of the workspace, generate a service and
 * a second resource, compare the generated shell files on disk with apps/users', then lint, test
 * and build them, run the generated gateway e2e suite against real Redis and FerretDB, and the
 * generated console screens' Playwright case in Chromium. Nothing is edited by hand in between.
 */
const { execFileSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
const SERVICE = process.env.GENERATED_SERVICE ?? 'inventory';

function run(command, cwd) {
  process.stdout.write(`\n$ ${command}\n`);
  execSync(command, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' },
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'site11-generator-'));
try {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter((file) => file && fs.existsSync(path.join(ROOT, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(work, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  const ferretdb = path.join(ROOT, '.data/bin/ferretdb');
  if (!process.env.FERRETDB_BIN && fs.existsSync(ferretdb)) process.env.FERRETDB_BIN = ferretdb;

  run(`npx nx g @site11/nx-plugin:service ${SERVICE} --no-interactive`, work);
  run(`npx nx g @site11/nx-plugin:resource ${SERVICE} invoice --no-interactive`, work);
  // the new routes go into the OpenAPI document and the console's typed client, as after any API change
  run('npx nx run console-gateway:openapi', work);
  run('npx nx run console-web:api-client', work);
  // the generated shell, as written to disk, against apps/users (names swapped)
  run(`SHELL_ON_DISK=${SERVICE} npx jest -c tools/nx-plugin/jest.config.cts tools/nx-plugin/src/generators/service/shell.spec.ts`, work);
  run(`npx nx run-many -t lint test build --projects=${SERVICE},console-gateway,contracts,console-gateway-e2e,console-web,deploy`, work);
  run('npx nx run-many -t lint typecheck --projects=console-web-e2e', work);
  // its own suite, and the compose Redis users rendered with the new service's password
  run(`npx nx e2e console-gateway-e2e --testPathPatterns='src/(${SERVICE}/|messaging/redis-acl)'`, work);
  // a person uses the generated screens in Chromium, against the platform with the new service in it
  run('npx nx run-many -t build --projects=users,oauth', work);
  run(`npx playwright test -c apps/console-web-e2e/playwright.config.ts src/${SERVICE}/`, work);
  process.stdout.write(
    `\nGenerated service "${SERVICE}" passed lint, unit and component tests, build, its gateway e2e suite and its browser case.\n`,
  );
} finally {
  if (!process.env.KEEP_GENERATED) fs.rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}

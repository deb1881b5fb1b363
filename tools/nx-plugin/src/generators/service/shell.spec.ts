import type { Tree } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, workspaceTree } from '../testing';
import { serviceGenerator } from './generator';

/**
 * The shell of a generated service (bootstrap, app module, config, project, build, lint and test
 * configuration) is the users service's, but for its names: a change to one without the other
 * fails here. What is the users service's own stays out of the comparison: its feature folder
 * (`src/app/users/`), the feature modules registered at the generator's markers, the settings
 * its config declares after HEALTH_PORT (the first admin), what its config class mixes in for
 * its own features (mail, sealed TOTP secrets: `usersOwnConfig`), and its audit stream.
 */
const REFERENCE = 'apps/users';
/**
 * `SHELL_ON_DISK=<service>`: compare a service the generator e2e generated into this (temporary)
 * workspace, files on disk, instead of one generated here into a virtual tree.
 */
const ON_DISK = process.env['SHELL_ON_DISK'];
const SERVICE = ON_DISK ?? 'inventory';
const HEALTH_PORT = ON_DISK
  ? (JSON.parse(readFileSync(join(ROOT, 'tools/platform/services.json'), 'utf-8')) as { name: string; healthPort: number }[]).find((s) => s.name === ON_DISK)
      ?.healthPort
  : 3199;
const pascal = SERVICE.replace(/(^|-)([a-z0-9])/g, (_m, _dash, letter: string) => letter.toUpperCase());
/** Everything that differs between apps/users and the generated service, in the order it is applied. */
const NAMES: [RegExp, string][] = [
  [/users/g, SERVICE],
  [/Users/g, pascal],
  [/USERS/g, SERVICE.replace(/-/g, '_').toUpperCase()],
  [/\b3101\b/g, String(HEALTH_PORT)],
];
/**
 * Files in a folder under src/app/ are a feature's (users/, items/, ...), not the shell; so are a
 * service's own migrations (src/migrations/ but its index, the list that wires them).
 */
const isFeatureFile = (file: string) => /^src\/app\/[^/]+\//.test(file) || /^src\/migrations\/(?!index\.ts$)/.test(file);

const rename = (text: string) => NAMES.reduce((result, [from, to]) => result.replace(from, to), text);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The shell files of apps/users (relative to it), read from disk. */
function referenceShell(): string[] {
  return filesUnder(join(ROOT, REFERENCE))
    .map((file) => relative(join(ROOT, REFERENCE), file))
    .filter((file) => !isFeatureFile(file))
    .sort();
}

/** Without the feature modules the resource generator registers before its markers. */
const withoutFeatureModules = (text: string) =>
  text.replace(/(?:^import \{ \w+Module \} from '\.\/[\w-]+\/[\w-]+\.module';\n)+(?=\/\/ <nx-plugin:resource-module-imports>)/m, '').replace(
    /(?:^ {4}\w+Module,\n)+(?= {4}\/\/ <nx-plugin:resource-modules>)/m,
    '',
  );

/**
 * The users config as a service config: without the mail channel and the key-encryption key it
 * mixes in for its account flows (`WithMailConfig(SealingServiceConfig)`), and the comment that
 * says so.
 */
const usersOwnConfig = (text: string) =>
  text
    .replace(/^import \{ WithMailConfig \} from '@site11\/mail';\n/m, '')
    .replace(/\bSealingServiceConfig\b/g, 'ServiceConfig')
    .replace('WithMailConfig(ServiceConfig)', 'ServiceConfig')
    .replace(/^\/\*\*\n(?: \*.*\n)* \*\/\n(?=export class)/m, '');

/** Without the audit stream the users service records its account actions on (docs/audit.md). */
const withoutAudit = (text: string) => text.replace(/^ {4}\/\/ audit records on .*\n/m, '').replace(/, audit: '[\w-]+' \}/, ' }');

/** Without the mail worker's permanent failures, which the users service dead-letters at once. */
const withoutPermanentMailErrors = (text: string) =>
  text
    .replace(/^import \{ MailErrors \} from '@site11\/mail';\n/m, '')
    .replace(/^\/\/ a mail the SMTP server refused .*\n/m, '')
    .replace(', permanentEventErrors: [MailErrors.permanent] }', ' }');

/** The config up to HEALTH_PORT, importing only the validators it still uses. */
function sharedConfig(text: string): string {
  text = usersOwnConfig(text);
  const healthPort = text.search(/^ {2}override HEALTH_PORT = \d+;$/m);
  if (healthPort < 0) throw new Error('The config no longer declares `override HEALTH_PORT`: say here what it shares with apps/users');
  const end = text.indexOf('\n', healthPort);
  const shared = `${text.slice(0, end + 1)}}\n`;
  return shared.replace(/^import \{ ([^}]+) \} from 'class-validator';$/m, (_line, names: string) => {
    const used = names.split(',').map((name) => name.trim()).filter((name) => shared.includes(`@${name}(`));
    return `import { ${used.join(', ')} } from 'class-validator';`;
  });
}

/** The migrations index without its migrations: their imports and their entries in the list. */
const withoutMigrations = (text: string) =>
  text.replace(/^import \{ \w+ \} from '\.\/\d{4}-[\w-]+';\n/gm, '').replace(/(?<=: readonly Migration\[\] = \[\n)(?: {2}\w+,\n)+/, '');

function comparable(file: string, text: string): string {
  if (file === 'src/app/app.module.ts') return withoutAudit(withoutFeatureModules(text));
  if (file === 'src/migrations/index.ts') return withoutMigrations(text);
  if (file === 'src/main.ts') return withoutPermanentMailErrors(text);
  if (file === `src/app/${SERVICE}.config.ts`) return sharedConfig(text);
  return text;
}

describe(`the shell of a generated service${ON_DISK ? ` (${ON_DISK}, on disk)` : ''}`, () => {
  let tree: Tree;
  /** The service's files (relative to its folder) and their text: from the tree, or from disk. */
  let generatedFiles: () => string[];
  let generatedText: (file: string) => string;

  beforeAll(async () => {
    if (ON_DISK) {
      const dir = join(ROOT, 'apps', ON_DISK);
      if (!existsSync(dir) || HEALTH_PORT === undefined) throw new Error(`SHELL_ON_DISK=${ON_DISK}: no such generated service in ${ROOT}`);
      generatedFiles = () => filesUnder(dir).map((file) => relative(dir, file));
      generatedText = (file) => readFileSync(join(dir, file), 'utf-8');
      return;
    }
    tree = workspaceTree();
    await serviceGenerator(tree, { name: SERVICE, healthPort: HEALTH_PORT });
    generatedFiles = () =>
      tree
        .listChanges()
        .map((change) => change.path)
        .filter((path) => path.startsWith(`apps/${SERVICE}/`))
        .map((path) => path.slice(`apps/${SERVICE}/`.length));
    generatedText = (file) => tree.read(`apps/${SERVICE}/${file}`, 'utf-8') ?? '';
  });

  it('has the files apps/users has, and no others', () => {
    const generated = generatedFiles()
      .filter((file) => !isFeatureFile(file))
      .sort();
    expect(generated).toEqual(referenceShell().map(rename).sort());
  });

  it.each(referenceShell())('writes %s as apps/users has it, but for the names', (file) => {
    const target = rename(file);
    const expected = comparable(target, rename(readFileSync(join(ROOT, REFERENCE, file), 'utf-8')));
    expect(comparable(target, generatedText(target))).toBe(expected);
  });

  it('compares the app module with its feature modules taken out, not without them', () => {
    const module = generatedText('src/app/app.module.ts');
    expect(module).toMatch(/import \{ ItemsModule \} from '\.\/items\/items\.module';\n(?:import .*\n)*\/\/ <nx-plugin:resource-module-imports>/);
    expect(withoutFeatureModules(module)).not.toContain('ItemsModule');
  });

  it('compares the migrations index with its migrations taken out, not without them', () => {
    const index = generatedText('src/migrations/index.ts');
    expect(index).toMatch(/import \{ baseline \} from '\.\/0001-baseline';\n[\s\S]*= \[\n {2}baseline,\n\];/);
    expect(withoutMigrations(index)).not.toContain('baseline');
  });
});

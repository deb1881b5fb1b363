import type { Tree } from '@nx/devkit';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, workspaceTree } from '../testing';
import { serviceGenerator } from './generator';

/**
 * The shell of a generated service (bootstrap, app module, config, project, build, lint and test
 * configuration) is the users service's, but for its names: a change to one without the other
 * fails here. What is the users service's own stays out of the comparison: its feature folder
 * (`src/app/users/`), the feature modules registered at the generator's markers, and the settings
 * its config declares after HEALTH_PORT (the first admin).
 */
const REFERENCE = 'apps/users';
const FEATURE = 'src/app/users/';
const SERVICE = 'inventory';
const HEALTH_PORT = 3199;
/** Everything that differs between apps/users and apps/inventory, in the order it is applied. */
const NAMES: [RegExp, string][] = [
  [/users/g, 'inventory'],
  [/Users/g, 'Inventory'],
  [/USERS/g, 'INVENTORY'],
  [/\b3101\b/g, String(HEALTH_PORT)],
];

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
    .filter((file) => !file.startsWith(FEATURE))
    .sort();
}

/** Without the feature modules the resource generator registers before its markers. */
const withoutFeatureModules = (text: string) =>
  text.replace(/^import \{ \w+Module \} from '\.\/[\w-]+\/[\w-]+\.module';\n(?=\/\/ <nx-plugin:resource-module-imports>)/m, '').replace(
    /^ {4}\w+Module,\n(?= {4}\/\/ <nx-plugin:resource-modules>)/m,
    '',
  );

/** The config up to HEALTH_PORT, importing only the validators it still uses. */
function sharedConfig(text: string): string {
  const healthPort = text.search(/^ {2}override HEALTH_PORT = \d+;$/m);
  if (healthPort < 0) throw new Error('The config no longer declares `override HEALTH_PORT`: say here what it shares with apps/users');
  const end = text.indexOf('\n', healthPort);
  const shared = `${text.slice(0, end + 1)}}\n`;
  return shared.replace(/^import \{ ([^}]+) \} from 'class-validator';$/m, (_line, names: string) => {
    const used = names.split(',').map((name) => name.trim()).filter((name) => shared.includes(`@${name}(`));
    return `import { ${used.join(', ')} } from 'class-validator';`;
  });
}

function comparable(file: string, text: string): string {
  if (file === 'src/app/app.module.ts') return withoutFeatureModules(text);
  if (file === `src/app/${SERVICE}.config.ts`) return sharedConfig(text);
  return text;
}

describe('the shell of a generated service', () => {
  let tree: Tree;

  beforeAll(async () => {
    tree = workspaceTree();
    await serviceGenerator(tree, { name: SERVICE, healthPort: HEALTH_PORT });
  });

  it('has the files apps/users has, and no others', () => {
    const generated = tree
      .listChanges()
      .map((change) => change.path)
      .filter((path) => path.startsWith(`apps/${SERVICE}/`))
      .map((path) => path.slice(`apps/${SERVICE}/`.length))
      .filter((file) => !file.startsWith('src/app/items/'))
      .sort();
    expect(generated).toEqual(referenceShell().map(rename).sort());
  });

  it.each(referenceShell())('writes %s as apps/users has it, but for the names', (file) => {
    const target = rename(file);
    const expected = comparable(target, rename(readFileSync(join(ROOT, REFERENCE, file), 'utf-8')));
    expect(comparable(target, tree.read(`apps/${SERVICE}/${target}`, 'utf-8') ?? '')).toBe(expected);
  });

  it('compares the app module with its feature modules taken out, not without them', () => {
    const module = tree.read(`apps/${SERVICE}/src/app/app.module.ts`, 'utf-8') ?? '';
    expect(module).toContain("import { ItemsModule } from './items/items.module';\n// <nx-plugin:resource-module-imports>");
    expect(withoutFeatureModules(module)).not.toContain('ItemsModule');
  });
});

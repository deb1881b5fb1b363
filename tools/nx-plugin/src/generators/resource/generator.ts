import { generateFiles, joinPathFragments, type Tree, visitNotIgnoredFiles } from '@nx/devkit';
import { join } from 'node:path';
import type { ResourceGeneratorSchema } from './schema';
import { appendLine, assertKebabName, insertBeforeMarker, resourceNames, type ResourceNames } from '../utils';

export const MARKERS = {
  serviceModules: '// <nx-plugin:resource-modules>',
  serviceModuleImports: '// <nx-plugin:resource-module-imports>',
  gatewayControllers: '// <nx-plugin:controllers>',
  gatewayControllerImports: '// <nx-plugin:controller-imports>',
  cachedResources: '// <nx-plugin:cached-resources>',
  consoleScreenImports: '// <nx-plugin:screen-imports>',
  consoleScreens: '// <nx-plugin:screens>',
  consoleNav: '// <nx-plugin:nav>',
  consoleTextImports: '// <nx-plugin:i18n-imports>',
  consoleTexts: '// <nx-plugin:i18n>',
} as const;

export const CONSOLE_DIR = 'apps/console-web/src';

/** The gateway's list of cached resources and the events that invalidate them. */
export const CACHED_RESOURCES_FILE = 'apps/console-gateway/src/app/http/cached-resources.ts';

export const CONTRACTS_DIR = 'libs/contracts/src/lib';
/** The platform's event catalog: every event and its payload type (see docs/messaging.md). */
export const EVENTS_FILE = `${CONTRACTS_DIR}/events.ts`;
/** Each resource's events, named by the catalog rule `<service>.<resource>.<past-tense verb>`. */
export const RESOURCE_EVENTS = [
  { key: 'created', payload: 'CreatedEvent' },
  { key: 'updated', payload: 'UpdatedEvent' },
  { key: 'deleted', payload: 'DeletedEvent' },
] as const;

/**
 * Writes one CRUD resource into an existing service, split like the users service: contracts
 * (`<resources>.patterns.ts` with its events, `.errors.ts`, `.dto.ts`, exported and entered in the
 * event catalog), schema, mapper, errors, service, message handlers and their unit tests, the
 * gateway routes and the e2e suite; in the console, its screens (list, new, detail), their texts, a
 * navigation entry, their component tests and a Playwright case.
 */
export function addResource(tree: Tree, n: ResourceNames): void {
  const contractsDir = `${CONTRACTS_DIR}/${n.service}`;
  if (tree.exists(`${contractsDir}/${n.resources}.patterns.ts`)) {
    throw new Error(`The ${n.service} service already has ${n.resources}; nothing was generated.`);
  }
  assertContractNamesFree(tree, n);
  // checked before anything is written: events.ts may not be shaped as the generator expects
  const catalog = withResourceEvents(tree, n);
  const substitutions = { ...n, tmpl: '' };
  generateFiles(tree, join(__dirname, 'files', 'contracts'), contractsDir, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'service'), `apps/${n.service}/src/app`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'gateway'), `apps/console-gateway/src/app/${n.service}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'e2e'), `apps/console-gateway-e2e/src/${n.service}`, substitutions);
  addConsoleScreens(tree, n, substitutions);

  for (const kind of ['patterns', 'errors', 'dto']) {
    appendLine(tree, 'libs/contracts/src/index.ts', `export * from './lib/${n.service}/${n.resources}.${kind}';`);
  }
  tree.write(EVENTS_FILE, catalog);

  const serviceModule = `apps/${n.service}/src/app/app.module.ts`;
  insertBeforeMarker(
    tree,
    serviceModule,
    MARKERS.serviceModuleImports,
    `import { ${n.resourcesClass}Module } from './${n.resources}/${n.resources}.module';`,
  );
  insertBeforeMarker(tree, serviceModule, MARKERS.serviceModules, `    ${n.resourcesClass}Module,`);

  const gatewayModule = `apps/console-gateway/src/app/${n.service}/${n.service}.http.module.ts`;
  insertBeforeMarker(
    tree,
    gatewayModule,
    MARKERS.gatewayControllerImports,
    `import { ${n.resourcesClass}HttpController } from './${n.resources}.http.controller';`,
  );
  insertBeforeMarker(tree, gatewayModule, MARKERS.gatewayControllers, `    ${n.resourcesClass}HttpController,`);
  // its reads are cached by the gateway, invalidated by its own events
  insertBeforeMarker(
    tree,
    CACHED_RESOURCES_FILE,
    MARKERS.cachedResources,
    `  { resource: '${n.service}.${n.resources}', invalidatedBy: catalogEvents('${n.eventPrefix}.updated', '${n.eventPrefix}.deleted') },`,
  );
}

/**
 * The console's screens for the resource, under `features/<service>/<resources>/`, wired in where
 * the hand-written console marks it: lazy routes under the shell, a navigation entry for every
 * signed-in user (the API decides whose they see), the texts in both languages.
 */
function addConsoleScreens(tree: Tree, n: ResourceNames, substitutions: Record<string, string>): void {
  const feature = `features/${n.service}/${n.resources}`;
  generateFiles(tree, join(__dirname, 'files', 'console'), `${CONSOLE_DIR}/${feature}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'console-e2e'), `apps/console-web-e2e/src/${n.service}`, substitutions);

  const routes = `${CONSOLE_DIR}/app/routes.tsx`;
  const prefix = n.serviceClass;
  const screens = [
    { component: `${prefix}${n.resourcesClass}Page`, file: `${n.resourcesClass}Page`, path: n.consolePath },
    { component: `${prefix}New${n.resourceClass}Page`, file: `New${n.resourceClass}Page`, path: `${n.consolePath}/new` },
    { component: `${prefix}${n.resourceClass}Page`, file: `${n.resourceClass}Page`, path: `${n.consolePath}/:id` },
  ];
  for (const { component, file } of screens) {
    insertBeforeMarker(tree, routes, MARKERS.consoleScreenImports, `const ${component} = lazy(() => import('../${feature}/${file}'));`);
  }
  for (const { component, path } of screens) {
    insertBeforeMarker(tree, routes, MARKERS.consoleScreens, `              { path: '${path}', element: <${component} /> },`);
  }
  insertBeforeMarker(
    tree,
    `${CONSOLE_DIR}/app/nav.ts`,
    MARKERS.consoleNav,
    `  { to: '/${n.consolePath}', label: '${n.consoleKey}.nav', adminOnly: false },`,
  );
  for (const language of ['en', 'ko']) {
    const file = `${CONSOLE_DIR}/i18n/${language}.ts`;
    insertBeforeMarker(tree, file, MARKERS.consoleTextImports, `import { ${n.consoleKey}Text } from '../${feature}/i18n';`);
    insertBeforeMarker(tree, file, MARKERS.consoleTexts, `  ${n.consoleKey}: ${n.consoleKey}Text.${language},`);
  }
}

/**
 * events.ts with the resource's events entered in `EventCatalog` (with their payload types) and in
 * `EVENT_NAMES`. It has no markers: the generator finds the interface and the array by their
 * declarations, and stops if either is not where it expects it.
 */
export function withResourceEvents(tree: Tree, n: ResourceNames): string {
  const source = tree.read(EVENTS_FILE, 'utf-8');
  if (source === null) throw new Error(`${EVENTS_FILE} does not exist`);
  const events = `${n.resourcesClass}Events`;
  const names = RESOURCE_EVENTS.map(({ key }) => `${events}.${key}`);
  const payloads = RESOURCE_EVENTS.map(({ payload }) => `${n.resourceClass}${payload}`);
  const fail = (what: string) => {
    throw new Error(`${EVENTS_FILE}: ${what} not found; enter ${names.join(', ')} in the event catalog by hand`);
  };

  const imports = [...source.matchAll(/^import [^;]+;\n/gm)];
  if (imports.length === 0) fail('the import declarations');
  const afterImports = (imports[imports.length - 1].index ?? 0) + imports[imports.length - 1][0].length;
  const importLine = `import { ${[...payloads].sort().map((type) => `type ${type}`).join(', ')}, ${events} } from './${n.service}/${n.resources}.patterns';\n`;
  let next = `${source.slice(0, afterImports)}${importLine}${source.slice(afterImports)}`;

  const catalog = /(^export interface EventCatalog \{\n[\s\S]*?)(^\}\n)/m;
  if (!catalog.test(next)) fail('`export interface EventCatalog { … }`');
  const entries = names.map((name, i) => `  [${name}]: ${payloads[i]};\n`).join('');
  next = next.replace(catalog, (_match, body: string, end: string) => `${body}${entries}${end}`);

  const list = /^(export const EVENT_NAMES = \[)([^\]]*)(\] as const satisfies readonly EventName\[\];)$/m;
  if (!list.test(next)) fail('`export const EVENT_NAMES = [ … ] as const satisfies readonly EventName[];`');
  next = next.replace(list, (_match, start: string, items: string, end: string) => {
    const all = [...items.split(',').map((item) => item.trim()).filter(Boolean), ...names];
    return `${start}\n${all.map((item) => `  ${item},\n`).join('')}${end}`;
  });
  return next;
}

/** `export *` from the contracts index must not meet the same name twice (a resource `user` anywhere, say). */
function assertContractNamesFree(tree: Tree, n: ResourceNames): void {
  const exported = [`${n.resourcesClass}Patterns`, `${n.resourcesClass}Events`, `${n.resourcesClass}Errors`, `${n.resourceClass}Dto`];
  const declaration = new RegExp(`^export (const|class|interface|type) (${exported.join('|')})\\b`, 'm');
  visitNotIgnoredFiles(tree, CONTRACTS_DIR, (file) => {
    const match = declaration.exec(tree.read(file, 'utf-8') ?? '');
    if (match) {
      throw new Error(`${file} already exports ${match[2]}; choose another resource name (or --plural). Nothing was generated.`);
    }
  });
}

export async function resourceGenerator(tree: Tree, options: ResourceGeneratorSchema): Promise<void> {
  assertKebabName('resource', options.name);
  if (options.plural) assertKebabName('resource', options.plural);
  const n = resourceNames(options.service, options.name, options.plural);
  if (!tree.exists(joinPathFragments('apps', n.service, 'project.json')) || !tree.exists(`apps/${n.service}/src/app/app.module.ts`)) {
    throw new Error(`There is no service "${options.service}" (apps/${options.service}); create it with the service generator first.`);
  }
  addResource(tree, n);
}

export default resourceGenerator;

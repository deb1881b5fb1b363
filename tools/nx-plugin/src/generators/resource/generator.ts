import { formatFiles, generateFiles, joinPathFragments, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import type { ResourceGeneratorSchema } from './schema';
import { appendLine, assertKebabName, insertBeforeMarker, resourceNames, type ResourceNames } from '../utils';

export const MARKERS = {
  serviceModules: '// <nx-plugin:resource-modules>',
  serviceModuleImports: '// <nx-plugin:resource-module-imports>',
  gatewayControllers: '// <nx-plugin:controllers>',
  gatewayControllerImports: '// <nx-plugin:controller-imports>',
} as const;

/** Writes one CRUD resource into an existing service: contracts, handlers, gateway routes, tests. */
export function addResource(tree: Tree, n: ResourceNames): void {
  const contractsFile = `libs/contracts/src/lib/${n.service}/${n.resources}.contracts.ts`;
  if (tree.exists(contractsFile)) {
    throw new Error(`The ${n.service} service already has ${n.resources}; nothing was generated.`);
  }
  const substitutions = { ...n, tmpl: '' };
  generateFiles(tree, join(__dirname, 'files', 'contracts'), `libs/contracts/src/lib/${n.service}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'service'), `apps/${n.service}/src/app`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'gateway'), `apps/console-gateway/src/app/${n.service}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'e2e'), `apps/console-gateway-e2e/src/${n.service}`, substitutions);

  appendLine(tree, 'libs/contracts/src/index.ts', `export * from './lib/${n.service}/${n.resources}.contracts';`);

  const serviceModule = `apps/${n.service}/src/app/app.module.ts`;
  insertBeforeMarker(
    tree,
    serviceModule,
    MARKERS.serviceModuleImports,
    `import { ${n.resourcesClass}Module } from './${n.resources}/${n.resources}.module';`,
  );
  insertBeforeMarker(tree, serviceModule, MARKERS.serviceModules, `    ${n.resourcesClass}Module,`);

  const gatewayModule = `apps/console-gateway/src/app/${n.service}/${n.service}-http.module.ts`;
  insertBeforeMarker(
    tree,
    gatewayModule,
    MARKERS.gatewayControllerImports,
    `import { ${n.resourcesClass}HttpController } from './${n.resources}.http.controller';`,
  );
  insertBeforeMarker(tree, gatewayModule, MARKERS.gatewayControllers, `    ${n.resourcesClass}HttpController,`);
}

export async function resourceGenerator(tree: Tree, options: ResourceGeneratorSchema): Promise<void> {
  assertKebabName('resource', options.name);
  if (options.plural) assertKebabName('resource', options.plural);
  const n = resourceNames(options.service, options.name, options.plural);
  if (!tree.exists(joinPathFragments('apps', n.service, 'project.json')) || !tree.exists(`apps/${n.service}/src/app/app.module.ts`)) {
    throw new Error(`There is no service "${options.service}" (apps/${options.service}); create it with the service generator first.`);
  }
  addResource(tree, n);
  await formatFiles(tree);
}

export default resourceGenerator;

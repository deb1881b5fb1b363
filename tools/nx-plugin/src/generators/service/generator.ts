import { generateFiles, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { passwordEnv, renderComposeAcl } from '../../../../../tools/platform/platform.cjs';
import { addResource } from '../resource/generator';
import { assertKebabName, assertNewService, insertBeforeMarker, resourceNames } from '../utils';
import type { ServiceGeneratorSchema } from './schema';

export const SERVICES_FILE = 'tools/platform/services.json';
/** The Redis users of compose, rendered from services.json by tools/platform/redis-acl.cjs. */
export const COMPOSE_ACL_FILE = 'docker/redis/users.acl.in';
/** Its copy in the Helm chart, for the in-chart Redis (Helm reads no file outside the chart). */
export const HELM_ACL_FILE = 'deploy/helm/site11/files/redis/users.acl.in';
/** The Helm chart's values: one entry under `apps` per app (deploy/helm/site11). */
export const HELM_VALUES_FILE = 'deploy/helm/site11/values.yaml';
export const SERVICE_MARKERS = {
  gatewayModuleImports: '// <nx-plugin:http-module-imports>',
  gatewayModules: '// <nx-plugin:http-modules>',
  scopes: '// <nx-plugin:scopes>',
  composeServices: '# <nx-plugin:services>',
  composeRedisPasswords: '# <nx-plugin:redis-passwords>',
  composeMongoPasswords: '# <nx-plugin:mongo-passwords>',
  prometheusTargets: '# <nx-plugin:scrape-configs>',
  helmApps: '# <nx-plugin:helm-apps>',
} as const;

interface ServiceEntry {
  name: string;
  healthPort: number;
  dbEnv: string;
  /** Services it sends requests to; its Redis user may append to their request streams. */
  calls: string[];
  /** Services whose events it handles; its Redis user may read their event streams as a consumer group. */
  consumes: string[];
}

/**
 * A new platform service, wired like the users service: its app (transport, database, health,
 * metrics, registry, graceful shutdown; the same files as apps/users, see shell.spec.ts), its
 * contracts, a sample CRUD resource, the gateway routes, tests, and its place in `npm start`,
 * compose (with a Redis user of its own, allowed what `--calls` and `--consumes` declare, and
 * always users' events: its resources handle `users.deleted`), Prometheus, the Helm chart and the
 * lint rules.
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<void> {
  assertNewService(tree, options.name);
  assertKebabName('resource', options.resource ?? 'item');
  const n = resourceNames(options.name, options.resource ?? 'item', options.plural);

  const services = JSON.parse(tree.read(SERVICES_FILE, 'utf-8') ?? '[]') as ServiceEntry[];
  const healthPort = options.healthPort ?? Math.max(3100, ...services.map((s) => s.healthPort)) + 1;
  if (services.some((s) => s.healthPort === healthPort)) throw new Error(`Health port ${healthPort} is taken`);
  const calls = listOption(options.calls);
  // every resource handles `users.deleted` (its owner's account is gone)
  const consumes = listOption(['users', ...listOption(options.consumes)]);
  for (const target of [...calls, ...consumes]) {
    if (!services.some((s) => s.name === target)) throw new Error(`"${target}" (--calls/--consumes) is not a service in ${SERVICES_FILE}`);
  }

  const substitutions = { ...n, healthPort, tmpl: '' };
  generateFiles(tree, join(__dirname, 'files', 'app'), `apps/${n.service}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'gateway'), `apps/console-gateway/src/app/${n.service}`, substitutions);
  addResource(tree, n);

  // the gateway: routes module, and readiness pings the new service
  const gatewayModule = 'apps/console-gateway/src/app/app.module.ts';
  insertBeforeMarker(
    tree,
    gatewayModule,
    SERVICE_MARKERS.gatewayModuleImports,
    `import { ${n.serviceClass}HttpModule } from './${n.service}/${n.service}.http.module';`,
  );
  insertBeforeMarker(tree, gatewayModule, SERVICE_MARKERS.gatewayModules, `    ${n.serviceClass}HttpModule,`);
  const gatewayConfig = 'apps/console-gateway/src/app/gateway.config.ts';
  const config = tree.read(gatewayConfig, 'utf-8') ?? '';
  const downstream = /DOWNSTREAM_SERVICES: string = '([^']*)'/;
  if (!downstream.test(config)) throw new Error(`${gatewayConfig} has no DOWNSTREAM_SERVICES default`);
  tree.write(gatewayConfig, config.replace(downstream, (_m, list: string) => `DOWNSTREAM_SERVICES: string = '${list},${n.service}'`));

  // module boundaries: the new scope may use itself and shared libs only
  insertBeforeMarker(
    tree,
    'eslint.config.mjs',
    SERVICE_MARKERS.scopes,
    `            { sourceTag: 'scope:${n.service}', onlyDependOnLibsWithTags: ['scope:${n.service}', 'scope:shared'] },`,
  );

  // npm start and the e2e stacks start every service listed here; its calls and consumes make its Redis user
  const entry: ServiceEntry = { name: n.service, healthPort, dbEnv: n.dbEnv, calls, consumes };
  addServiceEntry(tree, entry);
  tree.write(COMPOSE_ACL_FILE, renderComposeAcl([...services, entry]));
  tree.write(HELM_ACL_FILE, renderComposeAcl([...services, entry]));

  const redisPassword = passwordEnv(n.service);
  insertBeforeMarker(tree, 'docker/compose.yml', SERVICE_MARKERS.composeRedisPasswords, `      ${redisPassword}: \${${redisPassword}:?set ${redisPassword}}`);
  // its MongoDB user, allowed its own database only (docker/mongo/service-users.js: <SERVICE>_MONGO_PASSWORD
  // makes the user <service> with readWrite on <service>_db)
  const mongoUser = n.dbName.replace(/_db$/, '');
  const mongoPassword = `${mongoUser.toUpperCase()}_MONGO_PASSWORD`;
  insertBeforeMarker(tree, 'docker/compose.yml', SERVICE_MARKERS.composeMongoPasswords, `      ${mongoPassword}: \${${mongoPassword}:?set ${mongoPassword}}`);

  insertBeforeMarker(
    tree,
    'docker/compose.yml',
    SERVICE_MARKERS.composeServices,
    [
      `  ${n.service}:`,
      `    build: { context: .., dockerfile: docker/Dockerfile, args: { APP: ${n.service} } }`,
      '    restart: unless-stopped',
      '    environment:',
      '      NODE_ENV: production',
      `      REDIS_URL: redis://${n.service}:\${${redisPassword}:?set ${redisPassword}}@redis:6379`,
      `      MONGODB_URI: mongodb://${mongoUser}:\${${mongoPassword}:?set ${mongoPassword}}@mongo:27017/?replicaSet=rs0&authSource=admin`,
      `      ${n.dbEnv}: ${n.dbName}`,
      `      HEALTH_PORT: '${healthPort}'`,
      '      # the OpenID Connect issuer: third-party applications\' tokens name it',
      '      PUBLIC_URL: ${PUBLIC_URL:-http://localhost:8080}',
      '    depends_on:',
      '      mongo-users: { condition: service_completed_successfully }',
      '      redis: { condition: service_healthy }',
      '    healthcheck:',
      `      test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:${healthPort}/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`,
      '      interval: 5s',
      '      retries: 20',
      '',
    ].join('\n'),
  );
  insertBeforeMarker(
    tree,
    'docker/prometheus.yml',
    SERVICE_MARKERS.prometheusTargets,
    [`  - job_name: ${n.service}`, '    static_configs:', `      - targets: ['${n.service}:${healthPort}']`].join('\n'),
  );
  // Kubernetes: the chart's templates make its Deployment, Service, policies and autoscaler from this
  insertBeforeMarker(
    tree,
    HELM_VALUES_FILE,
    SERVICE_MARKERS.helmApps,
    [`  ${n.service}:`, `    port: ${healthPort}`, `    database: ${n.dbName}`].join('\n'),
  );
  // No formatFiles: the templates are written in the workspace's own style (see shell.spec.ts), and
  // prettier would rewrite the hand-written files the generator edits.
}

/** Appends the service to services.json, one entry a line like the hand-written ones, leaving those as they are. */
function addServiceEntry(tree: Tree, entry: ServiceEntry): void {
  const text = tree.read(SERVICES_FILE, 'utf-8') ?? '[]';
  const line = JSON.stringify(entry).replace(/":/g, '": ').replace(/,"/g, ', "').replace(/^\{/, '{ ').replace(/\}$/, ' }');
  const entries = text.slice(0, text.lastIndexOf(']')).trimEnd();
  tree.write(SERVICES_FILE, `${entries}${entries.endsWith('[') ? '' : ','}\n  ${line}\n]\n`);
}

/** `--calls=users,oauth` or a list from the schema. */
function listOption(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return [...new Set(items.map((item) => item.trim()).filter(Boolean))];
}

export default serviceGenerator;

import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceGenerator } from '../resource/generator';
import { serviceGenerator } from './generator';

const ROOT = join(__dirname, '../../../../..');
/** The hand-written files the generators edit, copied from the real workspace. */
const EDITED = [
  'tools/platform/services.json',
  'apps/console-gateway/src/app/app.module.ts',
  'apps/console-gateway/src/app/gateway.config.ts',
  'libs/contracts/src/index.ts',
  'eslint.config.mjs',
  'docker/compose.yml',
  'docker/prometheus.yml',
  'docker/redis/users.acl.in',
];

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of EDITED) tree.write(file, readFileSync(join(ROOT, file), 'utf-8'));
  return tree;
}

describe('service generator', () => {
  let tree: Tree;

  beforeEach(async () => {
    tree = workspace();
    await serviceGenerator(tree, { name: 'inventory' });
  });

  it('creates an app tagged with its own scope, on its own database and the next health port', () => {
    const project = readProjectConfiguration(tree, 'inventory');
    expect(project.root).toBe('apps/inventory');
    expect(project.tags).toEqual(['scope:inventory', 'type:app']);
    const config = tree.read('apps/inventory/src/app/inventory.config.ts', 'utf-8');
    expect(config).toContain("INVENTORY_DB_NAME = 'inventory_db'");
    expect(config).toContain('override HEALTH_PORT = 3103');
    expect(tree.read('apps/inventory/src/main.ts', 'utf-8')).toContain("bootstrapService(AppModule, { name: 'inventory'");
    expect(tree.read('apps/inventory/src/app/app.module.ts', 'utf-8')).toMatch(/PlatformModule\.forApp\(\{\s+name: 'inventory'/);
  });

  it('creates the sample resource: contracts, handlers, schema, service and a unit test', () => {
    const contracts = tree.read('libs/contracts/src/lib/inventory/items.contracts.ts', 'utf-8');
    expect(contracts).toContain("create: 'inventory.items.create'");
    expect(contracts).toContain("notFound: 'INVENTORY.ITEM_NOT_FOUND'");
    expect(tree.read('libs/contracts/src/index.ts', 'utf-8')).toContain("export * from './lib/inventory/items.contracts';");
    for (const file of ['item.schema.ts', 'items.service.ts', 'items.message.controller.ts', 'items.module.ts', 'items.message.controller.spec.ts']) {
      expect(tree.exists(`apps/inventory/src/app/items/${file}`)).toBe(true);
    }
    expect(tree.read('apps/inventory/src/app/app.module.ts', 'utf-8')).toContain('    ItemsModule,');
  });

  it('makes every handler check its caller: the identity guard in the app, a policy on each pattern', () => {
    expect(tree.read('apps/inventory/src/app/app.module.ts', 'utf-8')).toContain("RpcIdentityModule.forService('inventory', InventoryConfig)");
    const handlers = tree.read('apps/inventory/src/app/items/items.message.controller.ts', 'utf-8') ?? '';
    const patterns = handlers.match(/@MessagePattern\(/g) ?? [];
    const policies = handlers.match(/@MessagePattern\([^)]*\)\n\s+@RpcAccess\(/g) ?? [];
    expect(patterns.length).toBeGreaterThan(0);
    expect(policies).toHaveLength(patterns.length);
  });

  it('wires the gateway: routes module, controller under /api/v1/inventory/items, readiness ping', () => {
    const appModule = tree.read('apps/console-gateway/src/app/app.module.ts', 'utf-8');
    expect(appModule).toContain("import { InventoryHttpModule } from './inventory/inventory-http.module';");
    expect(appModule).toContain('    InventoryHttpModule,');
    const controller = tree.read('apps/console-gateway/src/app/inventory/items.http.controller.ts', 'utf-8');
    expect(controller).toContain("@Controller('inventory/items')");
    expect(controller).toContain('@ApiBearerAuth()');
    expect(tree.read('apps/console-gateway/src/app/gateway.config.ts', 'utf-8')).toContain(
      "DOWNSTREAM_SERVICES: string = 'users,oauth,inventory'",
    );
    expect(tree.exists('apps/console-gateway-e2e/src/inventory/items.e2e-spec.ts')).toBe(true);
  });

  it('registers the service with npm start, compose, Prometheus and the module boundaries', () => {
    expect(JSON.parse(tree.read('tools/platform/services.json', 'utf-8') ?? '[]')).toContainEqual({
      name: 'inventory',
      healthPort: 3103,
      dbEnv: 'INVENTORY_DB_NAME',
      calls: [],
      consumes: [],
    });
    expect(tree.read('docker/compose.yml', 'utf-8')).toContain('args: { APP: inventory }');
    expect(tree.read('docker/prometheus.yml', 'utf-8')).toContain("- targets: ['inventory:3103']");
    expect(tree.read('eslint.config.mjs', 'utf-8')).toContain(
      "{ sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:inventory', 'scope:shared'] }",
    );
  });

  it('gives the service a Redis user of its own in compose, which the gateway may call', () => {
    const compose = tree.read('docker/compose.yml', 'utf-8') ?? '';
    expect(compose).toContain('REDIS_URL: redis://inventory:${INVENTORY_REDIS_PASSWORD:?set INVENTORY_REDIS_PASSWORD}@redis:6379');
    expect(compose).toMatch(/INVENTORY_REDIS_PASSWORD: \$\{INVENTORY_REDIS_PASSWORD:\?set INVENTORY_REDIS_PASSWORD\}\n\s+# <nx-plugin:redis-passwords>/);
    const acl = tree.read('docker/redis/users.acl.in', 'utf-8') ?? '';
    expect(acl).toMatch(/^user inventory reset on #\$\{INVENTORY_REDIS_PASSWORD\} .*~\*\{inventory\}\*/m);
    expect(acl).toMatch(/^user console-gateway .*%W~rpc:\{inventory\}/m);
  });

  it('records whom the service calls and whose events it consumes, and refuses a service that does not exist', async () => {
    const other = workspace();
    await serviceGenerator(other, { name: 'billing', calls: 'users, oauth', consumes: 'users' });
    expect(JSON.parse(other.read('tools/platform/services.json', 'utf-8') ?? '[]')).toContainEqual(
      expect.objectContaining({ name: 'billing', calls: ['users', 'oauth'], consumes: ['users'] }),
    );
    expect(other.read('docker/redis/users.acl.in', 'utf-8')).toMatch(/^user billing .*%W~rpc:\{users\} %W~rpc:\{oauth\}.*~evt:\{users\}:\*/m);
    await expect(serviceGenerator(workspace(), { name: 'shipping', calls: 'nowhere' })).rejects.toThrow(/"nowhere" .* is not a service/);
  });

  it('refuses to run twice instead of overwriting', async () => {
    await expect(serviceGenerator(tree, { name: 'inventory' })).rejects.toThrow(/already exists; nothing was generated/);
  });

  it.each([
    ['Inventory', /not kebab-case/],
    ['my_service', /not kebab-case/],
    ['2fast', /not kebab-case/],
    ['users', /reserved/],
    ['console-gateway', /reserved/],
    ['class', /reserved/],
  ])('refuses the name %s with a clear error', async (name, message) => {
    await expect(serviceGenerator(workspace(), { name })).rejects.toThrow(message);
  });
});

describe('resource generator', () => {
  it('adds a second resource to an existing service, wired in the service and the gateway', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'billing', resource: 'account' });
    await resourceGenerator(tree, { service: 'billing', name: 'invoice' });

    expect(tree.read('libs/contracts/src/lib/billing/invoices.contracts.ts', 'utf-8')).toContain(
      "findById: 'billing.invoices.find-by-id'",
    );
    expect(tree.read('apps/billing/src/app/app.module.ts', 'utf-8')).toMatch(/AccountsModule,\s+InvoicesModule,/);
    expect(tree.read('apps/console-gateway/src/app/billing/billing-http.module.ts', 'utf-8')).toMatch(
      /AccountsHttpController,\s+InvoicesHttpController,/,
    );
    await expect(resourceGenerator(tree, { service: 'billing', name: 'invoice' })).rejects.toThrow(/already has invoices/);
  });

  it('pluralises names ending in y', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'catalog', resource: 'category' });
    expect(tree.exists('apps/catalog/src/app/categories/categories.service.ts')).toBe(true);
  });

  it('refuses a service that does not exist', async () => {
    await expect(resourceGenerator(workspace(), { service: 'nowhere', name: 'thing' })).rejects.toThrow(/no service "nowhere"/);
  });
});

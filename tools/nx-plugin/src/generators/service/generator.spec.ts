import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceGenerator } from '../resource/generator';
import { EDITED, ROOT, workspaceTree as workspace } from '../testing';
import { resourceNames } from '../utils';
import { serviceGenerator } from './generator';

/** The catalog's naming rule, as libs/contracts/src/lib/events.ts states it. */
const EVENT_NAME_PATTERN = new RegExp(
  /EVENT_NAME_PATTERN = \/(.+)\/;/.exec(readFileSync(join(ROOT, 'libs/contracts/src/lib/events.ts'), 'utf-8'))?.[1] ?? '^$',
);

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
    expect(config).toContain('override HEALTH_PORT = 3108');
    expect(tree.read('apps/inventory/src/main.ts', 'utf-8')).toContain("bootstrapService(AppModule, { name: 'inventory'");
    expect(tree.read('apps/inventory/src/app/app.module.ts', 'utf-8')).toMatch(/PlatformModule\.forApp\(\{\s+name: 'inventory'/);
  });

  it('creates the sample resource with contracts split like the users service’s: patterns and events, errors, DTOs', () => {
    const contracts = 'libs/contracts/src/lib/inventory';
    expect(tree.read(`${contracts}/items.patterns.ts`, 'utf-8')).toContain("create: 'inventory.items.create'");
    expect(tree.read(`${contracts}/items.patterns.ts`, 'utf-8')).toContain("deleted: 'inventory.item.deleted'");
    expect(tree.read(`${contracts}/items.errors.ts`, 'utf-8')).toContain("notFound: 'INVENTORY.ITEM_NOT_FOUND'");
    expect(tree.read(`${contracts}/items.dto.ts`, 'utf-8')).toContain('export class ListItemsQueryDto extends PageQueryDto');
    expect(tree.exists(`${contracts}/items.contracts.ts`)).toBe(false);
    const index = tree.read('libs/contracts/src/index.ts', 'utf-8');
    for (const kind of ['patterns', 'errors', 'dto']) expect(index).toContain(`export * from './lib/inventory/items.${kind}';`);
  });

  it('splits the service side like the users service, specs next to the code', () => {
    for (const file of [
      'item.schema.ts',
      'item.mapper.ts',
      'items.errors.ts',
      'items.service.ts',
      'items.service.spec.ts',
      'items.message.controller.ts',
      'items.message.controller.spec.ts',
      'items.module.ts',
    ]) {
      expect(tree.exists(`apps/inventory/src/app/items/${file}`)).toBe(true);
    }
    expect(tree.read('apps/inventory/src/app/app.module.ts', 'utf-8')).toContain('    ItemsModule,\n    // <nx-plugin:resource-modules>');
    const schema = tree.read('apps/inventory/src/app/items/item.schema.ts', 'utf-8');
    expect(schema).toContain('.add(OUTBOX_FIELDS)');
    expect(schema).toMatch(/@Prop\(\{ required: true, index: true \}\)\n\s+ownerId!: string;/);
    expect(tree.read('apps/inventory/src/app/items/items.errors.ts', 'utf-8')).toContain(
      'super(ItemsErrors.notFound, ErrorKind.NotFound, `Item ${id} does not exist`)',
    );
  });

  it('gives the service a baseline migration of its resource’s indexes, wired into PersistenceModule.forService', () => {
    expect(tree.read('apps/inventory/src/migrations/index.ts', 'utf-8')).toContain('export const migrations: readonly Migration[] = [\n  baseline,\n];');
    const baseline = tree.read('apps/inventory/src/migrations/0001-baseline.ts', 'utf-8');
    expect(baseline).toContain("id: '0001-baseline',");
    expect(baseline).toContain("await ensureIndexes(db, 'items', [{ key: { ownerId: 1 } }, { key: { nameLower: 1 } }, { key: { outboxAt: 1 }, sparse: true }]);");
    const module = tree.read('apps/inventory/src/app/app.module.ts', 'utf-8');
    expect(module).toContain("import { migrations } from '../migrations';");
    expect(module).toContain('PersistenceModule.forService(InventoryConfig, (config) => config.INVENTORY_DB_NAME, { migrations }),');
  });

  it('uses the shared helpers of the libs instead of its own: admin test, 403s, pages, outbox, outages', () => {
    const service = tree.read('apps/inventory/src/app/items/items.service.ts', 'utf-8') ?? '';
    expect(service).toContain("import { KeysetPage, LIVE, OutboxRelay, outboxEvent, prefixRange, pushOutbox, withOutbox } from '@site11/persistence';");
    expect(service).toContain("import { forbidden, listedOwner } from '@site11/auth';");
    expect(service).toMatch(/^\s+isAdmin,$/m);
    for (const generated of tree.listChanges().filter((change) => change.path.startsWith('apps/inventory/'))) {
      const text = generated.content?.toString() ?? '';
      const local = text.match(/(const|function) (isAdmin|actorOf|forbidden|encodeCursor|decodeCursor|isDuplicateKey|databaseUnavailable|LIVE|prefixOf|prefixRange|listedOwner)\b|AuthErrors\.forbidden/g);
      expect({ file: generated.path, local }).toEqual({
        file: generated.path,
        local: null,
      });
    }
  });

  it('enters the resource’s events in the catalog, named <service>.<resource>.<past-tense verb>', () => {
    const events = tree.read('libs/contracts/src/lib/events.ts', 'utf-8') ?? '';
    expect(events).toContain(
      "import { type ItemCreatedEvent, type ItemDeletedEvent, type ItemUpdatedEvent, ItemsEvents } from './inventory/items.patterns';",
    );
    expect(events).toMatch(/ {2}\[ItemsEvents\.created\]: ItemCreatedEvent;\n {2}\[ItemsEvents\.updated\]: ItemUpdatedEvent;\n {2}\[ItemsEvents\.deleted\]: ItemDeletedEvent;\n\}/);
    const names = /export const EVENT_NAMES = \[([^\]]*)\]/.exec(events)?.[1].split(',').map((name) => name.trim()).filter(Boolean);
    expect(names).toEqual([
      'UsersEvents.created',
      'UsersEvents.updated',
      'UsersEvents.deleted',
      'UsersEvents.rolesChanged',
      'UsersEvents.emailVerificationRequested',
      'UsersEvents.passwordResetRequested',
      'UsersEvents.passwordChanged',
      'UsersEvents.mfaChanged',
      'ApplicationsEvents.created',
      'ApplicationsEvents.updated',
      'ApplicationsEvents.deleted',
      'ApplicationsEvents.configPublished',
      'OAuthEvents.grantCreated',
      'OAuthEvents.grantRevoked',
      'OAuthEvents.loginSucceeded',
      'OAuthEvents.loginFailed',
      'ImagesEvents.uploaded',
      'ImagesEvents.updated',
      'ImagesEvents.deleted',
      'DatasetsEvents.created',
      'DatasetsEvents.updated',
      'DatasetsEvents.deleted',
      'DatasetsEvents.importCompleted',
      'DatasetsEvents.importFailed',
      'DatasetsEvents.transformApplied',
      'ReportsEvents.created',
      'ReportsEvents.completed',
      'ReportsEvents.deleted',
      'AuditEvents.users',
      'AuditEvents.oauth',
      'AuditEvents.applications',
      'AuditEvents.gateway',
      'ItemsEvents.created',
      'ItemsEvents.updated',
      'ItemsEvents.deleted',
    ]);
    for (const name of ['inventory.item.created', 'inventory.item.updated', 'inventory.item.deleted']) expect(name).toMatch(EVENT_NAME_PATTERN);
  });

  it('removes a deleted user’s items on users.deleted, idempotently, and says so', () => {
    const handlers = tree.read('apps/inventory/src/app/items/items.message.controller.ts', 'utf-8') ?? '';
    expect(handlers).toMatch(/@EventPattern\(UsersEvents\.deleted\)\n\s+async onUserDeleted\(/);
    const service = tree.read('apps/inventory/src/app/items/items.service.ts', 'utf-8') ?? '';
    expect(service).toContain('they are removed, not anonymised');
    expect(service).toContain('async removeOwnedBy(ownerId: string');
  });

  it('lists the caller’s own items; everyone’s or one user’s for admins only, checked in the service and documented at the gateway', () => {
    const service = tree.read('apps/inventory/src/app/items/items.service.ts', 'utf-8') ?? '';
    // the house rule itself is libs/auth's listedOwner (tested there)
    expect(service).toContain("const ownerId = listedOwner(query, actor, 'items');");
    expect(service).toContain("...prefixRange('nameLower', query.q)");
    const dto = tree.read('libs/contracts/src/lib/inventory/items.dto.ts', 'utf-8') ?? '';
    expect(dto).toMatch(/@IsIn\(\['mine', 'all'\]\)\n\s+scope\?: 'mine' \| 'all';/);
    expect(dto).toMatch(/@IsMongoId\(\{ message: 'ownerId must be a 24-character hex ObjectId' \}\)\n\s+ownerId\?: string;/);
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
    expect(appModule).toContain("import { InventoryHttpModule } from './inventory/inventory.http.module';");
    expect(appModule).toContain('    InventoryHttpModule,');
    const controller = tree.read('apps/console-gateway/src/app/inventory/items.http.controller.ts', 'utf-8');
    expect(controller).toContain("@Controller('inventory/items')");
    expect(controller).toContain('@ApiBearerAuth()');
    expect(controller).toContain("@ApiTags('inventory')");
    expect(tree.exists('apps/console-gateway/src/app/inventory/inventory.http.module.ts')).toBe(true);
    expect(tree.read('apps/console-gateway/src/app/gateway.config.ts', 'utf-8')).toContain(
      "DOWNSTREAM_SERVICES: string = 'users,oauth,applications,images,data,statistics,audit,inventory'",
    );
    expect(tree.exists('apps/console-gateway-e2e/src/inventory/items.e2e-spec.ts')).toBe(true);
  });

  it('caches the resource’s reads at the gateway, per viewer, invalidated by its writes and its own events', () => {
    const controller = tree.read('apps/console-gateway/src/app/inventory/items.http.controller.ts', 'utf-8');
    expect(controller).toContain("const CACHED_AS = 'inventory.items';");
    expect(controller).toContain('this.cache.read(cacheRef(CACHED_AS, params.id), viewerOf(user), load, mode)');
    expect(controller?.match(/await this\.invalidate\(/g)).toHaveLength(2);
    expect(tree.read('apps/console-gateway/src/app/http/cached-resources.ts', 'utf-8')).toContain(
      "{ resource: 'inventory.items', invalidatedBy: catalogEvents('inventory.item.updated', 'inventory.item.deleted') },",
    );
  });

  it('gives the resource console screens: list, new and detail routes, a navigation entry, texts in both languages, tests', () => {
    const feature = 'apps/console-web/src/features/inventory/items';
    for (const file of ['ItemsPage.tsx', 'NewItemPage.tsx', 'ItemPage.tsx', 'ItemForm.tsx', 'queries.ts', 'schema.ts', 'i18n.ts', 'ItemsPage.spec.tsx']) {
      expect({ file, exists: tree.exists(`${feature}/${file}`) }).toEqual({ file, exists: true });
    }
    const routes = tree.read('apps/console-web/src/app/routes.tsx', 'utf-8');
    expect(routes).toContain("const InventoryItemsPage = lazy(() => import('../features/inventory/items/ItemsPage'));");
    expect(routes).toContain("{ path: 'inventory/items/new', element: <InventoryNewItemPage /> },");
    expect(routes).toContain("{ path: 'inventory/items/:id', element: <InventoryItemPage /> },");
    expect(tree.read('apps/console-web/src/app/nav.ts', 'utf-8')).toContain(
      "{ to: '/inventory/items', label: 'inventoryItems.nav', adminOnly: false },",
    );
    expect(tree.read('apps/console-web/src/i18n/en.ts', 'utf-8')).toContain('  inventoryItems: inventoryItemsText.en,');
    expect(tree.read('apps/console-web/src/i18n/ko.ts', 'utf-8')).toContain('  inventoryItems: inventoryItemsText.ko,');
    // the client is typed from the OpenAPI document: no DTO copied by hand
    expect(tree.read(`${feature}/queries.ts`, 'utf-8')).toContain("export type Item = components['schemas']['ItemDto'];");
    expect(tree.read('apps/console-web-e2e/src/inventory/items.spec.ts', 'utf-8')).toContain("name: 'Items', exact: true");
  });

  it('registers the service with npm start, compose, Prometheus and the module boundaries', () => {
    expect(JSON.parse(tree.read('tools/platform/services.json', 'utf-8') ?? '[]')).toContainEqual({
      name: 'inventory',
      healthPort: 3108,
      dbEnv: 'INVENTORY_DB_NAME',
      calls: [],
      consumes: ['users'],
    });
    // one entry a line, the hand-written ones untouched
    expect(tree.read('tools/platform/services.json', 'utf-8')).toBe(
      readFileSync(join(ROOT, 'tools/platform/services.json'), 'utf-8').replace(
        /\n\]\n$/,
        ',\n  { "name": "inventory", "healthPort": 3108, "dbEnv": "INVENTORY_DB_NAME", "calls": [], "consumes": ["users"] }\n]\n',
      ),
    );
    expect(tree.read('docker/compose.yml', 'utf-8')).toContain('args: { APP: inventory }');
    expect(tree.read('docker/prometheus.yml', 'utf-8')).toContain("- targets: ['inventory:3108']");
    expect(tree.read('eslint.config.mjs', 'utf-8')).toContain(
      "{ sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:inventory', 'scope:shared'] }",
    );
  });

  it('adds the service to the Helm chart’s apps, on its health port and its own database, the hand-written entries untouched', () => {
    const values = 'deploy/helm/site11/values.yaml';
    expect(tree.read(values, 'utf-8')).toBe(
      readFileSync(join(ROOT, values), 'utf-8').replace(
        '  # <nx-plugin:helm-apps>\n',
        '  inventory:\n    port: 3108\n    database: inventory_db\n  # <nx-plugin:helm-apps>\n',
      ),
    );
  });

  it('gives the service a MongoDB user of its own in compose, allowed its database only, created before it starts', () => {
    const compose = tree.read('docker/compose.yml', 'utf-8') ?? '';
    expect(compose).toContain('MONGODB_URI: mongodb://inventory:${INVENTORY_MONGO_PASSWORD:?set INVENTORY_MONGO_PASSWORD}@mongo:27017/?replicaSet=rs0&authSource=admin');
    expect(compose).toMatch(/INVENTORY_MONGO_PASSWORD: \$\{INVENTORY_MONGO_PASSWORD:\?set INVENTORY_MONGO_PASSWORD\}\n\s+# <nx-plugin:mongo-passwords>/);
    const inventory = compose.slice(compose.indexOf('\n  inventory:'));
    expect(inventory).toMatch(/depends_on:\n\s+mongo-users: \{ condition: service_completed_successfully \}/);
  });

  it('gives the service a Redis user of its own in compose, which the gateway may call', () => {
    const compose = tree.read('docker/compose.yml', 'utf-8') ?? '';
    expect(compose).toContain('REDIS_URL: redis://inventory:${INVENTORY_REDIS_PASSWORD:?set INVENTORY_REDIS_PASSWORD}@redis:6379');
    expect(compose).toMatch(/INVENTORY_REDIS_PASSWORD: \$\{INVENTORY_REDIS_PASSWORD:\?set INVENTORY_REDIS_PASSWORD\}\n\s+# <nx-plugin:redis-passwords>/);
    const acl = tree.read('docker/redis/users.acl.in', 'utf-8') ?? '';
    expect(acl).toMatch(/^user inventory reset on #\$\{INVENTORY_REDIS_PASSWORD\} .*~\*\{inventory\}\*/m);
    expect(acl).toMatch(/^user console-gateway .*%W~rpc:\{inventory\}/m);
    // its resources handle users.deleted
    expect(acl).toMatch(/^user inventory .*~evt:\{users\}:\*/m);
    // the Helm chart's Redis loads the same users, from its own copy
    expect(tree.read('deploy/helm/site11/files/redis/users.acl.in', 'utf-8')).toBe(acl);
  });

  it('records whom the service calls and whose events it consumes, and refuses a service that does not exist', async () => {
    const other = workspace();
    await serviceGenerator(other, { name: 'billing', calls: 'users, oauth', consumes: 'oauth' });
    expect(JSON.parse(other.read('tools/platform/services.json', 'utf-8') ?? '[]')).toContainEqual(
      expect.objectContaining({ name: 'billing', calls: ['users', 'oauth'], consumes: ['users', 'oauth'] }),
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

    expect(tree.read('libs/contracts/src/lib/billing/invoices.patterns.ts', 'utf-8')).toContain(
      "findById: 'billing.invoices.find-by-id'",
    );
    expect(tree.read('libs/contracts/src/lib/events.ts', 'utf-8')).toMatch(/AccountsEvents\.deleted,\n\s+InvoicesEvents\.created,/);
    expect(tree.read('apps/billing/src/app/app.module.ts', 'utf-8')).toMatch(/AccountsModule,\s+InvoicesModule,/);
    expect(tree.read('apps/console-gateway/src/app/billing/billing.http.module.ts', 'utf-8')).toMatch(
      /AccountsHttpController,\s+InvoicesHttpController,/,
    );
    // and its screens, next to the first resource's
    expect(tree.read('apps/console-web/src/app/routes.tsx', 'utf-8')).toMatch(
      /path: 'billing\/accounts\/:id'[^\n]*\n\s+\{ path: 'billing\/invoices', element: <BillingInvoicesPage \/> \},/,
    );
    expect(tree.read('apps/console-web/src/app/nav.ts', 'utf-8')).toMatch(/'billingAccounts\.nav'[^\n]*\n[^\n]*'billingInvoices\.nav'/);
    expect(tree.read('apps/console-web/src/i18n/ko.ts', 'utf-8')).toContain('  billingInvoices: billingInvoicesText.ko,');
    expect(tree.exists('apps/console-web-e2e/src/billing/invoices.spec.ts')).toBe(true);
    await expect(resourceGenerator(tree, { service: 'billing', name: 'invoice' })).rejects.toThrow(/already has invoices/);
  });

  it('names a resource with its article by sound, and with dashes in words, keys and paths', () => {
    expect(resourceNames('stock-room', 'stock-item')).toMatchObject({
      aResource: 'a stock item',
      consoleKey: 'stockRoomStockItems',
      consolePath: 'stock-room/stock-items',
      resourcesTitle: 'Stock items',
    });
    expect(['invoice', 'order', 'unit', 'user', 'one-off', 'hour', 'event'].map((name) => resourceNames('shop', name).aResource)).toEqual([
      'an invoice',
      'an order',
      'a unit',
      'a user',
      'a one off',
      'an hour',
      'an event',
    ]);
  });

  it('refuses a resource whose screens could not tell list from detail, or whose name the generated code uses itself', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'billing', resource: 'account' });
    await expect(resourceGenerator(tree, { service: 'billing', name: 'series', plural: 'series' })).rejects.toThrow(/must differ/);
    await expect(resourceGenerator(tree, { service: 'billing', name: 'form' })).rejects.toThrow(/clash/);
    expect(tree.exists('apps/console-web/src/features/billing/series')).toBe(false);
  });

  it('pluralises names ending in y', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'catalog', resource: 'category' });
    expect(tree.exists('apps/catalog/src/app/categories/categories.service.ts')).toBe(true);
  });

  it.each([
    ['the catalog interface', 'export interface EventCatalog {', 'export type EventCatalog = {', /EventCatalog \{ … \}` not found/],
    ['the list of names', 'export const EVENT_NAMES = [', 'export const EVENT_NAMES: EventName[] = [', /EVENT_NAMES = \[ … \].* not found/],
  ])('stops, saying what to enter by hand, when events.ts has no %s where it expects it', async (_case, from, to, message) => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'billing', resource: 'account' });
    const events = 'libs/contracts/src/lib/events.ts';
    tree.write(events, (tree.read(events, 'utf-8') ?? '').replace(from, to));
    await expect(resourceGenerator(tree, { service: 'billing', name: 'invoice' })).rejects.toThrow(message);
    await expect(resourceGenerator(tree, { service: 'billing', name: 'invoice' })).rejects.toThrow(
      /enter InvoicesEvents\.created, InvoicesEvents\.updated, InvoicesEvents\.deleted in the event catalog by hand/,
    );
  });

  it('refuses a resource whose contracts would collide with another service’s', async () => {
    const tree = workspace([...EDITED, 'libs/contracts/src/lib/users/users.patterns.ts']);
    await serviceGenerator(tree, { name: 'billing', resource: 'account' });
    await expect(resourceGenerator(tree, { service: 'billing', name: 'user' })).rejects.toThrow(/already exports Users(Patterns|Events|Errors); choose another/);
  });

  it('refuses a service that does not exist', async () => {
    await expect(resourceGenerator(workspace(), { service: 'nowhere', name: 'thing' })).rejects.toThrow(/no service "nowhere"/);
  });
});

import { getProjects, names, type Tree } from '@nx/devkit';

/** Words a service or resource may not be called: platform projects, routes, JS keywords. */
export const RESERVED_NAMES = new Set([
  'console-gateway', 'gateway', 'console-gateway-e2e', 'auth', 'oauth', 'users', 'shared', 'contracts', 'messaging',
  'health', 'config', 'persistence', 'observability', 'registry', 'nx-plugin', 'platform', 'tools', 'api', 'metrics',
  'services', 'docs', 'well-known', 'test', 'e2e', 'app', 'apps', 'libs', 'node-modules', 'dist',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'constructor',
  'prototype', 'object', 'string', 'number',
]);

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function assertKebabName(kind: string, name: string): void {
  if (!KEBAB.test(name)) {
    throw new Error(`The ${kind} name "${name}" is not kebab-case (lower-case letters, digits, single dashes; starting with a letter).`);
  }
  if (name.length > 40) throw new Error(`The ${kind} name "${name}" is longer than 40 characters.`);
  if (RESERVED_NAMES.has(name)) throw new Error(`"${name}" is reserved and cannot be used as a ${kind} name.`);
}

export function assertNewService(tree: Tree, name: string): void {
  assertKebabName('service', name);
  if (getProjects(tree).has(name) || tree.exists(`apps/${name}`)) {
    throw new Error(`A project named "${name}" already exists; nothing was generated.`);
  }
}

/** English plural, good enough for resource names; pass --plural when it is not. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/**
 * `a` or `an` before an English word, by its sound where the spelling misleads: a unit, a user,
 * a one-off; an hour, an honest one. Good enough for resource names.
 */
export function article(word: string): 'a' | 'an' {
  if (/^(hour|honest|honou?r|heir)/.test(word)) return 'an';
  if (/^(uni|use|usu|uti|ura|uro|eu|ewe|one|once)/.test(word)) return 'a';
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/**
 * Resource names the generated code cannot take: they would shadow its own variables
 * (`const form = useForm()`, `const update = useUpdate…()`) or its components.
 */
export const RESERVED_RESOURCE_NAMES = new Set([
  'form', 'update', 'remove', 'confirm', 'confirming', 'navigate', 'create', 'list', 'search', 'scope',
  'me', 'id', 'query', 'page', 'api', 'details', 'new', 'nav', 'title',
]);

export interface ResourceNames {
  /** kebab-case: `inventory` */
  service: string;
  /** `Inventory` */
  serviceClass: string;
  /** `INVENTORY` */
  serviceConstant: string;
  /** kebab-case singular and plural: `stock-item`, `stock-items` */
  resource: string;
  resources: string;
  /** `StockItem`, `StockItems` */
  resourceClass: string;
  resourcesClass: string;
  /** `stockItem`, `stockItems` */
  resourceProperty: string;
  resourcesProperty: string;
  /** `STOCK_ITEM`, `STOCK_ITEMS` */
  resourceConstant: string;
  resourcesConstant: string;
  /** In sentences: `stock item`, `stock items`, `Stock item` */
  resourceWords: string;
  resourcesWords: string;
  resourceTitle: string;
  /** `Stock items` */
  resourcesTitle: string;
  /** With its article: `a stock item`, `an invoice`; `A stock item` */
  aResource: string;
  AResource: string;
  /** Pattern prefix: `inventory.stock-items` */
  patternPrefix: string;
  /** The console's names for the screens: i18n key `inventoryStockItems`, path `inventory/stock-items` */
  consoleKey: string;
  consolePath: string;
  /** Event prefix by the catalog rule `<service>.<resource>.<past-tense verb>`: `inventory.stock-item` */
  eventPrefix: string;
  /** Database: `inventory_db`; its variable: `INVENTORY_DB_NAME` */
  dbName: string;
  dbEnv: string;
}

export function resourceNames(service: string, resource: string, plural?: string): ResourceNames {
  if (RESERVED_RESOURCE_NAMES.has(resource)) {
    throw new Error(`"${resource}" would clash with the generated code's own names; choose another resource name.`);
  }
  const resourcesName = plural ?? pluralize(resource);
  if (resourcesName === resource) {
    throw new Error(`The plural of "${resource}" must differ from it (the list and the detail screen need two names); pass another --plural.`);
  }
  const s = names(service);
  const r = names(resource);
  const rs = names(resourcesName);
  return {
    service: s.fileName,
    serviceClass: s.className,
    serviceConstant: s.constantName,
    resource: r.fileName,
    resources: rs.fileName,
    resourceClass: r.className,
    resourcesClass: rs.className,
    resourceProperty: r.propertyName,
    resourcesProperty: rs.propertyName,
    resourceConstant: r.constantName,
    resourcesConstant: rs.constantName,
    resourceWords: r.fileName.replace(/-/g, ' '),
    resourcesWords: rs.fileName.replace(/-/g, ' '),
    resourceTitle: `${r.fileName.charAt(0).toUpperCase()}${r.fileName.slice(1).replace(/-/g, ' ')}`,
    aResource: `${article(r.fileName)} ${r.fileName.replace(/-/g, ' ')}`,
    AResource: `${article(r.fileName) === 'an' ? 'An' : 'A'} ${r.fileName.replace(/-/g, ' ')}`,
    resourcesTitle: `${rs.fileName.charAt(0).toUpperCase()}${rs.fileName.slice(1).replace(/-/g, ' ')}`,
    patternPrefix: `${s.fileName}.${rs.fileName}`,
    consoleKey: `${s.propertyName}${rs.className}`,
    consolePath: `${s.fileName}/${rs.fileName}`,
    eventPrefix: `${s.fileName}.${r.fileName}`,
    dbName: `${s.fileName.replace(/-/g, '_')}_db`,
    dbEnv: `${s.constantName}_DB_NAME`,
  };
}

/**
 * Inserts `text` on the line before the marker comment in `file`. Markers make the places the
 * generators touch explicit in the hand-written files. Inserting the same text twice is a no-op.
 */
export function insertBeforeMarker(tree: Tree, file: string, marker: string, text: string): void {
  const content = tree.read(file, 'utf-8');
  if (content === null) throw new Error(`${file} does not exist`);
  const index = content.indexOf(marker);
  if (index < 0) throw new Error(`${file} has no "${marker}" marker; add it where generated code should go`);
  if (content.includes(text.trim())) return;
  const lineStart = content.lastIndexOf('\n', index) + 1;
  tree.write(file, `${content.slice(0, lineStart)}${text.endsWith('\n') ? text : `${text}\n`}${content.slice(lineStart)}`);
}

export function appendLine(tree: Tree, file: string, line: string): void {
  const content = tree.read(file, 'utf-8') ?? '';
  if (content.split('\n').includes(line)) return;
  tree.write(file, `${content.replace(/\n*$/, '\n')}${line}\n`);
}

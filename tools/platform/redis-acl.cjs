// @ts-check
/**
 * The Redis users of the platform, in one place: each app connects as its own ACL user, limited
 * to the keys and channels it owns and to what the call graph in services.json (`calls`,
 * `consumes`) lets it do to other apps' keys. `npm start` and the e2e stacks apply the users to
 * the redis-server they start (`applyAcl`); docker compose loads them from docker/redis/users.acl.in,
 * rendered from the same rules (`renderComposeAcl`; run this file to write it again), and so does
 * the Helm chart's Redis, from a copy inside the chart (`aclFiles`: Helm reads no file outside it).
 *
 * Key layout (libs/messaging/src/lib/streams/streams.keys.ts): every transport key carries its
 * owning service as a hash tag (`rpc:{users}`, `evt:{users}:users.created`, `dlq:{users}`, ...).
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

/** The edge app: it calls (and pings) every service and serves no messages itself. */
const GATEWAY = 'console-gateway';
/** All permissions: the launcher, tests and operators; never given to an app. */
const ADMIN_USER = 'admin';
const COMPOSE_ACL_FILE = path.resolve(__dirname, '../../docker/redis/users.acl.in');
/** What turns the ACL file's password variables into hashes at Redis' start (compose's). */
const RENDER_ACL_SCRIPT = path.resolve(__dirname, '../../docker/redis/render-acl.sh');
/** The Helm chart's copies of both: its templates can read only files inside the chart. */
const CHART_ACL_FILE = path.resolve(__dirname, '../../deploy/helm/site11/files/redis/users.acl.in');
const CHART_RENDER_ACL_SCRIPT = path.resolve(__dirname, '../../deploy/helm/site11/files/redis/render-acl.sh');
const SERVICES_FILE = path.resolve(__dirname, 'services.json');

/**
 * @typedef {{ name: string, healthPort: number, dbEnv: string, calls?: string[], consumes?: string[] }} ServiceEntry
 * @typedef {{ calls: string[], consumes: string[], serves: boolean }} AppEdges
 * @typedef {Record<string, AppEdges>} CallGraph
 * @typedef {'streams' | 'redis'} TransportName
 */

/**
 * Who calls whom, from services.json: each service's `calls` (request streams it appends to) and
 * `consumes` (emitters whose event streams it reads through its consumer group; `"*"` for all), plus the gateway,
 * which calls every service.
 * @param {ServiceEntry[]} services
 * @returns {CallGraph}
 */
function callGraph(services) {
  const names = new Set(services.map((service) => service.name));
  /** @type {CallGraph} */
  const graph = {};
  for (const service of services) {
    // "*": every emitter's events, those of services added later and the gateway's included (statistics)
    const consumes = (service.consumes ?? []).includes('*') ? [...names, GATEWAY] : [...(service.consumes ?? [])];
    for (const target of service.calls ?? []) {
      if (!names.has(target)) throw new Error(`services.json: ${service.name} names "${target}", which is not a service`);
    }
    // the gateway emits events too (its audit records of admins' reads): a service may consume them
    for (const target of consumes) {
      if (!names.has(target) && target !== GATEWAY) throw new Error(`services.json: ${service.name} names "${target}", which is not a service`);
    }
    graph[service.name] = { calls: [...(service.calls ?? [])], consumes, serves: true };
  }
  // the gateway reads every emitter's events: its read cache is invalidated by them
  graph[GATEWAY] = { calls: [...names], consumes: [...names], serves: false };
  return graph;
}

/**
 * Commands of every app user: everything but the dangerous category (KEYS, FLUSH*, CONFIG,
 * DEBUG, ACL, MONITOR, CLIENT LIST/KILL, ...), with INFO back for ioredis' ready check. SCAN and
 * RANDOMKEY would list every app's key names like KEYS; functions are shared code any user could
 * replace, and SCRIPT FLUSH/KILL act on every user's scripts, so only EVAL and its cache remain.
 */
const APP_COMMANDS = [
  '+@all',
  '-@dangerous',
  '+info',
  '-scan',
  '-randomkey',
  '-@scripting',
  '+eval',
  '+evalsha',
  '+eval_ro',
  '+evalsha_ro',
  '+script|load',
  '+script|exists',
];

/** Commands a consumer group runs on an emitter's event stream (read loop, renewals, reclaims). */
const CONSUMER_COMMANDS = [
  '+xreadgroup',
  '+xack',
  '+xclaim',
  '+xautoclaim',
  '+xpending',
  '+xrange',
  '+xinfo',
  '+xgroup|create',
  '+xgroup|createconsumer',
  '+xgroup|delconsumer',
  '+eval',
  '+evalsha',
];

/**
 * The ACL SETUSER rules of one app (without `reset`, `on` and its password). A command is allowed
 * when the root rules or one selector `( … )` allow it with all its keys and channels; ACL rules
 * also apply to every command a script runs.
 * @param {string} app
 * @param {CallGraph} graph
 * @param {{ transport?: TransportName }} [options]
 * @returns {string[]}
 */
function aclRules(app, graph, { transport = 'streams' } = {}) {
  const edges = graph[app];
  if (!edges) throw new Error(`No Redis user for "${app}": it is not in services.json`);
  const rules = [
    ...APP_COMMANDS,
    // its own transport keys: request stream, event streams, dead letters, liveness, idempotency, outbox markers
    `~*{${app}}*`,
    // the registry: everyone's entries readable, its own writable
    '%R~registry:*',
    `~registry:service:${app}`,
    `~registry:instance:${app}:*`,
    // keys of the token authority (JWKS, denylist): oauth writes, everyone reads
    app === 'oauth' ? '~auth:*' : '%R~auth:*',
    // replies to its own requests arrive on its own channels only
    `&rpc:reply:${app}:*`,
  ];
  // rate limits, and the read cache of services' resources (invalidated by their events)
  if (app === GATEWAY) rules.push('~rl:*', '~cache:*');
  // the set of service names is shared: each announcer adds its own
  rules.push('(%W~registry:services +sadd)');
  // the gateway reads the registry for operators and forgets instances gone for minutes
  if (app === GATEWAY) rules.push('(%W~registry:service:* +zremrangebyscore)');
  // a service answers whoever called it, on the channel the request names
  if (edges.serves) rules.push('(&rpc:reply:* +publish)');
  if (edges.calls.length > 0) {
    const live = edges.calls.map((service) => `live:{${service}}`);
    const requests = edges.calls.map((service) => `rpc:{${service}}`);
    // append a request if an instance is live: never read the stream, whose requests (passwords
    // included) are other callers'. EVAL declares its keys read-write, so the script that does
    // both runs under a selector of its own; its ZCOUNT and XADD are checked against the others.
    rules.push(`(${[...live.map((key) => `%R~${key}`), ...requests.map((key) => `%W~${key}`)].join(' ')} +zcount +xadd)`);
    rules.push(`(${[...live, ...requests].map((key) => `~${key}`).join(' ')} +eval +evalsha)`);
  }
  if (edges.consumes.length > 0) {
    // XREADGROUP counts as a write (it moves the group), so the commands are listed, not the key permission
    rules.push(`(${edges.consumes.map((emitter) => `~evt:{${emitter}}:*`).join(' ')} ${CONSUMER_COMMANDS.join(' ')})`);
  }
  if (transport === 'redis') {
    // Nest's pub/sub transport names channels after patterns: requests on `<service>.<pattern>`,
    // replies on `<service>.<pattern>.reply`, events on `<emitter>.<event>`. Channels of one
    // service cannot be told apart by owner, so any caller could read or forge replies of other
    // callers of the same service: the streams transport is the one with per-app guarantees.
    rules.push(`&${app}.*`);
    for (const service of edges.calls) rules.push(`(&${service}.* +publish)`);
    // One selector for every channel the app subscribes to: after a reconnect ioredis subscribes
    // to all of them in one SUBSCRIBE, and Redis admits a command only if one selector covers
    // every channel it names.
    // The gateway subscribes to no events here: `&<emitter>.*` would cover the emitter's request
    // channels too (its read cache is invalidated from event streams only, docs/cache.md).
    const eventChannels = app === GATEWAY ? [] : edges.consumes.map((emitter) => `&${emitter}.*`);
    const subscribed = [`&${app}.*`, ...edges.calls.map((service) => `&${service}.*.reply`), ...eventChannels];
    rules.push(`(${subscribed.join(' ')} +subscribe)`);
  }
  return rules;
}

/** Rules of the admin user: everything. */
const ADMIN_RULES = ['~*', '&*', '+@all'];
/** The default user ends up with nothing and off: a connection that does not authenticate can do nothing. */
const DEFAULT_RULES = ['reset', 'off'];

/**
 * The apps that get a Redis user: every service and the gateway.
 * @param {CallGraph} graph
 */
function appUsers(graph) {
  return Object.keys(graph);
}

/**
 * The variable holding an app's Redis password in docker compose: `USERS_REDIS_PASSWORD`, and
 * `REDIS_ADMIN_PASSWORD` for the admin.
 * @param {string} user
 */
function passwordEnv(user) {
  return user === ADMIN_USER ? 'REDIS_ADMIN_PASSWORD' : `${user.toUpperCase().replace(/-/g, '_')}_REDIS_PASSWORD`;
}

/**
 * Random passwords for the admin and every app, keeping those already in `existing`. URL-safe,
 * since they travel in `redis://user:password@host` URLs.
 * @param {CallGraph} graph
 * @param {Record<string, string>} [existing]
 * @returns {Record<string, string>}
 */
function generatePasswords(graph, existing = {}) {
  /** @type {Record<string, string>} */
  const passwords = {};
  for (const user of [ADMIN_USER, ...appUsers(graph)]) passwords[user] = existing[user] ?? randomBytes(24).toString('base64url');
  return passwords;
}

/**
 * `url` with this user and password in it.
 * @param {string} url
 * @param {string} user
 * @param {string} password
 */
function redisUrlFor(url, user, password) {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * `url` without its credentials, for logs and banners.
 * @param {string} url
 */
function withoutCredentials(url) {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/**
 * Creates (or resets) the admin and one user per app on a running Redis, then turns the default
 * user off. ACLs live in memory: apply again after every start of the server.
 * @param {{ url: string, passwords: Record<string, string>, graph: CallGraph, transport?: TransportName }} options
 */
async function applyAcl({ url, passwords, graph, transport = 'streams' }) {
  const Redis = require('ioredis').default;
  const redis = new Redis(withoutCredentials(url), { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    const adminPassword = passwords[ADMIN_USER];
    if (!adminPassword) throw new Error('applyAcl: no password for the admin user');
    // a server that has its users already refuses the default user: log in as the admin then
    const fresh = await redis.call('ACL', 'WHOAMI').then(
      () => true,
      (/** @type {Error} */ error) => {
        if (!/NOAUTH/.test(error.message)) throw error;
        return false;
      },
    );
    if (!fresh) await redis.auth(ADMIN_USER, adminPassword);
    await redis.call('ACL', 'SETUSER', ADMIN_USER, 'reset', 'on', `>${adminPassword}`, ...ADMIN_RULES);
    // from here on as the admin, so turning the default user off does not cut this connection
    await redis.auth(ADMIN_USER, adminPassword);
    for (const app of appUsers(graph)) {
      const password = passwords[app];
      if (!password) throw new Error(`applyAcl: no password for ${app}`);
      await redis.call('ACL', 'SETUSER', app, 'reset', 'on', `>${password}`, ...aclRules(app, graph, { transport }));
    }
    await redis.call('ACL', 'SETUSER', 'default', ...DEFAULT_RULES);
  } finally {
    redis.disconnect();
  }
}

/**
 * docker/redis/users.acl.in: the ACL file of docker compose, with `#${VARIABLE}` where
 * docker/redis/render-acl.sh puts the SHA-256 of each password (so the file Redis loads holds
 * none). The compose stack runs the default transport (streams).
 * @param {ServiceEntry[]} services
 */
function renderComposeAcl(services) {
  const graph = callGraph(services);
  const line = (/** @type {string} */ user, /** @type {string[]} */ rules) => `user ${user} reset on #\${${passwordEnv(user)}} ${rules.join(' ')}`;
  return [
    '# Redis users of docker/compose.yml, one per app. Generated by `node tools/platform/redis-acl.cjs`',
    '# from tools/platform/services.json: do not edit. docker/redis/render-acl.sh replaces each',
    '# #${VARIABLE} with the SHA-256 of that variable (the password), so the file Redis loads holds none.',
    line(ADMIN_USER, ADMIN_RULES),
    ...appUsers(graph).map((app) => line(app, aclRules(app, graph))),
    `user default ${DEFAULT_RULES.join(' ')}`,
    '',
  ].join('\n');
}

/**
 * Every file this module writes, by absolute path: compose's ACL file, and the Helm chart's copies
 * of it and of docker/redis/render-acl.sh (the in-chart Redis renders its users with the same
 * script, from a ConfigMap made of the chart's files/redis/).
 * @param {ServiceEntry[]} services
 * @returns {Record<string, string>}
 */
function aclFiles(services) {
  const acl = renderComposeAcl(services);
  return {
    [COMPOSE_ACL_FILE]: acl,
    [CHART_ACL_FILE]: acl,
    [CHART_RENDER_ACL_SCRIPT]: fs.readFileSync(RENDER_ACL_SCRIPT, 'utf8'),
  };
}

module.exports = {
  GATEWAY,
  ADMIN_USER,
  COMPOSE_ACL_FILE,
  RENDER_ACL_SCRIPT,
  CHART_ACL_FILE,
  CHART_RENDER_ACL_SCRIPT,
  callGraph,
  aclRules,
  appUsers,
  passwordEnv,
  generatePasswords,
  redisUrlFor,
  withoutCredentials,
  applyAcl,
  renderComposeAcl,
  aclFiles,
};

// `node tools/platform/redis-acl.cjs` writes docker/redis/users.acl.in and the Helm chart's copies
// (aclFiles) from services.json; `--check` only tells whether they are up to date.
if (require.main === module) {
  /** @type {ServiceEntry[]} */
  const services = JSON.parse(fs.readFileSync(SERVICES_FILE, 'utf8'));
  const stale = Object.entries(aclFiles(services)).filter(([file, expected]) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '') !== expected);
  if (process.argv.includes('--check')) {
    for (const [file] of stale) process.stderr.write(`${path.relative(process.cwd(), file)} is out of date: run node tools/platform/redis-acl.cjs\n`);
    if (stale.length > 0) process.exit(1);
  } else {
    for (const [file, expected] of stale) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, expected);
      process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    }
  }
}

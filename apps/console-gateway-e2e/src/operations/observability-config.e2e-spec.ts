import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DATA_DIR, ROOT } from '../../../../tools/platform/platform.cjs';
import SERVICES from '../../../../tools/platform/services.json';
import { Stack } from '../support/stack';

/**
 * The operations files of docker/ checked by the tools that read them, against the platform as it
 * runs: Prometheus' configuration and alert rules by promtool (syntax, and a unit test making each
 * alert fire), compose by docker compose's own parser, the Grafana dashboards' PromQL by promtool's
 * parser, and every metric name an alert or a panel uses against what the running apps expose.
 * A missing tool fails the test that needs it, saying how to get it: no check is skipped for want of one.
 */
const DOCKER = join(ROOT, 'docker');
const GATEWAY = 'console-gateway';
/** Built from the Go module proxy when no docker compose v2 is installed (Debian has only v1, which cannot read compose.yml's `name`). */
const COMPOSE_VERSION = 'v2.40.3';
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added']);
/** Consumer groups exist on the streams transport only (docs/messaging.md). */
const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;

let stack: Stack;
/** `/metrics` of every app of the stack, by app. */
const scrapes = new Map<string, string>();
/** Every series name the apps expose (a histogram's `_bucket`, `_sum` and `_count`). */
const exposed = new Set<string>();
let compose: { argv: string[] } | { error: string };

function onPath(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/go/bin']) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

function promtool(): string {
  const found = process.env['PROMTOOL_BIN'] ?? onPath('promtool');
  if (!found) throw new Error('promtool is not installed: run .ci/run (it installs Debian’s prometheus package), or set PROMTOOL_BIN');
  return found;
}

/** Runs a tool; a non-zero exit fails with its output. */
function run(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf-8', cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

/**
 * docker compose v2: DOCKER_COMPOSE_BIN, an installed `docker compose` or `docker-compose` of
 * version 2, else COMPOSE_VERSION built once into .data/bin from the Go module proxy (a minute or
 * two), as tools/platform/go-tools.cjs builds Helm.
 */
function ensureDockerCompose(): string[] {
  const fromEnv = process.env['DOCKER_COMPOSE_BIN'];
  if (fromEnv) return [fromEnv];
  for (const argv of [['docker', 'compose'], ['docker-compose']]) {
    const binary = onPath(argv[0]);
    if (!binary) continue;
    const version = spawnSync(binary, [...argv.slice(1), 'version', '--short'], { encoding: 'utf-8' });
    if (version.status === 0 && /^v?2\./.test(version.stdout.trim())) return [binary, ...argv.slice(1)];
  }
  const target = join(DATA_DIR, 'bin', `docker-compose-${COMPOSE_VERSION}`);
  if (existsSync(target)) return [target];
  const go = onPath('go');
  if (!go) throw new Error('docker compose v2 is not installed and Go is not there to build it: install Go (https://go.dev/dl; .ci/run uses /usr/local/go), or set DOCKER_COMPOSE_BIN');
  process.stdout.write(`Building docker compose ${COMPOSE_VERSION} into ${target} (once)...\n`);
  const env = { ...process.env, CGO_ENABLED: '0' };
  // compose's go.mod has `exclude` directives, which `go install pkg@version` refuses: built in its module directory
  const module = JSON.parse(execFileSync(go, ['mod', 'download', '-json', `github.com/docker/compose/v2@${COMPOSE_VERSION}`], { encoding: 'utf-8', env })) as { Dir: string };
  mkdirSync(join(DATA_DIR, 'bin'), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    execFileSync(go, ['build', '-trimpath', '-buildvcs=false', `-ldflags=-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}`, '-o', temporary, './cmd'], {
      cwd: module.Dir,
      env,
      stdio: 'inherit',
    });
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return [target];
}

function composeArgv(): string[] {
  if ('error' in compose) throw new Error(compose.error);
  return compose.argv;
}

/** The variables compose.yml requires (`${NAME:?…}`), each set to a valid dummy secret. */
function composeSecrets(): Record<string, string> {
  const text = readFileSync(join(DOCKER, 'compose.yml'), 'utf-8');
  const names = [...new Set([...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((match) => match[1]))];
  return Object.fromEntries(names.map((name, i) => [name, `dummy-${String(i).padStart(2, '0')}-${name.toLowerCase().replace(/_/g, '-')}`]));
}

/** `docker compose config` of docker/compose.yml with `secrets` as the whole environment (no docker/.env either). */
function composeConfig(secrets: Record<string, string>, args: string[]): ReturnType<typeof spawnSync> {
  const work = mkdtempSync(join(tmpdir(), 'compose-'));
  try {
    writeFileSync(join(work, 'empty.env'), '');
    const [binary, ...prefix] = composeArgv();
    return spawnSync(binary, [...prefix, '--env-file', join(work, 'empty.env'), '-f', join(DOCKER, 'compose.yml'), 'config', ...args], {
      encoding: 'utf-8',
      env: { PATH: process.env['PATH'], HOME: work, ...secrets },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The services of compose.yml as docker compose resolves them with `secrets`; fails with compose's own message. */
function composeServices(secrets: Record<string, string>): Record<string, ComposeService> {
  const result = composeConfig(secrets, ['--format', 'json']);
  if (result.status !== 0) throw new Error(`docker compose config failed:\n${String(result.stderr)}`);
  return (JSON.parse(String(result.stdout)) as { services: Record<string, ComposeService> }).services;
}

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  ports?: { target: number; published: string; host_ip?: string }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

/**
 * The metric names a PromQL expression reads: its identifiers, less strings, label matchers,
 * ranges, label lists, Grafana variables, functions (followed by `(`), keywords and numbers.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = bare.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The names in `names` neither an app exposes nor Prometheus makes. */
function unknown(names: string[]): string[] {
  return names.filter((name) => !exposed.has(name) && !PROMETHEUS_SERIES.has(name));
}

/** The `expr` of every rule of docker/prometheus/alerts.yml, which keeps each on one line. */
function alertExpressions(): { alert: string; expr: string }[] {
  const text = readFileSync(join(DOCKER, 'prometheus/alerts.yml'), 'utf-8');
  const alerts = [...text.matchAll(/^\s*- alert: (\S+)\s*\n\s*expr: (.+)$/gm)].map((match) => ({ alert: match[1], expr: match[2].trim() }));
  expect(alerts).toHaveLength([...text.matchAll(/^\s*- alert: /gm)].length);
  expect(alerts).toHaveLength([...text.matchAll(/^\s*expr: /gm)].length);
  return alerts;
}

interface Panel {
  title?: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; type: string; datasource?: { uid: string }; query?: { query: string } | string }[] };
}

function dashboards(): { file: string; dashboard: Dashboard }[] {
  const dir = join(DOCKER, 'grafana/dashboards');
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(2);
  return files.map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf-8')) as Dashboard }));
}

const panelsOf = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);

/** A value of a small YAML file of docker/ (`key: value` on one line). */
function yamlValue(file: string, key: string): string {
  const match = new RegExp(`^\\s*(?:- )?${key}: *(.+?)\\s*$`, 'm').exec(readFileSync(join(DOCKER, file), 'utf-8'));
  if (!match) throw new Error(`docker/${file} has no "${key}:"`);
  return match[1].replace(/^['"]|['"]$/g, '');
}

beforeAll(async () => {
  try {
    compose = { argv: ensureDockerCompose() };
  } catch (error) {
    compose = { error: (error as Error).message };
  }
  stack = await Stack.start();
  const apps: [string, string][] = [
    [GATEWAY, stack.gatewayMetricsUrl],
    ['users', stack.usersHealthUrl],
    ['oauth', `http://127.0.0.1:${stack.oauth.healthPort}`],
    ...stack.extraServices.map((app): [string, string] => [app.name, `http://127.0.0.1:${app.healthPort}`]),
  ];
  for (const [name, url] of apps) {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    scrapes.set(name, await response.text());
  }
  for (const text of scrapes.values()) {
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exposed.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(`${name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) exposed.add(`${name}${suffix}`);
    }
  }
}, 15 * 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('Prometheus (docker/prometheus.yml, docker/prometheus/)', () => {
  it('has a configuration promtool accepts, loading the alert rules', () => {
    expect(run([promtool(), 'check', 'config', join(DOCKER, 'prometheus.yml')])).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('has alert rules promtool accepts, each of which fires in its promtool unit test', () => {
    const alerts = alertExpressions().map(({ alert }) => alert);
    expect(alerts).toEqual(
      expect.arrayContaining(['InstanceDown', 'ApiErrorRateHigh', 'ApiLatencyP99OverSlo', 'DeadLettersGrowing', 'PendingEntriesStuck', 'CircuitOpen']),
    );
    expect(run([promtool(), 'check', 'rules', join(DOCKER, 'prometheus/alerts.yml')])).toMatch(new RegExp(`SUCCESS: ${alerts.length} rules found`));
    expect(run([promtool(), 'test', 'rules', 'alerts.test.yml'], { cwd: join(DOCKER, 'prometheus') })).toMatch(/SUCCESS/);
    const tested = readFileSync(join(DOCKER, 'prometheus/alerts.test.yml'), 'utf-8');
    for (const alert of alerts) expect({ alert, firesInATest: new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`).test(tested) }).toEqual({ alert, firesInATest: true });
  });

  it('alerts only on metrics the running apps expose', () => {
    for (const { alert, expr } of alertExpressions()) {
      const names = metricNames(expr);
      expect({ alert, names: names.length > 0 }).toEqual({ alert, names: true });
      expect({ alert, unknown: unknown(names) }).toEqual({ alert, unknown: [] });
    }
  });

  it('scrapes every app compose runs, each where it serves /metrics, and nothing else', () => {
    const services = composeServices(composeSecrets());
    const expected = [
      `${GATEWAY}:${services[GATEWAY].environment?.['METRICS_PORT']}`,
      ...SERVICES.map((service) => `${service.name}:${services[service.name].environment?.['HEALTH_PORT']}`),
    ];
    expect(SERVICES.map((service) => services[service.name].environment?.['HEALTH_PORT'])).toEqual(SERVICES.map((service) => String(service.healthPort)));
    const targets = [...readFileSync(join(DOCKER, 'prometheus.yml'), 'utf-8').matchAll(/- targets: \['([^']+)'\]/g)].map((match) => match[1]);
    expect(targets.sort()).toEqual(expected.sort());
  });
});

describe('the apps’ metrics', () => {
  it('are valid Prometheus exposition text, every series labelled with its app', () => {
    for (const [app, text] of scrapes) {
      const checked = spawnSync(promtool(), ['check', 'metrics'], { input: text, encoding: 'utf-8' });
      // status 1: not parsable; 3: lint remarks, of which prom-client's own gauges named `_total` are the only ones allowed
      const remarks = `${checked.stdout}${checked.stderr}`.split('\n').filter((line) => line.trim() && !/^nodejs_active_\w+_total non-counter metrics/.test(line));
      expect({ app, status: checked.status === 3 ? 0 : checked.status, remarks }).toEqual({ app, status: 0, remarks: [] });
      const samples = text.split('\n').filter((line) => line && !line.startsWith('#'));
      expect(samples.length).toBeGreaterThan(0);
      expect({ app, unlabelled: samples.filter((line) => !line.includes(`service="${app}"`)) }).toEqual({ app, unlabelled: [] });
    }
  });

  itStreams('include each consumer group’s pending entries, lag and oldest pending entry for every stream it reads, and its dead letters', async () => {
    const groupsOf = (app: string) => {
      const text = scrapes.get(app) ?? '';
      const streams = (metric: string) =>
        [...text.matchAll(new RegExp(`^${metric}\\{stream="([^"]+)",group="${app}",service="${app}"\\} \\d+`, 'gm'))].map((match) => match[1]).sort();
      return {
        pending: streams('streams_pending_entries'),
        lag: streams('streams_consumer_lag'),
        oldest: streams('streams_oldest_pending_age_seconds'),
        deadLetters: new RegExp(`^streams_dead_letter_entries\\{group="${app}",service="${app}"\\} 0$`, 'm').test(text),
      };
    };
    const users = groupsOf('users');
    expect(users.pending).toEqual(expect.arrayContaining(['rpc:{users}', 'evt:{users}:users.deleted']));
    expect(users).toEqual({ pending: users.pending, lag: users.pending, oldest: users.pending, deadLetters: true });
    // a subscriber reads its requests and each emitter's events (its Redis user may: XINFO, XPENDING, XLEN)
    const oauth = groupsOf('oauth');
    expect(oauth.pending).toEqual(expect.arrayContaining(['rpc:{oauth}', 'evt:{users}:users.deleted']));
    expect(oauth).toEqual({ pending: oauth.pending, lag: oauth.pending, oldest: oauth.pending, deadLetters: true });
    expect(groupsOf('statistics').pending).toEqual(expect.arrayContaining(['evt:{users}:users.created', 'evt:{oauth}:oauth.login.succeeded']));
    // the gateway serves no messages, but reads events for its cache
    expect(groupsOf(GATEWAY).pending.length).toBeGreaterThan(0);
    expect(groupsOf(GATEWAY).pending.every((stream) => stream.startsWith('evt:'))).toBe(true);
    for (const app of scrapes.keys()) {
      expect(scrapes.get(app)).toContain('# TYPE streams_dead_lettered_total counter');
      expect(scrapes.get(app)).toContain('# TYPE streams_reclaimed_total counter');
    }
    // read as each app's own Redis user: nothing refused (a refusal would read as an empty answer)
    const admin = stack.redisClient();
    try {
      const denials = (await admin.call('ACL', 'LOG')) as unknown[][];
      expect(denials.map((entry) => entry.map(String).join(' '))).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });
});

describe('Grafana (docker/grafana/)', () => {
  it('provisions the Prometheus of compose as the datasource every panel and variable names', () => {
    const uid = yamlValue('grafana/provisioning/datasources/prometheus.yml', 'uid');
    expect(yamlValue('grafana/provisioning/datasources/prometheus.yml', 'url')).toBe('http://prometheus:9090');
    for (const { file, dashboard } of dashboards()) {
      for (const panel of panelsOf(dashboard.panels).filter((p) => p.type !== 'row')) {
        expect({ file, panel: panel.title, uid: panel.datasource?.uid }).toEqual({ file, panel: panel.title, uid });
        for (const target of panel.targets ?? []) expect({ file, panel: panel.title, uid: target.datasource?.uid ?? uid }).toEqual({ file, panel: panel.title, uid });
      }
      for (const variable of dashboard.templating?.list ?? []) expect({ file, variable: variable.name, uid: variable.datasource?.uid }).toEqual({ file, variable: variable.name, uid });
    }
  });

  it('has dashboards of unique uids, whose every expression promtool parses and reads only metrics the running apps expose', () => {
    const all = dashboards();
    expect(new Set(all.map(({ dashboard }) => dashboard.uid)).size).toBe(all.length);
    const expressions: { file: string; panel: string; expr: string }[] = [];
    for (const { file, dashboard } of all) {
      for (const panel of panelsOf(dashboard.panels)) {
        for (const target of panel.targets ?? []) expressions.push({ file, panel: panel.title ?? '', expr: target.expr });
      }
      for (const variable of dashboard.templating?.list ?? []) {
        const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
        // label_values(<metric>, <label>) lists a label's values: only the metric is one
        const labelValues = /^label_values\(\s*([A-Za-z_:][\w:]*)\s*,\s*\w+\s*\)$/.exec(query);
        expect({ file, variable: variable.name, labelValues: Boolean(labelValues) }).toEqual({ file, variable: variable.name, labelValues: true });
        expect({ file, variable: variable.name, unknown: unknown([labelValues?.[1] ?? '']) }).toEqual({ file, variable: variable.name, unknown: [] });
      }
    }
    expect(expressions.length).toBeGreaterThan(20);
    const panelsOfOverview = all.find(({ dashboard }) => dashboard.uid === 'site11-platform');
    expect(panelsOfOverview).toBeDefined();

    // promtool parses each as a recording rule (JSON is YAML), Grafana's variables given values
    const work = mkdtempSync(join(tmpdir(), 'dashboards-'));
    try {
      const rules = expressions.map(({ expr }, i) => ({
        record: `dashboard:expression_${i}`,
        expr: expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?\w+\}?/g, '.*'),
      }));
      writeFileSync(join(work, 'dashboards.rules.yml'), JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
      expect(run([promtool(), 'check', 'rules', join(work, 'dashboards.rules.yml')])).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    for (const { file, panel, expr } of expressions) {
      const names = metricNames(expr);
      expect({ file, panel, expr, names: names.length > 0 }).toEqual({ file, panel, expr, names: true });
      expect({ file, panel, unknown: unknown(names) }).toEqual({ file, panel, unknown: [] });
    }
  });

  it('shows request rate, errors, latency quantiles per route and pattern, circuits, streams, memory and event-loop lag on the overview', () => {
    const overview = dashboards().find(({ dashboard }) => dashboard.uid === 'site11-platform')?.dashboard as Dashboard;
    const exprs = panelsOf(overview.panels).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    const reading = (metric: string) => exprs.filter((expr) => metricNames(expr).includes(metric));
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(reading('http_request_duration_seconds_bucket').some((expr) => expr.startsWith(`histogram_quantile(${quantile},`) && /by \(le, route\)/.test(expr))).toBe(true);
      expect(reading('rpc_handling_duration_seconds_bucket').some((expr) => expr.startsWith(`histogram_quantile(${quantile},`) && /by \(le, pattern\)/.test(expr))).toBe(true);
    }
    for (const metric of [
      'http_request_duration_seconds_count',
      'rpc_handling_duration_seconds_count',
      'rpc_circuit_state',
      'streams_pending_entries',
      'streams_consumer_lag',
      'streams_dead_lettered_total',
      'streams_reclaimed_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect({ metric, panels: reading(metric).length > 0 }).toEqual({ metric, panels: true });
    }
  });

  it('loads the dashboards from where compose mounts them', () => {
    const grafana = composeServices(composeSecrets())['grafana'];
    const mounts = Object.fromEntries((grafana.volumes ?? []).map((volume) => [volume.target, volume.source]));
    expect(mounts[yamlValue('grafana/provisioning/dashboards/site11.yml', 'path')]).toBe(join(DOCKER, 'grafana/dashboards'));
    expect(mounts['/etc/grafana/provisioning']).toBe(join(DOCKER, 'grafana/provisioning'));
  });
});

describe('docker compose (docker/compose.yml)', () => {
  const secrets = composeSecrets();
  let resolved: Record<string, ComposeService> | undefined;
  /** Resolved once, by the first test that asks (each fails alike, with compose's message, when it cannot). */
  const services = () => (resolved ??= composeServices(secrets));

  it('is a file docker compose accepts once its secrets are set', () => {
    const result = composeConfig(secrets, ['-q']);
    expect({ status: result.status, stderr: String(result.stderr) }).toEqual({ status: 0, stderr: '' });
  });

  it('refuses to start without a secret, naming it', () => {
    const { MONGO_ROOT_PASSWORD, ...others } = secrets;
    expect(MONGO_ROOT_PASSWORD).toBeDefined();
    const result = composeConfig(others, ['-q']);
    expect(result.status).not.toBe(0);
    expect(String(result.stderr)).toContain('set MONGO_ROOT_PASSWORD');
  });

  it('runs every app of services.json, the gateway, the console, Redis, MongoDB, Prometheus and Grafana', () => {
    expect(Object.keys(services()).sort()).toEqual(
      [...SERVICES.map((service) => service.name), GATEWAY, 'console', 'redis', 'mongo', 'mongo-users', 'prometheus', 'grafana'].sort(),
    );
  });

  it('keeps Redis durable: an append-only file fsynced every second, on a volume', () => {
    const command = (services()['redis'].command ?? []).join(' ');
    expect(command).toContain('--appendonly yes --appendfsync everysec');
    expect(command).not.toContain('--appendonly no');
    expect(services()['redis'].volumes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'volume', target: '/data' })]));
  });

  it('runs MongoDB as a replica set the health check initiates once, with access control', () => {
    const mongo = services()['mongo'];
    expect((mongo.command ?? []).join(' ')).toMatch(/mongod --replSet rs0 --keyFile \S+/);
    const check = (mongo.healthcheck?.test ?? []).join(' ');
    expect(check).toMatch(/try \{ rs\.status\(\) \} catch \(e\) \{ rs\.initiate\(\{ _id: 'rs0', members: \[\{ _id: 0, host: 'mongo:27017' \}\] \}\) \}/);
    expect(check).toContain('isWritablePrimary');
    expect(mongo.environment).toMatchObject({ MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: secrets['MONGO_ROOT_PASSWORD'] });
    expect(mongo.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'volume', target: '/data/db' })]));
  });

  it('gives each service a database user of its own, allowed its own database only, made before the service starts', () => {
    const users = services()['mongo-users'];
    expect(users.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ source: join(DOCKER, 'mongo'), target: '/etc/site11/mongo', read_only: true })]));
    const script = /--file (\/etc\/site11\/mongo\/\S+)/.exec((users.command ?? []).join(' '))?.[1] ?? '';
    expect(existsSync(join(DOCKER, 'mongo', script.replace('/etc/site11/mongo/', '')))).toBe(true);
    run([process.execPath, '--check', join(DOCKER, 'mongo', script.replace('/etc/site11/mongo/', ''))]);
    expect(readFileSync(join(DOCKER, 'mongo/service-users.js'), 'utf-8')).toContain("roles = [{ role: 'readWrite', db: `${user}_db` }]");
    for (const service of SERVICES) {
      const variable = `${service.name.toUpperCase().replace(/-/g, '_')}_MONGO_PASSWORD`;
      const user = service.name.replace(/-/g, '_');
      const app = services()[service.name];
      expect({ service: service.name, password: users.environment?.[variable] }).toEqual({ service: service.name, password: secrets[variable] });
      expect({ service: service.name, uri: app.environment?.['MONGODB_URI'] }).toEqual({
        service: service.name,
        uri: `mongodb://${user}:${secrets[variable]}@mongo:27017/?replicaSet=rs0&authSource=admin`,
      });
      expect({ service: service.name, database: app.environment?.[service.dbEnv] }).toEqual({ service: service.name, database: `${user}_db` });
      expect({ service: service.name, after: app.depends_on?.['mongo-users']?.condition }).toEqual({ service: service.name, after: 'service_completed_successfully' });
    }
    expect(services()[GATEWAY].environment?.['MONGODB_URI']).toBeUndefined();
  });

  it('serves the console over HTTP and TLS, and publishes Prometheus and Grafana on localhost only', () => {
    const published = (name: string) => (services()[name].ports ?? []).map((port) => `${port.host_ip ?? ''}:${port.published}:${port.target}`);
    expect(published('console').sort()).toEqual([':8080:8080', ':8443:8443']);
    expect(services()['console'].volumes).toEqual(expect.arrayContaining([expect.objectContaining({ target: '/etc/nginx/tls' })]));
    expect(published('prometheus')).toEqual(['127.0.0.1:9090:9090']);
    expect(published('grafana')).toEqual(['127.0.0.1:3001:3000']);
    expect(services()['grafana'].environment?.['GF_SECURITY_ADMIN_PASSWORD']).toBe(secrets['GRAFANA_ADMIN_PASSWORD']);
    // prometheus.yml names its rules relative to itself: prometheus/ mounted next to it
    const prometheus = Object.fromEntries((services()['prometheus'].volumes ?? []).map((volume) => [volume.target, volume.source]));
    expect(prometheus['/etc/prometheus/prometheus.yml']).toBe(join(DOCKER, 'prometheus.yml'));
    expect(prometheus['/etc/prometheus/prometheus']).toBe(join(DOCKER, 'prometheus'));
    expect(services()['prometheus'].command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });
});

// @ts-check
/**
 * Local infrastructure and process launcher shared by `npm start`, the e2e suites and the
 * benchmark: free ports, a private redis-server, a MongoDB-compatible server (mongod when
 * installed, else FerretDB on SQLite, built once into .data/bin), and the built apps.
 */
const { spawn, execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const DATA_DIR = path.join(ROOT, '.data');
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
/**
 * Node flags every app runs with (also set in docker/Dockerfile): a capped old generation keeps
 * each app's RSS under 200 MB under load, and a 4 MB young generation semi-space (V8's default
 * is 16 MB) takes about 30 MB off each app's idle RSS; it is also what keeps the gateway under
 * 200 MB while 20 uploads of 10 MB stream through it (see docs/performance.md, docs/images.md).
 */
const APP_NODE_ARGS = ['--max-old-space-size=128', '--max-semi-space-size=4'];

/**
 * Ports this module instance (a process; under Jest, a test file) has handed out. A caller binds
 * its port later (an e2e stack picks its gateway's port first, and starts the gateway after the
 * services, each on a port picked meanwhile), and the kernel readily hands a just-closed port out
 * again: 277 repeats in 2,000 picks here.
 * @type {Set<number>}
 */
const handedOut = new Set();

/**
 * A free port on 127.0.0.1 that this module instance has not handed out before.
 * @returns {Promise<number>}
 */
async function freePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await anyFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('freePort: the kernel keeps offering ports this process has already handed out');
}

/** @returns {Promise<number>} */
function anyFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {() => Promise<boolean>} probe
 * @param {{ what: string, timeoutMs?: number, intervalMs?: number, child?: import('node:child_process').ChildProcess }} options
 */
async function waitFor(probe, { what, timeoutMs = 30_000, intervalMs = 100, child }) {
  const started = Date.now();
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with code ${child.exitCode}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until a launched process is ready; if it never gets there, kills it before rethrowing,
 * so a failed start leaves nothing running.
 * @param {ReturnType<typeof launch>} proc
 * @param {() => Promise<boolean>} probe
 * @param {{ what: string, timeoutMs?: number }} options
 */
async function readyOrStop(proc, probe, options) {
  try {
    await waitFor(probe, { ...options, child: proc.child });
  } catch (error) {
    await proc.stop('SIGKILL');
    throw error;
  }
}

/** @param {string} command */
function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

/** @param {number} port */
function tcpOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** @param {number} port */
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.once('error', () => resolve(false));
  });
}

/**
 * @param {string} url
 * @returns {Promise<number>}
 */
function httpStatus(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * A child process that is stopped with SIGTERM (then SIGKILL after a grace period).
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile?: string, echo?: boolean }} [options]
 */
function launch(name, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
  /** @param {Buffer} chunk */
  const forward = (chunk) => {
    log?.write(chunk);
    if (options.echo) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => log?.end());
  return {
    name,
    child,
    exited,
    /** @param {NodeJS.Signals} [signal] @param {number} [graceMs] */
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/**
 * @param {{ dir: string, port?: number, echo?: boolean }} options
 */
async function startRedis({ dir, port, echo = false }) {
  const binary = which('redis-server');
  if (!binary) throw new Error('redis-server is not installed (Debian: apt-get install redis-server), or set REDIS_URL');
  fs.mkdirSync(dir, { recursive: true });
  const redisPort = port ?? (await freePort());
  const proc = launch(
    'redis',
    binary,
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { logFile: path.join(dir, 'redis.log'), echo },
  );
  await readyOrStop(proc, () => redisPing(redisPort), { what: 'redis-server' });
  return { ...proc, port: redisPort, url: `redis://127.0.0.1:${redisPort}` };
}

/**
 * Runs redis-cli with these arguments.
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function redisCli(args) {
  const binary = which('redis-cli');
  if (!binary) throw new Error('redis-cli is not installed (Debian: apt-get install redis-tools)');
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)));
  });
}

/**
 * A Redis Cluster of `masters` redis-servers (no replicas) on free ports of 127.0.0.1, made with
 * `redis-cli --cluster create`; ready once every node reports `cluster_state:ok` and knows every
 * other node. ACLs are per node: apply them to each of `nodes` (`applyAcl`).
 * @param {{ dir: string, masters?: number, echo?: boolean }} options
 */
async function startRedisCluster({ dir, masters = 3, echo = false }) {
  const binary = which('redis-server');
  if (!binary) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
  fs.mkdirSync(dir, { recursive: true });
  /** @type {(ReturnType<typeof launch> & { port: number, url: string })[]} */
  const nodes = [];
  const stop = async (/** @type {NodeJS.Signals} */ signal = 'SIGTERM') => {
    for (const node of nodes) await node.stop(signal);
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      // the cluster bus port is given, not port + 10000, which may be taken or past 65535
      const busPort = await freePort();
      const proc = launch(
        `redis-${port}`,
        binary,
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-port', String(busPort),
          '--cluster-node-timeout', '5000',
          '--save', '',
          '--appendonly', 'no',
          '--dir', dir,
        ],
        { logFile: path.join(dir, `redis-${port}.log`), echo },
      );
      nodes.push({ ...proc, port, url: `redis://127.0.0.1:${port}` });
      await readyOrStop(proc, () => redisPing(port), { what: `redis-server (cluster node ${port})` });
    }
    await redisCli(['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-yes']);
    for (const node of nodes) {
      await waitFor(
        async () => {
          const info = await redisCli(['-p', String(node.port), 'cluster', 'info']);
          return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${masters}\\b`).test(info);
        },
        { what: `cluster node ${node.port}`, timeoutMs: 20_000, child: node.child },
      );
    }
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return {
    nodes,
    /** `REDIS_CLUSTER_NODES` of the apps. */
    clusterNodes: nodes.map((node) => `127.0.0.1:${node.port}`).join(','),
    /** A node's URL: where the apps' REDIS_URL takes its credentials from. */
    url: nodes[0].url,
    stop,
  };
}

/** @param {string} binary */
function works(binary) {
  try {
    execFileSync(binary, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * FerretDB built from the module proxy. A plain `go install` of v1.24.2 builds a binary that
 * panics at start (its build/version/version.txt is empty in the module zip), so we download the
 * same module, add that file, and build it; see docs/decisions.md.
 */
function ensureFerretDB() {
  const fromEnv = process.env.FERRETDB_BIN;
  if (fromEnv) return fromEnv;
  const target = path.join(DATA_DIR, 'bin', 'ferretdb');
  if (fs.existsSync(target) && works(target)) return target;
  const onPath = which('ferretdb');
  if (onPath && works(onPath)) return onPath;
  if (!which('go')) throw new Error('FerretDB needs Go to build (https://go.dev/dl), or set MONGODB_URI');

  process.stdout.write(`Building FerretDB ${FERRETDB_VERSION} into ${target} (once)...\n`);
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8' }),
  );
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const build = fs.mkdtempSync(path.join(DATA_DIR, 'ferretdb-build-'));
  try {
    fs.cpSync(info.Dir, build, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', build]);
    fs.writeFileSync(path.join(build, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}`;
    execFileSync('go', ['build', '-o', temporary, './cmd/ferretdb'], { cwd: build, stdio: 'inherit' });
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
  return target;
}

/**
 * SQLite settings for FerretDB's databases (one SQLite file each, one writer at a time).
 * - `busy_timeout(30000)`: a write waits up to 30 s for the file's write lock. FerretDB's own
 *   default, 10 s, answered `database is locked (SQLITE_BUSY)` to writes queued behind 20
 *   concurrent 10 MB GridFS uploads on a loaded 2-core machine (images e2e "streams 20
 *   concurrent 10 MB uploads …"). SQLite's busy handler polls rather than queues, so a writer
 *   can lose the lock many times in a row; a longer wait is what keeps it from failing. An insert
 *   fails only after about twice the timeout (measured: 21 s with 10 s), so 30 s lets a write
 *   wait about as long as the gateway waits for an upload (60 s).
 * - `journal_mode(wal)`, `auto_vacuum(none)`: FerretDB's defaults, stated so that all four are
 *   in one place (FerretDB adds a default only for a pragma not given).
 * - `synchronous(normal)`: in WAL mode a commit is no longer flushed to disk one by one, only at
 *   checkpoints. A crash of FerretDB or of the apps loses nothing; a power loss or an OS crash
 *   may roll back the last commits. The right trade for the development and test database;
 *   production runs MongoDB (docker/). See docs/decisions.md.
 * The busy timeout comes before WAL is turned on, as FerretDB's uri.go requires.
 * Test: persistence `sqlite-lock.spec.ts`.
 */
const SQLITE_PRAGMAS = ['busy_timeout(30000)', 'journal_mode(wal)', 'synchronous(normal)', 'auto_vacuum(none)']
  .map((pragma) => `_pragma=${encodeURIComponent(pragma)}`)
  .join('&');

/**
 * mongod when installed, else FerretDB with its SQLite backend (always FerretDB with `ferretdb`).
 * @param {{ dir: string, port?: number, echo?: boolean, ferretdb?: boolean }} options
 */
async function startMongo({ dir, port, echo = false, ferretdb = false }) {
  fs.mkdirSync(dir, { recursive: true });
  const mongoPort = port ?? (await freePort());
  const mongod = ferretdb ? null : which('mongod');
  const proc = mongod
    ? launch('mongod', mongod, ['--port', String(mongoPort), '--bind_ip', '127.0.0.1', '--dbpath', dir], {
        logFile: path.join(dir, 'mongod.log'),
        echo,
      })
    : launch(
        'ferretdb',
        ensureFerretDB(),
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dir}/?${SQLITE_PRAGMAS}`,
          `--state-dir=${dir}`,
          `--listen-addr=127.0.0.1:${mongoPort}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ],
        { logFile: path.join(dir, 'ferretdb.log'), echo },
      );
  await readyOrStop(proc, () => tcpOpen(mongoPort), { what: mongod ? 'mongod' : 'FerretDB' });
  return { ...proc, port: mongoPort, uri: `mongodb://127.0.0.1:${mongoPort}/`, engine: mongod ? 'mongod' : 'ferretdb' };
}

/**
 * A local mail catcher (maildev 3, a dev dependency) for what the apps send: SMTP on `smtpPort`,
 * its web UI and REST API on `webPort`, both on 127.0.0.1 only (free ports unless given). With
 * `dir`, messages are kept there as .eml files (and survive a restart); else in memory. Nothing
 * it catches is delivered anywhere.
 * @param {{ dir?: string, smtpPort?: number, webPort?: number, logFile?: string, echo?: boolean }} [options]
 */
async function startMailCatcher({ dir, smtpPort, webPort, logFile, echo = false } = {}) {
  // the package exports no path to its CLI, which is where the dev dependency installs it
  const bin = path.join(ROOT, 'node_modules/maildev/dist/bin/maildev.js');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm ci (maildev is a dev dependency), or set SMTP_URL`);
  const smtp = smtpPort ?? (await freePort());
  const web = webPort ?? (await freePort());
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const args = [bin, '--smtp', String(smtp), '--ip', '127.0.0.1', '--web', String(web), '--web-ip', '127.0.0.1'];
  if (dir) args.push('--mail-directory', dir);
  // MAILDEV_* variables of the caller's environment would override these flags' defaults
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MAILDEV_')));
  const proc = launch('maildev', process.execPath, args, { env, cwd: dir ?? ROOT, logFile: logFile ?? (dir ? path.join(dir, 'maildev.log') : undefined), echo });
  const webUrl = `http://127.0.0.1:${web}`;
  await readyOrStop(proc, async () => (await tcpOpen(smtp)) && (await httpStatus(`${webUrl}/api/healthz`)) === 200, { what: 'maildev' });
  return { ...proc, smtpPort: smtp, webPort: web, smtpUrl: `smtp://127.0.0.1:${smtp}`, webUrl };
}

/**
 * Starts a built app (`dist/apps/<name>/main.js`) and waits until its readiness probe answers 200.
 * @param {string} name
 * @param {{ env: Record<string, string>, healthPort: number, logFile?: string, echo?: boolean, timeoutMs?: number, nodeArgs?: string[] }} options
 */
async function startApp(name, { env, healthPort, logFile, echo = false, timeoutMs = 30_000, nodeArgs = [] }) {
  const main = path.join(ROOT, 'dist/apps', name, 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npx nx build ${name})`);
  const proc = launch(name, process.execPath, ['--enable-source-maps', ...APP_NODE_ARGS, ...nodeArgs, main], {
    // glibc's per-thread malloc arenas fragment under libvips' worker threads (the images service);
    // two arenas keep RSS near what is in use (also set in docker/Dockerfile)
    env: { MALLOC_ARENA_MAX: '2', ...process.env, ...env },
    logFile,
    echo,
  });
  const readyUrl = `http://127.0.0.1:${healthPort}/health/ready`;
  await readyOrStop(proc, async () => (await httpStatus(readyUrl)) === 200, { what: name, timeoutMs });
  return { ...proc, healthPort, readyUrl };
}

/**
 * Where the gateway reaches a service's own HTTP listener, as the gateway's environment: a service
 * of services.json with `gatewayUrlEnv` (the images service's bytes, `IMAGES_URL`) on `port`.
 * @param {{ gatewayUrlEnv?: string }} service
 * @param {number} port
 * @returns {Record<string, string>}
 */
function gatewayUrlFor(service, port) {
  return service.gatewayUrlEnv ? { [service.gatewayUrlEnv]: `http://127.0.0.1:${port}` } : {};
}

module.exports = {
  ROOT,
  DATA_DIR,
  freePort,
  waitFor,
  httpStatus,
  launch,
  startRedis,
  startRedisCluster,
  startMongo,
  startMailCatcher,
  startApp,
  gatewayUrlFor,
  ensureFerretDB,
  // the Redis users of the apps (redis-acl.cjs), for the launcher, the e2e stacks and the generator
  ...require('./redis-acl.cjs'),
  // what the mail catcher caught (mailbox.cjs), for the e2e suites
  ...require('./mailbox.cjs'),
};

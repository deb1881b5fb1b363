// @ts-check
/**
 * Go programs the offline checks of deploy/ need, built once from the Go module proxy into
 * .data/bin like FerretDB (platform.cjs): Helm, and deploy/tools/kube-validate, which decodes
 * rendered manifests strictly against the Kubernetes API types. Nothing is downloaded but Go
 * modules: no binary release, no JSON schema (see docs/decisions.md).
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, DATA_DIR } = require('./platform.cjs');

const BIN_DIR = path.join(DATA_DIR, 'bin');
const HELM_PACKAGE = 'helm.sh/helm/v3/cmd/helm';
const HELM_VERSION = 'v3.22.0';
const KUBE_VALIDATE_DIR = path.join(ROOT, 'deploy/tools/kube-validate');
const ACTIONLINT_PACKAGE = 'github.com/rhysd/actionlint/cmd/actionlint';
const ACTIONLINT_VERSION = 'v1.7.12';
/** Where the Go installers put the toolchain, for a shell whose PATH lacks it. */
const GO_FALLBACK = '/usr/local/go/bin/go';

function go() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'go');
    if (isExecutable(candidate)) return candidate;
  }
  if (isExecutable(GO_FALLBACK)) return GO_FALLBACK;
  throw new Error('Building Helm and kube-validate needs Go (https://go.dev/dl); or set HELM_BIN and KUBE_VALIDATE_BIN');
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Static binaries, as Helm's own releases are; a machine without a C compiler builds them too. */
function goEnv() {
  return { ...process.env, CGO_ENABLED: '0' };
}

/**
 * Builds into a temporary name and renames, so two test runners building at once each end with a
 * whole binary, and an interrupted build leaves none behind under the real name.
 * @param {string} target
 * @param {(temporary: string) => void} build
 */
function buildOnce(target, build) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    build(temporary);
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return target;
}

/** @param {string} binary */
function helmVersion(binary) {
  try {
    return execFileSync(binary, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/**
 * Helm, `go install`ed from the module proxy with the link flags of its own Makefile: its version,
 * and the Kubernetes version `helm template` and `helm lint` assume, taken from the client-go it
 * is built with (without them Helm assumes Kubernetes 1.20). A few minutes on two cores at first.
 */
function ensureHelm() {
  const fromEnv = process.env.HELM_BIN;
  if (fromEnv) return fromEnv;
  const target = path.join(BIN_DIR, `helm-${HELM_VERSION}`);
  if (isExecutable(target) && helmVersion(target) === HELM_VERSION) return target;
  process.stdout.write(`Building Helm ${HELM_VERSION} into ${target} (once)...\n`);
  const module = JSON.parse(
    execFileSync(go(), ['mod', 'download', '-json', `helm.sh/helm/v3@${HELM_VERSION}`], { encoding: 'utf8', env: goEnv() }),
  );
  const clientGo = /^\s*k8s\.io\/client-go v0\.(\d+)\./m.exec(fs.readFileSync(module.GoMod, 'utf8'));
  if (!clientGo) throw new Error(`helm.sh/helm/v3@${HELM_VERSION}: no k8s.io/client-go v0.x in its go.mod`);
  const ldflags = [
    '-s -w',
    `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
    '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
    ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1`,
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${clientGo[1]}`,
    ]),
  ].join(' ');
  return buildOnce(target, (temporary) => {
    const gobin = fs.mkdtempSync(path.join(DATA_DIR, 'helm-build-'));
    try {
      execFileSync(go(), ['install', '-trimpath', `-ldflags=${ldflags}`, `${HELM_PACKAGE}@${HELM_VERSION}`], {
        cwd: gobin,
        env: { ...goEnv(), GOBIN: gobin },
        stdio: 'inherit',
      });
      fs.renameSync(path.join(gobin, 'helm'), temporary);
    } finally {
      fs.rmSync(gobin, { recursive: true, force: true });
    }
  });
}

/** The validator's sources; its binary is named by their hash, so an edit rebuilds it. */
function kubeValidateHash() {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(KUBE_VALIDATE_DIR).filter((name) => /\.(go|mod|sum)$/.test(name)).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(KUBE_VALIDATE_DIR, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** deploy/tools/kube-validate, built from its pinned modules (go.sum) the first time and after every edit. */
function ensureKubeValidate() {
  const fromEnv = process.env.KUBE_VALIDATE_BIN;
  if (fromEnv) return fromEnv;
  const target = path.join(BIN_DIR, `kube-validate-${kubeValidateHash()}`);
  if (isExecutable(target)) return target;
  process.stdout.write(`Building kube-validate into ${target} (once)...\n`);
  buildOnce(target, (temporary) => {
    execFileSync(go(), ['build', '-mod=readonly', '-buildvcs=false', '-trimpath', '-o', temporary, '.'], {
      cwd: KUBE_VALIDATE_DIR,
      env: goEnv(),
      stdio: 'inherit',
    });
  });
  for (const stale of fs.readdirSync(BIN_DIR).filter((name) => /^kube-validate-[0-9a-f]{12}$/.test(name))) {
    if (path.join(BIN_DIR, stale) !== target) fs.rmSync(path.join(BIN_DIR, stale), { force: true });
  }
  return target;
}

/** actionlint, the GitHub Actions workflow checker, `go install`ed from the module proxy (seconds). */
function ensureActionlint() {
  const fromEnv = process.env.ACTIONLINT_BIN;
  if (fromEnv) return fromEnv;
  const target = path.join(BIN_DIR, `actionlint-${ACTIONLINT_VERSION}`);
  if (isExecutable(target)) return target;
  process.stdout.write(`Building actionlint ${ACTIONLINT_VERSION} into ${target} (once)...\n`);
  return buildOnce(target, (temporary) => {
    const gobin = fs.mkdtempSync(path.join(DATA_DIR, 'actionlint-build-'));
    try {
      execFileSync(go(), ['install', '-trimpath', `${ACTIONLINT_PACKAGE}@${ACTIONLINT_VERSION}`], {
        cwd: gobin,
        env: { ...goEnv(), GOBIN: gobin },
        stdio: 'inherit',
      });
      fs.renameSync(path.join(gobin, 'actionlint'), temporary);
    } finally {
      fs.rmSync(gobin, { recursive: true, force: true });
    }
  });
}

module.exports = { HELM_VERSION, ACTIONLINT_VERSION, ensureHelm, ensureKubeValidate, ensureActionlint };

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHelm, ensureKubeValidate } from '../../tools/platform/go-tools.cjs';
import { aclFiles, CHART_ACL_FILE, CHART_RENDER_ACL_SCRIPT, passwordEnv, RENDER_ACL_SCRIPT } from '../../tools/platform/platform.cjs';

/**
 * The chart, offline: Helm and deploy/tools/kube-validate are built from the Go module proxy
 * (test/global-setup.ts); nothing here reaches a cluster or a network.
 */
const ROOT = join(__dirname, '../..');
const CHART = join(ROOT, 'deploy/helm/site11');
const PRODUCTION = join(CHART, 'values-production.yaml');
const GATEWAY = 'console-gateway';
const SERVICES = JSON.parse(readFileSync(join(ROOT, 'tools/platform/services.json'), 'utf-8')) as Array<{
  name: string;
  healthPort: number;
  dbEnv: string;
  gatewayUrlEnv?: string;
}>;
const APPS = [GATEWAY, ...SERVICES.map((service) => service.name)];
/** A migration Job per service: the apps with a database (the gateway has none). */
const MIGRATION_JOBS = SERVICES.map((service) => `${service.name}-migrations`);

/** Peak RSS under the benchmarks, MB (docs/performance.md); apps measured since, or new, idle at 130–150. */
const PEAK_RSS_MB: Record<string, number> = { [GATEWAY]: 155, users: 137, oauth: 128, images: 205, data: 165, statistics: 187 };
const TYPICAL_RSS_MB = 150;

interface Labels {
  [name: string]: string;
}
interface Meta {
  name: string;
  labels?: Labels;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  resources?: { requests?: Labels; limits?: Labels };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: Array<{ name: string; emptyDir?: { medium?: string }; configMap?: { name: string } }>;
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
}
interface Deployment {
  kind: 'Deployment';
  metadata: Meta;
  spec: { replicas?: number; selector: { matchLabels: Labels }; template: { metadata: Meta; spec: PodSpec } };
}
interface StatefulSet {
  kind: 'StatefulSet';
  metadata: Meta;
  spec: {
    replicas?: number;
    serviceName: string;
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
    template: { metadata: Meta; spec: PodSpec };
    volumeClaimTemplates?: Array<{ metadata: Meta; spec: { accessModes: string[]; resources: { requests: Labels } } }>;
  };
}
interface Job {
  kind: 'Job';
  metadata: Meta & { annotations?: Labels };
  spec: { backoffLimit?: number; activeDeadlineSeconds?: number; template: { metadata: Meta; spec: PodSpec } };
}
/** Every pod template of the rendered objects, with the kind and name of its owner. */
interface Workload {
  kind: string;
  metadata: Meta & { annotations?: Labels };
  spec: { template: { metadata: Meta; spec: PodSpec } };
}
interface Peer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string };
}
interface PolicyPort {
  port?: string | number;
  protocol?: string;
}
interface NetworkPolicy {
  kind: 'NetworkPolicy';
  metadata: Meta;
  spec: {
    podSelector: { matchLabels?: Labels };
    policyTypes: string[];
    ingress?: Array<{ from?: Peer[]; ports?: PolicyPort[] }>;
    egress?: Array<{ to?: Peer[]; ports?: PolicyPort[] }>;
  };
}
interface Backend {
  service: { name: string; port: { name?: string; number?: number } };
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta & { annotations?: Labels };
  // the fields each test reads are typed where it reads them
  spec?: unknown;
  automountServiceAccountToken?: boolean;
}

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { input, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const helm = (...args: string[]) => run(ensureHelm(), args);
const template = (...args: string[]) => helm('template', 'site11', CHART, '--namespace', 'site11', ...args);
/** The manifests through the strict validator; its -json output is what it validated. */
const validate = (manifests: string) => run(ensureKubeValidate(), ['-json'], manifests);

const ofKind = <T>(objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind) as unknown as T[];
const named = <T extends { metadata: Meta }>(objects: T[], name: string) => {
  const found = objects.find((object) => object.metadata.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
};
const selects = (selector: Labels | undefined, labels: Labels | undefined) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
const envOf = (container: Container, name: string) => container.env?.find((variable) => variable.name === name);
const mebibytes = (quantity: string) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`memory ${quantity} is not in Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};
const appContainer = (deployment: Deployment) => {
  const container = deployment.spec.template.spec.containers.find((candidate) => candidate.name === deployment.metadata.name);
  if (!container) throw new Error(`${deployment.metadata.name} has no container of its name`);
  return container;
};
const workloadsOf = (objects: K8sObject[]) => objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind)) as unknown as Workload[];
const containersOf = (pod: PodSpec) => [...(pod.initContainers ?? []), ...pod.containers];
const withoutVariable = (env: EnvVar[] | undefined, name: string) => (env ?? []).filter((variable) => variable.name !== name);
/** `--flag value` pairs of a command line, as a map. */
const flags = (args: string[] = []) => Object.fromEntries(args.flatMap((arg, i) => (arg.startsWith('--') ? [[arg.slice(2), args[i + 1]]] : [])));

describe.each([
  { values: 'default values', valuesArgs: [] as string[], redisPort: 6379, inChartRedis: true },
  { values: 'production values', valuesArgs: ['-f', PRODUCTION], redisPort: 6380, inChartRedis: false },
])('the Helm chart with its $values', ({ valuesArgs, redisPort, inChartRedis }) => {
  let rendered: ReturnType<typeof template>;
  let validated: ReturnType<typeof validate>;
  let objects: K8sObject[];
  let deployments: Deployment[];
  let jobs: Job[];
  let workloads: Workload[];
  let policies: NetworkPolicy[];

  beforeAll(() => {
    rendered = template(...valuesArgs);
    validated = validate(rendered.stdout);
    objects = validated.status === 0 ? (JSON.parse(validated.stdout) as K8sObject[]) : [];
    deployments = ofKind<Deployment>(objects, 'Deployment');
    jobs = ofKind<Job>(objects, 'Job');
    workloads = workloadsOf(objects);
    policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
  });

  it('passes helm lint --strict', () => {
    const lint = helm('lint', '--strict', CHART, ...valuesArgs);
    expect({ status: lint.status, output: lint.stdout + lint.stderr }).toMatchObject({ status: 0 });
    expect(lint.stdout).toContain('0 chart(s) failed');
  });

  it('renders with helm template', () => {
    expect({ status: rendered.status, stderr: rendered.stderr }).toEqual({ status: 0, stderr: '' });
    expect(rendered.stdout).toContain('kind: Deployment');
  });

  it('renders only objects that decode strictly into the Kubernetes API types and find one another', () => {
    expect({ status: validated.status, stderr: validated.stderr }).toEqual({
      status: 0,
      stderr: expect.stringMatching(/kube-validate: \d+ object\(s\) valid/),
    });
    expect(objects.length).toBeGreaterThan(APPS.length * 5);
  });

  it('deploys the gateway and every service of tools/platform/services.json, and the console', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual([...APPS, 'console'].sort());
    const redisServices = inChartRedis ? ['redis', 'redis-headless'] : [];
    expect(ofKind<K8sObject>(objects, 'Service').map((service) => service.metadata.name).sort()).toEqual([...APPS, 'console', ...redisServices].sort());
    expect(ofKind<K8sObject>(objects, 'StatefulSet').map((set) => set.metadata.name)).toEqual(inChartRedis ? ['redis'] : []);
  });

  it('probes every app on its terminus endpoints: the gateway on its HTTP port, a service on its health port', () => {
    for (const app of APPS) {
      const container = appContainer(named(deployments, app));
      const http = container.ports?.find((port) => port.name === 'http')?.containerPort;
      const portEnv = app === GATEWAY ? 'PORT' : 'HEALTH_PORT';
      expect({ app, http, portEnv: envOf(container, portEnv)?.value }).toEqual({
        app,
        http: app === GATEWAY ? 3000 : SERVICES.find((service) => service.name === app)?.healthPort,
        portEnv: String(http),
      });
      expect({ app, startup: container.startupProbe?.httpGet, liveness: container.livenessProbe?.httpGet }).toEqual({
        app,
        startup: { path: '/health/live', port: 'http' },
        liveness: { path: '/health/live', port: 'http' },
      });
      // the gateway's readiness pings every downstream service: as a probe it would empty its Service when one is down
      expect({ app, readiness: container.readinessProbe?.httpGet }).toEqual({
        app,
        readiness: { path: app === GATEWAY ? '/health/live' : '/health/ready', port: 'http' },
      });
    }
  });

  it('serves the gateway’s metrics on their own port, never on the port the Ingress reaches', () => {
    const container = appContainer(named(deployments, GATEWAY));
    const metrics = container.ports?.find((port) => port.name === 'metrics')?.containerPort;
    expect(envOf(container, 'METRICS_PORT')?.value).toBe(String(metrics));
    expect(metrics).not.toBe(container.ports?.find((port) => port.name === 'http')?.containerPort);
    const ingress = ofKind<{ spec: { rules: Array<{ http: { paths: Array<{ path: string; backend: Backend }> } }> } }>(objects, 'Ingress');
    expect(ingress).toHaveLength(1);
    const routes = Object.fromEntries(ingress[0].spec.rules[0].http.paths.map(({ path, backend }) => [path, `${backend.service.name}:${backend.service.port.name}`]));
    expect(routes).toEqual({
      '/api': `${GATEWAY}:http`,
      '/oauth2': `${GATEWAY}:http`,
      '/.well-known': `${GATEWAY}:http`,
      '/': 'console:http',
    });
  });

  it('limits every app’s memory above its measured peak RSS, and caps its V8 heap below the limit', () => {
    for (const app of APPS) {
      const container = appContainer(named(deployments, app));
      const limit = mebibytes(container.resources?.limits?.['memory'] ?? '0Mi');
      const request = mebibytes(container.resources?.requests?.['memory'] ?? '0Mi');
      const peak = ((PEAK_RSS_MB[app] ?? TYPICAL_RSS_MB) * 1e6) / 2 ** 20;
      const heap = Number(/--max-old-space-size=(\d+)/.exec(envOf(container, 'NODE_OPTIONS')?.value ?? '')?.[1]);
      expect({ app, limitAboveRss: limit >= peak * 1.25, requestAboveRss: request >= peak, heapUnderLimit: heap + 64 <= limit }).toEqual({
        app,
        limitAboveRss: true,
        requestAboveRss: true,
        heapUnderLimit: true,
      });
      expect(container.resources?.requests?.['cpu']).toBeDefined();
    }
  });

  it('runs every container as non-root on a read-only root file system, without capabilities, the apps with /tmp in an emptyDir', () => {
    expect(workloads.length).toBe(deployments.length + jobs.length + (inChartRedis ? 1 : 0));
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      expect({ name: workload.metadata.name, pod: pod.securityContext }).toMatchObject({
        name: workload.metadata.name,
        pod: { runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      for (const container of containersOf(pod)) {
        expect({ name: container.name, securityContext: container.securityContext }).toEqual({
          name: container.name,
          securityContext: expect.objectContaining({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        });
        // Redis writes only to its data and ACL volumes (the in-chart Redis's own test)
        if (workload.kind === 'StatefulSet') continue;
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('mounts no service account token into any pod', () => {
    expect(ofKind<K8sObject>(objects, 'ServiceAccount').map((account) => account.automountServiceAccountToken)).toEqual([false]);
    for (const workload of workloads) {
      expect({ name: workload.metadata.name, token: workload.spec.template.spec.automountServiceAccountToken }).toEqual({ name: workload.metadata.name, token: false });
    }
  });

  it('names each app instance after its pod: INSTANCE_ID from metadata.name', () => {
    for (const app of APPS) {
      expect({ app, from: envOf(appContainer(named(deployments, app)), 'INSTANCE_ID')?.valueFrom }).toEqual({
        app,
        from: { fieldRef: { fieldPath: 'metadata.name' } },
      });
    }
  });

  it('gives each pod the time to sleep out its preStop delay and finish its in-flight work before the kubelet kills it', () => {
    for (const app of APPS) {
      const deployment = named(deployments, app);
      const container = appContainer(deployment);
      const [command, seconds] = container.lifecycle?.preStop?.exec?.command ?? [];
      const appDelayMs = Number(envOf(container, 'SHUTDOWN_DELAY_MS')?.value);
      const graceMs = Number(envOf(container, 'SHUTDOWN_GRACE_MS')?.value);
      expect({ app, command, sleeps: Number(seconds) >= 1, graceMs: graceMs > 0 }).toEqual({ app, command: 'sleep', sleeps: true, graceMs: true });
      // the kubelet counts from the start of preStop; SIGKILL must not come before the app's own shutdown ends
      const needed = Number(seconds) + Math.ceil((appDelayMs + graceMs) / 1000) + 1;
      expect({ app, enough: (deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) >= needed }).toEqual({ app, enough: true });
    }
    // the console's nginx too: it keeps serving until the ingress has dropped it
    const console = named(deployments, 'console');
    const [command, seconds] = console.spec.template.spec.containers[0].lifecycle?.preStop?.exec?.command ?? [];
    expect({ command, seconds: Number(seconds) }).toEqual({ command: 'sleep', seconds: 5 });
    expect(console.spec.template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(5);
  });

  it('inlines no secret: passwords, keys and connection strings come from secretKeyRef only', () => {
    expect(ofKind<K8sObject>(objects, 'Secret')).toEqual([]);
    const secretNamed = /PASSWORD|SECRET|TOKEN|KEY_ENCRYPTION|MONGODB_URI/;
    for (const workload of workloads) {
      for (const container of containersOf(workload.spec.template.spec)) {
        for (const variable of container.env ?? []) {
          if (secretNamed.test(variable.name)) {
            expect({ variable: variable.name, value: variable.value, ref: variable.valueFrom?.secretKeyRef }).toEqual({
              variable: variable.name,
              value: undefined,
              ref: expect.objectContaining({ name: expect.any(String), key: expect.any(String) }),
            });
          }
          // no credentials in a URL either, but Kubernetes' expansion of a variable that comes from a secret
          const credentials = /:\/\/[^/@\s]*:(?!\$\()[^@/\s]+@/.test(variable.value ?? '');
          expect({ variable: variable.name, credentials }).toEqual({ variable: variable.name, credentials: false });
        }
      }
    }
    for (const app of APPS) {
      const container = appContainer(named(deployments, app));
      expect(envOf(container, 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'site11-redis', key: app });
      expect(envOf(container, 'REDIS_URL')?.value).toMatch(new RegExp(`^rediss?://${app}:\\$\\(REDIS_PASSWORD\\)@[^:/]+:\\d+$`));
      const service = SERVICES.find((entry) => entry.name === app);
      if (service) {
        expect(envOf(container, 'MONGODB_URI')?.valueFrom?.secretKeyRef).toEqual({ name: 'site11-mongodb', key: app });
        expect(envOf(container, service.dbEnv)?.value).toMatch(/_db$/);
      }
    }
    expect(envOf(appContainer(named(deployments, 'users')), 'ADMIN_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('site11-admin');
    expect(envOf(appContainer(named(deployments, 'oauth')), 'KEY_ENCRYPTION_KEY')?.valueFrom?.secretKeyRef?.name).toBe('site11-oauth');
  });

  it('denies all traffic to and from the release’s pods but what each app’s own policy allows', () => {
    const deny = named(policies, 'site11-default-deny');
    expect(deny.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'site11', 'app.kubernetes.io/instance': 'site11' } },
      policyTypes: ['Ingress', 'Egress'],
    });
    // the apps and Redis under their own policy each, the migration Jobs under theirs
    for (const workload of workloads) {
      const labels = workload.spec.template.metadata.labels;
      expect(selects(deny.spec.podSelector.matchLabels, labels)).toBe(true);
      const own = policies.filter((policy) => policy !== deny && selects(policy.spec.podSelector.matchLabels, labels));
      expect({ name: workload.metadata.name, own: own.map((policy) => policy.metadata.name) }).toEqual({
        name: workload.metadata.name,
        own: [workload.kind === 'Job' ? 'site11-migrations' : workload.metadata.name],
      });
    }
  });

  it('admits the ingress controller to the gateway and the console’s files only; a service hears only the gateway, if it streams to it, and Prometheus', () => {
    const peersOf = (name: string) => (named(policies, name).spec.ingress ?? []).flatMap((rule) => (rule.from ?? []).map((peer) => ({ peer, ports: rule.ports })));
    const isIngressController = (peer: Peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx';
    const isPrometheus = (peer: Peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus';
    const admitted = Object.fromEntries(
      policies.filter((policy) => !['site11-default-deny', 'site11-migrations'].includes(policy.metadata.name)).map((policy) => [
        policy.metadata.name,
        peersOf(policy.metadata.name).some(({ peer }) => isIngressController(peer)),
      ]),
    );
    expect(Object.entries(admitted).filter(([, yes]) => yes).map(([name]) => name).sort()).toEqual(['console', GATEWAY].sort());

    for (const service of SERVICES) {
      const peers = peersOf(service.name);
      const fromGateway = peers.filter(({ peer }) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'gateway');
      expect({ service: service.name, fromGateway: fromGateway.length }).toEqual({ service: service.name, fromGateway: service.gatewayUrlEnv ? 1 : 0 });
      const others = peers.filter(({ peer }) => !isPrometheus(peer) && !fromGateway.some((entry) => entry.peer === peer));
      expect({ service: service.name, others }).toEqual({ service: service.name, others: [] });
      for (const { ports } of peers) expect(ports).toEqual([{ port: 'http' }]);
    }
    expect(peersOf(GATEWAY).filter(({ peer }) => isPrometheus(peer)).map(({ ports }) => ports)).toEqual([[{ port: 'metrics' }]]);
  });

  it('lets the apps out to DNS, Redis and (services) MongoDB only, and only the gateway to other apps', () => {
    for (const app of APPS) {
      const egress = named(policies, app).spec.egress ?? [];
      const ports = egress.flatMap((rule) => (rule.ports ?? []).map((port) => `${port.port}/${port.protocol}`));
      const toRedis = egress.filter((rule) => rule.ports?.some((port) => port.port === redisPort));
      // the in-chart Redis's pods only; a Redis of your own where networkPolicy.redis says
      expect({ app, toRedis: toRedis.map((rule) => rule.to) }).toEqual({
        app,
        toRedis: [inChartRedis ? [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'site11' } } }] : expect.any(Array)],
      });
      // a podSelector without a namespaceSelector: pods of the release's own namespace
      const toApps = egress
        .filter((rule) => !toRedis.includes(rule))
        .flatMap((rule) => (rule.to ?? []).filter((peer) => !peer.namespaceSelector).map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name']))
        .filter(Boolean);
      const service = SERVICES.find((entry) => entry.name === app);
      expect(ports).toEqual(expect.arrayContaining(['53/UDP', '53/TCP', `${redisPort}/TCP`]));
      expect({ app, mongodb: ports.includes('27017/TCP') }).toEqual({ app, mongodb: service !== undefined });
      const streamedTo = SERVICES.filter((entry) => entry.gatewayUrlEnv).map((entry) => entry.name);
      expect({ app, toApps: toApps.sort() }).toEqual({ app, toApps: app === GATEWAY ? streamedTo.sort() : [] });
    }
  });

  it('scales every app on CPU with a HorizontalPodAutoscaler and keeps it available with a PodDisruptionBudget', () => {
    type Hpa = { metadata: Meta; spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; metrics: Array<{ resource?: { name: string; target: { type: string } } }> } };
    type Pdb = { metadata: Meta; spec: { maxUnavailable?: number; unhealthyPodEvictionPolicy?: string; selector: { matchLabels: Labels } } };
    const hpas = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler');
    const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget');
    const apiVersions = new Set(objects.filter((object) => object.kind === 'HorizontalPodAutoscaler').map((object) => object.apiVersion));
    expect([...apiVersions]).toEqual(['autoscaling/v2']);
    for (const app of APPS) {
      const deployment = named(deployments, app);
      const hpa = named(hpas, app);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      expect(hpa.spec.metrics.map((metric) => [metric.resource?.name, metric.resource?.target.type])).toEqual([['cpu', 'Utilization']]);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      // the autoscaler owns the replica count: a Deployment that set it would reset it at every upgrade
      expect(deployment.spec.replicas).toBeUndefined();
      const pdb = named(pdbs, app);
      expect(selects(pdb.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
      expect(pdb.spec.maxUnavailable).toBe(1);
      // a replica that is not ready does not block a drain
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    }
  });

  it('runs one migration Job per service, MIGRATE=only, as a pre-install and pre-upgrade hook, and starts the Deployments with MIGRATE=off', () => {
    expect(jobs.map((job) => job.metadata.name).sort()).toEqual([...MIGRATION_JOBS].sort());
    const services = ofKind<{ metadata: Meta; spec: { selector?: Labels } }>(objects, 'Service');
    for (const service of SERVICES) {
      const job = named(jobs, `${service.name}-migrations`);
      expect(job.metadata.annotations).toMatchObject({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-weight': expect.stringMatching(/^-?\d+$/),
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
      expect({ backoffLimit: job.spec.backoffLimit, deadline: (job.spec.activeDeadlineSeconds ?? 0) > 0, restart: job.spec.template.spec.restartPolicy }).toEqual({
        backoffLimit: expect.any(Number),
        deadline: true,
        restart: 'Never',
      });
      // the app's pod but for MIGRATE: same image, environment, Secrets and security contexts
      const deployment = named(deployments, service.name);
      const app = appContainer(deployment);
      const [migrations] = job.spec.template.spec.containers;
      expect(envOf(migrations, 'MIGRATE')?.value).toBe('only');
      expect(envOf(app, 'MIGRATE')?.value).toBe('off');
      expect({ job: job.metadata.name, image: migrations.image, env: withoutVariable(migrations.env, 'MIGRATE') }).toEqual({
        job: job.metadata.name,
        image: app.image,
        env: withoutVariable(app.env, 'MIGRATE'),
      });
      expect(migrations.securityContext).toEqual(app.securityContext);
      expect(job.spec.template.spec.securityContext).toEqual(deployment.spec.template.spec.securityContext);
      expect(migrations.resources).toEqual(app.resources);
      // no Service sends requests to a migration pod
      for (const other of services) expect({ service: other.metadata.name, job: job.metadata.name, selects: selects(other.spec.selector, job.spec.template.metadata.labels) }).toMatchObject({ selects: false });
    }
    expect(envOf(appContainer(named(deployments, GATEWAY)), 'MIGRATE')).toBeUndefined();
  });

  it('lets the migration Jobs out to DNS and MongoDB only, under a policy made before them', () => {
    const policy = named(policies, 'site11-migrations') as NetworkPolicy & { metadata: { annotations?: Labels } };
    const ports = (policy.spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => `${port.port}/${port.protocol}`));
    expect(ports.sort()).toEqual(['27017/TCP', '53/TCP', '53/UDP']);
    expect(policy.spec.ingress ?? []).toEqual([]);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // a hook too: on an upgrade the release's default-deny policy already covers the Jobs' pods
    expect(policy.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const weight = (annotations?: Labels) => Number(annotations?.['helm.sh/hook-weight']);
    for (const job of jobs) expect(weight(policy.metadata.annotations)).toBeLessThan(weight(job.metadata.annotations));
  });
});

describe('the in-chart Redis (redis.deploy, the default)', () => {
  let objects: K8sObject[];
  let redis: StatefulSet;
  let server: Container;
  let policies: NetworkPolicy[];

  beforeAll(() => {
    const validated = validate(template().stdout);
    objects = validated.status === 0 ? (JSON.parse(validated.stdout) as K8sObject[]) : [];
    redis = named(ofKind<StatefulSet>(objects, 'StatefulSet'), 'redis');
    const found = redis.spec.template.spec.containers.find((container) => container.name === 'redis');
    if (!found) throw new Error('the StatefulSet has no redis container');
    server = found;
    policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
  });

  it('appends every write to an AOF fsynced every second, on a PersistentVolumeClaim that outlives the release', () => {
    expect(redis.spec.replicas).toBe(1);
    expect(server.image).toBe('redis:7-alpine');
    const options = flags(server.args);
    expect(options).toMatchObject({ appendonly: 'yes', appendfsync: 'everysec', dir: '/data', 'maxmemory-policy': 'noeviction' });
    // the claim is the data directory, and stays when the StatefulSet goes (helm uninstall)
    expect(server.volumeMounts?.find((mount) => mount.mountPath === '/data')?.name).toBe('data');
    expect(redis.spec.volumeClaimTemplates?.map((claim) => ({ name: claim.metadata.name, modes: claim.spec.accessModes, size: claim.spec.resources.requests['storage'] }))).toEqual([
      { name: 'data', modes: ['ReadWriteOnce'], size: '8Gi' },
    ]);
    expect(redis.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(redis.spec.template.spec.volumes?.some((volume) => volume.name === 'data')).toBe(false);
    // Redis refuses writes before the kernel kills it: maxmemory at most half the limit (an AOF rewrite forks)
    const maxmemoryMb = Number(/^(\d+)mb$/.exec(options['maxmemory'] ?? '')?.[1]);
    expect(maxmemoryMb * 2).toBeLessThanOrEqual(mebibytes(server.resources?.limits?.['memory'] ?? '0Mi'));
    expect(server.resources?.requests?.['cpu']).toBeDefined();
  });

  it('probes Redis as its admin: alive while it loads the AOF, ready once it has', () => {
    // the probes' own shell commands, run against a redis-cli that answers as Redis does
    const stub = mkdtempSync(join(tmpdir(), 'redis-cli-stub-'));
    try {
      writeFileSync(join(stub, 'redis-cli'), '#!/bin/sh\n[ "$REDISCLI_AUTH" = secret ] || { echo "NOAUTH Authentication required."; exit 0; }\nprintf "%b\\n" "$STUB_REPLY"\n');
      chmodSync(join(stub, 'redis-cli'), 0o755);
      const passes = (probe: { exec?: { command: string[] } } | undefined, reply: string, password = 'secret') => {
        const [shell, flag, script] = probe?.exec?.command ?? [];
        expect([shell, flag]).toEqual(['sh', '-c']);
        const run = spawnSync('sh', ['-c', script], { env: { PATH: `${stub}:${process.env['PATH']}`, REDIS_ADMIN_PASSWORD: password, STUB_REPLY: reply } });
        return run.status === 0;
      };
      expect(server.livenessProbe?.exec?.command.join(' ')).toContain('redis-cli --user admin -p 6379 ping');
      expect(passes(server.livenessProbe, 'PONG')).toBe(true);
      // PING during the AOF load: a kill would only start the load again
      expect(passes(server.livenessProbe, 'LOADING Redis is loading the dataset in memory')).toBe(true);
      expect(passes(server.livenessProbe, 'PONG', 'wrong')).toBe(false);
      expect(passes(server.livenessProbe, '')).toBe(false);
      expect(server.readinessProbe?.exec?.command.join(' ')).toContain('redis-cli --user admin -p 6379 info persistence');
      expect(passes(server.readinessProbe, '# Persistence\\nloading:1\\naof_enabled:1')).toBe(false);
      expect(passes(server.readinessProbe, '# Persistence\\nloading:0\\naof_enabled:1')).toBe(true);
    } finally {
      rmSync(stub, { recursive: true, force: true });
    }
    expect(envOf(server, 'REDIS_ADMIN_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'site11-redis', key: 'admin' });
  });

  it('keeps Redis running through an upgrade of the apps: no version in its pod’s labels', () => {
    const labels = (redis.spec.template.metadata as Meta).labels ?? {};
    expect(labels).not.toHaveProperty('app.kubernetes.io/version');
    expect(labels).not.toHaveProperty('helm.sh/chart');
    expect(labels).toMatchObject({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': 'site11' });
  });

  it('renders the apps’ ACL users at every start from the Secret, with compose’s render-acl.sh, into the file Redis loads', () => {
    const [acl] = redis.spec.template.spec.initContainers ?? [];
    const [shell, script, output] = acl.command ?? [];
    const templates = acl.volumeMounts?.find((mount) => script.startsWith(`${mount.mountPath}/`));
    const rendered = acl.volumeMounts?.find((mount) => output.startsWith(`${mount.mountPath}/`));
    expect({ shell, script: script.slice((templates?.mountPath.length ?? 0) + 1), readOnly: templates?.readOnly }).toEqual({ shell: 'sh', script: 'render-acl.sh', readOnly: true });
    // Redis loads what the init container wrote, from a volume of hashes in memory that it only reads
    expect(flags(server.args)['aclfile']).toBe(output);
    expect(server.volumeMounts?.find((mount) => mount.name === rendered?.name)).toMatchObject({ mountPath: rendered?.mountPath, readOnly: true });
    expect(redis.spec.template.spec.volumes?.find((volume) => volume.name === rendered?.name)?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
    // the ConfigMap holds the chart's copies of users.acl.in and render-acl.sh
    const configMapName = redis.spec.template.spec.volumes?.find((volume) => volume.name === templates?.name)?.configMap?.name ?? '';
    const configMap = named(ofKind<{ metadata: Meta; data: Record<string, string> }>(objects, 'ConfigMap'), configMapName);
    expect(configMap.data).toEqual({ 'users.acl.in': readFileSync(CHART_ACL_FILE, 'utf-8'), 'render-acl.sh': readFileSync(CHART_RENDER_ACL_SCRIPT, 'utf-8') });
    // one password variable per user of the file, from the Secret's key of the user's name: the admin and every app
    expect(acl.env?.map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]).sort()).toEqual(
      ['admin', ...APPS].map((user) => [passwordEnv(user), { name: 'site11-redis', key: user }]).sort(),
    );
    // a new user or rule restarts Redis
    expect((redis.spec.template.metadata as Meta & { annotations?: Labels }).annotations?.['checksum/acl']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets only the release’s apps reach Redis, on its port, and Redis reach nobody', () => {
    const policy = named(policies, 'redis');
    expect(selects(policy.spec.podSelector.matchLabels, redis.spec.template.metadata.labels)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress ?? []).toEqual([]);
    expect(policy.spec.ingress?.map((rule) => rule.ports)).toEqual([[{ port: 'redis' }]]);
    const peers = policy.spec.ingress?.[0].from ?? [];
    expect(peers).toEqual([...APPS].sort().map((app) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': 'site11' } } })));
    // not the console's nginx, not a migration Job
    const pods = workloadsOf(objects).filter((workload) => workload.kind !== 'StatefulSet');
    const admitted = pods.filter((pod) => peers.some((peer) => selects(peer.podSelector?.matchLabels, pod.spec.template.metadata.labels)));
    expect(admitted.map((pod) => pod.metadata.name).sort()).toEqual([...APPS].sort());
  });

  it('is what the apps connect to: redis:6379 under their own users', () => {
    for (const app of APPS) {
      expect(envOf(appContainer(named(ofKind<Deployment>(objects, 'Deployment'), app)), 'REDIS_URL')?.value).toBe(`redis://${app}:$(REDIS_PASSWORD)@redis:6379`);
    }
    const service = named(ofKind<{ metadata: Meta; spec: { clusterIP?: string; selector: Labels; ports: Array<{ port: number }> } }>(objects, 'Service'), 'redis');
    expect(selects(service.spec.selector, redis.spec.template.metadata.labels)).toBe(true);
    expect(service.spec.ports.map((port) => port.port)).toEqual([6379]);
  });
});

describe('the chart’s copy of the Redis users', () => {
  it('is what tools/platform/redis-acl.cjs writes from services.json, next to compose’s render-acl.sh (node tools/platform/redis-acl.cjs)', () => {
    const expected = aclFiles(SERVICES);
    expect(readFileSync(CHART_ACL_FILE, 'utf-8')).toBe(expected[CHART_ACL_FILE]);
    expect(readFileSync(CHART_RENDER_ACL_SCRIPT, 'utf-8')).toBe(readFileSync(RENDER_ACL_SCRIPT, 'utf-8'));
    expect(expected[CHART_RENDER_ACL_SCRIPT]).toBe(readFileSync(RENDER_ACL_SCRIPT, 'utf-8'));
  });
});

describe('the Helm chart’s options and guards', () => {
  const render = (...args: string[]) => {
    const rendered = template(...args);
    expect({ status: rendered.status, stderr: rendered.stderr }).toEqual({ status: 0, stderr: '' });
    const validated = validate(rendered.stdout);
    expect({ status: validated.status, stderr: validated.stderr }).toMatchObject({ status: 0 });
    return JSON.parse(validated.stdout) as K8sObject[];
  };

  it('renders a ServiceMonitor per app, on its metrics port, only when metrics.serviceMonitor.enabled is set', () => {
    expect(ofKind<K8sObject>(render(), 'ServiceMonitor')).toEqual([]);
    type Monitor = { metadata: Meta; spec: { selector: { matchLabels: Labels }; endpoints: Array<{ port: string; path: string }> } };
    const monitors = ofKind<Monitor>(render('--set', 'metrics.serviceMonitor.enabled=true'), 'ServiceMonitor');
    expect(monitors.map((monitor) => monitor.metadata.name).sort()).toEqual([...APPS].sort());
    for (const monitor of monitors) {
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port: monitor.metadata.name === GATEWAY ? 'metrics' : 'http', path: '/metrics' }),
      ]);
    }
    expect(ofKind<Monitor>(render('-f', PRODUCTION), 'ServiceMonitor')).toHaveLength(APPS.length);
  });

  it('sets the replica count itself, and renders no autoscaler, for an app whose autoscaling is turned off', () => {
    const objects = render('--set', 'apps.users.autoscaling.enabled=false', '--set', 'apps.users.replicas=3');
    expect(named(ofKind<Deployment>(objects, 'Deployment'), 'users').spec.replicas).toBe(3);
    expect(ofKind<K8sObject>(objects, 'HorizontalPodAutoscaler').map((hpa) => hpa.metadata.name)).not.toContain('users');
  });

  it('leaves a disabled app out of the gateway’s downstream services and its streams', () => {
    const objects = render('--set', 'apps.images.enabled=false');
    const gateway = appContainer(named(ofKind<Deployment>(objects, 'Deployment'), GATEWAY));
    expect(envOf(gateway, 'DOWNSTREAM_SERVICES')?.value?.split(',')).not.toContain('images');
    expect(envOf(gateway, 'IMAGES_URL')).toBeUndefined();
    expect(envOf(gateway, 'DATA_URL')?.value).toBe(`http://data:${SERVICES.find((service) => service.name === 'data')?.healthPort}`);
  });

  it('sets REDIS_CLUSTER_NODES on every app and migration Job from redis.clusterNodes, and lets them out to the nodes’ ports', () => {
    const nodes = ['redis-0.cluster.example:7000', 'redis-1.cluster.example:7001'];
    const objects = render('--set', 'redis.deploy=false', '--set', `redis.clusterNodes={${nodes.join(',')}}`);
    const pods = workloadsOf(objects).filter((workload) => workload.metadata.name !== 'console');
    expect(pods.map((pod) => pod.metadata.name).sort()).toEqual([...APPS, ...MIGRATION_JOBS].sort());
    for (const pod of pods) {
      const [container] = pod.spec.template.spec.containers;
      expect({ pod: pod.metadata.name, nodes: envOf(container, 'REDIS_CLUSTER_NODES')?.value }).toEqual({ pod: pod.metadata.name, nodes: nodes.join(',') });
      // the user and password still come from REDIS_URL
      expect(envOf(container, 'REDIS_URL')?.value).toMatch(/^redis:\/\/[a-z-]+:\$\(REDIS_PASSWORD\)@/);
    }
    for (const app of APPS) {
      const ports = (named(ofKind<NetworkPolicy>(objects, 'NetworkPolicy'), app).spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => port.port));
      expect(ports).toEqual(expect.arrayContaining([7000, 7001]));
    }
    expect(ofKind<K8sObject>(objects, 'StatefulSet')).toEqual([]);
    // one node: no variable
    for (const deployment of ofKind<Deployment>(render(), 'Deployment')) expect(envOf(deployment.spec.template.spec.containers[0], 'REDIS_CLUSTER_NODES')).toBeUndefined();
  });

  it('refuses to render redis.clusterNodes together with the in-chart Redis, or the in-chart Redis over TLS', () => {
    const cluster = template('--set', 'redis.clusterNodes={redis-0.cluster.example:7000}');
    expect(cluster.status).not.toBe(0);
    expect(cluster.stderr).toContain('redis.clusterNodes and redis.deploy exclude each other');
    const tls = template('--set', 'redis.tls=true');
    expect(tls.status).not.toBe(0);
    expect(tls.stderr).toContain('redis.tls needs a Redis of your own');
    expect(template('--set', 'redis.deploy=false', '--set', 'redis.clusterNodes={no-port}').stderr).toContain("at '/redis/clusterNodes/0': 'no-port' does not match pattern");
  });

  it('refuses an app that has no Redis user in the chart’s ACL file when Redis is in the chart', () => {
    const rendered = template('--set', 'apps.billing.port=3199');
    expect(rendered.status).not.toBe(0);
    expect(rendered.stderr).toContain("apps.billing has no Redis user in the chart's files/redis/users.acl.in");
  });

  it('renders no migration Job with migrations.job=false, and lets each service migrate at boot (MIGRATE=auto)', () => {
    const objects = render('--set', 'migrations.job=false');
    expect(ofKind<K8sObject>(objects, 'Job')).toEqual([]);
    expect(ofKind<K8sObject>(objects, 'NetworkPolicy').map((policy) => policy.metadata.name)).not.toContain('site11-migrations');
    const deployments = ofKind<Deployment>(objects, 'Deployment');
    for (const service of SERVICES) expect({ service: service.name, migrate: envOf(appContainer(named(deployments, service.name)), 'MIGRATE')?.value }).toEqual({ service: service.name, migrate: 'auto' });
  });

  it('refuses a heap cap that leaves less than 64 MiB under the memory limit', () => {
    const rendered = template('--set', 'apps.users.heapMb=200');
    expect(rendered.status).not.toBe(0);
    expect(rendered.stderr).toContain('apps.users: heapMb 200 leaves less than 64 MiB under the memory limit of 256 MiB');
  });

  it('refuses a misspelt value instead of ignoring it', () => {
    const rendered = template('--set', 'apps.users.databse=users_db');
    expect(rendered.status).not.toBe(0);
    expect(rendered.stderr).toContain("additional properties 'databse' not allowed");
  });
});

describe('kube-validate', () => {
  const deployment = (containerExtra: string, specExtra = '') => `---
# Source: site11/templates/example.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: example
spec:
  selector:
    matchLabels: { app: example }
  template:
    metadata:
      labels: { app: example }
    spec:
      containers:
        - name: example
          image: example:1
          ports: [{ name: http, containerPort: 8080 }]
${containerExtra}
${specExtra}`;
  /** A StatefulSet mounting `mounted` at /data, with a claim template named `claim` (none if empty), and its headless Service. */
  const statefulSet = (mounted: string, claim: string) => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: example
spec:
  serviceName: example
  selector:
    matchLabels: { app: example }
  template:
    metadata:
      labels: { app: example }
    spec:
      containers:
        - name: example
          image: example:1
          ${mounted ? `volumeMounts: [{ name: ${mounted}, mountPath: /data }]` : ''}
  ${claim ? `volumeClaimTemplates: [{ metadata: { name: ${claim} }, spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } } }]` : ''}
---
apiVersion: v1
kind: Service
metadata: { name: example }
spec:
  clusterIP: None
  selector: { app: example }
  ports: [{ port: 6379 }]
`;

  it('accepts a well-formed manifest', () => {
    expect(validate(deployment('')).status).toBe(0);
  });

  it('accepts a StatefulSet whose containers mount its volumeClaimTemplates, under a headless Service', () => {
    const result = validate(statefulSet('data', 'data'));
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('2 object(s) valid') });
  });

  it.each([
    ['an unknown field', deployment('          livenesProbe: {}'), 'unknown field "spec.template.spec.containers[0].livenesProbe"'],
    ['a field of the wrong type', deployment('          workingDir: 8080'), 'cannot unmarshal number into Go struct field Container.spec.template.spec.containers.workingDir of type string'],
    ['a duplicate key', deployment('          image: example:2'), 'already set in map'],
    ['an unknown kind', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: example }\n', 'unknown kind "Deploymnet"'],
    ['a probe on a port the container does not declare', deployment('          readinessProbe: { httpGet: { path: /, port: health } }'), 'readinessProbe names port "health"'],
    [
      'a Service that selects no pod',
      `${deployment('')}\n---\napiVersion: v1\nkind: Service\nmetadata: { name: example }\nspec:\n  selector: { app: other }\n  ports: [{ port: 80, targetPort: http }]\n`,
      'selects no pod template',
    ],
    [
      'a mount of a volume the pod and its claim templates lack',
      statefulSet('data', ''),
      'volumeMount "data" names no volume of the pod (nor a volumeClaimTemplate)',
    ],
    [
      'a StatefulSet whose serviceName is not a headless Service',
      statefulSet('', 'data').replace('clusterIP: None', 'type: ClusterIP'),
      'spec.serviceName "example" is not a headless Service (clusterIP: None)',
    ],
    [
      'a ConfigMap volume that names a key its ConfigMap lacks',
      deployment('          volumeMounts: [{ name: files, mountPath: /files }]', `      volumes: [{ name: files, configMap: { name: files, items: [{ key: other, path: other }] } }]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: files }\ndata: { one: "1" }\n`),
      'volume "files" picks key "other", which ConfigMap "files" lacks',
    ],
    [
      'a ConfigMap volume that names no ConfigMap of the manifests',
      deployment('          volumeMounts: [{ name: files, mountPath: /files }]', '      volumes: [{ name: files, configMap: { name: files } }]'),
      'volume "files" names ConfigMap "files", which is not in these manifests',
    ],
    [
      'a Job whose pods restart Always',
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: example }\nspec:\n  template:\n    spec:\n      containers: [{ name: example, image: example:1 }]\n',
      'a Job\'s pods need Never or OnFailure',
    ],
    [
      'an env variable set twice',
      deployment('          env: [{ name: A, value: "1" }, { name: A, value: "2" }]'),
      'env "A" is set twice',
    ],
  ])('refuses %s, with a message that says so', (_case, manifest, message) => {
    const result = validate(manifest);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });
});

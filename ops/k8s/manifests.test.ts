/**
 * The Kubernetes manifests, checked offline: the generated files match the topology, every
 * overlay renders with `kubectl kustomize` (KUBECTL, else kubectl on PATH; skipped with the reason
 * when neither is there: ops/services/kubectl.sh), every object validates against the Kubernetes
 * 1.34 schemas of kubernetes-models (ExternalSecrets against theirs; Strimzi and CloudNativePG
 * objects are checked field by field, their CRD schemas are not on npm), and the rules the
 * platform relies on hold for every service of the topology.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import ts from 'typescript';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { Namespace, Service, ServiceAccount, ConfigMap } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1';
import { EXTRAS, GATEWAY, dbCluster, metricsPort, render } from './generate';

const ROOT = path.join(__dirname, '..', '..');
const K8S = __dirname;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> } & Record<string, any>;

/** kubectl from KUBECTL or PATH; a version with kustomize v5 (kubectl >= 1.27). */
function findKubectl(): { bin?: string; reason?: string } {
  const bin = process.env.KUBECTL || 'kubectl';
  const out = spawnSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return { reason: `no kubectl (${process.env.KUBECTL ? `KUBECTL=${process.env.KUBECTL} fails` : 'not on PATH'}; ops/services/kubectl.sh installs it)` };
  const minor = Number(JSON.parse(out.stdout).clientVersion?.minor?.replace(/\D/g, '') ?? 0);
  if (minor < 27) return { reason: `kubectl 1.${minor} is too old for kustomize v5 (1.27+ needed)` };
  return { bin };
}
const kubectl = findKubectl();
if (kubectl.reason) console.warn(`ops/k8s manifests: rendering skipped: ${kubectl.reason}`);

function kustomize(dir: string): Obj[] {
  const out = spawnSync(kubectl.bin!, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${out.stderr}`);
  return parseAllDocuments(out.stdout).map((d) => d.toJS() as Obj).filter(Boolean);
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
};

/** The operators' objects: the fields this platform relies on, with their types. */
function checkOperatorObject(o: Obj): string[] {
  const errors: string[] = [];
  const need = (ok: unknown, what: string) => !ok && errors.push(`${o.kind}/${o.metadata.name}: ${what}`);
  const isInt = (v: unknown) => Number.isInteger(v);
  if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster') {
    need(isInt(o.spec?.instances) && o.spec.instances >= 1, 'spec.instances: integer >= 1');
    need(typeof o.spec?.storage?.size === 'string', 'spec.storage.size');
    need(typeof o.spec?.bootstrap?.initdb?.database === 'string' && typeof o.spec.bootstrap.initdb.owner === 'string', 'spec.bootstrap.initdb.database/owner');
    need(typeof o.spec?.imageName === 'string' && !o.spec.imageName.endsWith(':latest'), 'spec.imageName pinned');
    need(o.spec?.backup?.barmanObjectStore?.destinationPath?.startsWith('s3://'), 'spec.backup.barmanObjectStore.destinationPath');
    return errors;
  }
  if (o.apiVersion === 'kafka.strimzi.io/v1beta2' && o.kind === 'KafkaNodePool') {
    need(isInt(o.spec?.replicas), 'spec.replicas: integer');
    need(Array.isArray(o.spec?.roles) && o.spec.roles.every((r: string) => r === 'controller' || r === 'broker'), 'spec.roles: controller/broker');
    need(o.metadata.labels?.['strimzi.io/cluster'], 'label strimzi.io/cluster');
    need(['jbod', 'persistent-claim', 'ephemeral'].includes(o.spec?.storage?.type), 'spec.storage.type');
    return errors;
  }
  if (o.apiVersion === 'kafka.strimzi.io/v1beta2' && o.kind === 'Kafka') {
    need(Array.isArray(o.spec?.kafka?.listeners) && o.spec.kafka.listeners.every((l: any) => typeof l.name === 'string' && isInt(l.port) && typeof l.tls === 'boolean' && ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'].includes(l.type)), 'spec.kafka.listeners');
    need(o.spec?.zookeeper === undefined, 'no ZooKeeper (KRaft)');
    need(o.metadata.annotations?.['strimzi.io/kraft'] === 'enabled' && o.metadata.annotations?.['strimzi.io/node-pools'] === 'enabled', 'KRaft and node pools enabled');
    return errors;
  }
  if (o.apiVersion === 'argoproj.io/v1alpha1' && o.kind === 'Rollout') {
    need(isInt(o.spec?.replicas), 'spec.replicas: integer');
    need(o.spec?.workloadRef?.kind === 'Deployment' && typeof o.spec.workloadRef.name === 'string', 'spec.workloadRef to a Deployment');
    const bg = o.spec?.strategy?.blueGreen;
    need(bg && typeof bg.activeService === 'string' && typeof bg.previewService === 'string', 'spec.strategy.blueGreen active/preview services');
    return errors;
  }
  return [`${o.apiVersion} ${o.kind}/${o.metadata.name}: no schema known to this test`];
}

function validateAll(objects: Obj[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!Model) {
      errors.push(...checkOperatorObject(o));
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err) {
      errors.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/** Every variable name the code reads (the source text of the services, tests excluded). */
function sourceText(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) e.name !== 'node_modules' && e.name !== 'generated' && walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) files.push(p);
    }
  };
  for (const dir of ['kit/src', 'gateway/src', 'subgraphs']) walk(path.join(ROOT, dir));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

const SERVICES = [{ ...GATEWAY, component: 'gateway' }, ...SUBGRAPHS.map((s) => ({ ...s, component: 'subgraph' }))];
const find = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

describe('ops/k8s: generated from the topology', () => {
  it('the generated files are those `pnpm k8s:generate` writes now (run it after changing the topology)', () => {
    for (const [file, text] of render()) {
      const onDisk = path.join(K8S, 'base', file);
      expect(existsSync(onDisk) ? readFileSync(onDisk, 'utf8') : `(missing ${file})`, `ops/k8s/base/${file} is stale: run pnpm k8s:generate`).toBe(text);
    }
    const generated = new Set([...render().keys()].filter((f) => f.startsWith('services/')).map((f) => f.slice('services/'.length)));
    expect(readdirSync(path.join(K8S, 'base', 'services')).filter((f) => !generated.has(f))).toEqual([]);
  });

  it('every subgraph in the repo is in the topology, so it gets manifests', () => {
    const inRepo = readdirSync(path.join(ROOT, 'subgraphs')).filter((d) => existsSync(path.join(ROOT, 'subgraphs', d, 'src', 'server.ts')));
    expect(inRepo.filter((d) => !SUBGRAPHS.some((s) => s.name === d))).toEqual([]);
  });
});

describe.skipIf(!kubectl.bin).each(['dev', 'production'])('ops/k8s/overlays/%s', (overlay) => {
  const objects = kubectl.bin ? kustomize(path.join(K8S, 'overlays', overlay)) : [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const common = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cloudlab-common'))!;

  it('renders, and every object validates against its schema', () => {
    expect(objects.length).toBeGreaterThan(50);
    expect(validateAll(objects)).toEqual([]);
    expect(new Set(objects.map((o) => o.metadata.namespace ?? (o.kind === 'Namespace' ? 'cloudlab' : '')))).toEqual(new Set(['cloudlab']));
  });

  it('every service of the topology has a Deployment, Service, PodDisruptionBudget, NetworkPolicy and ServiceAccount', () => {
    const missing: string[] = [];
    for (const s of SERVICES) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount']) {
        if (!find(objects, kind, s.name)) missing.push(`${kind}/${s.name}`);
      }
      if (s.component === 'subgraph' && !find(objects, 'Cluster', dbCluster(s.name))) missing.push(`Cluster/${dbCluster(s.name)}`);
    }
    expect(missing).toEqual([]);
    expect(deployments.filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] !== 'telemetry').map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it('probes: /readyz and /healthz on the service port, /metrics on port + 1000; the entry point exists', () => {
    for (const s of SERVICES) {
      const d = find(objects, 'Deployment', s.name)!;
      const c = d.spec.template.spec.containers[0];
      const port = (name: string) => c.ports.find((p: any) => p.name === name)?.containerPort;
      expect(port('http'), s.name).toBe(s.port);
      expect(port('metrics'), s.name).toBe(metricsPort(s.port));
      expect(c.readinessProbe.httpGet, s.name).toEqual({ path: s.name === 'gateway' ? '/readyz?scope=self' : '/readyz', port: 'http' });
      expect(c.livenessProbe.httpGet, s.name).toEqual({ path: '/healthz', port: 'http' });
      expect(d.spec.template.metadata.annotations['prometheus.io/port'], s.name).toBe(String(metricsPort(s.port)));
      expect(c.env.find((e: any) => e.name === 'PORT')?.value, s.name).toBe(String(s.port));
      expect(existsSync(path.join(ROOT, c.args[0])), `${s.name}: ${c.args[0]}`).toBe(true);
      const svc = find(objects, 'Service', s.name)!;
      expect(svc.spec.ports.map((p: any) => p.port).sort(), s.name).toEqual([s.port, metricsPort(s.port)].sort());
    }
    // /metrics listens on every interface only when METRICS_HOST says so (default 127.0.0.1).
    expect(common.data).toMatchObject({ HOST: '0.0.0.0', METRICS_HOST: '0.0.0.0' });
  });

  it('every container has requests and limits, runs as non-root, and updates roll with maxUnavailable 0', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of pod.containers) {
        expect(Object.keys(c.resources?.requests ?? {}).sort(), `${d.metadata.name}/${c.name}`).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.limits ?? {}).sort(), `${d.metadata.name}/${c.name}`).toEqual(['cpu', 'memory']);
        expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
        expect(c.image, c.name).not.toMatch(/:latest$|^[^:]+$/);
      }
      expect(d.spec.strategy, d.metadata.name).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && labelsMatch(o.spec.selector.matchLabels, d.spec.template.metadata.labels));
      expect(pdb, `PodDisruptionBudget for ${d.metadata.name}`).toBeDefined();
    }
  });

  it('secrets only by reference: no Secret objects, every secret reference is made by an ExternalSecret or CloudNativePG', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const provided = new Set([
      ...objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.target?.name ?? o.metadata.name),
      ...objects.filter((o) => o.kind === 'Cluster').map((o) => `${o.metadata.name}-app`),
    ]);
    const referenced = new Set<string>();
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
          // A credential is never a literal: names that hold one, or a URL with user:password@.
          else expect(/SECRET|PASSWORD|TOKEN|PRIVATE|ACCESS_KEY/.test(e.name) || /:\/\/[^/\s]*:[^/\s]*@/.test(e.value ?? ''), `${d.metadata.name}: ${e.name} is a literal`).toBe(false);
        }
      }
      for (const v of d.spec.template.spec.volumes ?? []) if (v.secret) referenced.add(v.secret.secretName);
    }
    for (const o of objects.filter((x) => x.kind === 'Cluster')) {
      for (const ref of Object.values(o.spec.backup?.barmanObjectStore?.s3Credentials ?? {}) as { name: string }[]) referenced.add(ref.name);
    }
    expect([...referenced].filter((n) => !provided.has(n))).toEqual([]);
    // TLS certificates: made by cert-manager from the Ingress's annotation.
    for (const ing of objects.filter((o) => o.kind === 'Ingress')) expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], ing.metadata.name).toBeTruthy();
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      for (const [k, v] of Object.entries(cm.data ?? {})) {
        expect(/SECRET|PASSWORD|TOKEN|PRIVATE|ACCESS_KEY/.test(k) || /:\/\/[^/\s]*:[^/\s]*@/.test(v), `ConfigMap ${cm.metadata.name}: ${k}`).toBe(false);
      }
    }
  });

  it('every variable set in the manifests is one the code reads', () => {
    const source = sourceText();
    const known = (name: string) =>
      source.includes(name) ||
      /^OTEL_/.test(name) || // OpenTelemetry SDK's standard variables
      (/^SUBGRAPH_[A-Z0-9_]+_URL$/.test(name) && source.includes('`SUBGRAPH_${'));
    const names = new Set<string>(Object.keys(common.data ?? {}));
    for (const o of objects.filter((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('gateway-subgraphs'))) Object.keys(o.data ?? {}).forEach((k) => names.add(k));
    for (const d of deployments.filter((x) => x.metadata.labels?.['app.kubernetes.io/part-of'] === 'cloudlab' && x.metadata.name !== 'otel-collector')) {
      for (const e of d.spec.template.spec.containers[0].env ?? []) names.add(e.name);
    }
    expect([...names].filter((n) => !known(n))).toEqual([]);
    // The gateway is told where every subgraph is.
    const gw = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gateway-subgraphs'))!;
    expect(Object.values(gw.data ?? {}).sort()).toEqual(SUBGRAPHS.map((s) => `http://${s.name}:${s.port}/graphql`).sort());
  });

  it('network: default deny; only the gateway reaches the subgraphs, only each owner its database', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const deny = policies.find((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 && !p.spec.ingress && !p.spec.egress);
    expect(deny?.spec.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);
    const podLabels = (name: string) => find(objects, 'Deployment', name)!.spec.template.metadata.labels;
    const selecting = (labels: Record<string, string>) => policies.filter((p) => labelsMatch(p.spec.podSelector?.matchLabels, labels) && !p.spec.podSelector?.matchExpressions && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length);
    const gatewayEgress = selecting(podLabels('gateway')).flatMap((p) => p.spec.egress ?? []);
    for (const s of SUBGRAPHS) {
      const ingress = selecting(podLabels(s.name)).flatMap((p) => p.spec.ingress ?? []);
      const toApi = ingress.filter((r: any) => r.ports?.some((p: any) => p.port === s.port));
      const edge = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
      expect(toApi.flatMap((r: any) => r.from), s.name).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }, ...(EXTRAS[s.name]?.publicPaths ? [edge] : [])]);
      expect(ingress.every((r: any) => r.ports?.length && r.from?.length), `${s.name}: no open ingress rule`).toBe(true);
      expect(gatewayEgress.some((r: any) => r.ports?.some((p: any) => p.port === s.port) && labelsMatch(r.to?.[0]?.podSelector?.matchLabels, podLabels(s.name))), `gateway -> ${s.name}`).toBe(true);
      const db = policies.filter((p) => p.spec.podSelector?.matchLabels?.['cnpg.io/cluster'] === dbCluster(s.name));
      const toDb = db.flatMap((p) => p.spec.ingress ?? []).filter((r: any) => r.ports?.some((p: any) => p.port === 5432)).flatMap((r: any) => r.from);
      expect(toDb.map((f: any) => f.podSelector?.matchLabels).sort(), s.name).toEqual(
        [{ 'app.kubernetes.io/name': s.name }, { 'cnpg.io/cluster': dbCluster(s.name) }].sort(),
      );
    }
  });

  it('the Ingress sends clients to the gateway, and to a subgraph only on its declared public paths', () => {
    const paths = objects.filter((o) => o.kind === 'Ingress').flatMap((o) => o.spec.rules.flatMap((r: any) => r.http.paths));
    expect(paths.find((p: any) => p.path === '/')?.backend.service.name).toBe('gateway');
    const expected = SUBGRAPHS.flatMap((s) => (EXTRAS[s.name]?.publicPaths ?? []).map((p) => `${p} -> ${s.name}`));
    expect(paths.filter((p: any) => p.backend.service.name !== 'gateway').map((p: any) => `${p.path} -> ${p.backend.service.name}`).sort()).toEqual(expected.sort());
  });

  if (overlay === 'production') {
    it('production: >= 2 replicas of every service, the gateway autoscaled, 3-node KRaft Kafka with RF 3, >= 2 PostgreSQL instances', () => {
      for (const d of deployments) expect(d.spec.replicas, d.metadata.name).toBeGreaterThanOrEqual(2);
      const hpa = find(objects, 'HorizontalPodAutoscaler', 'gateway')!;
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      const pools = objects.filter((o) => o.kind === 'KafkaNodePool');
      expect(pools.filter((p) => p.spec.roles.includes('controller')).reduce((n, p) => n + p.spec.replicas, 0)).toBe(3);
      expect(pools.filter((p) => p.spec.roles.includes('broker')).reduce((n, p) => n + p.spec.replicas, 0)).toBe(3);
      const kafka = objects.find((o) => o.kind === 'Kafka')!;
      expect(kafka.spec.kafka.config).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'offsets.topic.replication.factor': 3 });
      for (const c of objects.filter((o) => o.kind === 'Cluster')) expect(c.spec.instances, c.metadata.name).toBeGreaterThanOrEqual(2);
      expect(common.data).toMatchObject({ NODE_ENV: 'production', SEED_ON_EMPTY: 'false' });
      // Replicas of a service in different zones (kept when a zone has no room: DoNotSchedule).
      for (const d of deployments.filter((x) => x.metadata.name !== 'otel-collector')) {
        expect(d.spec.template.spec.topologySpreadConstraints.find((c: any) => c.topologyKey === 'topology.kubernetes.io/zone')?.whenUnsatisfiable, d.metadata.name).toBe('DoNotSchedule');
      }
      expect(deployments.every((d) => /^registry\.example\.com\/cloudlab\/cloudlab:\d/.test(d.spec.template.spec.containers[0].image) || d.metadata.name === 'otel-collector')).toBe(true);
    });
  } else {
    it('dev: one replica each, demo data, development logs', () => {
      for (const d of deployments) expect(d.spec.replicas, d.metadata.name).toBe(1);
      expect(common.data).toMatchObject({ NODE_ENV: 'development', SEED_ON_EMPTY: 'true' });
    });
  }
});

describe.skipIf(!kubectl.bin)('ops/k8s/components/gateway-blue-green (the documented blue-green option)', () => {
  it('production plus the component: an Argo Rollout takes the gateway over, the autoscaler scales it, the preview Service exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-bg-'));
    try {
      writeFileSync(path.join(dir, 'kustomization.yaml'), [
        `resources: [${path.relative(dir, path.join(K8S, 'overlays', 'production'))}]`,
        `components: [${path.relative(dir, path.join(K8S, 'components', 'gateway-blue-green'))}]`,
      ].join('\n'));
      const objects = kustomize(dir);
      expect(validateAll(objects)).toEqual([]);
      const rollout = find(objects, 'Rollout', 'gateway')!;
      expect(rollout.spec.workloadRef).toMatchObject({ kind: 'Deployment', name: 'gateway' });
      expect(rollout.spec.strategy.blueGreen).toMatchObject({ activeService: 'gateway', previewService: 'gateway-preview' });
      expect(find(objects, 'Service', 'gateway-preview')).toBeDefined();
      expect(find(objects, 'HorizontalPodAutoscaler', 'gateway')!.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'gateway' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

/** The TypeScript interface of each built-in kind: excess-property checks catch unknown fields. */
const INTERFACES: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'INamespace'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1/ServiceAccount': ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
  'networking.k8s.io/v1/Ingress': ['kubernetes-models/networking.k8s.io/v1/Ingress', 'IIngress'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  'external-secrets.io/v1/ExternalSecret': ['@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret', 'IExternalSecret'],
};

describe.skipIf(!kubectl.bin)('ops/k8s: no unknown fields', () => {
  it('every built-in object of dev and production typechecks against its kubernetes-models interface (a misspelt field fails)', () => {
    // The JSON-schema validators above accept fields they do not know; TypeScript's excess-property
    // check on object literals does not. The files go where `kubernetes-models` resolves (ops/),
    // under node_modules so that neither the project's typecheck nor vitest picks them up.
    const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'k8s-strict');
    mkdirSync(dir, { recursive: true });
    const files = ['dev', 'production'].map((overlay) => {
      const imports = new Set<string>();
      const lines: string[] = [];
      kustomize(path.join(K8S, 'overlays', overlay)).forEach((o, i) => {
        const t = INTERFACES[`${o.apiVersion}/${o.kind}`];
        if (!t) return;
        imports.add(`import type { ${t[1]} } from '${t[0]}';`);
        lines.push(`export const o${i}: ${t[1]} = ${JSON.stringify(o)}; // ${o.kind}/${o.metadata.name}`);
      });
      const file = path.join(dir, `${overlay}.ts`);
      writeFileSync(file, [...imports, ...lines].join('\n') + '\n');
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.text.slice(d.file.text.lastIndexOf('\n', d.start) + 1, d.file.text.indexOf('\n', d.start)) : '';
      return `${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (${/\/\/ (.*)$/.exec(line)?.[1] ?? d.file?.fileName})`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});

/**
 * Writes ops/k8s/base/services/: one file per service (the gateway and every subgraph of
 * kit/src/topology.ts) with its Deployment, Service, PodDisruptionBudget, NetworkPolicies,
 * ServiceAccount and, for a subgraph, its CloudNativePG Cluster. A subgraph added to the topology
 * gets its manifests from `pnpm k8s:generate`; manifests.test.ts fails while they are missing or
 * stale. Everything environment-specific (replicas, image tag, sizes) is in the overlays.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { SUBGRAPHS } from '@cloudlab/kit/topology';

export const GATEWAY = { name: 'gateway', port: 4000 } as const;
/** Where /metrics listens: kit/src/metrics-server.ts (METRICS_PORT unset → PORT + 1000). */
export const metricsPort = (port: number) => port + 1000;
export const IMAGE = 'cloudlab';
export const PART_OF = 'cloudlab';
/** The ExternalSecrets operator's store the secrets come from (one per cluster; see README). */
export const SECRET_STORE = { kind: 'ClusterSecretStore', name: 'cloudlab-secrets' };
const BASE = path.join(__dirname, 'base');
const COLLECTOR_CONFIG = path.join(__dirname, '..', 'observability', 'otel-collector.yaml');

type Obj = Record<string, unknown>;

/** What some subgraphs need beyond the standard shape (a new subgraph needs no entry here). */
export const EXTRAS: Record<string, {
  /** Variables from the subgraph's ExternalSecret `<name>-secrets`: variable → remote key under cloudlab/. */
  secretEnv?: Record<string, string>;
  env?: Record<string, string>;
  egress?: Obj[];
  /** Paths that clients reach directly through the Ingress (not through the gateway). */
  publicPaths?: string[];
}> = {
  // Mail leaves the cluster: the SMTP relay (submission ports) and its credentials.
  notifications: {
    secretEnv: { SMTP_URL: 'notifications/smtp-url' },
    egress: [{ ports: [{ protocol: 'TCP', port: 587 }, { protocol: 'TCP', port: 465 }] }],
  },
  // Media bytes live in S3 (uploads go there straight, presigned); several replicas share it, so
  // the local-disk driver is not for Kubernetes. Clients fetch variants at /media/files/ on content.
  content: {
    secretEnv: { S3_ACCESS_KEY_ID: 'content/s3-access-key-id', S3_SECRET_ACCESS_KEY: 'content/s3-secret-access-key' },
    env: {
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      S3_BUCKET: 'cloudlab-media',
      S3_REGION: 'eu-west-1',
      S3_FORCE_PATH_STYLE: 'false',
      MEDIA_PUBLIC_URL: 'https://cloudlab.example.com',
    },
    egress: [{ ports: [{ protocol: 'TCP', port: 443 }] }],
    publicPaths: ['/media/files/'],
  },
};
export const PUBLIC_HOST = 'cloudlab.example.com';
const EDGE = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };

const labels = (name: string, component: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/part-of': PART_OF,
});
const selector = (name: string) => ({ 'app.kubernetes.io/name': name });
/** Pods of the cloudlab namespace that every service talks to. */
const podsOf = (name: string) => ({ podSelector: { matchLabels: selector(name) } });
const monitoring = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
export const dbCluster = (subgraph: string) => `pg-${subgraph}`;

function externalSecret(name: string, data: Record<string, string>, template?: Obj): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: SECRET_STORE,
      target: { name, creationPolicy: 'Owner', ...(template ? { template } : {}) },
      data: Object.entries(data).map(([secretKey, key]) => ({ secretKey, remoteRef: { key: `cloudlab/${key}` } })),
    },
  };
}

function deployment(svc: { name: string; port: number }, component: 'gateway' | 'subgraph'): Obj {
  const isGateway = component === 'gateway';
  const extras = EXTRAS[svc.name] ?? {};
  const env: Obj[] = [
    { name: 'PORT', value: String(svc.port) },
    { name: 'OTEL_SERVICE_NAME', value: svc.name },
    { name: 'INTERNAL_SECRET', valueFrom: { secretKeyRef: { name: 'cloudlab-internal', key: 'INTERNAL_SECRET' } } },
  ];
  if (!isGateway) env.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${dbCluster(svc.name)}-app`, key: 'uri' } } });
  if (isGateway) env.push({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'gateway-secrets', key: 'REDIS_URL' } } });
  for (const key of Object.keys(extras.secretEnv ?? {})) env.push({ name: key, valueFrom: { secretKeyRef: { name: `${svc.name}-secrets`, key } } });
  for (const [key, value] of Object.entries(extras.env ?? {})) env.push({ name: key, value });

  const container: Obj = {
    name: svc.name,
    image: IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: [isGateway ? 'gateway/src/main.ts' : `subgraphs/${svc.name}/src/server.ts`],
    ports: [
      { name: 'http', containerPort: svc.port, protocol: 'TCP' },
      { name: 'metrics', containerPort: metricsPort(svc.port), protocol: 'TCP' },
    ],
    envFrom: [{ configMapRef: { name: 'cloudlab-common' } }, ...(isGateway ? [{ configMapRef: { name: 'gateway-subgraphs' } }] : [])],
    env,
    // A subgraph listens only after its migrations (and the demo seed, where enabled): the
    // startup probe gives it up to 5 minutes before liveness counts.
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
    // The gateway's own readiness (supergraph loaded, not draining): `/readyz` without scope also
    // fails while any subgraph is down, which would take every gateway out of its Service at once.
    readinessProbe: { httpGet: { path: isGateway ? '/readyz?scope=self' : '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    resources: isGateway
      ? { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } }
      : { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      ...(isGateway ? [{ name: 'api-keys', mountPath: '/etc/cloudlab/api-keys', readOnly: true }] : []),
    ],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: svc.name, labels: labels(svc.name, component) },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(svc.name) },
      // Surge first, never below the wanted count: old pods leave only once new ones are ready.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(svc.name, component),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(metricsPort(svc.port)),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: svc.name,
          automountServiceAccountToken: false,
          // SHUTDOWN_DELAY_MS + DRAIN_TIMEOUT_MS (cloudlab-common) fit inside the grace period.
          terminationGracePeriodSeconds: 40,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector(svc.name) } },
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector(svc.name) } },
          ],
          containers: [container],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ...(isGateway ? [{ name: 'api-keys', secret: { secretName: 'gateway-api-keys' } }] : []),
          ],
        },
      },
    },
  };
}

function service(svc: { name: string; port: number }, component: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, labels: labels(svc.name, component) },
    spec: {
      selector: selector(svc.name),
      ports: [
        { name: 'http', port: svc.port, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: metricsPort(svc.port), targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

const pdb = (name: string): Obj => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF } },
  spec: { maxUnavailable: 1, selector: { matchLabels: selector(name) } },
});

const serviceAccount = (name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF } },
  automountServiceAccountToken: false,
});

/** Traffic every service sends: Kafka (bootstrap and brokers) and the OpenTelemetry collector. */
const commonEgress: Obj[] = [
  { to: [{ podSelector: { matchLabels: { 'strimzi.io/cluster': 'cloudlab' } } }], ports: [{ protocol: 'TCP', port: 9092 }] },
  { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otel-collector' } } }], ports: [{ protocol: 'TCP', port: 4318 }] },
];

function gatewayPolicy(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'gateway', labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      podSelector: { matchLabels: selector('gateway') },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        // Clients arrive through the ingress controller's namespace.
        { from: [EDGE], ports: [{ protocol: 'TCP', port: GATEWAY.port }] },
        { from: [monitoring], ports: [{ protocol: 'TCP', port: metricsPort(GATEWAY.port) }] },
      ],
      egress: [
        ...SUBGRAPHS.map((s) => ({ to: [podsOf(s.name)], ports: [{ protocol: 'TCP', port: s.port }] })),
        // Redis (APQ, response cache, rate limits): a managed service or the redis namespace.
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'redis' } } }], ports: [{ protocol: 'TCP', port: 6379 }] },
        ...commonEgress,
      ],
    },
  };
}

function subgraphPolicy(s: { name: string; port: number }): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: s.name, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      podSelector: { matchLabels: selector(s.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        // Only the gateway reaches the API (and the Ingress the public paths); Prometheus /metrics.
        { from: [podsOf('gateway')], ports: [{ protocol: 'TCP', port: s.port }] },
        ...(EXTRAS[s.name]?.publicPaths ? [{ from: [EDGE], ports: [{ protocol: 'TCP', port: s.port }] }] : []),
        { from: [monitoring], ports: [{ protocol: 'TCP', port: metricsPort(s.port) }] },
      ],
      egress: [
        { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': dbCluster(s.name) } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        ...commonEgress,
        ...(EXTRAS[s.name]?.egress ?? []),
      ],
    },
  };
}

/** The owner's database accepts its owner, its own instances (replication) and the operator. */
function databasePolicy(s: { name: string }): Obj {
  const cluster = dbCluster(s.name);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: cluster, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      podSelector: { matchLabels: { 'cnpg.io/cluster': cluster } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [podsOf(s.name)], ports: [{ protocol: 'TCP', port: 5432 }] },
        { from: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': cluster } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
        { from: [monitoring], ports: [{ protocol: 'TCP', port: 9187 }] },
      ],
    },
  };
}

/** One CloudNativePG cluster per subgraph database (the database-per-service rule of the repo). */
function database(s: { name: string }): Obj {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: dbCluster(s.name), labels: { 'app.kubernetes.io/name': dbCluster(s.name), 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      instances: 2,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5',
      primaryUpdateStrategy: 'unsupervised',
      // The subgraph connects to the database DB_PREFIX + name, which initdb creates for it.
      bootstrap: { initdb: { database: `cloudlab_${s.name}`, owner: s.name } },
      storage: { size: '10Gi' },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      postgresql: { parameters: { max_connections: '200', shared_buffers: '128MB' } },
      monitoring: { enablePodMonitor: true },
      backup: {
        retentionPolicy: '30d',
        barmanObjectStore: {
          destinationPath: `s3://cloudlab-backups/${dbCluster(s.name)}`,
          s3Credentials: {
            accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: 'backup-s3', key: 'SECRET_ACCESS_KEY' },
          },
          wal: { compression: 'gzip' },
        },
      },
    },
  };
}

const header = '# Generated by `pnpm k8s:generate` (ops/k8s/generate.ts) from kit/src/topology.ts: do not edit.\n';
const doc = (objects: Obj[]) => header + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

/** The generated files under ops/k8s/base, by path (services/*, the collector's config copy). */
export function render(): Map<string, string> {
  const files = new Map<string, string>();
  // kustomize reads nothing outside its root: the collector's config is copied in.
  files.set('platform/otel-collector-config.yaml', `# Copied from ops/observability/otel-collector.yaml by \`pnpm k8s:generate\`: edit that file.\n${readFileSync(COLLECTOR_CONFIG, 'utf8')}`);
  files.set('services/gateway.yaml', doc([serviceAccount('gateway'), deployment(GATEWAY, 'gateway'), service(GATEWAY, 'gateway'), pdb('gateway'), gatewayPolicy(), gatewayConfig(), ...gatewaySecrets(), ingress()]));
  for (const s of SUBGRAPHS) {
    const extras = EXTRAS[s.name]?.secretEnv;
    files.set(`services/${s.name}.yaml`, doc([
      serviceAccount(s.name), deployment(s, 'subgraph'), service(s, 'subgraph'), pdb(s.name), subgraphPolicy(s),
      database(s), databasePolicy(s),
      ...(extras ? [externalSecret(`${s.name}-secrets`, extras)] : []),
    ]));
  }
  files.set('services/kustomization.yaml', header + stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['gateway.yaml', ...SUBGRAPHS.map((s) => `${s.name}.yaml`)],
  }));
  return files;
}

/** The public entry: /graphql (and the web app's API calls) to the gateway, public paths to their subgraph. */
function ingress(): Obj {
  const paths = [
    ...SUBGRAPHS.flatMap((s) => (EXTRAS[s.name]?.publicPaths ?? []).map((p) => ({ path: p, pathType: 'Prefix', backend: { service: { name: s.name, port: { name: 'http' } } } }))),
    { path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } },
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'cloudlab',
      labels: { 'app.kubernetes.io/part-of': PART_OF },
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '1m', 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' },
    },
    spec: {
      ingressClassName: 'nginx',
      // The certificate's Secret is made by cert-manager (the annotation above), not written here.
      tls: [{ hosts: [PUBLIC_HOST], secretName: 'cloudlab-tls' }],
      rules: [{ host: PUBLIC_HOST, http: { paths } }],
    },
  };
}

/** The gateway reaches each subgraph by its Service name (overrides the supergraph's URLs). */
function gatewayConfig(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'gateway-subgraphs', labels: { 'app.kubernetes.io/part-of': PART_OF } },
    data: Object.fromEntries(SUBGRAPHS.map((s) => [`SUBGRAPH_${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`, `http://${s.name}:${s.port}/graphql`])),
  };
}

function gatewaySecrets(): Obj[] {
  return [
    externalSecret('gateway-secrets', { REDIS_URL: 'gateway/redis-url' }),
    // API_KEYS_FILE points at this file (cloudlab-common): hashes of the clients' keys.
    externalSecret('gateway-api-keys', { 'api-keys.json': 'gateway/api-keys-json' }),
  ];
}

if (require.main === module) {
  const files = render();
  mkdirSync(path.join(BASE, 'services'), { recursive: true });
  // A subgraph gone from the topology loses its file.
  for (const f of readdirSync(path.join(BASE, 'services'))) if (!files.has(`services/${f}`)) rmSync(path.join(BASE, 'services', f));
  for (const [name, text] of files) writeFileSync(path.join(BASE, name), text);
  console.log(`ops/k8s/base: ${[...files.keys()].join(', ')}`);
}

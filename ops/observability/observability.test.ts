/**
 * The observability pack, checked offline: alert rules with promtool (PROMTOOL, else promtool on
 * PATH: Debian's `prometheus` package, ops/services/promtool.sh; skipped with the reason when
 * absent), their unit tests, the scrape config, and every metric a dashboard or an alert names is
 * one the code exports (with the labels it has), or one of the few exporters' metrics listed here.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registry } from '../../kit/src/metrics';

const ROOT = path.join(__dirname, '..', '..');
const PROM = path.join(__dirname, 'prometheus');
const DASHBOARDS = path.join(__dirname, 'grafana', 'dashboards');
const RUNBOOKS = path.join(ROOT, 'docs', 'runbooks');

function findPromtool(): { bin?: string; reason?: string } {
  const bin = process.env.PROMTOOL || 'promtool';
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return { reason: `no promtool (${process.env.PROMTOOL ? `PROMTOOL=${process.env.PROMTOOL} fails` : 'not on PATH'}; ops/services/promtool.sh installs it)` };
  return { bin };
}
const promtool = findPromtool();
if (promtool.reason) console.warn(`ops/observability: promtool checks skipped: ${promtool.reason}`);
const run = (args: string[], cwd: string) => spawnSync(promtool.bin!, args, { cwd, encoding: 'utf8' });

type Rule = { alert: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const rules: Rule[] = (parse(readFileSync(path.join(PROM, 'alerts.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboards = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, json: JSON.parse(readFileSync(path.join(DASHBOARDS, f), 'utf8')) }));
const dashboardExprs = dashboards.flatMap((d) => d.json.panels.flatMap((p: any) => p.targets.map((t: any) => ({ where: `${d.file}: ${p.title}`, expr: t.expr as string }))));

/** The metrics the services define (prom-client constructors in the source), with their labels. */
function codeMetrics(): Map<string, { labels: string[]; type: string }> {
  const out = new Map<string, { labels: string[]; type: string }>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) e.name !== 'node_modules' && walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name: '([a-z_:][a-z0-9_:]*)'[\s\S]*?registers/g)) {
          const labels = /labelNames: \[([^\]]*)\]/.exec(m[0])?.[1]?.match(/'[^']+'/g)?.map((s) => s.slice(1, -1)) ?? [];
          out.set(m[2]!, { labels, type: m[1]! });
        }
      }
    }
  };
  for (const dir of ['kit/src', 'gateway/src', 'subgraphs']) walk(path.join(ROOT, dir));
  return out;
}

/**
 * Metrics from outside the code: the collector's span metrics (checked against its config below),
 * CloudNativePG's exporter, Strimzi's JMX exporter rules (ops/k8s/base/platform/kafka.yaml), and
 * Prometheus's own `up`.
 */
const EXTERNAL: Record<string, string> = {
  up: 'Prometheus',
  traces_span_metrics_calls_total: 'OpenTelemetry Collector spanmetrics connector',
  traces_span_metrics_duration_seconds: 'OpenTelemetry Collector spanmetrics connector (histogram unit s)',
  cnpg_pg_replication_lag: 'CloudNativePG default monitoring queries',
  kafka_server_replicamanager_underreplicatedpartitions: 'Strimzi JMX exporter (kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions>)',
};

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);
/** The metric names of a PromQL expression, with the label names its selectors use. */
export function metricsOf(expr: string): { name: string; labels: string[] }[] {
  const out: { name: string; labels: string[] }[] = [];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g)) {
    const [, name, selector, call] = m;
    if (call || KEYWORDS.has(name!.toLowerCase())) continue;
    const labels = [...(selector ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)/g)].map((l) => l[1]!);
    out.push({ name: name!, labels });
  }
  return out;
}

/** Problems with the metrics an expression names: not exported, or a label the metric lacks. */
export function unknownMetrics(expr: string, code = codeMetrics(), defaults = new Set<string>()): string[] {
  const problems: string[] = [];
  // Labels every scraped series gets from the scrape config (relabel_configs), or Prometheus.
  const scrapeLabels = new Set(['job', 'service', 'pod', 'namespace', 'instance', 'cluster']);
  for (const { name, labels } of metricsOf(expr)) {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const defined = code.get(name) ?? (code.get(base)?.type === 'Histogram' || code.get(base)?.type === 'Summary' ? code.get(base) : undefined);
    if (defined) {
      const allowed = new Set([...defined.labels, ...scrapeLabels, ...(name.endsWith('_bucket') ? ['le'] : [])]);
      for (const l of labels) if (!allowed.has(l)) problems.push(`${name}: no label ${l}`);
    } else if (!defaults.has(name) && !EXTERNAL[name] && !EXTERNAL[base]) problems.push(`${name}: not exported by the code`);
  }
  return problems;
}

describe('ops/observability: names the metrics the code exports', () => {
  const code = codeMetrics();
  const defaultsPromise = registry.getMetricsAsJSON().then((all) => new Set(all.map((m) => m.name)));

  it('finds the metrics the services define', () => {
    expect(code.get('cloudlab_saga_step_seconds')).toEqual({ labels: ['step', 'outcome'], type: 'Histogram' });
    expect(code.get('cloudlab_gateway_subgraph_requests_total')?.labels).toEqual(['subgraph']);
    expect(code.size).toBeGreaterThan(25);
  });

  it('the checker catches a metric the code does not export and a label a metric does not have', async () => {
    const defaults = await defaultsPromise;
    expect(unknownMetrics('sum(rate(cloudlab_gateway_requests_total[5m]))', code, defaults)).toEqual(['cloudlab_gateway_requests_total: not exported by the code']);
    expect(unknownMetrics('max by (status) (cloudlab_orders{state="PAID"})', code, defaults)).toEqual(['cloudlab_orders: no label state']);
    expect(unknownMetrics('histogram_quantile(0.9, sum by (le) (rate(cloudlab_saga_step_seconds_bucket{step="x"}[1m])))', code, defaults)).toEqual([]);
  });

  it('every dashboard panel and every alert names only exported metrics and labels', async () => {
    const defaults = await defaultsPromise;
    const problems = [
      ...dashboardExprs.flatMap(({ where, expr }) => unknownMetrics(expr, code, defaults).map((p) => `${where}: ${p}`)),
      ...rules.flatMap((r) => unknownMetrics(r.expr, code, defaults).map((p) => `alert ${r.alert}: ${p}`)),
    ];
    expect(problems).toEqual([]);
    // Each dashboard uses the code's own metrics, not only the collector's.
    for (const d of dashboards) expect(JSON.stringify(d.json), d.file).toMatch(/cloudlab_[a-z_]+/);
  });

  it("the collector derives the span metrics the alerts use (spanmetrics -> prometheus, histogram in seconds)", () => {
    const otel = parse(readFileSync(path.join(__dirname, 'otel-collector.yaml'), 'utf8'));
    expect(otel.connectors.spanmetrics.histogram.unit).toBe('s');
    expect(otel.service.pipelines.traces.exporters).toContain('spanmetrics');
    expect(Object.values(otel.service.pipelines).some((p: any) => p.receivers.includes('spanmetrics') && p.exporters.includes('prometheus'))).toBe(true);
    expect(otel.receivers.otlp.protocols.http.endpoint).toMatch(/:4318$/);
  });

  it('the dashboards are provisionable: unique uids, a Prometheus datasource variable, a query on every panel', () => {
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
    expect(dashboards.map((d) => d.file).sort()).toEqual(['gateway.json', 'read-models.json', 'saga.json']);
    for (const d of dashboards) {
      expect(d.json.templating.list.find((v: any) => v.type === 'datasource')?.query, d.file).toBe('prometheus');
      for (const p of d.json.panels) expect(p.targets.length && p.targets.every((t: any) => t.expr), `${d.file}: ${p.title}`).toBeTruthy();
    }
  });
});

describe('ops/observability: alerts', () => {
  it('every alert has a runbook (what it means, how to look, how to fix) and a promtool unit test', () => {
    const tests = readFileSync(path.join(PROM, 'alerts.test.yaml'), 'utf8');
    for (const r of rules) {
      expect(r.annotations?.runbook_url, r.alert).toBe(`docs/runbooks/${r.alert}.md`);
      const file = path.join(RUNBOOKS, `${r.alert}.md`);
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      for (const section of ['## What it means', '## How to look', '## How to fix']) expect(text, `${r.alert}: ${section}`).toContain(section);
      expect(tests, `${r.alert} has a firing case in alerts.test.yaml`).toMatch(new RegExp(`alertname: ${r.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
    }
  });

  it.skipIf(!promtool.bin)('promtool check rules', () => {
    const out = run(['check', 'rules', 'alerts.yaml'], PROM);
    expect(out.stdout + out.stderr).toContain('SUCCESS');
    expect(out.status).toBe(0);
  });

  it.skipIf(!promtool.bin)('promtool test rules: every alert fires on trouble and not on health', () => {
    const out = run(['test', 'rules', 'alerts.test.yaml'], PROM);
    expect(out.stdout + out.stderr).toContain('SUCCESS');
    expect(out.status).toBe(0);
  });

  it.skipIf(!promtool.bin)('promtool check config (Kubernetes discovery swapped for file discovery: Debian builds promtool without it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-prom-'));
    try {
      cpSync(path.join(PROM, 'alerts.yaml'), path.join(dir, 'alerts.yaml'));
      const config = readFileSync(path.join(PROM, 'prometheus.yml'), 'utf8');
      expect(config).toContain('kubernetes_sd_configs');
      const swapped = config.replace(/kubernetes_sd_configs:\n(\s+)- role: pod\n\s+namespaces:\n\s+names: \[cloudlab\]/g, 'file_sd_configs:\n$1- files: [targets.json]');
      expect(swapped).not.toContain('kubernetes_sd_configs');
      writeFileSync(path.join(dir, 'prometheus.yml'), swapped);
      const out = run(['check', 'config', 'prometheus.yml'], dir);
      expect(out.stdout + out.stderr).toContain('SUCCESS');
      expect(out.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { pinRows, type PinScenario } from './gateway-pin';
import { parseCoreTimes } from './measure';

const summary = (rps: number, p99: number) => ({
  rps,
  latency_ms: { p50: p99 / 4, p95: p99 / 2, p99 },
  errors: 0,
  rounds: [rps],
  cpu: { gateway: 1000 / rps },
  cpu_ms: Math.round((1000 / rps) * 100) / 100,
  core_busy: { cpu0: 1, cpu1: 0.8 },
  subgraph_requests: 5.5,
});

describe('pnpm bench gateway --pin results', () => {
  it('one object per query and connection count, the issue’s fields first, ratios against stock and Hive + Rust planner', () => {
    const scenarios: PinScenario[] = [
      { query: 'Heavy', connections: 10, loadavg: 1.5, results: { cloudlab: summary(400, 50), stock: summary(100, 200), hive: summary(80, 300), hive_rust: summary(200, 100) } },
      { query: 'Heavy', connections: 100, loadavg: 1.7, results: { cloudlab: summary(300, 500), stock: summary(100, 2000), hive: summary(60, 2500), hive_rust: summary(400, 400) } },
    ];
    const rows = pinRows(scenarios, { rss: { cloudlab: 390, stock: 380, hive: 1000, hive_rust: 550 }, fetches: { Heavy: { cloudlab: 7, stock: 16, hive: 7, hive_rust: 7 } } });

    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!).slice(0, 9)).toEqual(['query', 'connections', 'cloudlab_rps', 'stock_rps', 'hive_rps', 'hive_rust_rps', 'cloudlab_p99_ms', 'stock_p99_ms', 'hive_rust_p99_ms']);
    expect(rows[0]).toMatchObject({ query: 'Heavy', connections: 10, cloudlab_rps: 400, stock_rps: 100, hive_rps: 80, hive_rust_rps: 200, cloudlab_p99_ms: 50, stock_p99_ms: 200, hive_rust_p99_ms: 100 });
    expect(rows[0]).toMatchObject({ cloudlab_vs_stock: 4, cloudlab_vs_hive_rust: 2, subgraph_requests_per_op: { stock: 16 }, peak_rss_mb: { hive: 1000 }, loadavg_1m: 1.5 });
    expect(rows[1]).toMatchObject({ connections: 100, cloudlab_vs_stock: 3, cloudlab_vs_hive_rust: 0.75, loadavg_1m: 1.7 });
    expect(rows[1]!.gateway_cpu_ms_per_req).toEqual({ cloudlab: 3.33, stock: 10, hive: 16.67, hive_rust: 2.5 });
    expect(rows[0]!.subgraph_requests_per_op_under_load).toEqual({ cloudlab: 5.5, stock: 5.5, hive: 5.5, hive_rust: 5.5 });
    expect(rows[0]).not.toHaveProperty('edge_off_rps');
  });

  it('a gateway left out of the run is null, not a made-up figure', () => {
    const [row] = pinRows([{ query: 'Heavy', connections: 10, loadavg: 1, results: { cloudlab: summary(400, 50) } }], { rss: {}, fetches: {} });
    expect(row).toMatchObject({ cloudlab_rps: 400, stock_rps: null, hive_rust_rps: null, cloudlab_vs_stock: null });
  });
});

describe('CPU busy shares from /proc/stat', () => {
  it('counts everything but idle and iowait as busy, per CPU', () => {
    const stat = ['cpu  300 0 100 500 100 0 0 0 0 0', 'cpu0 200 0 50 200 50 0 0 0 0 0', 'cpu1 100 0 50 300 50 0 0 0 0 0', 'intr 1 2 3'].join('\n');
    expect(parseCoreTimes(stat)).toEqual({ cpu0: { busy: 250, total: 500 }, cpu1: { busy: 150, total: 500 } });
  });
});

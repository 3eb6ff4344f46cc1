import { describe, expect, it } from 'vitest';
import { tracingEnabled } from './index';

describe('tracingEnabled', () => {
  it('is off by default: nothing to export to, nothing loaded', () => {
    expect(tracingEnabled({})).toBe(false);
  });
  it('is on when an OTLP endpoint is set (either variable)', () => {
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
  });
  it('OTEL_SDK_DISABLED=false forces it on; =true wins over an endpoint', () => {
    expect(tracingEnabled({ OTEL_SDK_DISABLED: 'false' })).toBe(true);
    expect(tracingEnabled({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(false);
  });
});

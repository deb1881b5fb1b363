import { quietPathsOf } from './access-log';
import { MetricsListener } from './metrics-listener';
import { MetricsService } from './metrics.service';
import type { ObservabilityModuleOptions } from './observability.options';

const options: ObservabilityModuleOptions = {
  service: 'console-gateway',
  instanceId: 'i',
  level: 'log',
  metricsListener: { port: 0, host: '127.0.0.1' },
};

describe('MetricsListener', () => {
  const metrics = new MetricsService(options);
  const listener = new MetricsListener(metrics, options);
  let url: string;

  beforeAll(async () => {
    await listener.onApplicationBootstrap();
    url = `http://127.0.0.1:${listener.address()?.port}`;
  });

  afterAll(async () => {
    await listener.onApplicationShutdown();
  });

  it('serves the registry at GET /metrics in the Prometheus text format', async () => {
    metrics.httpDuration.observe({ method: 'GET', route: '/api/v1/users/:id', status: '200' }, 0.01);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.registry.contentType);
    const text = await response.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{service="console-gateway",method="GET",route="\/api\/v1\/users\/:id",status="200"\} 1/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers 404 to any other path or method', async () => {
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/users`)).status).toBe(404);
    expect((await fetch(`${url}/metrics/x`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('stops the boot when its port is taken', async () => {
    const second = new MetricsListener(metrics, { ...options, metricsListener: { port: listener.address()?.port ?? 0, host: '127.0.0.1' } });
    await expect(second.onApplicationBootstrap()).rejects.toThrow(/EADDRINUSE/);
  });

  it('closes with the app, kept-alive scrape connections included', async () => {
    const closing = new MetricsListener(metrics, options);
    await closing.onApplicationBootstrap();
    const closingUrl = `http://127.0.0.1:${closing.address()?.port}/metrics`;
    expect((await fetch(closingUrl)).status).toBe(200);

    await closing.onApplicationShutdown();
    expect(closing.address()).toBeUndefined();
    await expect(fetch(closingUrl)).rejects.toThrow();
  });
});

describe('access logs', () => {
  const logs = (appOptions: ObservabilityModuleOptions, url: string): boolean => !quietPathsOf(appOptions).test(url);

  it('leaves out probes and scrapes where metrics are served on the app port', () => {
    const service = { ...options, metricsListener: undefined };
    expect(logs(service, '/health/ready')).toBe(false);
    expect(logs(service, '/metrics')).toBe(false);
  });

  it('logs /metrics on the app port as the unknown route it is where metrics have their own listener', () => {
    expect(logs(options, '/health/ready')).toBe(false);
    expect(logs(options, '/metrics')).toBe(true);
  });
});

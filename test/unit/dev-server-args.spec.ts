import { devServerArgs, devServerEnv } from '../../src/dev/dev-server';

describe("the dev server's command line", () => {
  const args = devServerArgs({ cliPath: '/bin/temporal', port: 7233, namespace: 'default', searchAttributes: {}, log: () => undefined });
  const dynamic = args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));

  it("turns on Temporal's fairness, so that the environments' fairness keys are honoured", () => {
    expect(dynamic).toContain('matching.enableFairness=true');
  });

  it('keeps one task queue partition and eager activities', () => {
    expect(dynamic).toEqual(
      expect.arrayContaining(['system.enableActivityEagerExecution=true', 'matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1']),
    );
  });
});

describe("the dev server's environment", () => {
  it("leaves out the service's OpenTelemetry settings (the server refuses OTEL_TRACES_EXPORTER=console) and keeps the rest", () => {
    const env = devServerEnv({ PATH: '/usr/bin', HOME: '/root', OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root' });
  });
});

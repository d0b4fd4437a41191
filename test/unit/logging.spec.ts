import { Writable } from 'node:stream';
import { createAppLogger } from '../../src/observability/logger';
import { TemporalLogger } from '../../src/runtime/temporal-runtime';

/** A logger writing JSON lines into `lines`. */
function capture(level: 'log' | 'debug' = 'log', format: 'json' | 'text' = 'json') {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString('utf8'));
      if (format === 'json') for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, text, logger: createAppLogger({ level, format }, sink) };
}

describe('the process logger', () => {
  it('redacts tokens, signing keys, authorization headers and event data, at the top and one level down', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        authorization: 'Bearer pwh_secret',
        token: 'pwh_secret',
        signatureKey: 'whsec_secret',
        data: { card: '4111' },
        meta: { secrets: ['whsec_secret'], dataJson: '{"card":"4111"}', adminToken: 'adm_x' },
        req: { headers: { authorization: 'Bearer adm_secret', cookie: 'c' } },
        notificationId: 'ntf_1',
      },
      'something happened',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/pwh_secret|whsec_secret|adm_secret|4111|adm_x/);
    expect(lines[0]).toMatchObject({ token: '[redacted]', data: '[redacted]', notificationId: 'ntf_1', msg: 'something happened' });
  });

  it('puts Nest’s start-up lines (modules, route mappings) at debug', () => {
    const { lines, logger } = capture();
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/events, POST} route');
    logger.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    logger.info({ context: 'api' }, 'listening');
    expect(lines.map((l) => l.msg)).toEqual(['listening']);
    const verbose = capture('debug');
    verbose.logger.info({ context: 'RouterExplorer' }, 'Mapped {/events, POST} route');
    expect(verbose.lines).toMatchObject([{ level: 20, msg: 'Mapped {/events, POST} route' }]);
  });

  it('writes readable lines unless LOG_FORMAT=json, redacted alike', () => {
    const { text, logger } = capture('log', 'text');
    logger.info({ context: 'main', notificationId: 'ntf_1', token: 'pwh_secret' }, 'hello');
    const written = text.join('');
    expect(written).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[main\] hello .*"notificationId":"ntf_1"/);
    expect(written).not.toContain('pwh_secret');
    expect(() => JSON.parse(written)).toThrow();
  });
});

describe('the Temporal SDK’s logs', () => {
  it('go to the process logger, a delivery’s lines naming the notification, routine INFO at debug', () => {
    const { lines, logger } = capture();
    const temporal = new TemporalLogger(logger);
    temporal.warn('Activity failed', {
      sdkComponent: 'worker',
      workflowType: 'deliverNotification',
      workflowId: 'ntf_42',
      error: new Error('attempt 2 → HTTP 500'),
    });
    temporal.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    temporal.info('Workflow bundle created', { size: '1MB' });
    temporal.error('connection lost', { sdkComponent: 'core' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, context: 'temporal:worker', notificationId: 'ntf_42', error: 'attempt 2 → HTTP 500', msg: 'Activity failed' }),
      expect.objectContaining({ level: 50, context: 'temporal:core', msg: 'connection lost' }),
    ]);
  });
});

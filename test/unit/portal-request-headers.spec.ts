import type { AttemptResponse } from '../../src/notifications/attempt.dto';
import { requestHeaderLines } from '../../src/portal/notifications/request-headers';

const attempt = (requestHeaders: Record<string, string> | null): AttemptResponse => ({
  number: 1,
  url: 'https://receiver.example/hooks',
  startedAt: '2026-12-06T10:00:00.750Z',
  endedAt: '2026-12-06T10:00:01.000Z',
  durationMs: 250,
  succeeded: true,
  statusCode: 200,
  error: null,
  responseBody: 'ok',
  retryAfterMs: null,
  nextAttemptAt: null,
  trigger: 'initial',
  requestHeaders,
});

describe('the portal’s request headers of an attempt', () => {
  it('shows the recorded headers as sent, the signature included, in a reader’s order and any other after them by name', () => {
    const sent = {
      'webhook-signature': 'v1,abc= v1,def=',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'x-other': '1',
      'webhook-timestamp': '1765015200',
      'webhook-id': 'ntf_1',
      'user-agent': 'plude-webhooks',
      'content-type': 'application/json',
      'webhook-test': 'true',
    };
    expect(requestHeaderLines({ id: 'ntf_1', test: true }, attempt(sent))).toEqual([
      'POST https://receiver.example/hooks',
      'content-type: application/json',
      'user-agent: plude-webhooks',
      'webhook-id: ntf_1',
      'webhook-timestamp: 1765015200',
      'webhook-signature: v1,abc= v1,def=',
      'webhook-test: true',
      'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'x-other: 1',
    ]);
  });

  it('says "not recorded" only for an attempt stored before headers were, and tells what its record does', () => {
    expect(requestHeaderLines({ id: 'ntf_1', test: false }, attempt(null))).toEqual([
      'POST https://receiver.example/hooks',
      'content-type: application/json',
      'webhook-id: ntf_1',
      'webhook-timestamp: 1796551200', // the attempt's start, in seconds
      'webhook-signature: (not recorded with the attempt)',
    ]);
    expect(requestHeaderLines({ id: 'ntf_1', test: true }, attempt(null)).at(-1)).toBe('webhook-test: true');
    expect(requestHeaderLines({ id: 'ntf_1', test: false }, attempt({ 'webhook-signature': 'v1,abc=' })).join('\n')).not.toContain('not recorded');
  });
});

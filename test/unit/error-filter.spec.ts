import { type ArgumentsHost, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ErrorFilter, statusFor } from '../../src/api/error.filter';
import { DomainError, rateLimited } from '../../src/domain/errors';

/** Just enough of Express's response for the filter: what it answered, and res.locals with the request ID. */
function fakeHost(requestId = 'req-123') {
  const sent: { status?: number; body?: unknown; headers?: Record<string, string> } = {};
  const response = {
    locals: { requestId },
    setHeader(name: string, value: string) {
      sent.headers = { ...sent.headers, [name]: value };
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const request = { body: { secret: 'whsec_payload-secret' } };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ErrorFilter', () => {
  it('maps domain errors through the one map, 415 included, without logging them', () => {
    const lines: string[] = [];
    const { host, sent } = fakeHost();
    new ErrorFilter({ error: (line: string) => lines.push(line) }).catch(new DomainError('unsupported_media_type', 'send JSON'), host);
    expect(sent).toEqual({ status: 415, body: { statusCode: 415, error: 'unsupported_media_type', message: 'send JSON' } });
    expect(statusFor('unsupported_media_type')).toBe(415);
    expect(lines).toEqual([]);
  });

  it('answers 422 for unprocessable input, with the reasons one by one when the error lists them', () => {
    const { host, sent } = fakeHost();
    const errors = [{ instancePath: '/amount', keyword: 'type', message: 'must be integer' }];
    new ErrorFilter({ error: () => undefined }).catch(new DomainError('unprocessable', 'data does not match', { errors, kind: 'hidden' }), host);
    expect(sent).toEqual({ status: 422, body: { statusCode: 422, error: 'unprocessable', message: 'data does not match', errors } });
  });

  it('answers 429 with a Retry-After header of whole seconds for a rate limit, and sets no header on other errors', () => {
    const { host, sent } = fakeHost();
    new ErrorFilter({ error: () => undefined }).catch(rateLimited('too many requests for this API token', 2), host);
    expect(sent).toEqual({
      status: 429,
      headers: { 'Retry-After': '2' },
      body: { statusCode: 429, error: 'rate_limited', message: 'too many requests for this API token' },
    });
    const other = fakeHost();
    new ErrorFilter({ error: () => undefined }).catch(new DomainError('conflict', 'taken', { retryAfterSeconds: 'soon' }), other.host);
    expect(other.sent.headers).toBeUndefined();
  });

  it('answers 500 to anything else and logs it once, with the request ID and without the body', () => {
    const lines: string[] = [];
    const { host, sent } = fakeHost('req-abc');
    new ErrorFilter({ error: (line: string) => lines.push(line) }).catch(new TypeError('boom'), host);
    expect(sent).toEqual({ status: 500, body: { statusCode: 500, error: 'internal', message: 'internal error' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^request req-abc failed: TypeError: boom/);
    expect(lines[0]).not.toContain('whsec_payload-secret');
  });

  it("answers a library's 5xx with its status and no message of its own: a dependency's error text goes to the log only", () => {
    const lines: string[] = [];
    const { host, sent } = fakeHost();
    new ErrorFilter({ error: (line: string) => lines.push(line) }).catch(new ServiceUnavailableException('connect ECONNREFUSED 10.0.0.7:7233'), host);
    expect(sent).toEqual({ status: 503, body: { statusCode: 503, error: 'unavailable', message: 'internal error' } });
    expect(lines.join('\n')).toContain('ECONNREFUSED 10.0.0.7:7233');
  });

  it('logs a failed query by its SQLSTATE, not its message, which can quote a parameter', () => {
    const lines: string[] = [];
    const driverError = Object.assign(new Error('invalid input syntax for type integer: "pwh_secret-token"'), { code: '22P02' });
    const { host } = fakeHost();
    new ErrorFilter({ error: (line: string) => lines.push(line) }).catch(new QueryFailedError('SELECT $1::int', ['pwh_secret-token'], driverError), host);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/QueryFailedError \(SQLSTATE 22P02\)/);
    expect(lines[0]).not.toContain('pwh_secret-token');
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'a server shutting down (57P01)',
      new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ],
    ['a connection exception (08006)', new QueryFailedError('SELECT 1', [], Object.assign(new Error('connection failure'), { code: '08006' }))],
    ['a connection lost mid-query', new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly'))],
    ['a checkout that timed out', new Error('timeout exceeded when trying to connect')],
  ])('answers 503 with Retry-After when the database is unavailable: %s', (_, exception) => {
    const lines: string[] = [];
    const { host, sent } = fakeHost();
    new ErrorFilter({ error: (line: string) => lines.push(line) }).catch(exception, host);
    expect(sent).toEqual({
      status: 503,
      headers: { 'Retry-After': '2' },
      body: { statusCode: 503, error: 'unavailable', message: 'the database is unavailable; retry the request later' },
    });
    expect(lines).toHaveLength(1);
  });

  it('still answers 500 to a query that was wrong (a constraint, a syntax error)', () => {
    const { host, sent } = fakeHost();
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    new ErrorFilter({ error: () => undefined }).catch(new QueryFailedError('INSERT', [], driverError), host);
    expect(sent.status).toBe(500);
  });
});

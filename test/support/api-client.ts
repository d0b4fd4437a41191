import { servedOnAdminListener } from '../../src/app/admin-listener';
// Answers are read as the API gives them, loosely: test/e2e/api/openapi.e2e.spec.ts checks their shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A thin HTTP client for the API under test, speaking the same headers as the integrators' curl. `adminUrl`: the
 * app's admin listener (ADMIN_PORT), where the paths it serves go instead of `baseUrl`.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly auth: { token?: string; environment?: string; version?: string } = {},
    readonly adminUrl: string | null = null,
  ) {}

  as(auth: { token?: string; environment?: string; version?: string }): ApiClient {
    return new ApiClient(this.baseUrl, auth, this.adminUrl);
  }

  /** Where a request for `path` goes: the admin listener for the admin routes, /metrics and /docs when there is one. */
  urlOf(path: string): string {
    const base = this.adminUrl !== null && servedOnAdminListener(path.split('?')[0]) ? this.adminUrl : this.baseUrl;
    return `${base}${path}`;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as ApiResponse's default
  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const encoded = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await this.send(method, path, encoded, { 'content-type': 'application/json', ...headers });
    return { status: response.status, body: response.text ? JSON.parse(response.text) : undefined, headers: response.headers };
  }

  /**
   * The body exactly as given, with the auth headers and `headers` only: no Content-Type unless given (fetch adds
   * text/plain to a string body, and none to a Uint8Array). The answer as text.
   */
  async send(method: string, path: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}) {
    const all: Record<string, string> = { ...headers };
    if (this.auth.token !== undefined) all.authorization = `Bearer ${this.auth.token}`;
    if (this.auth.environment !== undefined) all['x-environment'] = this.auth.environment;
    if (this.auth.version !== undefined) all['x-version'] = this.auth.version;
    const response = await fetch(this.urlOf(path), { method, headers: all, body: asBody(body) });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  subscribe(url: unknown, eventTypes?: string[]) {
    return this.request('PUT', '/webhooks/subscribe', eventTypes ? { url, eventTypes } : { url });
  }

  publish(type: string, data: unknown, idempotencyKey?: string) {
    return this.request('POST', '/events', { type, data }, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }
}

/**
 * A request body as fetch's types take it: a byte array is copied into one that owns a plain ArrayBuffer (the DOM's
 * BodyInit, which the portal's Preact types bring in, does not take a view of a SharedArrayBuffer).
 */
export const asBody = (body: string | Uint8Array | undefined): string | Uint8Array<ArrayBuffer> | undefined =>
  body === undefined || typeof body === 'string' ? body : new Uint8Array(body);

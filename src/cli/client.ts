import { ApiError, CliError } from './errors';
import type { Settings } from './settings';

export const API_VERSION = '2022-03';
const TIMEOUT_MS = 30_000;

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, as JSON (the user's own text: its numbers and key order kept). */
  jsonText?: string;
  headers?: Record<string, string>;
  /** Receives the answer's text before it is parsed. */
  onText?: (text: string) => void;
}

/** A path segment: IDs and names go into paths encoded. */
export const segment = (value: string) => encodeURIComponent(value);

/**
 * The command-line tool's one way to plude-webhooks: its HTTP API, with the environment's integrator token (`api`),
 * the service token (`service`) or the admin token (`admin`), exactly as a curl would call it. Never the database.
 */
export class PludeClient {
  constructor(
    readonly settings: Settings,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** A route outside /admin: Authorization with the integrator's API token, X-environment, X-version. */
  api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.withToken<T>(this.settings.token(), method, path, options);
  }

  /** Like `api`, with the service token: publishing events, declaring event types. */
  service<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.withToken<T>(this.settings.serviceToken(), method, path, options);
  }

  private withToken<T>(token: string, method: string, path: string, options: RequestOptions): Promise<T> {
    const headers = {
      authorization: `Bearer ${token}`,
      'x-environment': this.settings.environment,
      'x-version': API_VERSION,
      ...options.headers,
    };
    return this.send<T>(method, path, headers, options);
  }

  /** Like `api`, and the answer's text as well: JSON whose numbers and key order must stay as they are (event data). */
  async apiText<T = unknown>(method: string, path: string): Promise<{ value: T; text: string }> {
    let text = '';
    const value = await this.api<T>(method, path, { onText: (received) => (text = received) });
    return { value, text };
  }

  /** An /admin route, with the admin token. */
  admin<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.adminRoute<T>(this.settings.adminToken(), method, path, options);
  }

  /** An /admin route that a service token may also call (portal links, with the `portal` scope): with the service token. */
  adminAsService<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.adminRoute<T>(this.settings.serviceToken(), method, path, options);
  }

  private adminRoute<T>(token: string, method: string, path: string, options: RequestOptions): Promise<T> {
    return this.send<T>(method, path, { authorization: `Bearer ${token}`, ...options.headers }, options);
  }

  private async send<T>(method: string, path: string, headers: Record<string, string>, options: RequestOptions): Promise<T> {
    const url = `${this.settings.url}${path}`;
    const body = encode(options);
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw unreachable(this.settings.url, err);
    }
    const text = await response.text();
    options.onText?.(text);
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = parsed as { error?: unknown; message?: unknown } | undefined;
      const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200) || response.statusText;
      throw new ApiError(response.status, typeof error?.error === 'string' ? error.error : undefined, message);
    }
    return parsed as T;
  }
}

const encode = (options: RequestOptions) => options.jsonText ?? (options.body === undefined ? undefined : JSON.stringify(options.body));

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function unreachable(url: string, err: unknown): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = (err as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
  return new CliError(`cannot reach the API at ${url} (${why}): is npm start running? PLUDE_URL or --url names another address`);
}

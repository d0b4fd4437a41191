import type { TestApp } from './test-app';

/** A page as the portal answered it. */
export interface PortalAnswer {
  status: number;
  html: string;
  headers: Headers;
}

/** The CSRF token the last page's forms carry (`<input type="hidden" name="_csrf" value="…">`). */
export const csrfTokenIn = (html: string): string => {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the page has no form with a CSRF token');
  return match[1];
};

/**
 * A reader of the portal without a browser: it keeps the session cookie, follows no redirect by itself, and posts
 * forms with the CSRF token of the last page it read (or the one given).
 */
export class PortalReader {
  private cookie: string | undefined;
  private lastHtml = '';

  constructor(readonly baseUrl: string) {}

  /** Opens a link, as a browser does: the cookie it sets is kept. */
  async open(linkUrl: string): Promise<PortalAnswer> {
    return this.get(linkUrl.slice(new URL(linkUrl).origin.length));
  }

  async get(path: string): Promise<PortalAnswer> {
    return this.send('GET', path);
  }

  /** Posts a form; `_csrf` is the last page's unless `fields` names one. */
  async post(path: string, fields: Record<string, string> = {}): Promise<PortalAnswer> {
    const form = new URLSearchParams({ _csrf: this.lastHtml.includes('name="_csrf"') ? csrfTokenIn(this.lastHtml) : '', ...fields });
    return this.send('POST', path, form);
  }

  /** Posts the sign-in form with `token` (no session yet, so no CSRF token), with the headers a browser adds (Origin). */
  async signIn(token: string, headers: Record<string, string> = {}): Promise<PortalAnswer> {
    return this.send('POST', '/portal/sign-in', new URLSearchParams({ token }), headers);
  }

  private async send(method: string, path: string, form?: URLSearchParams, extra: Record<string, string> = {}): Promise<PortalAnswer> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: form, redirect: 'manual' });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('plude_portal='));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const html = await response.text();
    if (response.status === 200) this.lastHtml = html;
    return { status: response.status, html, headers: response.headers };
  }
}

/** A one-time link into `environmentId`'s portal, from the admin API. */
export async function portalLink(app: TestApp, environmentId: string, ttl?: string): Promise<{ id: string; url: string; expiresAt: string }> {
  const answer = await app.admin.request<{ id: string; url: string; expiresAt: string }>(
    'POST',
    `/admin/environments/${environmentId}/portal-sessions`,
    ttl ? { ttl } : {},
  );
  if (answer.status !== 201) throw new Error(`portal link: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A reader signed in to `environmentId`'s portal by a link. */
export async function signedInReader(app: TestApp, environmentId: string): Promise<PortalReader> {
  const reader = new PortalReader(app.api.url);
  const opened = await reader.open((await portalLink(app, environmentId)).url);
  if (opened.status !== 200) throw new Error(`opening a portal link answered ${opened.status}`);
  return reader;
}

/**
 * What an API token may do (issue 19). A route needs one of the scopes it names; a token holds a set of them.
 * - `subscriptions`: the integrator's own: subscribe; list, change, pause and delete subscriptions; rotate keys;
 *   read events, notifications and attempts; redeliver; recover.
 * - `publish`: the platform's services: POST /events, and read events and notifications.
 * - `catalog`: declare and archive event types.
 * - `portal`: the platform's: open (and revoke) integrator portal sessions of the environments a service token may
 *   use. Apart from `publish`: a portal session holds `subscriptions` (it reveals signing keys), which a service
 *   token never holds, so only a token its issuer meant for that may hand one out.
 */
export const SCOPES = ['subscriptions', 'publish', 'catalog', 'portal'] as const;
export type Scope = (typeof SCOPES)[number];

/** What an environment's token gets when its issuer names none: the integrator's token. */
export const DEFAULT_ENVIRONMENT_SCOPES: readonly Scope[] = ['subscriptions'];
/** An environment's token may hold these; `catalog` belongs to the platform (service tokens). */
export const ENVIRONMENT_SCOPES: readonly Scope[] = ['subscriptions', 'publish'];
/**
 * A service token may hold these: it publishes, declares and hands out portal links, never subscribes itself (so it
 * never sees a signing key).
 */
export const SERVICE_SCOPES: readonly Scope[] = ['publish', 'catalog', 'portal'];

export const isScope = (value: unknown): value is Scope => (SCOPES as readonly unknown[]).includes(value);

/**
 * Why a token holding `held` may not use `route` (`POST /events`), which accepts any of `accepted`; null when it may.
 * The message names the scope(s) the route needs.
 */
export function scopeRefusal(held: readonly Scope[], accepted: readonly Scope[], route: string): string | null {
  if (accepted.some((scope) => held.includes(scope))) return null;
  const needed = accepted.length === 1 ? `the ${accepted[0]} scope` : `one of the scopes ${accepted.join(', ')}`;
  return `this API token lacks ${needed}, which ${route} requires (it holds: ${held.join(', ') || 'none'})`;
}

/**
 * The scopes a request asks for, checked against what the kind of token may hold; an error message, or the
 * scopes sorted in SCOPES' order without duplicates.
 */
export function checkScopes(requested: readonly unknown[], allowed: readonly Scope[], kind: string): { scopes: Scope[] } | { error: string } {
  const unknown = requested.filter((scope) => !isScope(scope));
  if (unknown.length > 0) return { error: `scopes: unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}; the scopes are ${SCOPES.join(', ')}` };
  const refused = requested.filter((scope) => !allowed.includes(scope as Scope));
  if (refused.length > 0) return { error: `scopes: ${kind} cannot hold ${[...new Set(refused)].join(', ')}; it may hold ${allowed.join(', ')}` };
  if (requested.length === 0) return { error: 'scopes: name at least one scope' };
  return { scopes: SCOPES.filter((scope) => requested.includes(scope)) };
}
